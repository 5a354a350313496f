"""An endpoint's throughput beside the trivial endpoint's, in interleaved rounds on one
gunicorn (docs/performance.md, "How to run it" and issue 17).

On a machine shared with other work the load moves within minutes (the trivial endpoint
alone answered 1,063 and 258 requests/s in runs twenty minutes apart), so a ratio of two
measurements taken minutes apart says more about the machine than about the code. Each
round drives the trivial endpoint, then the endpoint, a few seconds each, and the ratio is
taken within the round: both halves met nearly the same machine. The median of the
rounds is the figure; their spread says how far to trust it.
"""

from __future__ import annotations

import statistics

from bench.web import LoadResult, load


def rounds(
    url: str,
    credentials: list[str],
    trivial_url: str,
    trivial_credentials: list[str],
    *,
    count: int,
    seconds: float,
    connections: int,
    tool: str,
) -> list[tuple[LoadResult, LoadResult]]:
    """``count`` rounds of (trivial, endpoint), each driven ``seconds``."""

    def drive(target: str, users: list[str]) -> LoadResult:
        return load(target, users, duration=seconds, connections=connections, tool=tool)

    return [
        (drive(trivial_url, trivial_credentials), drive(url, credentials)) for _ in range(count)
    ]


def combined(results: list[LoadResult]) -> dict:
    """Several measurements of one endpoint as one, in LoadResult's keys: requests/s over
    the whole time; each percentile the median of the measurements' (wrk reports
    percentiles, not latencies, so they cannot be pooled)."""
    seconds = sum(r.seconds for r in results)
    requests = sum(r.requests for r in results)

    def median(key: str) -> float:
        return round(statistics.median(getattr(r, key) for r in results), 3)

    return {
        "tool": results[0].tool,
        "connections": results[0].connections,
        "seconds": round(seconds, 2),
        "requests": requests,
        "rps": round(requests / seconds, 1) if seconds else 0.0,
        "p50_ms": median("p50_ms"),
        "p90_ms": median("p90_ms"),
        "p95_ms": median("p95_ms"),
        "p99_ms": median("p99_ms"),
        "max_ms": max(r.max_ms for r in results),
        "mean_ms": round(sum(r.mean_ms * r.requests for r in results) / requests, 3)
        if requests
        else 0.0,
        "errors": sum(r.errors for r in results),
        "measurements": len(results),
    }


def summary(pairs: list[tuple[LoadResult, LoadResult]]) -> dict:
    """The ratio of each round, their median and spread; the trivial endpoint's rate in
    the same rounds (what the endpoint's rate is compared with)."""
    ratios = [round(e.rps / t.rps, 2) for t, e in pairs if t.rps]
    return {
        "rounds": [
            {"trivial_rps": t.rps, "rps": e.rps, "trivial_p95_ms": t.p95_ms, "p95_ms": e.p95_ms}
            for t, e in pairs
        ],
        "ratios": ratios,
        "ratio": round(statistics.median(ratios), 2) if ratios else None,
        "ratio_min": min(ratios, default=None),
        "ratio_max": max(ratios, default=None),
        "trivial_rps": combined([t for t, _ in pairs])["rps"],
    }
