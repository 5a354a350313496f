"""Monitoring: off-platform reports, and the monitoring points' side (issue 11 item 8): a
designation and a liaison per point, `years` of monthly reports whose entries are what the
platform knew (selected from the assignments and off-platform reports, as pre-filling does),
clues, and rectification notices left as yesterday's escalation job would have left them.

The monitoring rows use a random generator of their own, so that adding them changes none
of the rows the rest of the province had before."""

from __future__ import annotations

import bisect
import datetime
import itertools
import random
import secrets
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import timezone
from psycopg.types.json import Jsonb

from bench import pgload
from bench.data.common import TASK_TOPICS, Org, _aware, _words
from bench.data.spec import BENCH_PASSWORD, LIAISON_PREFIX, SUPERVISOR_USERNAME
from monitoring import deadlines
from monitoring.models import (
    Clue,
    MonitoringPoint,
    MonitoringReport,
    NoticeSequence,
    OffPlatformReport,
    RectificationNotice,
    ReminderLog,
)
from monitoring.services.clue_board import clue_urgency_refresh
from monitoring.services.escalation import LEVELS
from registry.models import Membership, Organisation, Role, User


class MonitoringMixin:
    def _department_pools(self) -> dict[int, tuple[list[Org], list[float]]]:
        """Per district: the departments of the district and of its city, cumulative weights."""
        by_area: dict[int, list[Org]] = {}
        for d in self.departments:
            by_area.setdefault(d.parent.id, []).append(d)
        pools = {}
        for district in (a for a in self.areas if a.level == "district"):
            depts = by_area.get(district.id, []) + by_area.get(district.parent.id, [])
            pools[district.id] = (depts, list(itertools.accumulate(d.weight**0.5 for d in depts)))
        return pools

    def write_offplatform(self) -> None:
        spec, rng, today = self.spec, self.rng, self.today
        if not spec.offplatform_reports:
            return
        pools = self._department_pools()
        cum = list(itertools.accumulate(c.weight for c in self.communities))
        channels = [c.value for c in OffPlatformReport.Channel]
        days = 365 * spec.years
        fields = _words(
            "community department title description channel received_on due_date hours "
            "reported_by created_at state evidence"
        )

        def rows():
            for _ in range(spec.offplatform_reports):
                community = self.communities[bisect.bisect(cum, rng.random() * cum[-1])]
                depts, dcum = pools[community.parent.parent.id]
                if not depts:
                    continue
                dept = depts[bisect.bisect(dcum, rng.random() * dcum[-1])]
                received = today - datetime.timedelta(days=int(days * rng.random() ** 1.3))
                yield (
                    community.id,
                    dept.id,
                    f"{rng.choice(TASK_TOPICS)}（微信群通知）",
                    "",
                    rng.choice(channels),
                    received,
                    received + datetime.timedelta(days=rng.randint(1, 10))
                    if rng.random() < 0.8
                    else None,
                    Decimal(rng.choice(["1", "2", "3", "5"])) if rng.random() < 0.7 else None,
                    self.cadre_user[community.id],
                    _aware(received, rng.randint(9 * 3600, 20 * 3600)),
                    OffPlatformReport.State.REPORTED,
                    "",  # no evidence attached
                )

        self.counts["offplatform_reports"] = pgload.copy_rows(OffPlatformReport, fields, rows())
        self.progress(f"off-platform reports: {self.counts['offplatform_reports']}")

    # --- monitoring points, monthly reports, clues, notices ---------------------------------

    # Points with fewer than this many communities in the tree get more (a tiny province
    # would otherwise have none to measure).
    MIN_POINTS = 3
    # In each of the last months this share of points has not submitted (late, or a draft).
    UNSUBMITTED_SHARE = 0.1
    UNSUBMITTED_MONTHS = 3

    def write_monitoring(self) -> None:
        spec, today = self.spec, self.today
        rng = random.Random(spec.seed + 11)
        points = [c for c in self.communities if c.is_monitoring_point]
        if len(points) < min(self.MIN_POINTS, len(self.communities)):
            extra = [c for c in self.communities if not c.is_monitoring_point]
            for c in rng.sample(extra, k=min(len(extra), self.MIN_POINTS - len(points))):
                c.is_monitoring_point = True
                points.append(c)
            Organisation.objects.filter(pk__in=[c.id for c in points]).update(
                is_monitoring_point=True
            )
        if not points:
            return
        self.points = points
        liaisons = self._write_liaisons(points)
        since = deadlines.month_start(today - datetime.timedelta(days=365 * spec.years))
        designator = self.reviewer_id
        now = timezone.now()
        self.counts["monitoring_points"] = pgload.copy_rows(
            MonitoringPoint,
            _words("community designated_from designated_until designated_by created_at"),
            ((c.id, since, None, designator, now) for c in points),
        )
        self._write_reports(points, liaisons, since, rng)
        self._write_entries()
        self._write_clues(points, liaisons, rng)
        self.progress(
            f"monitoring: {len(points)} points, {self.counts['monitoring_reports']:,} reports "
            f"with {self.counts['report_entries']:,} entries, {self.counts['clues']:,} clues, "
            f"{self.counts['rectification_notices']:,} notices"
        )

    def _write_liaisons(self, points: list[Org]) -> dict[int, int]:
        """A liaison user per point (community id -> user id)."""
        password = make_password(BENCH_PASSWORD)
        now = timezone.now()
        users = [
            User(
                username=f"{LIAISON_PREFIX}{c.code}",
                display_name=f"{c.name}监测联络员",
                password=password,
                date_joined=now,
            )
            for c in points
        ]
        User.objects.bulk_create(users, batch_size=5_000)
        Membership.objects.bulk_create(
            Membership(user=u, organisation_id=c.id, role=Role.LIAISON)
            for u, c in zip(users, points, strict=True)
        )
        self.counts["users"] = self.counts.get("users", 0) + len(users)
        return {c.id: u.pk for u, c in zip(users, points, strict=True)}

    def _write_reports(
        self, points: list[Org], liaisons: dict[int, int], since: datetime.date, rng
    ) -> None:
        """Every month from the designation to the last one: submitted, except a share of
        the last months (not opened, or still a draft). The current month has none (the
        benchmark pre-fills a report of the last month, where one is missing)."""
        today = self.today
        last = deadlines.previous_month(today)
        months = []
        period = since
        while period <= last:
            months.append(period)
            period = deadlines.next_month(period)
        recent = set(months[-self.UNSUBMITTED_MONTHS :])
        due = {m: deadlines.report_due_date(m) for m in months}
        fields = _words(
            "community period version state due_date created_by created_at submitted_by "
            "submitted_at correction_reason"
        )

        def rows():
            for c in points:
                liaison = liaisons[c.id]
                for m in months:
                    opened = _aware(deadlines.month_end(m), rng.randint(9 * 3600, 17 * 3600))
                    if m in recent and rng.random() < self.UNSUBMITTED_SHARE:
                        if rng.random() < 0.5:
                            continue  # not even opened
                        yield (c.id, m, 1, "draft", due[m], liaison, opened, None, None, "")
                        continue
                    submitted = opened + datetime.timedelta(hours=rng.uniform(2, 24 * 6))
                    row = (c.id, m, 1, "submitted", due[m], liaison, opened, liaison, submitted, "")
                    yield row

        self.counts["monitoring_reports"] = pgload.copy_rows(MonitoringReport, fields, rows())

    def _write_entries(self) -> None:
        """The entries as pre-filling writes them (monitoring.services.reports.prefill_rows),
        set-based: each report's month of assignments and off-platform reports."""
        with connection.cursor() as cursor:
            cursor.execute(PREFILL_ALL_SQL, {"tz": settings.TIME_ZONE})
            self.counts["report_entries"] = cursor.rowcount

    def _write_clues(self, points: list[Org], liaisons: dict[int, int], rng) -> None:
        """Clues on the departments of the communities' district and city, mostly raised
        by points' liaisons; the first ``notices`` of them got a notice from the province's
        supervisor: half still awaiting measures, due from six weeks ago to a month ahead."""
        spec, today = self.spec, self.today
        if not spec.clues:
            self.counts.update(clues=0, rectification_notices=0)
            return
        pools = self._department_pools()
        province = self.areas[0]
        supervisor = User.objects.get(username=SUPERVISOR_USERNAME).pk
        next_clue = itertools.count(pgload.next_id(Clue))
        next_notice = itertools.count(pgload.next_id(RectificationNotice))
        clues, notices, sequences, reminded = [], [], {}, []
        for n in range(spec.clues):
            on_point = rng.random() < 0.7
            community = rng.choice(points if on_point else self.communities)
            depts, dcum = pools[community.parent.parent.id]
            if not depts:
                continue
            dept = depts[bisect.bisect(dcum, rng.random() * dcum[-1])]
            reporter = liaisons[community.id] if on_point else self.cadre_user[community.id]
            clue_id = next(next_clue)
            if n < spec.notices:
                sent_on = today - datetime.timedelta(days=rng.randint(1, 90))
                days = rng.choice([5, 10, 15])
                due = deadlines.notice_due_date(sent_on, days)
                roll = rng.random()
                state = "sent" if roll < 0.5 else "responded" if roll < 0.8 else "closed"
                clue_state = {"sent": "notice_sent"}.get(state, state)
                created = _aware(sent_on - datetime.timedelta(days=rng.randint(3, 30)), 36_000)
                year = sent_on.year
                k = sequences[year] = sequences.get(year, 0) + 1
                notice_id = next(next_notice)
                escalation = "none"
                if state == "sent":
                    # As yesterday's run left it: its level, and every step notified so far.
                    escalation = deadlines.escalation_on(due, today - datetime.timedelta(days=1))
                    reached = LEVELS[1 : LEVELS.index(escalation) + 1]
                    reminded += [f"notice:{notice_id}:{level}:{due}" for level in reached]
                responded = (
                    None
                    if state == "sent"
                    else _aware(min(due, today), rng.randint(9 * 3600, 17 * 3600))
                )
                notices.append(
                    (
                        notice_id,
                        clue_id,
                        province.id,
                        dept.id,
                        f"{province.code}-{year}-{k:04d}",
                        "经核查，存在未经准入向社区摊派工作的情况。",
                        "立即停止摊派，按准入程序办理。",
                        days,
                        sent_on,
                        due,
                        supervisor,
                        state,
                        escalation,
                        "" if state == "sent" else "已停止摊派并通报。",
                        responded,
                        None if state == "sent" else self.staff_user[dept.id],
                        secrets.token_urlsafe(12),
                    )
                )
            else:
                clue_state = rng.choice(["reported", "analysed", "verified", "dismissed"])
                created = _aware(
                    today - datetime.timedelta(days=rng.randint(0, 365 * spec.years)), 36_000
                )
            clues.append(
                (
                    clue_id,
                    dept.id,
                    community.id,
                    f"{rng.choice(TASK_TOPICS)}：未经准入的工作",
                    "",
                    clue_state,
                    Jsonb({}),
                    reporter,
                    created,
                    "",
                    "",
                )
            )
        self.counts["clues"] = pgload.copy_rows(
            Clue,
            _words(
                "id department community summary details state figures reported_by created_at "
                "analysis_note findings"
            ),
            clues,
        )
        pgload.sync_sequence(Clue)
        self.counts["rectification_notices"] = pgload.copy_rows(
            RectificationNotice,
            _words(
                "id clue jurisdiction department number findings requirements "
                "due_working_days sent_on due_date sent_by state escalation measures "
                "responded_at responded_by verification_code"
            ),
            notices,
        )
        pgload.sync_sequence(RectificationNotice)
        # COPY left every clue at the column's default (open): the board's order as the
        # services keep it, from the notices just loaded (one UPDATE).
        clue_urgency_refresh()
        NoticeSequence.objects.bulk_create(
            NoticeSequence(jurisdiction_id=province.id, year=y, last_value=n)
            for y, n in sequences.items()
        )
        now = timezone.now()
        pgload.copy_rows(ReminderLog, ["key", "sent_at"], ((key, now) for key in reminded))


