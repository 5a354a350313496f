"""Reads of off-platform reports, scoped to what the user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from monitoring.filters import OffPlatformReportFilter
from monitoring.models import OffPlatformReport
from registry import permissions
from registry.filters.base import apply_filters
from registry.models import User


def offplatform_list(*, user: User, filters=None) -> QuerySet[OffPlatformReport]:
    """A community's own reports (and those under an area) or those against a department
    (OffPlatformReportFilter)."""
    # By id and semi-join (scope_q_by_id): an area's newest page is read in order from the
    # offplatform_newest index, not sorted after joining every report to its organisation.
    visible = permissions.scope_q_by_id(user, "offplatform.view_community", "community") | (
        permissions.scope_q_by_id(user, "offplatform.view_department", "department")
    )
    reports = OffPlatformReport.objects.filter(visible).select_related(
        "community", "department", "reported_by"
    )
    return apply_filters(OffPlatformReportFilter, filters, reports, user=user)


# --- Pages: the report form, the report list, flags and the supervisor's workbench ----------


def reporting_communities(*, user: User) -> QuerySet:
    """Communities the user may report off-platform demands for (cadre or liaison)."""
    from registry.models import Organisation

    return (
        Organisation.objects.communities()
        .filter(permissions.scope_q(user, "offplatform.report", ""), is_active=True)
        .order_by("path")
    )


def reporting_departments(*, communities) -> QuerySet:
    """Departments that can demand something of these communities: those hung off any
    area above them (city and district departments alike), in tree order (one query)."""
    from registry.models import Organisation, path_prefixes

    prefixes = {prefix for c in communities for prefix in path_prefixes(c.path)}
    return (
        Organisation.objects.departments()
        .filter(parent__path__in=prefixes, is_active=True)
        .select_related("parent")
        .order_by("path")
    )


def offplatform_departments(queryset: QuerySet[OffPlatformReport]) -> list[tuple[str, str]]:
    """(code, name) of the departments named in these reports, for a filter (one query)."""
    return list(
        queryset.order_by("department__path")
        .values_list("department__code", "department__name")
        .distinct()
    )
