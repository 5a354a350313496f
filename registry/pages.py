"""Page glue shared by every app's views: the few things each view module used to write
for itself.

- ``require(request, *actions)``: 403 unless the user may do one of the actions at all
  (object-level scope is the selectors' job).
- ``paginate(request, items, size)``: the ``?page=`` of a list, clamped to what exists.
- ``safe_next(request, default)``: where to go after a POST, never off-site.
- ``filtered(request, selector, **kwargs)``: the list a page shows, filtered by the
  selector's FilterSet from ``request.GET`` (the same FilterSet as the API); a bad filter
  value is a message above the unfiltered list, never an error page.
- ``show_error(request, exc, form=None)``: put a service's refusal on the page (a message,
  and its per-field errors on the form's fields); returns the HTTP status to answer with.
  PermissionDenied and NotFound are re-raised so the 403/404 pages show.
- ``qr_svg(url)``: the verification QR code every printable notice carries.
"""

from __future__ import annotations

import segno
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Page
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from registry import permissions
from registry.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from registry.paginators import CappedPaginator

PAGE_SIZE = 25


def require(request: HttpRequest, *actions: str) -> None:
    if not permissions.may_any(request.user, *actions):
        raise DjangoPermissionDenied()


def paginate(
    request: HttpRequest, items, size: int = PAGE_SIZE, *, count: int | None = None
) -> Page:
    """One page of ``items``; the count stops at 10,000 ("10,000+", registry/paginators.py).
    ``count``: how many ``items`` are, when the page has already counted them."""
    return CappedPaginator(items, size, known_count=count).get_page(request.GET.get("page"))


def filtered(request: HttpRequest, selector, filters=None, **kwargs):
    """``selector(filters=request.GET, **kwargs)``. The selector applies its FilterSet,
    so a page filters exactly as the API does; ``filters`` replaces ``request.GET`` where
    a page translates its own tabs first. A value the FilterSet refuses (a hand-edited
    URL, an old bookmark) is said in a message and the list is shown unfiltered: the API
    answers 400, but a page that only says "bad request" would leave the person stuck."""
    try:
        return selector(filters=request.GET if filters is None else filters, **kwargs)
    except InvalidInput as exc:
        problems = [str(m) for ms in (exc.extra.get("fields") or {}).values() for m in ms]
        messages.error(
            request,
            _("A filter was not understood and is not applied: %(problems)s")
            % {"problems": " ".join(problems) or str(exc.message)},
        )
        return selector(**kwargs)


def safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def add_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Attach a service's field errors to the form's fields (``show_error`` puts the
    message itself at the top of the page)."""
    for name, field_messages in (exc.extra.get("fields") or {}).items():
        if name in form.fields and name not in form.errors:
            form.add_error(name, field_messages)


def show_error(request: HttpRequest, exc: DomainError, form: forms.Form | None = None) -> int:
    """A service refused: say why on the page; return the status to answer with."""
    if isinstance(exc, PermissionDenied | NotFound):
        raise exc
    messages.error(request, str(exc.message))
    if form is not None:
        add_domain_error(form, exc)
    return exc.status


def qr_svg(url: str) -> str:
    """An inline SVG QR code (no image file, no network): prints sharp at any size. The
    markup is segno's own, so callers may mark it safe."""
    return segno.make(url, error="m").svg_inline(scale=4, border=2, title=url)
