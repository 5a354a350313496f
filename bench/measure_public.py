"""The public front page's figures at province size (issue 13 items 6 and 7): what a
visitor's first request after the cache expires costs, beside a raw-SQL baseline of the
same aggregates, and what every other request costs (the cached path).

What is timed is ``public.selectors.public_figures``: what the front page and
``GET /api/v1/public/figures/`` call before they draw. Uncached, its cache entry is deleted
before each run (untimed), so each run finds the bureau and its baseline and counts the four
tables; the raw baseline is the same four aggregates written by hand (this year and the
baseline side by side with ``FILTER``), for the periods the selector resolved, no bureau
lookup. The ratio is the uncached figures over the raw queries. The run checks both give
the same counts, so the baseline stays honest when a figure's definition changes.
"""

from __future__ import annotations

import statistics
import time

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.measure import _summary
from public import selectors

# (figure, SQL giving (this year, baseline)); the certificate types' cancellation day is
# the selector's: effective_from, else the local day a local type was entered.
RAW_SQL = {
    "applications": """
SELECT COUNT(*) FILTER (WHERE state = 'approved' AND decided_at >= %(now_start)s
                          AND decided_at < %(now_end)s),
       COUNT(*) FILTER (WHERE state = 'approved' AND decided_at >= %(base_start)s
                          AND decided_at < %(base_end)s),
       COUNT(*) FILTER (WHERE state = 'rejected' AND decided_at >= %(now_start)s
                          AND decided_at < %(now_end)s),
       COUNT(*) FILTER (WHERE state = 'rejected' AND decided_at >= %(base_start)s
                          AND decided_at < %(base_end)s)
FROM registry_application WHERE subject = 'work_item'
""",
    "tasks_refused": """
SELECT COUNT(*) FILTER (WHERE responded_at >= %(now_start)s AND responded_at < %(now_end)s),
       COUNT(*) FILTER (WHERE responded_at >= %(base_start)s AND responded_at < %(base_end)s)
FROM registry_assignment WHERE state = 'refused'
""",
    "certificates_cancelled": """
SELECT COUNT(*) FILTER (WHERE day BETWEEN %(now_from)s AND %(now_until)s),
       COUNT(*) FILTER (WHERE day BETWEEN %(base_from)s AND %(base_until)s)
FROM (SELECT COALESCE(effective_from, CASE WHEN national_seq IS NULL
                      THEN (created_at AT TIME ZONE %(zone)s)::date END) AS day
      FROM certificates_certificatetype WHERE status = 'prohibited') AS t
""",
    "signs_removed": """
SELECT COUNT(*) FILTER (WHERE removed_on BETWEEN %(now_from)s AND %(now_until)s),
       COUNT(*) FILTER (WHERE removed_on BETWEEN %(base_from)s AND %(base_until)s)
FROM signage_plaque WHERE status = 'removed'
""",
}
# Cached reads are microseconds: enough of them that the median means something.
CACHED_RUNS = 200


def _raw(now: selectors.Period, base: selectors.Period) -> dict[str, tuple[int, int]]:
    now_start, now_end = now.datetime_range()
    base_start, base_end = base.datetime_range()
    params = {
        "now_start": now_start,
        "now_end": now_end,
        "base_start": base_start,
        "base_end": base_end,
        "now_from": now.start,
        "now_until": now.end,
        "base_from": base.start,
        "base_until": base.end,
        "zone": timezone.get_current_timezone_name(),
    }
    counts: dict[str, tuple[int, int]] = {}
    with connection.cursor() as cursor:
        for name, sql in RAW_SQL.items():
            cursor.execute(sql, params)
            row = cursor.fetchone()
            if name == "applications":
                counts["items_admitted"] = (row[0], row[1])
                counts["items_refused"] = (row[2], row[3])
            else:
                counts[name] = (row[0], row[1])
    return counts


def _milliseconds(seconds: list[float]) -> dict:
    """``_summary`` in milliseconds: a cached read is finer than its 0.1 ms."""
    summary = _summary([1000 * t for t in seconds])
    return {
        k.removesuffix("_s") + ("_ms" if k.endswith("_s") else ""): v for k, v in summary.items()
    }


def figures(*, repeats: int, cached_runs: int = CACHED_RUNS) -> dict:
    today = timezone.localdate()

    def uncached() -> dict:
        cache.delete(selectors.figures_cache_key(today))
        began = time.perf_counter()
        result = selectors.public_figures(today)
        timings["uncached"].append(time.perf_counter() - began)
        return result

    timings: dict[str, list[float]] = {"uncached": [], "raw_sql": [], "cached": []}
    uncached()  # warm-up: connections, the catalogue, the planner's statistics
    timings["uncached"].clear()
    with CaptureQueriesContext(connection) as captured:
        answer = uncached()
    timings["uncached"].clear()
    base = answer["baseline"]
    now_period = selectors.this_year(today)
    base_period = selectors.Period(base["from"], base["until"])
    for _ in range(repeats):
        uncached()
        began = time.perf_counter()
        raw = _raw(now_period, base_period)
        timings["raw_sql"].append(time.perf_counter() - began)
    for _ in range(cached_runs):
        began = time.perf_counter()
        selectors.public_figures(today)
        timings["cached"].append(time.perf_counter() - began)
    figures_now = {f["key"]: (f["value"], f["baseline"]) for f in answer["figures"]}
    raw_median = statistics.median(timings["raw_sql"])
    return {
        "period": {"from": now_period.start.isoformat(), "until": now_period.end.isoformat()},
        "baseline": {
            "from": base["from"].isoformat(),
            "until": base["until"].isoformat(),
            "label": base["label"],
            "kind": answer["baseline_kind"],
        },
        "queries": len(captured),
        "figures": {key: list(pair) for key, pair in figures_now.items()},
        "uncached": _summary(timings["uncached"]),
        "raw_sql": _summary(timings["raw_sql"]),
        # Two cache reads (the baselines' version, the entry).
        "cached": _milliseconds(timings["cached"]),
        "ratio": round(statistics.median(timings["uncached"]) / raw_median, 2)
        if raw_median
        else None,
        "raw_matches_service": raw == figures_now,
    }
