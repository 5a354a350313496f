"""Reads of monthly monitoring reports: scoped lists, one report with its entries, the
per-department totals supervisors compare."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from monitoring.models import MonitoringReport, ReportEntry
from monitoring.permissions import REPORT_FILE, REPORT_VIEW
from registry import permissions
from registry.errors import NotFound
from registry.models import User
from registry.selectors.access import load


def report_list(*, user: User, filters=None) -> QuerySet[MonitoringReport]:
    """Reports of the points the user files for, or of the supervisor's area."""
    from monitoring.filters import MonitoringReportFilter
    from registry.filters.base import apply_filters

    reports = (
        MonitoringReport.objects.filter(permissions.scope_q(user, REPORT_VIEW, "community"))
        .select_related("community", "community__parent")
        .annotate(
            entry_count=Count("entries"),
            hours_total=Sum("entries__hours"),
        )
        .order_by("-period", "community__path", "-version")
    )
    if filters is not None:
        reports = apply_filters(MonitoringReportFilter, filters, reports, user=user)
    return reports


# action -> the organisation a report is judged on for it: its monitoring point's community.
REPORT_ACTIONS = {REPORT_VIEW: "community", REPORT_FILE: "community"}


def report_get(*, user: User, pk, action: str | None = None) -> MonitoringReport:
    """One report the user sees (else 404) and, given ``action``, may do it on (else 403),
    with its entries."""
    reports = (
        MonitoringReport.objects.filter(permissions.scope_q(user, REPORT_VIEW, "community"))
        .select_related("community", "community__parent", "previous", "correction")
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=ReportEntry.objects.select_related("department").order_by(
                    "demanded_on", "id"
                ),
            )
        )
    )
    return load(reports, user=user, action=action, judged_on=REPORT_ACTIONS, pk=pk)


def entry_get(*, report: MonitoringReport, pk) -> ReportEntry:
    try:
        return report.entries.select_related("department").get(pk=pk)
    except (ReportEntry.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def totals_by_department(reports: QuerySet[MonitoringReport]) -> list[dict]:
    """Per department: entries, hours, households and how many came off the platform, over
    the live (not superseded) reports given. One grouped query."""
    return list(
        ReportEntry.objects.filter(
            report__in=reports.exclude(state=MonitoringReport.State.SUPERSEDED).values("pk")
        )
        .values("department__code", "department__name")
        .annotate(
            entries=Count("id"),
            hours=Sum("hours"),
            households=Sum("households"),
            offplatform=Count("id", filter=~Q(channel=ReportEntry.Channel.PLATFORM)),
        )
        .order_by("-entries", "department__code")
    )


def export_entries(reports: QuerySet[MonitoringReport]) -> QuerySet[ReportEntry]:
    """Every entry of the live reports given, for the workbook (streamed)."""
    return (
        ReportEntry.objects.filter(
            report__in=reports.exclude(state=MonitoringReport.State.SUPERSEDED).values("pk")
        )
        .select_related("report", "report__community", "department")
        .order_by("report__period", "report__community__path", "demanded_on", "id")
    )
