"""Reads of the notifications of the user's organisations."""

from __future__ import annotations

from django.db.models import QuerySet

from registry import permissions
from registry.errors import NotFound
from registry.filters.base import apply_filters
from registry.filters.notifications import NotificationFilter
from registry.models import (
    User,
)


def notification_list(*, user: User, filters=None) -> QuerySet:
    """Notifications addressed to the organisations the user is a member of, newest first
    (NotificationFilter: ``unread``)."""
    from registry.models import Notification

    organisations = {grant.organisation_id for grant in permissions.grants_of(user)}
    notifications = (
        Notification.objects.filter(recipient_id__in=organisations)
        .select_related("recipient")
        .order_by("-created_at", "-id")
    )
    return apply_filters(NotificationFilter, filters, notifications, user=user)


def notification_get(*, user: User, pk: int):
    from registry.models import Notification

    try:
        return notification_list(user=user).get(pk=pk)
    except (Notification.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def notification_unread_count(*, user: User) -> int:
    return notification_list(user=user).filter(read_at__isnull=True).count()
