"""Reads of monitoring points: who is a point when, scoped lists for the pages and API."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from monitoring.models import MonitoringPoint
from monitoring.permissions import POINT_VIEW, REPORT_FILE
from registry import permissions
from registry.filters.base import apply_filters
from registry.models import Organisation, User


def _designated_during(start: datetime.date, end: datetime.date) -> Exists:
    return Exists(
        MonitoringPoint.objects.filter(community=OuterRef("pk"), designated_from__lte=end).filter(
            Q(designated_until__isnull=True) | Q(designated_until__gte=start)
        )
    )


def point_communities(
    start: datetime.date, end: datetime.date, *, designated_only: bool = False
) -> QuerySet[Organisation]:
    """Communities that are monitoring points on some day of [start, end] (one query).

    A community flagged ``is_monitoring_point`` before designations existed, and never
    designated since, counts as a point with an open-ended designation.
    """
    if designated_only:
        # What is due (reminders, the late flag) runs from a designation's start: a
        # legacy-flagged community has none, so nothing is late from it.
        return Organisation.objects.communities().filter(_designated_during(start, end))
    any_designation = Exists(MonitoringPoint.objects.filter(community=OuterRef("pk")))
    return Organisation.objects.communities().filter(
        Q(_designated_during(start, end))
        | Q(is_monitoring_point=True, is_active=True) & ~Q(any_designation)
    )


def is_point_during(community: Organisation, start: datetime.date, end: datetime.date) -> bool:
    return point_communities(start, end).filter(pk=community.pk).exists()


def point_list(*, user: User, filters=None) -> QuerySet[MonitoringPoint]:
    """Points of the user's area (MonitoringPointFilter)."""
    from monitoring.filters import MonitoringPointFilter

    points = MonitoringPoint.objects.filter(
        permissions.scope_q(user, POINT_VIEW, "community")
    ).select_related("community", "community__parent")
    return apply_filters(MonitoringPointFilter, filters, points, user=user)


def liaison_points(*, user: User, day: datetime.date) -> list[Organisation]:
    """The communities the user files reports for that are points in ``day``'s month."""
    from monitoring import deadlines

    start = deadlines.month_start(day)
    return list(
        point_communities(start, deadlines.month_end(start))
        .filter(permissions.scope_q(user, REPORT_FILE, ""))
        .order_by("path")
    )
