"""The supervisors' dashboard at province size (issue 13 item 7): the figures of the
province, its busiest city and a district of it, as the province's supervisor asks them
(this year against the same period last year), beside a raw-SQL baseline of the same
aggregates.

What is timed is ``registry.selectors.dashboard.dashboard_figures``: what the page and the
API compute before they draw (every registered section, for the period and the baseline).
The raw-SQL baseline covers the sections over the big tables, the assignments (per
community and per month), the refusals (per department), the off-platform reports (per
department) and the certificates (issuances per community, refusals per institution):
the same rows counted by hand-written GROUP BY queries, no scope check, no roll-up. The
ratio is the ORM's time for those four sections over the raw queries' time.
"""

from __future__ import annotations

import datetime
import statistics
import time

from django.apps import apps
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.data.spec import SUPERVISOR_USERNAME
from bench.measure import _summary
from registry import plugins
from registry.models import Organisation, User
from registry.selectors import dashboard as board
from registry.services.dashboard_rollups import dashboard_rollups_refresh

RAW_SECTIONS = ("assignments", "refusals", "offplatform", "certificates")

ASSIGNMENTS_PER_COMMUNITY = """
SELECT a.community_id, MAX(c.path), MAX(c.name), MAX(c.staff_count), COUNT(*), SUM(a.hours),
       COUNT(*) FILTER (WHERE a.emergency), COUNT(*) FILTER (WHERE a.state = 'refused')
FROM registry_assignment a JOIN registry_organisation c ON c.id = a.community_id
WHERE c.path LIKE %(prefix)s AND a.created_at >= %(start)s AND a.created_at < %(end)s
GROUP BY a.community_id
"""
ASSIGNMENTS_PER_MONTH = """
SELECT date_trunc('month', a.created_at AT TIME ZONE 'Asia/Shanghai') AS month, COUNT(*),
       SUM(a.hours), COUNT(*) FILTER (WHERE a.emergency), SUM(d.lead_working_days)
FROM registry_assignment a JOIN registry_organisation c ON c.id = a.community_id
     JOIN registry_dispatch d ON d.id = a.dispatch_id
WHERE c.path LIKE %(prefix)s AND a.created_at >= %(start)s AND a.created_at < %(end)s
GROUP BY 1 ORDER BY 1
"""
COMMUNITIES_IN_AREA = """
SELECT COUNT(*) FROM registry_organisation WHERE kind = 'community' AND path LIKE %(prefix)s
"""
REFUSALS_PER_DEPARTMENT = """
SELECT a.department_id, MAX(d.name), MAX(d.code), COUNT(*),
       COUNT(*) FILTER (WHERE a.state = 'refused'),
       COUNT(*) FILTER (WHERE a.state = 'refused' AND a.refusal_reason = 'not_admitted'),
       COUNT(*) FILTER (WHERE a.state = 'refused' AND a.refusal_reason = 'outside_list'),
       COUNT(*) FILTER (WHERE a.state = 'refused' AND a.refusal_reason = 'unreasonable_deadline'),
       COUNT(*) FILTER (WHERE a.state = 'refused' AND a.refusal_reason = 'duplicate'),
       COUNT(*) FILTER (WHERE a.state = 'refused' AND a.refusal_reason = 'other')
FROM registry_assignment a JOIN registry_organisation c ON c.id = a.community_id
     JOIN registry_organisation d ON d.id = a.department_id
WHERE c.path LIKE %(prefix)s AND a.created_at >= %(start)s AND a.created_at < %(end)s
GROUP BY a.department_id
"""
OFFPLATFORM_PER_DEPARTMENT = """
SELECT r.department_id, MAX(d.name), MAX(d.code), COUNT(*), COUNT(DISTINCT r.community_id)
FROM monitoring_offplatformreport r JOIN registry_organisation c ON c.id = r.community_id
     LEFT JOIN registry_organisation d ON d.id = r.department_id
WHERE c.path LIKE %(prefix)s AND r.received_on >= %(day_start)s AND r.received_on <= %(day_end)s
GROUP BY r.department_id
"""
ISSUANCES_PER_COMMUNITY = """
SELECT i.community_id, MAX(c.path), COUNT(*)
FROM certificates_certificateissuance i JOIN registry_organisation c ON c.id = i.community_id
WHERE c.path LIKE %(prefix)s AND i.issued_on >= %(day_start)s AND i.issued_on <= %(day_end)s
GROUP BY i.community_id
"""
REFUSALS_PER_INSTITUTION = """
SELECT r.requested_by, COUNT(*), COUNT(DISTINCT r.community_id)
FROM certificates_certificaterefusal r JOIN registry_organisation c ON c.id = r.community_id
WHERE c.path LIKE %(prefix)s AND r.refused_on >= %(day_start)s AND r.refused_on <= %(day_end)s
GROUP BY r.requested_by
"""


def _raw_queries() -> list[str]:
    queries = [
        ASSIGNMENTS_PER_COMMUNITY,
        ASSIGNMENTS_PER_MONTH,
        COMMUNITIES_IN_AREA,
        REFUSALS_PER_DEPARTMENT,
    ]
    if apps.is_installed("monitoring"):
        queries.append(OFFPLATFORM_PER_DEPARTMENT)
    if apps.is_installed("certificates"):
        queries += [ISSUANCES_PER_COMMUNITY, REFUSALS_PER_INSTITUTION]
    return queries


