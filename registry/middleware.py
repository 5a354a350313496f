"""Turn domain errors that escape a page view into the right page, never a 500."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from registry.errors import DomainError, NotFound, PermissionDenied


class DomainErrorMiddleware:
    """Pages handle the errors they expect; this is the net under them.

    NotFound and PermissionDenied become the 404 and 403 pages; any other domain error
    (a refused transition, bad input) goes back where the user came from with a message.
    The API has its own handler (registry.api.base.exception_handler).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, DomainError) or request.path.startswith("/api/"):
            return None
        if isinstance(exception, NotFound):
            return render(request, "404.html", status=404)
        if isinstance(exception, PermissionDenied):
            return render(request, "403.html", {"exception": exception}, status=403)
        messages.error(request, str(exception.message))
        back = request.META.get("HTTP_REFERER", "")
        if back and url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return HttpResponseRedirect(back)
        return render(
            request,
            "registry/domain_error.html",
            {"exception": exception, "status": exception.status},
            status=exception.status,
        )


def _has_nul(querydict) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in querydict.lists()
    )


class NulByteMiddleware:
    """A NUL character in a query string or a form is a 400, before any view sees it.

    PostgreSQL cannot store or compare text with NUL (psycopg raises, and the request became
    a 500: ``/api/v1/work-items/verify/?number=a%00b``). No field of the portal takes one,
    so the input layer refuses it once for every page and endpoint. In JSON bodies DRF's
    CharField refuses it (ProhibitNullCharactersValidator)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            has_nul = (
                "\x00" in request.path
                or _has_nul(request.GET)
                or (
                    request.method == "POST"
                    and request.content_type
                    in ("application/x-www-form-urlencoded", "multipart/form-data")
                    and _has_nul(request.POST)
                )
            )
        except (SuspiciousOperation, MultiPartParserError) as exc:
            # Too many form fields, a body too big or a broken multipart body, found while
            # reading the form here: on the API the contract's JSON, not Django's HTML.
            if not request.path.startswith("/api/"):
                raise
            too_large = isinstance(exc, RequestDataTooBig)
            return JsonResponse(
                {
                    "detail": _("The request body is too large.")
                    if too_large
                    else _("The request is malformed."),
                    "code": "too_large" if too_large else "malformed",
                },
                status=413 if too_large else 400,
            )
        if has_nul:
            message = _("The request contains a NUL character, which no field accepts.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message, "code": "invalid"}, status=400)
            return render(
                request,
                "registry/domain_error.html",
                {"exception": {"message": message}, "status": 400},
                status=400,
            )
        return self.get_response(request)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on what a signed-in user sees and on the API.

    A signed-in page or an API answer carries personal data (names, ID numbers masked or
    not, a community's tasks): no browser cache, shared computer or proxy may keep a copy
    after the user signs out. Public pages (the sign-in page, lookups, static files) stay
    cacheable; a response that already says how it may be cached is left alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        personal = request.path.startswith("/api/") or (user is not None and user.is_authenticated)
        if personal and not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True, private=True)
        return response


class PasswordChangeRequiredMiddleware:
    """An account created with a generated one-time password must choose its own first.

    Until it does, every page sends it to the password page (the API answers 403 with
    code ``password_change_required``); signing out, static files and the health check
    stay reachable.
    """

    ALLOWED_PREFIXES = (
        "/accounts/password/",
        "/accounts/logout/",
        "/static/",
        "/healthz",
        "/i18n/",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path.startswith(self.ALLOWED_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "detail": _("Choose a new password before using the portal."),
                        "code": "password_change_required",
                    },
                    status=403,
                )
            if request.headers.get("HX-Request"):
                # A fragment the page loads (the notification badge): nothing to show yet;
                # redirected, htmx would paste the whole password page into the header.
                return HttpResponse(status=204)
            from django.urls import reverse

            return HttpResponseRedirect(reverse("password-change-required"))
        return self.get_response(request)
