"""The flag rules over monitoring's own records: a point's late monthly report, and a
rectification notice unanswered five working days past its deadline. One query each."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Exists, OuterRef

from monitoring import deadlines
from monitoring.flags import Finding, rule
from monitoring.models import Flag, MonitoringReport, RectificationNotice
from monitoring.selectors.points import point_communities


def late_period(today: datetime.date) -> datetime.date:
    """The latest month whose report is past due today."""
    period = deadlines.previous_month(today)
    if deadlines.report_due_date(period) >= today:
        period = deadlines.previous_month(period)
    return period


@rule(Flag.Kind.MONITORING_REPORT_LATE)
def monitoring_report_late(today: datetime.date) -> Iterable[Finding]:
    period = late_period(today)
    due = deadlines.report_due_date(period)
    submitted = MonitoringReport.objects.filter(
        community=OuterRef("pk"), period=period, submitted_at__isnull=False
    )
    rows = (
        point_communities(period, deadlines.month_end(period), designated_only=True)
        .exclude(Exists(submitted))
        .values("pk", "code", "name")
    )
    for row in rows:
        yield Finding(
            subject_key=f"monitoring_report:{row['code']}:{period:%Y-%m}",
            subject=f"{row['name']} {period:%Y-%m}",
            organisation_id=row["pk"],
            severity=Flag.Severity.MEDIUM,
            figures={"period": f"{period:%Y-%m}", "due_date": due.isoformat()},
        )


@rule(Flag.Kind.RECTIFICATION_OVERDUE)
def rectification_overdue(today: datetime.date) -> Iterable[Finding]:
    cutoff = deadlines.overdue_cutoff(today)
    rows = RectificationNotice.objects.filter(
        state=RectificationNotice.State.SENT, due_date__lte=cutoff
    ).values("pk", "number", "due_date", "department_id", "department__name", "clue_id")
    for row in rows:
        yield Finding(
            subject_key=f"notice:{row['number']}",
            subject=f"{row['department__name']}：{row['number']}",
            organisation_id=row["department_id"],
            severity=Flag.Severity.HIGH,
            figures={
                "notice": row["number"],
                "due_date": row["due_date"].isoformat(),
                "clue": row["clue_id"],
            },
        )
