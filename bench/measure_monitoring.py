"""In-process measurements of monitoring (issue 11 item 8): a liaison pre-filling a monthly
report, and the daily escalation job, each beside a raw-SQL baseline of the same work.

Every run happens in a transaction that is rolled back, so every run meets the same
database (the same report to open, the same notices to escalate); the commit is therefore
not included, for the service and the baseline alike.
"""

from __future__ import annotations

import datetime
import statistics
import time

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bench.data.monitoring import PREFILL_ONE_SQL
from bench.measure import _summary
from monitoring import deadlines
from monitoring import services as monitoring_services
from monitoring.models import MonitoringReport, RectificationNotice, ReminderLog, ReportEntry
from monitoring.selectors.points import point_communities
from monitoring.services import escalation
from registry.models import Assignment, Membership, Notification, Organisation, Role, User


def _ratio(orm: list[float], raw: list[float]) -> float | None:
    baseline = statistics.median(raw)
    return round(statistics.median(orm) / baseline, 2) if baseline else None


# --- Pre-filling a monthly report ----------------------------------------------------------


def _busiest_point(period: datetime.date) -> tuple[Organisation, User, int]:
    """The point with the most assignments in the month (one grouped query) and its liaison."""
    start = timezone.make_aware(datetime.datetime.combine(period, datetime.time.min))
    end = timezone.make_aware(
        datetime.datetime.combine(deadlines.next_month(period), datetime.time.min)
    )
    points = point_communities(period, deadlines.month_end(period))
    busiest = (
        Assignment.objects.filter(
            community__in=points.values("pk"), created_at__gte=start, created_at__lt=end
        )
        .values("community_id")
        .annotate(n=Count("id"))
        .order_by("-n", "community_id")
        .first()
    )
    if busiest is None:
        community_id, tasks = points.order_by("pk").values_list("pk", flat=True).first(), 0
    else:
        community_id, tasks = busiest["community_id"], busiest["n"]
    if community_id is None:
        raise RuntimeError("No monitoring point in the data: run bench_data first.")
    member = (
        Membership.objects.filter(organisation_id=community_id, role=Role.LIAISON)
        .select_related("organisation", "user")
        .order_by("user_id")
        .first()
    )
    if member is None:
        raise RuntimeError("The busiest monitoring point has no liaison.")
    return member.organisation, member.user, tasks


def _clear(community: Organisation, period: datetime.date) -> None:
    """Untimed: the month's report goes (inside the rolled-back run) so that it can be
    opened again; the generated history has one version per month and no clue on it."""
    reports = MonitoringReport.objects.filter(community=community, period=period)
    ReportEntry.objects.filter(report__in=reports).delete()
    reports.delete()


