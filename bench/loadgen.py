"""A small HTTP load generator, for machines without wrk: ``python -m bench.loadgen``.

Run as its own process (so it does not share the GIL with anything measured): one thread
per connection, each sending GETs back to back for the duration, rotating the tokens,
reconnecting when the server closes the connection (gunicorn's sync workers do). Prints
the same JSON line as bench/wrk_report.lua.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import threading
import time
from urllib.parse import urlsplit


def credentials_header(credential: str) -> dict[str, str]:
    """``sessionid=...`` is a signed-in browser (the pages), anything else an API token."""
    if "=" in credential:
        return {"Cookie": credential}
    return {"Authorization": f"Token {credential}"}


def _worker(url: str, tokens: list[str], start: int, stop_at: float, out: dict) -> None:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    conn: http.client.HTTPConnection | None = None
    latencies: list[float] = []
    status_errors = socket_errors = 0
    for n in itertools.count(start):
        if time.monotonic() >= stop_at:
            break
        headers = credentials_header(tokens[n % len(tokens)])
        began = time.perf_counter()
        try:
            if conn is None:
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.will_close:
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException):
            socket_errors += 1
            if conn is not None:
                conn.close()
            conn = None
            continue
        latencies.append(time.perf_counter() - began)
        if not 200 <= response.status < 400:
            status_errors += 1
    if conn is not None:
        conn.close()
    out.update(latencies=latencies, status_errors=status_errors, socket_errors=socket_errors)


def _percentile(ordered: list[float], p: float) -> float:
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def run(url: str, tokens: list[str], duration: float, connections: int) -> dict:
    began = time.monotonic()
    stop_at = began + duration
    results: list[dict] = [{} for _ in range(connections)]
    threads = [
        threading.Thread(target=_worker, args=(url, tokens, i * 7919, stop_at, results[i]))
        for i in range(connections)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    latencies = sorted(x for r in results for x in r["latencies"])
    us = 1_000_000
    return {
        "requests": len(latencies),
        "duration_us": int(elapsed * us),
        "socket_errors": sum(r["socket_errors"] for r in results),
        "status_errors": sum(r["status_errors"] for r in results),
        "timeouts": 0,
        "p50_us": int(_percentile(latencies, 50) * us),
        "p90_us": int(_percentile(latencies, 90) * us),
        "p95_us": int(_percentile(latencies, 95) * us),
        "p99_us": int(_percentile(latencies, 99) * us),
        "max_us": int((latencies[-1] if latencies else 0) * us),
        "mean_us": round(sum(latencies) / len(latencies) * us, 1) if latencies else 0.0,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--duration", type=float, required=True)
    parser.add_argument("--connections", type=int, required=True)
    parser.add_argument("--tokens-file", required=True, help="one token per line")
    args = parser.parse_args(argv)
    with open(args.tokens_file, encoding="utf-8") as handle:
        tokens = [line.strip() for line in handle if line.strip()]
    result = run(args.url, tokens, args.duration, args.connections)
    print("BENCH_JSON " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
