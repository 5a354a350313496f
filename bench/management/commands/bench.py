"""Run the province-scale benchmark against DATABASE_URL (docs/performance.md)."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bench import run


class Command(BaseCommand):
    help = (
        "Measure dispatch to 1,000 communities, the inbox and department list over gunicorn "
        "under load in rounds interleaved with a trivial endpoint, the flag computation "
        "beside one raw SQL query, pre-filling a monitoring report and the escalation job "
        "beside raw SQL, the dashboard and the public figures beside raw SQL, and queries "
        "per request; write a JSON and a markdown report."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quick", action="store_true", help="seconds, for tiny data")
        parser.add_argument("--out", type=Path, help="report folder (default bench-out/)")
        parser.add_argument("--stem", default="", help="report file name without extension")
        parser.add_argument(
            "--skip", action="append", default=[], choices=run.SECTIONS, help="repeatable"
        )
        parser.add_argument("--dispatch-size", type=int, default=1_000)
        parser.add_argument("--dispatch-repeats", type=int)
        parser.add_argument("--flag-repeats", type=int)
        parser.add_argument(
            "--monitoring-repeats", type=int, help="pre-filling and escalation runs (each)"
        )
        parser.add_argument(
            "--evaluation-repeats", type=int, help="results of the evaluation round runs"
        )
        parser.add_argument("--dashboard-repeats", type=int, help="runs of each dashboard")
        parser.add_argument(
            "--public-repeats", type=int, help="uncached runs of the public figures"
        )
        parser.add_argument(
            "--duration",
            type=float,
            help="seconds of load per measurement; loaded, shared out over the rounds, half "
            "on the trivial endpoint (default 15)",
        )
        parser.add_argument("--warmup", type=float, help="seconds of load before each")
        parser.add_argument(
            "--rounds",
            type=int,
            help="interleaved rounds (trivial endpoint, then the endpoint) per loaded "
            "endpoint; the ratio is their median (default 4)",
        )
        parser.add_argument("--workers", type=int, help="gunicorn workers (default 2 x cores + 1)")
        parser.add_argument("--connections", type=int, help="default: one per worker")
        parser.add_argument("--loader", choices=["auto", "wrk", "python"], default="auto")

    def handle(self, *args, **options):
        kwargs = {
            name: options[name]
            for name in (
                "quick", "stem", "dispatch_size", "dispatch_repeats", "flag_repeats",
                "monitoring_repeats", "evaluation_repeats",
                "dashboard_repeats", "public_repeats", "duration", "warmup", "rounds", "workers",
                "connections", "loader",
            )
        }  # fmt: skip
        if options["out"]:
            kwargs["out_dir"] = options["out"]
        started = time.monotonic()

        def progress(message: str) -> None:
            self.stdout.write(f"[{time.monotonic() - started:7.1f}s] {message}")
            self.stdout.flush()

        try:
            result, json_path, md_path = run.run(
                run.Options(skip=frozenset(options["skip"]), **kwargs), progress=progress
            )
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        for goal in result["goals"]:
            mark = {True: "met", False: "MISSED", None: "not run"}[goal["met"]]
            self.stdout.write(f"{mark:8} {goal['goal']}: {goal['measured']} ({goal['target']})")
        self.stdout.write(f"reports: {json_path} {md_path}")