def _raw_prefill(community: Organisation, period: datetime.date, actor: User) -> int:
    """The same rows by hand: the report, then its entries in one INSERT ... SELECT."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO monitoring_monitoringreport (community_id, period, version, state, "
            "due_date, created_by_id, created_at, correction_reason) "
            "VALUES (%s, %s, 1, 'draft', %s, %s, now(), '') RETURNING id",
            [community.pk, period, deadlines.report_due_date(period), actor.pk],
        )
        report = cursor.fetchone()[0]
        cursor.execute(PREFILL_ONE_SQL, {"tz": settings.TIME_ZONE, "report": report})
        return cursor.rowcount


def prefill(*, repeats: int) -> dict:
    """``monitoring_report_open`` (what the liaison's page and the API call: the permission
    check, the point check, the report, the two pre-filling queries, one bulk insert, the
    audit entry) for last month's report of the busiest point, ``repeats`` times after a
    warm-up, beside the same rows inserted by raw SQL (no permission check, no audit)."""
    period = deadlines.previous_month(timezone.localdate())
    community, liaison, tasks = _busiest_point(period)
    seconds, raw_seconds, queries = [], [], []
    entries = raw_entries = 0
    for run in range(repeats + 1):
        actor = User.objects.get(pk=liaison.pk)  # fresh: grants load each time
        with transaction.atomic():
            _clear(community, period)
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                report = monitoring_services.monitoring_report_open(
                    actor=actor, community=community, period=period
                )
                elapsed = time.perf_counter() - began
            entries = report.entries.count()
            transaction.set_rollback(True)
        with transaction.atomic():
            _clear(community, period)
            began = time.perf_counter()
            raw_entries = _raw_prefill(community, period, actor)
            raw_elapsed = time.perf_counter() - began
            transaction.set_rollback(True)
        if run:  # the first run warms caches and connections
            seconds.append(elapsed)
            raw_seconds.append(raw_elapsed)
            queries.append(len(captured))
    return {
        "community": community.code,
        "period": f"{period:%Y-%m}",
        "assignments_in_month": tasks,
        "entries": entries,
        "queries": max(queries),
        "service": _summary(seconds),
        "raw_sql": _summary(raw_seconds),
        "ratio": _ratio(seconds, raw_seconds),
        # The baseline is only fair if it writes exactly the entries pre-filling writes.
        "raw_matches_service": entries == raw_entries,
    }


# --- The daily escalation job --------------------------------------------------------------

# Report reminders: two working days before the due date, every designated point that has
# not submitted the month is reminded once. Notices: each open notice's level (the ladder
# never unwinds), the changed levels written, each step notified once per deadline.
RAW_REPORT_REMINDERS = """
WITH due AS (
    SELECT o.id FROM registry_organisation o
    WHERE o.kind = 'community'
      AND EXISTS (SELECT 1 FROM monitoring_monitoringpoint p WHERE p.community_id = o.id
                  AND p.designated_from <= %(end)s
                  AND (p.designated_until IS NULL OR p.designated_until >= %(start)s))
      AND o.id NOT IN (SELECT r.community_id FROM monitoring_monitoringreport r
                       WHERE r.period = %(start)s AND r.submitted_at IS NOT NULL)
), fresh AS (
    INSERT INTO monitoring_reminderlog (key, sent_at)
    SELECT 'report:' || id || ':' || %(month)s || ':reminder', now() FROM due
    ON CONFLICT (key) DO NOTHING RETURNING key
)
INSERT INTO registry_notification (recipient_id, kind, title, body, link, created_at)
SELECT split_part(key, ':', 2)::bigint, 'monitoring.report_reminder', %(title)s, '',
       %(link)s, now()