def _raw(area: Organisation, period: board.Period) -> int:
    start = timezone.make_aware(datetime.datetime.combine(period.start, datetime.time.min))
    end = timezone.make_aware(
        datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time.min)
    )
    params = {
        "prefix": area.path + "%",
        "start": start,
        "end": end,
        "day_start": period.start,
        "day_end": period.end,
    }
    rows = 0
    with connection.cursor() as cursor:
        for sql in _raw_queries():
            cursor.execute(sql, params)
            rows += len(cursor.fetchall())
    return rows


def _areas() -> list[tuple[str, Organisation]]:
    """The province, the city with the most communities, and its busiest-sized district."""
    province = Organisation.objects.filter(kind="area", level="province").order_by("path").first()
    if province is None:
        raise RuntimeError("No province in the data: run bench_data first.")

    def biggest(level: str, under: Organisation) -> Organisation:
        sizes = (
            Organisation.objects.filter(kind="community", path__startswith=under.path)
            .values("parent__parent__parent_id" if level == "city" else "parent__parent_id")
            .annotate(n=Count("id"))
            .order_by("-n")
            .first()
        )
        key = next(k for k in sizes if k != "n")
        return Organisation.objects.get(pk=sizes[key])

    city = biggest("city", province)
    district = biggest("district", city)
    return [("province", province), ("city", city), ("district", district)]


def dashboards(*, repeats: int) -> dict:
    # The nightly roll-ups first, as a deployment has them (and timed: the beat job's cost).
    rollup = dashboard_rollups_refresh()
    user = User.objects.get(username=SUPERVISOR_USERNAME)
    today = timezone.localdate()
    period = board.presets(today)["year"]
    baseline = board.same_period_last_year(period)
    sections = {s.key: s for s in plugins.dashboard_sections()}
    raw_sections = [sections[k] for k in RAW_SECTIONS if k in sections]
    out: dict = {
        "period": period.as_json(),
        "baseline": baseline.as_json(),
        "sections": list(sections),
        "raw_sections": [s.key for s in raw_sections],
        "rollup": rollup,
        "levels": [],
    }
    for level, area in _areas():
        out["levels"].append(
            _level(level, area, user, period, baseline, raw_sections, repeats=repeats)
        )
    return out


def _level(level, area, user, period, baseline, raw_sections, *, repeats: int) -> dict:
    communities = Organisation.objects.filter(kind="community", path__startswith=area.path).count()

    def whole() -> list:
        return board.dashboard_figures(user=user, area=area, period=period, baseline=baseline)

    def same_sections() -> None:
        now = board.DashboardQuery(user=user, area=area, period=period)
        then = board.DashboardQuery(user=user, area=area, period=baseline)
        then.children = now.children
        for section in raw_sections:
            section.figures(now)
            section.figures(then)

    def raw() -> None:
        _raw(area, period)
        _raw(area, baseline)

    def per_section() -> dict[str, float]:
        """Each section's time (period and baseline), and the whole dashboard without the
        roll-ups (everything counted live), once: what the roll-ups bought."""
        now = board.DashboardQuery(user=user, area=area, period=period)
        then = board.DashboardQuery(user=user, area=area, period=baseline)
        then.children, then.organisations, then.rollup = now.children, now.organisations, now.rollup
        out = {}
        for section in plugins.dashboard_sections():
            began = time.perf_counter()
            section.figures(now)
            section.figures(then)
            out[section.key] = round(time.perf_counter() - began, 3)
        return out

    def live() -> float:
        now = board.DashboardQuery(user=user, area=area, period=period)
        then = board.DashboardQuery(user=user, area=area, period=baseline)
        now.rollup = then.rollup = None
        began = time.perf_counter()
        for section in plugins.dashboard_sections():
            section.figures(now)
            section.figures(then)
        return round(time.perf_counter() - began, 3)

    whole()  # warm-up (and the caches: the user's grants, the working-day table)
    with CaptureQueriesContext(connection) as captured:
        figures = whole()
    totals = {s.key: r["totals"] for s, r, _b in figures}
    timings: dict[str, list[float]] = {"whole": [], "same_sections": [], "raw_sql": []}
    for _ in range(repeats):
        for name, work in (("whole", whole), ("same_sections", same_sections), ("raw_sql", raw)):
            began = time.perf_counter()
            work()
            timings[name].append(time.perf_counter() - began)
    raw_median = statistics.median(timings["raw_sql"])
    sections = per_section()
    without_rollups = live()
    return {
        "level": level,
        "area": area.code,
        "name": area.name,
        "communities": communities,
        "queries": len(captured),
        "assignments_in_period": totals.get("assignments", {}).get("assignments"),
        "whole": _summary(timings["whole"]),
        "sections_s": sections,
        "without_rollups_s": without_rollups,
        "same_sections": _summary(timings["same_sections"]),
        "raw_sql": _summary(timings["raw_sql"]),
        "ratio": round(statistics.median(timings["same_sections"]) / raw_median, 2)
        if raw_median
        else None,
    }
