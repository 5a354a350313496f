"""The daily job's work: reminders for monthly reports and rectification notices, and each
open notice's escalation, in working days. Idempotent: every step it notifies is keyed in
ReminderLog (the deadline is part of the key, so a granted extension starts afresh), and a
rerun the same day finds every key and sends nothing."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Case, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring import deadlines
from monitoring.models import Flag, MonitoringReport, RectificationNotice, ReminderLog
from monitoring.selectors.points import point_communities
from monitoring.services.clue_board import clue_urgency_refresh
from registry.services.notifications import Message, notify_each, notify_organisations

_ESCALATION_LOCK_KEY = 7_401_003
LEVELS = ["none", "reminded", "yellow", "red"]
ESCALATING = ["red", "yellow", "reminded"]  # the highest first, as a notice is placed


@dataclass
class EscalationSummary:
    notified: dict[str, int] = field(default_factory=dict)
    levels: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"notified": self.notified, "levels": self.levels}


def _claim(keys: list[str]) -> set[str]:
    """The keys not sent before; they are recorded now (under the job's lock)."""
    if not keys:
        return set()
    seen = set(ReminderLog.objects.filter(key__in=keys).values_list("key", flat=True))
    new = [key for key in keys if key not in seen]
    ReminderLog.objects.bulk_create([ReminderLog(key=key) for key in new])
    return set(new)


def _report_reminders(today: datetime.date, summary: EscalationSummary) -> None:
    """Two working days before a month's report is due, every point that has not
    submitted it is reminded (once)."""
    period = deadlines.previous_month(today)
    due = deadlines.report_due_date(period)
    if not deadlines.reminder_date(due) <= today <= due:
        return
    submitted = MonitoringReport.objects.filter(period=period, submitted_at__isnull=False)
    communities = list(
        point_communities(period, deadlines.month_end(period), designated_only=True).exclude(
            pk__in=submitted.values("community_id")
        )
    )
    keys = {f"report:{c.pk}:{period:%Y-%m}:reminder": c for c in communities}
    fresh = _claim(list(keys))
    recipients = [keys[k] for k in keys if k in fresh]
    notify_organisations(
        organisations=recipients,
        kind="monitoring.report_reminder",
        title=_("The monitoring report of %(month)s is due on %(due)s")
        % {"month": f"{period:%Y-%m}", "due": due},
        link=reverse("monthly-reports"),
    )
    summary.notified["report_reminder"] = len(recipients)


def _notice_titles() -> dict[str, str]:
    return {
        "reminded": _("Notice %(number)s: measures are due on %(due)s"),
        "yellow": _("催办: notice %(number)s was due on %(due)s and is unanswered"),
        "red": _("Overdue: notice %(number)s is five working days past %(due)s"),
    }


def _notice_escalation(today: datetime.date, summary: EscalationSummary) -> None:
    """Every unanswered notice's level today, the changed ones written, each step notified
    once: a fixed number of queries however many notices are open (the levels from three
    cut-off dates compared in the database, the reminders and notifications in bulk)."""
    cutoffs = deadlines.escalation_cutoffs(today)
    level_today = Case(
        *(When(due_date__lte=cutoffs[level], then=Value(level)) for level in ESCALATING),
        default=Value("none"),
    )
    notices = (
        RectificationNotice.objects.filter(state=RectificationNotice.State.SENT)
        .annotate(level_today=level_today)
        .order_by("pk")
        .values(
            "pk", "clue_id", "number", "due_date", "department_id", "jurisdiction_id",
            "escalation", "level_today",
        )
    )  # fmt: skip
    by_level: dict[str, list[dict]] = {level: [] for level in LEVELS}
    changed: dict[str, list[int]] = {level: [] for level in LEVELS}
    for notice in notices:
        # The ladder only climbs for a given deadline (a rerun on an earlier date, or a
        # clock set back, never unwinds a step already notified).
        level = max(notice["escalation"], notice["level_today"], key=LEVELS.index)
        by_level[level].append(notice)
        if level != notice["escalation"]:
            changed[level].append(notice["pk"])
    for level, ids in changed.items():
        if ids:
            RectificationNotice.objects.filter(pk__in=ids).update(escalation=level)
    # Red and yellow move a clue up the board (monitoring.services.clue_board).
    moved = changed["red"] + changed["yellow"]
    if moved:
        clue_urgency_refresh(
            clues=RectificationNotice.objects.filter(pk__in=moved).values("clue_id")
        )
    keys = {
        f"notice:{notice['pk']}:{level}:{notice['due_date']}": (level, notice)
        for level in LEVELS[1:]
        for notice in by_level[level]
    }
    fresh = _claim(list(keys))
    titles = _notice_titles()
    sent = dict.fromkeys(ESCALATING, 0)
    messages = []
    for key, (level, notice) in keys.items():
        if key not in fresh:
            continue
        sent[level] += 1
        recipients = [notice["department_id"]]
        if level != "reminded":  # 催办 and red go to the supervisors who sent it too
            recipients.append(notice["jurisdiction_id"])
        messages.append(
            Message(
                recipients=recipients,
                kind=f"monitoring.notice_{level}",
                title=titles[level] % {"number": notice["number"], "due": notice["due_date"]},
                link=reverse("clue-page", args=[notice["clue_id"]]),
            )
        )
    notify_each(messages=messages)
    for level in LEVELS:
        summary.levels[level] = len(by_level[level])
        if level != "none" and by_level[level]:
            summary.notified[f"notice_{level}"] = sent[level]


@transaction.atomic
def monitoring_escalate(*, today: datetime.date | None = None) -> EscalationSummary:
    """The daily job: reminders and escalation, then the two monitoring flags."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ESCALATION_LOCK_KEY])
    today = today or timezone.localdate()
    summary = EscalationSummary()
    _report_reminders(today, summary)
    _notice_escalation(today, summary)
    from monitoring.services.flags import flags_compute

    flags_compute(
        today=today, kinds=[Flag.Kind.MONITORING_REPORT_LATE, Flag.Kind.RECTIFICATION_OVERDUE]
    )
    return summary
