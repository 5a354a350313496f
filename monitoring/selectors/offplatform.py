"""Reads of off-platform reports, scoped to what the user may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from monitoring.filters import OffPlatformReportFilter
from monitoring.models import OffPlatformReport
from monitoring.permissions import REPORTER_VIEW
from registry import permissions
from registry.filters.base import apply_filters
from registry.models import User
from registry.selectors.access import load


def offplatform_list(*, user: User, filters=None) -> QuerySet[OffPlatformReport]:
    """A community's own reports (and those under an area) or those against a department
    (OffPlatformReportFilter)."""
    # By id and semi-join (scope_q_by_id): an area's newest page is read in order from the
    # offplatform_newest index, not sorted after joining every report to its organisation.
    # A report its community withdrew (a mistake) is no longer the department's business.
    visible = permissions.scope_q_by_id(user, "offplatform.view_community", "community") | (
        permissions.scope_q_by_id(user, "offplatform.view_department", "department")
        & Q(state=OffPlatformReport.State.REPORTED)
    )
    reports = OffPlatformReport.objects.filter(visible).select_related(
        "community", "department", "reported_by"
    )
    return apply_filters(OffPlatformReportFilter, filters, reports, user=user)


# action -> the organisation a report is judged on: its community, for correcting it and
# for seeing its evidence (never a department's: the evidence may show who reported).
OFFPLATFORM_ACTIONS = {"offplatform.report": "community", REPORTER_VIEW: "community"}


def offplatform_get(*, user: User, pk: int, action: str | None = None) -> OffPlatformReport:
    """One report the user sees (else 404) and may ``action`` on (else 403)."""
    return load(
        offplatform_list(user=user), user=user, action=action, judged_on=OFFPLATFORM_ACTIONS, pk=pk
    )


def evidence_visible(*, user: User, report: OffPlatformReport) -> bool:
    """Reporter protection: whoever also reads reports as a department never gets the
    evidence (a screenshot shows names), even of a community they cover otherwise."""
    return permissions.may(user, REPORTER_VIEW, report.community) and not permissions.may(
        user, "offplatform.view_department"
    )


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
    """Who can demand something of these communities: the departments hung off any area
    above them (city and district departments alike) and the communities' street offices
    (the area directly above), in tree order (one query)."""
    from registry.models import Organisation, path_prefixes

    prefixes = {prefix for c in communities for prefix in path_prefixes(c.path)}
    streets = {c.parent_id for c in communities}
    return (
        Organisation.objects.filter(
            Q(kind=Organisation.Kind.DEPARTMENT, parent__path__in=prefixes)
            | Q(kind=Organisation.Kind.AREA, pk__in=streets),
            is_active=True,
        )
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