# One report's entries, as prefill_rows selects them: the month (local time) of assignments
# and off-platform reports of the report's community. The report ids are the parameter
# (REPORTS); every report's (PREFILL_ALL_SQL) fills the generated history.
_PREFILL_SELECT = """
SELECT r.id, 'assignment', a.id, NULL::bigint, a.department_id, d.title, 'platform',
       (a.created_at AT TIME ZONE %(tz)s)::date, a.due_date, a.hours,
       NULLIF(d.households_per_community, 0), NULL::smallint, ''
FROM monitoring_monitoringreport r
JOIN registry_assignment a ON a.community_id = r.community_id
 AND a.created_at >= (r.period::timestamp AT TIME ZONE %(tz)s)
 AND a.created_at < ((r.period + interval '1 month')::timestamp AT TIME ZONE %(tz)s)
JOIN registry_dispatch d ON d.id = a.dispatch_id
WHERE {where}
UNION ALL
SELECT r.id, 'offplatform', NULL, o.id, o.department_id, o.title, o.channel, o.received_on,
       o.due_date, o.hours, NULL, NULL, o.description
FROM monitoring_monitoringreport r
JOIN monitoring_offplatformreport o ON o.community_id = r.community_id
 AND o.received_on >= r.period AND o.received_on < r.period + interval '1 month'
 AND o.state = 'reported'
WHERE {where}
"""
_ENTRY_COLUMNS = (
    "report_id, source, assignment_id, offplatform_report_id, department_id, title, channel, "
    "demanded_on, due_date, hours, households, cadres_involved, note"
)
PREFILL_ALL_SQL = f"INSERT INTO monitoring_reportentry ({_ENTRY_COLUMNS})" + _PREFILL_SELECT.format(
    where="TRUE"
)
PREFILL_ONE_SQL = f"INSERT INTO monitoring_reportentry ({_ENTRY_COLUMNS})" + _PREFILL_SELECT.format(
    where="r.id = %(report)s"
)
