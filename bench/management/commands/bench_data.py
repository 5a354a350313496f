"""Fill a PostgreSQL database with a province for the benchmark (docs/performance.md)."""

from __future__ import annotations

import dataclasses
import json
import time

from django.core.management.base import BaseCommand, CommandError

from bench import data, database


class Command(BaseCommand):
    help = (
        "Generate a province (cities, districts, streets, communities, departments, work "
        "items, two years of dispatches, off-platform reports, certificate issuances) into "
        "the DATABASE_URL database with COPY. Defaults are the full size of the issue."
    )

    def add_arguments(self, parser):
        full = data.FULL
        for name in [f.name for f in dataclasses.fields(data.ProvinceSpec)]:
            default = getattr(full, name)
            parser.add_argument(
                f"--{name.replace('_', '-')}", type=type(default), default=default, dest=name
            )
        parser.add_argument("--tiny", action="store_true", help="the smoke test's province")
        parser.add_argument(
            "--recreate",
            action="store_true",
            help="drop and create the database first (its name must contain 'bench')",
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing if the province is already there"
        )

    def handle(self, *args, **options):
        started = time.monotonic()

        def progress(message: str) -> None:
            self.stdout.write(f"[{time.monotonic() - started:7.1f}s] {message}")
            self.stdout.flush()

        if options["tiny"]:
            spec = data.TINY
        else:
            fields = [f.name for f in dataclasses.fields(data.ProvinceSpec)]
            spec = data.ProvinceSpec(**{name: options[name] for name in fields})
        try:
            database.prepare(recreate=options["recreate"], progress=progress)
            if options["if_empty"] and data.province_exists(spec):
                progress(f"province {spec.province_code} is already there; nothing to do")
                return
            summary = data.generate(spec, progress=progress)
        except (RuntimeError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
