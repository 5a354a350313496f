"""Pages of notifications: what was sent to the organisations the user belongs to."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from registry import pages, selectors
from registry.errors import NotFound
from registry.services.notifications import notifications_mark_read

PAGE_SIZE = 20


@login_required
@require_GET
def notification_index(request: HttpRequest) -> HttpResponse:
    """Newest first; unread ones stand out and can be marked read."""
    notifications = pages.filtered(request, selectors.notification_list, user=request.user)
    page = pages.paginate(request, notifications, PAGE_SIZE)
    return render(
        request,
        "registry/notifications/index.html",
        {
            "title": _("Notifications"),
            "page_obj": page,
            "unread_only": request.GET.get("unread") in ("1", "true"),
            "unread": selectors.notification_unread_count(user=request.user),
        },
    )


@login_required
@require_POST
def notification_mark_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification (``id``) or all of them (no ``id``) read."""
    raw = request.POST.get("id")
    if raw:
        try:
            ids: list[int] | None = [int(raw)]
        except ValueError:
            raise NotFound() from None
    else:
        ids = None
    changed = notifications_mark_read(actor=request.user, notification_ids=ids)
    if ids is None:
        messages.success(
            request,
            ngettext(
                "%(count)s notification marked as read.",
                "%(count)s notifications marked as read.",
                changed,
            )
            % {"count": changed},
        )
    back = reverse("notifications")
    if request.POST.get("unread_only") == "1":
        back += "?unread=1"
    return redirect(back)


@login_required
@require_GET
def notification_badge(request: HttpRequest) -> HttpResponse:
    """The unread count for the header badge, fetched by htmx after the page has loaded so
    that pages do not pay a query for it."""
    return render(
        request,
        "registry/notifications/_badge.html",
        {"unread": selectors.notification_unread_count(user=request.user)},
    )