FROM fresh
"""

RAW_NOTICE_ESCALATION = """
WITH level AS (
    SELECT n.id, n.number, n.due_date, n.department_id, n.jurisdiction_id, n.clue_id,
           n.escalation AS was,
           CASE WHEN n.due_date <= %(red)s OR n.escalation = 'red' THEN 'red'
                WHEN n.due_date <= %(yellow)s OR n.escalation = 'yellow' THEN 'yellow'
                WHEN n.due_date <= %(reminded)s OR n.escalation = 'reminded' THEN 'reminded'
                ELSE 'none' END AS now
    FROM monitoring_rectificationnotice n WHERE n.state = 'sent'
), changed AS (
    UPDATE monitoring_rectificationnotice n SET escalation = level.now
    FROM level WHERE n.id = level.id AND level.was <> level.now
    RETURNING n.id
), fresh AS (
    INSERT INTO monitoring_reminderlog (key, sent_at)
    SELECT 'notice:' || id || ':' || now || ':' || to_char(due_date, 'YYYY-MM-DD'), now()
    FROM level WHERE now <> 'none'
    ON CONFLICT (key) DO NOTHING RETURNING key
), sent AS (
    SELECT level.* FROM level
    JOIN fresh ON fresh.key = 'notice:' || level.id || ':' || level.now || ':'
                              || to_char(level.due_date, 'YYYY-MM-DD')
), notified AS (
    INSERT INTO registry_notification (recipient_id, kind, title, body, link, created_at)
    SELECT recipient, 'monitoring.notice_' || now,
           left(replace(replace(CASE now WHEN 'reminded' THEN %(t_reminded)s
                                         WHEN 'yellow' THEN %(t_yellow)s
                                         ELSE %(t_red)s END,
                                '%%(number)s', number),
                        '%%(due)s', to_char(due_date, 'YYYY-MM-DD')), 200),
           '', %(link_head)s || clue_id || %(link_tail)s, now()
    FROM (SELECT *, department_id AS recipient FROM sent
          UNION ALL
          SELECT *, jurisdiction_id FROM sent WHERE now <> 'reminded') AS recipients
    RETURNING 1
)
SELECT (SELECT count(*) FROM changed), (SELECT count(*) FROM notified)
"""


def _cutoffs(today: datetime.date) -> dict:
    """The latest due date at each level today (the levels fall as the due date rises):
    the working-day arithmetic in Python, as the service does it, once per run."""
    latest: dict[str, datetime.date] = {}
    day = today - datetime.timedelta(days=60)
    while day <= today + datetime.timedelta(days=30):
        latest[deadlines.escalation_on(day, today)] = day
        day += datetime.timedelta(days=1)
    never = datetime.date(1900, 1, 1)
    return {level: latest.get(level, never) for level in ("red", "yellow", "reminded")}


def _raw_escalation(today: datetime.date) -> int:
    """Returns the notifications written."""
    sent = 0
    period = deadlines.previous_month(today)
    due = deadlines.report_due_date(period)
    with connection.cursor() as cursor:
        if deadlines.reminder_date(due) <= today <= due:
            cursor.execute(
                RAW_REPORT_REMINDERS,
                {
                    "start": period,
                    "end": deadlines.month_end(period),
                    "month": f"{period:%Y-%m}",
                    "title": _("The monitoring report of %(month)s is due on %(due)s")
                    % {"month": f"{period:%Y-%m}", "due": due},
                    "link": reverse("monthly-reports"),
                },
            )
            sent += cursor.rowcount
        head, tail = reverse("clue-page", args=[987_654_321]).split("987654321")
        cursor.execute(
            RAW_NOTICE_ESCALATION,
            {
                **_cutoffs(today),
                "t_reminded": _("Notice %(number)s: measures are due on %(due)s"),
                "t_yellow": _("催办: notice %(number)s was due on %(due)s and is unanswered"),
                "t_red": _("Overdue: notice %(number)s is five working days past %(due)s"),
                "link_head": head,
                "link_tail": tail,
            },
        )
        sent += cursor.fetchone()[1]
    return sent


def _orm_steps(today: datetime.date) -> escalation.EscalationSummary:
    """The job's reminders and escalation without its two flags (the raw SQL's share)."""
    summary = escalation.EscalationSummary()
    escalation._report_reminders(today, summary)
    escalation._notice_escalation(today, summary)
    return summary


def _rolled_back(function) -> tuple[float, object, int]:
    """Seconds, result and notifications written, the run rolled back."""
    with transaction.atomic():
        before = Notification.objects.count()
        began = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - began
        written = Notification.objects.count() - before
        transaction.set_rollback(True)
    return elapsed, result, written


def escalation_job(*, repeats: int) -> dict:
    """``monitoring_escalate`` (what the daily Celery task runs) as today's first run, after
    yesterday's left levels and reminder keys; then its reminders and escalation alone
    beside the raw SQL of the same (the ratio); each run rolled back, after a warm-up."""
    today = timezone.localdate()
    job, steps, raw = [], [], []
    summary, step_sent, raw_sent = None, 0, 0
    for run in range(repeats + 1):
        job_s, summary, _n = _rolled_back(
            lambda: monitoring_services.monitoring_escalate(today=today)
        )
        steps_s, _steps, step_sent = _rolled_back(lambda: _orm_steps(today))
        raw_s, _raw, raw_sent = _rolled_back(lambda: _raw_escalation(today))
        if run:
            job.append(job_s)
            steps.append(steps_s)
            raw.append(raw_s)
    return {
        "open_notices": RectificationNotice.objects.filter(
            state=RectificationNotice.State.SENT
        ).count(),
        "reminders_logged": ReminderLog.objects.count(),
        "levels": summary.levels,
        "notified": summary.notified,
        "notifications": step_sent,
        "job": _summary(job),
        "steps": _summary(steps),
        "raw_sql": _summary(raw),
        "ratio": _ratio(steps, raw),
        # Fair only if the baseline notifies exactly as many as the service.
        "raw_matches_service": step_sent == raw_sent,
    }
