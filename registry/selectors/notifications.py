"""Reads of the notifications of the user's organisations."""

from __future__ import annotations

from django.db.models import QuerySet

from registry import permissions
from registry.errors import NotFound
from registry.models import (
    User,
)


def notification_list(*, user: User) -> QuerySet:
    """Notifications addressed to the organisations the user is a member of, newest first."""
    from registry.models import Notification

    organisations = {grant.organisation_id for grant in permissions.grants_of(user)}
    return (
        Notification.objects.filter(recipient_id__in=organisations)
        .select_related("recipient")
        .order_by("-created_at", "-id")
    )


def notification_get(*, user: User, pk: int):
    from registry.models import Notification

    try:
        return notification_list(user=user).get(pk=pk)
    except (Notification.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def notification_unread_count(*, user: User) -> int:
    return notification_list(user=user).filter(read_at__isnull=True).count()
