"""The inbox's and the department list's throughput beside the trivial endpoint's, measured
in interleaved rounds on one gunicorn (docs/performance.md, issue 17).

``manage.py bench`` measures each endpoint once, one after the other: on a machine shared
with other work the load moves between those minutes (the trivial endpoint alone answered
260 to 1,060 requests/s in the runs of one afternoon), and the ratio moves with it. Here
each round measures the three endpoints a few seconds each, one after the other, and the
ratio is taken within the round; the median of the rounds is what to compare.
"""

from __future__ import annotations

import os
import statistics
from pathlib import Path

from django.core.management.base import BaseCommand

from bench import targets, web


class Command(BaseCommand):
    help = (
        "Throughput of the inbox and the department's list as a share of the trivial "
        "endpoint's, from interleaved rounds of wrk (5 connections) on one gunicorn."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rounds", type=int, default=8)
        parser.add_argument("--seconds", type=float, default=3.0, help="per endpoint per round")
        parser.add_argument("--connections", type=int, default=5)
        parser.add_argument("--workers", type=int, default=5)
        parser.add_argument("--out", type=Path, default=Path("bench-out"))
        parser.add_argument("--loader", choices=["auto", "wrk", "python"], default="auto")

    def handle(self, *args, **options):
        found = targets.find()
        endpoints = {
            "trivial": ("/bench/ping/", [a.token for a in found.cadres]),
            "inbox": ("/api/v1/assignments/", [a.token for a in found.cadres]),
            "department_list": ("/api/v1/assignments/", [a.token for a in found.staff]),
        }
        connections, seconds = options["connections"], options["seconds"]
        tool = web.loader_available(options["loader"])
        options["out"].mkdir(parents=True, exist_ok=True)
        rounds: list[dict[str, web.LoadResult]] = []
        with web.gunicorn(
            workers=options["workers"],
            log_path=options["out"] / "interleaved-gunicorn.log",
            probe_token=found.cadres[0].token,
        ) as base:
            for path, credentials in endpoints.values():  # every user's first page cached
                for credential in credentials:
                    web.get_json(base + path, credential)
                web.load(
                    base + path, credentials, duration=min(2.0, seconds),
                    connections=connections, tool=tool,
                )  # fmt: skip
            for n in range(options["rounds"]):
                results = {
                    name: web.load(
                        base + path, credentials, duration=seconds, connections=connections,
                        tool=tool,
                    )
                    for name, (path, credentials) in endpoints.items()
                }  # fmt: skip
                rounds.append(results)
                load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
                self.stdout.write(
                    f"round {n}: "
                    + ", ".join(f"{name} {r.rps:.0f} req/s" for name, r in results.items())
                    + f" (load {load})"
                )
        trivial_p95 = statistics.median(r["trivial"].p95_ms for r in rounds)
        self.stdout.write(f"trivial: p95 median {trivial_p95:.1f} ms")
        for name in ("inbox", "department_list"):
            ratios = [r[name].rps / r["trivial"].rps for r in rounds if r["trivial"].rps]
            p95 = statistics.median(r[name].p95_ms for r in rounds)
            self.stdout.write(
                f"{name}: ratio median {statistics.median(ratios):.2f} "
                f"(rounds {', '.join(f'{x:.2f}' for x in ratios)}), p95 median {p95:.1f} ms"
            )
