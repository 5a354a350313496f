"""Turn domain errors that escape a page view into the right page, never a 500."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

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
