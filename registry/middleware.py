"""Turn domain errors that escape a page view into the right page, never a 500."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
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
        if (
            "\x00" in request.path
            or _has_nul(request.GET)
            or (
                request.method == "POST"
                and request.content_type
                in ("application/x-www-form-urlencoded", "multipart/form-data")
                and _has_nul(request.POST)
            )
        ):
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
