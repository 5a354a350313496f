"""The dashboard's monthly roll-ups, rebuilt from the assignments (a beat job, nightly).

A province's year is 1.3 million assignments: grouping them live for every dashboard
request took seconds (docs/performance.md). The roll-ups hold each complete month once,
per community (``CommunityMonth``: tasks, hours, emergencies, refusals, working days
allowed) and per department and parent area (``DepartmentMonth``: tasks and refusals by
reason); the dashboard reads them for complete months up to ``DashboardRollup.through``
and counts the rest live (``registry.selectors.dashboard_rollups``).

Each roll-up is rebuilt whole, in one transaction: one ``INSERT ... SELECT`` from the
same grouped query the live figures run (compiled by the ORM, so PostgreSQL and the demo's
SQLite share it). Readers keep seeing the previous roll-up until it commits. A task
refused after the refresh counts in its month from the next refresh on: the page says
when the roll-up was made.
"""

from __future__ import annotations

import datetime
import time

from django.db import connection, transaction
from django.db.models import Count, DateField, F, IntegerField, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from registry import figure_cache
from registry.filters.base import day_start
from registry.models import Assignment, CommunityMonth, DashboardRollup, DepartmentMonth

ROLLUP_KEY = "assignments"
# The figure version (registry/figure_cache.py) every rebuild takes in its transaction.
ROLLUP_FIGURES = "dashboard_rollups"


def last_complete_month(today: datetime.date) -> datetime.date:
    """The first day of the month before ``today``'s."""
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def _month():
    return TruncMonth("created_at", output_field=DateField())


def _community_months(cutoff: datetime.datetime):
    return (
        Assignment.objects.filter(created_at__lt=cutoff)
        .order_by()
        .values(month=_month(), community_ref=F("community_id"))
        .annotate(
            tasks=Count("id"),
            hours=Coalesce(Sum("hours"), Value(0), output_field=CommunityMonth.hours.field),
            emergency=Count("id", filter=Q(emergency=True)),
            refused=Count("id", filter=Q(state=Assignment.State.REFUSED)),
            lead=Coalesce(
                Sum("dispatch__lead_working_days"), Value(0), output_field=IntegerField()
            ),
        )
    )


def _department_months(cutoff: datetime.datetime):
    refused = Q(state=Assignment.State.REFUSED)
    return (
        Assignment.objects.filter(created_at__lt=cutoff)
        .order_by()
        .values(
            month=_month(),
            parent=F("community__parent_id"),
            department_ref=F("department_id"),
        )
        .annotate(
            tasks=Count("id"),
            refused=Count("id", filter=refused),
            **{
                f"refused_{reason}": Count("id", filter=refused & Q(refusal_reason=reason))
                for reason in Assignment.RefusalReason.values
            },
        )
    )


def _insert_from(model, columns: list[str], queryset) -> int:
    """``INSERT INTO model (columns) <the queryset's SELECT>``: the SELECT's columns are in
    the order of ``values()`` then ``annotate()``, which ``columns`` follows."""
    sql, params = queryset.query.sql_with_params()
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({names}) {sql}", params)
        rows = cursor.rowcount
        if connection.vendor == "sqlite":
            # SQLite's month truncation gives "YYYY-MM-01 00:00:00" (the ORM converts it
            # when it reads, an INSERT ... SELECT does not): store the date.
            cursor.execute(f'UPDATE {table} SET "month" = date("month")')
        return rows


@transaction.atomic
def dashboard_rollups_refresh(*, today: datetime.date | None = None) -> dict:
    """Rebuild the roll-ups of every month before ``today``'s (a system job: no actor).
    Two refreshes at once run one after the other (the state row is locked first)."""
    today = today or timezone.localdate()
    through = last_complete_month(today)
    cutoff = day_start(today.replace(day=1))
    DashboardRollup.objects.bulk_create([DashboardRollup(key=ROLLUP_KEY)], ignore_conflicts=True)
    state = DashboardRollup.objects.select_for_update().get(key=ROLLUP_KEY)
    began = time.perf_counter()
    CommunityMonth.objects.all().delete()
    DepartmentMonth.objects.all().delete()
    rows = _insert_from(
        CommunityMonth,
        ["month", "community_id", "tasks", "hours", "emergency", "refused", "lead_working_days"],
        _community_months(cutoff),
    )
    rows += _insert_from(
        DepartmentMonth,
        ["month", "parent_id", "department_id", "tasks", "refused"]
        + [f"refused_{reason}" for reason in Assignment.RefusalReason.values],
        _department_months(cutoff),
    )
    if connection.vendor == "postgresql":
        # Fresh statistics with the fresh rows: without them the planner guessed a few
        # thousand rows for a year of a province's and read a city's by month, not by id.
        with connection.cursor() as cursor:
            for model in (CommunityMonth, DepartmentMonth):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    # What the dashboard kept of the previous roll-up is never read again.
    figure_cache.bump([ROLLUP_FIGURES])
    state.refreshed_at = timezone.now()
    state.through = through
    state.rows = rows
    state.seconds = round(time.perf_counter() - began, 3)
    state.save()
    return {"through": through.isoformat(), "rows": rows, "seconds": state.seconds}
