"""Reads of the monitoring app, scoped to what the user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from monitoring.models import Flag, OffPlatformReport
from registry import permissions
from registry.errors import NotFound
from registry.models import User


def offplatform_list(*, user: User) -> QuerySet[OffPlatformReport]:
    """A community's own reports (and those under an area) or those against a department."""
    visible = permissions.scope_q(user, "offplatform.view_community", "community") | (
        permissions.scope_q(user, "offplatform.view_department", "department")
    )
    return OffPlatformReport.objects.filter(visible).select_related(
        "community", "department", "reported_by"
    )


def flag_list(*, user: User) -> QuerySet[Flag]:
    return Flag.objects.filter(
        permissions.scope_q(user, "flag.view", "organisation")
    ).select_related("organisation")


def flag_get(*, user: User, pk: int) -> Flag:
    try:
        return flag_list(user=user).get(pk=pk)
    except (Flag.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
