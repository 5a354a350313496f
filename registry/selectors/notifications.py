"""Reads of the notifications of the user's organisations."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from registry import permissions
from registry.filters.base import apply_filters
from registry.filters.notifications import NotificationFilter
from registry.models import (
    User,
)
from registry.selectors.access import VISIBLE, load


def notification_list(*, user: User, filters=None) -> QuerySet:
    """Notifications addressed to the organisations the user is a member of, newest first
    (NotificationFilter: ``unread``)."""
    from registry.models import Notification, NotificationRead

    organisations = {grant.organisation_id for grant in permissions.grants_of(user)}
    notifications = (
        Notification.objects.filter(recipient_id__in=organisations)
        # Read is each person's own: one EXISTS in the same query, whatever the rows.
        .annotate(
            is_read=Exists(
                NotificationRead.objects.filter(user_id=user.pk, notification=OuterRef("pk"))
            )
        )
        .select_related("recipient")
        .order_by("-created_at", "-id")
    )
    return apply_filters(NotificationFilter, filters, notifications, user=user)


def notification_get(*, user: User, pk: int, action: str | None = VISIBLE):
    """One notification of the user's organisations (else 404). A notification is for
    every member of its organisation alike, so there is no action beyond seeing it (each
    reads it for themselves)."""
    return load(notification_list(user=user), user=user, action=action, judged_on={}, pk=pk)


def notification_unread_count(*, user: User) -> int:
    return notification_list(user=user).filter(is_read=False).count()
