"""In-process measurement of the reverse evaluation (issue 12 item 5): the results of the
bench round (every community of the biggest city answering) as the round page and the API
compute them, beside a raw-SQL baseline of the same aggregates.

Reads only, nothing to roll back. The service side is ``round_results`` (the trend's rounds,
the scores per department and dimension, the five facts, the names: a fixed number of
queries); the baseline is the same four aggregates written by hand and run once each, with
no ranking, trend or Python around them.
"""

from __future__ import annotations

import time

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.data.evaluation import BENCH_ROUND_TITLE
from bench.measure import _summary
from bench.measure_monitoring import _ratio
from monitoring import deadlines
from monitoring.models import EvaluationRating, EvaluationRound
from monitoring.selectors import evaluation as reads
from registry.models import Organisation

SCORES_SQL = """
SELECT department_id, count(DISTINCT response_id), avg(score),
       avg(score) FILTER (WHERE dimension = 'meetings_documents'),
       avg(score) FILTER (WHERE dimension = 'inspections'),
       avg(score) FILTER (WHERE dimension = 'ledgers_materials'),
       avg(score) FILTER (WHERE dimension = 'whistle_response')
FROM monitoring_evaluationrating WHERE round_id = %(round)s GROUP BY department_id
"""
TASKS_SQL = """
SELECT a.department_id, count(*), count(*) FILTER (WHERE a.state = 'refused'),
       count(*) FILTER (WHERE a.emergency),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY d.lead_working_days)
FROM registry_assignment a
JOIN registry_organisation c ON c.id = a.community_id
JOIN registry_dispatch d ON d.id = a.dispatch_id
WHERE c.path LIKE %(prefix)s AND a.created_at >= %(start)s AND a.created_at < %(end)s
GROUP BY a.department_id
"""
OFFPLATFORM_SQL = """
SELECT r.department_id, count(*) FROM monitoring_offplatformreport r
JOIN registry_organisation c ON c.id = r.community_id
WHERE c.path LIKE %(prefix)s AND r.received_on BETWEEN %(from)s AND %(until)s
GROUP BY r.department_id
"""
NOTICES_SQL = """
SELECT n.department_id, count(*) FROM monitoring_rectificationnotice n
JOIN monitoring_clue k ON k.id = n.clue_id
LEFT JOIN registry_organisation c ON c.id = k.community_id
JOIN registry_organisation j ON j.id = n.jurisdiction_id
WHERE n.state = 'sent' AND n.due_date >= %(from)s AND n.due_date <= %(cutoff)s
  AND (c.path LIKE %(prefix)s OR (k.community_id IS NULL AND j.path LIKE %(prefix)s))
GROUP BY n.department_id
"""


def bench_round() -> EvaluationRound:
    evaluation_round = (
        EvaluationRound.objects.filter(title=BENCH_ROUND_TITLE).select_related("area").first()
    )
    if evaluation_round is None:
        raise RuntimeError("No bench evaluation round in the data: run bench_data first.")
    return evaluation_round


def _raw(evaluation_round: EvaluationRound) -> dict[int, tuple]:
    area = evaluation_round.area
    start, end = reads.period_bounds(evaluation_round.period_from, evaluation_round.period_until)
    params = {
        "round": evaluation_round.pk,
        "prefix": area.path + "%",
        "start": start,
        "end": end,
        "from": evaluation_round.period_from,
        "until": evaluation_round.period_until,
        "cutoff": min(
            evaluation_round.period_until, deadlines.overdue_cutoff(timezone.localdate())
        ),
    }
    with connection.cursor() as cursor:
        cursor.execute(SCORES_SQL, params)
        scores = {row[0]: row for row in cursor.fetchall()}
        for sql in (TASKS_SQL, OFFPLATFORM_SQL, NOTICES_SQL):
            cursor.execute(sql, params)
            cursor.fetchall()
    return scores


def results(*, repeats: int) -> dict:
    """``round_results`` for the bench round ``repeats`` times after a warm-up, beside the
    raw SQL; and whether both give the same responses and means per department."""
    evaluation_round = bench_round()
    seconds, raw_seconds = [], []
    queries = 0
    rows = []
    raw_rows: dict[int, tuple] = {}
    for run in range(repeats + 1):
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            rows = reads.round_results(evaluation_round)
            elapsed = time.perf_counter() - began
        began = time.perf_counter()
        raw_rows = _raw(evaluation_round)
        raw_elapsed = time.perf_counter() - began
        if run:  # the first run warms the caches
            seconds.append(elapsed)
            raw_seconds.append(raw_elapsed)
            queries = len(captured.captured_queries)
    matches = all(
        row.responses == raw_rows[row.department.pk][1]
        and (row.overall is None or abs(row.overall - float(raw_rows[row.department.pk][2])) < 0.01)
        for row in rows
        if row.department.pk in raw_rows
    ) and len([r for r in rows if r.responses]) == len(raw_rows)
    area = evaluation_round.area
    return {
        "area": area.name,
        "communities": Organisation.objects.communities()
        .filter(path__startswith=area.path)
        .count(),
        "departments": len(rows),
        "responses": evaluation_round.responses.count(),
        "ratings": EvaluationRating.objects.filter(round=evaluation_round).count(),
        "ranked": sum(1 for r in rows if r.ranked),
        "queries": queries,
        "service": _summary(seconds),
        "raw_sql": _summary(raw_seconds),
        "ratio": _ratio(seconds, raw_seconds),
        "raw_matches_service": matches,
    }
