"""One benchmark run: dispatch, the list APIs over real HTTP, the flag computation,
monitoring (pre-filling a report, the escalation job), the supervisors' dashboard (province,
city, district, beside raw SQL), the public figures (uncached beside raw SQL, and cached),
query counts; then the goals,
and the JSON and markdown reports (``manage.py bench``)."""

from __future__ import annotations

import datetime
import importlib.metadata
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone

from bench import (
    interleaved,
    measure,
    measure_dashboard,
    measure_evaluation,
    measure_exports,
    measure_monitoring,
    measure_public,
    queries,
    report,
    targets,
    web,
)

Progress = Callable[[str], None]
SECTIONS = (
    "dispatch",
    "http",
    "flags",
    "monitoring",
    "evaluation",
    "exports",
    "dashboard",
    "public",
    "query_counts",
)


@dataclass
class Options:
    quick: bool = False  # tiny figures, seconds not minutes: the smoke test's mode
    out_dir: Path = field(default_factory=lambda: Path(settings.BASE_DIR) / "bench-out")
    stem: str = ""  # report file names; default: bench-<mode>-<time>
    skip: frozenset[str] = frozenset()
    dispatch_size: int = 1_000
    # None: the mode's default.
    dispatch_repeats: int | None = None
    flag_repeats: int | None = None
    monitoring_repeats: int | None = None
    evaluation_repeats: int | None = None
    dashboard_repeats: int | None = None
    public_repeats: int | None = None
    # Seconds of load per HTTP measurement. Loaded, they are the endpoint's interleaved
    # rounds, half of each on the trivial endpoint (bench/interleaved.py).
    duration: float | None = None
    warmup: float | None = None  # seconds of load before it, not measured
    rounds: int | None = None  # interleaved rounds per loaded endpoint
    workers: int | None = None
    connections: int | None = None
    loader: str = "auto"  # wrk, python or auto

    def __post_init__(self) -> None:
        def default(value, quick, full):
            return value if value is not None else quick if self.quick else full

        self.dispatch_repeats = default(self.dispatch_repeats, 2, 15)
        self.flag_repeats = default(self.flag_repeats, 1, 3)
        self.monitoring_repeats = default(self.monitoring_repeats, 2, 10)
        self.evaluation_repeats = default(self.evaluation_repeats, 2, 10)
        self.dashboard_repeats = default(self.dashboard_repeats, 1, 5)
        self.public_repeats = default(self.public_repeats, 2, 10)
        self.duration = default(self.duration, 1.0, 15.0)
        self.warmup = default(self.warmup, 0.0, 3.0)
        # 15 s as 4 rounds of 2 s + 2 s (wrk counts whole seconds): the loaded section
        # takes about what 15 s per endpoint measured one after another took.
        self.rounds = max(1, default(self.rounds, 1, 4))
        self.workers = default(self.workers, 2, 2 * (os.cpu_count() or 1) + 1)
        self.connections = default(self.connections, self.workers, self.workers)


def _host() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "?",
    )
    kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        pg = cursor.fetchone()[0].split(" on ")[0]
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(kb / 1024 / 1024, 1),
        "postgresql": pg,
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": importlib.metadata.version("gunicorn"),
        "platform": platform.platform(),
    }


def _rows() -> dict:
    names = [
        ("organisations", "registry", "Organisation"),
        ("work_items", "registry", "WorkItem"),
        ("dispatches", "registry", "Dispatch"),
        ("assignments", "registry", "Assignment"),
        ("offplatform_reports", "monitoring", "OffPlatformReport"),
        ("monitoring_points", "monitoring", "MonitoringPoint"),
        ("monitoring_reports", "monitoring", "MonitoringReport"),
        ("report_entries", "monitoring", "ReportEntry"),
        ("clues", "monitoring", "Clue"),
        ("rectification_notices", "monitoring", "RectificationNotice"),
        ("evaluation_responses", "monitoring", "EvaluationResponse"),
        ("evaluation_ratings", "monitoring", "EvaluationRating"),
        ("certificate_issuances", "certificates", "CertificateIssuance"),
        ("plaques", "signage", "Plaque"),
        ("users", "registry", "User"),
    ]
    rows = {}
    for label, app, model in names:
        if apps.is_installed(app) or app == "registry":
            try:
                rows[label] = apps.get_model(app, model).objects.count()
            except LookupError:
                continue
    return rows


def _spread(actors: list[targets.Actor]) -> str:
    rows = [a.rows for a in actors]
    return f"{min(rows):,}–{int(statistics.median(rows)):,}–{max(rows):,}"


def _round_seconds(options: Options, tool: str) -> float:
    """Each half of a round: the duration shared out, in whole seconds for wrk."""
    seconds = options.duration / (2 * options.rounds)
    return max(1, round(seconds)) if tool == "wrk" else seconds


def _http(found: targets.Targets, options: Options, progress: Progress) -> dict:
    tool = web.loader_available(options.loader)
    cadre_sessions = [a.session for a in found.cadres]
    # name -> (path, credentials, also with one connection per worker). The lists of one
    # community or department are measured loaded and alone; the wide views (a province's
    # or a city's) with one connection: their goal is latency, not throughput.
    endpoints: dict[str, tuple[str, list[str], bool]] = {
        "trivial": ("/bench/ping/", [a.token for a in found.cadres], True),
        "inbox": ("/api/v1/assignments/", [a.token for a in found.cadres], True),
        "department_list": ("/api/v1/assignments/", [a.token for a in found.staff], True),
        "dispatch_list": ("/api/v1/dispatches/", [a.token for a in found.staff], True),
        "inbox_page": ("/inbox/", cadre_sessions, True),
    }
    by_name = {a.user.username: a for a in found.others}
    supervisor = by_name.get(targets.SUPERVISOR_USERNAME)
    reviewer = by_name.get(targets.REVIEWER_USERNAME)
    admin = by_name.get(targets.ADMIN_USERNAME)
    if supervisor is not None:
        token, session = [supervisor.token], [supervisor.session]
        endpoints |= {
            "province_assignments": ("/api/v1/assignments/", token, False),
            "province_inbox_page": ("/inbox/", session, False),
            "province_dispatches": ("/api/v1/dispatches/", token, False),
        }
        if apps.is_installed("monitoring"):
            endpoints |= {
                "province_flags": ("/api/v1/flags/", token, False),
                "province_offplatform": ("/api/v1/offplatform-reports/", token, False),
                "province_clues": ("/api/v1/clues/", token, False),
            }
        if apps.is_installed("certificates"):
            endpoints["province_register_page"] = ("/certificates/register/", session, False)
        if apps.is_installed("signage"):
            # The province's supervisor reads the plaque summary: 20,000 communities' counts.
            endpoints["plaque_summary"] = ("/api/v1/plaques/summary/", token, True)
    if reviewer is not None:
        endpoints["city_assignments"] = ("/api/v1/assignments/", [reviewer.token], False)
    if admin is not None and apps.is_installed("certificates"):
        from django.urls import reverse

        from certificates.admin import CertificateIssuanceAdmin
        from certificates.models import CertificateIssuance

        changelist = reverse("admin:certificates_certificateissuance_changelist")
        # Page 1,000 (or the last page of a smaller register), of the admin's page size.
        per_page = CertificateIssuanceAdmin.list_per_page
        deep = min(1_000, max(1, CertificateIssuance.objects.count() // per_page))
        endpoints |= {
            "admin_issuances": (changelist, [admin.session], False),
            "admin_issuances_deep_page": (f"{changelist}?p={deep}", [admin.session], False),
        }
    out: dict = {
        "tool": tool,
        "workers": options.workers,
        "connections": options.connections,
        "duration_s": options.duration,
        "warmup_s": options.warmup,
        "rounds": options.rounds,
        "round_s": _round_seconds(options, tool),
        "endpoints": {},
    }
    log_path = options.out_dir / f"{options.stem}-gunicorn.log"
    trivial_rounds: list[web.LoadResult] = []
    with web.gunicorn(
        workers=options.workers, log_path=log_path, probe_token=found.cadres[0].token
    ) as base:
        progress(f"gunicorn up at {base} with {options.workers} workers; load from {tool}")
        trivial_url, trivial_credentials = base + endpoints["trivial"][0], endpoints["trivial"][1]
        for name, (path, credentials, loaded_too) in endpoints.items():
            for credential in credentials:  # every user gets a real answer before timing
                status, body = web.get_json(base + path, credential)
                if status != 200:
                    raise RuntimeError(f"{path} answered {status} to a bench user ({name})")
            url = base + path
            if options.warmup:
                connections = options.connections if loaded_too else 1
                web.load(url, credentials, duration=options.warmup, connections=connections,
                         tool=tool)  # fmt: skip
            entry: dict = {
                "path": path,
                "users": len(credentials),
                "page": path.startswith(("/inbox/", "/certificates/", "/admin/")),
                # Assignments each user's list holds (min-median-max) where it is that list.
                "rows": _spread(found.cadres if name == "inbox" else found.staff)
                if name in ("inbox", "department_list")
                else "-",
                "count": body.get("count") if isinstance(body, dict) else None,
            }
            if loaded_too and name != "trivial":  # the trivial endpoint: in every round
                pairs = interleaved.rounds(
                    url, credentials, trivial_url, trivial_credentials, count=options.rounds,
                    seconds=out["round_s"], connections=options.connections, tool=tool,
                )  # fmt: skip
                trivial_rounds += [t for t, _ in pairs]
                entry["loaded"] = interleaved.combined([e for _, e in pairs])
                entry["interleaved"] = interleaved.summary(pairs)
            entry["single"] = web.load(
                url, credentials, duration=options.duration, connections=1, tool=tool
            ).as_dict()
            out["endpoints"][name] = entry
            i = entry.get("interleaved")
            progress(
                f"{name}: "
                + (f"{i['ratio']} of the trivial endpoint (rounds {i['ratio_min']}-"
                   f"{i['ratio_max']}), {entry['loaded']['rps']} req/s beside "
                   f"{i['trivial_rps']}, p95 {entry['loaded']['p95_ms']} ms loaded; "
                   if i else "")
                + f"p95 {entry['single']['p95_ms']} ms single"
            )  # fmt: skip
    trivial = out["endpoints"]["trivial"]
    if trivial_rounds:
        trivial["loaded"] = interleaved.combined(trivial_rounds)
    # Loaded: the median of the rounds' ratios (each round's trivial endpoint and endpoint
    # a few seconds apart, so the machine's load moves the two together).
    out["ratios"] = {
        name: e["interleaved"]["ratio"]
        for name, e in out["endpoints"].items()
        if "interleaved" in e
    }
    # The wide views beside the trivial endpoint with one connection (latency ratio), each
    # measured once, one after the other: not interleaved, so a rougher figure.
    out["single_ratios"] = {
        name: round(trivial["single"]["rps"] and e["single"]["rps"] / trivial["single"]["rps"], 2)
        for name, e in out["endpoints"].items()
        if name != "trivial"
    }
    return out


def run(options: Options, progress: Progress = print) -> tuple[dict, Path, Path]:
    if connection.vendor != "postgresql":
        raise RuntimeError("The benchmark needs PostgreSQL: set DATABASE_URL=postgres://...")
    began = time.monotonic()
    mode = "quick" if options.quick else "full"
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    options.stem = options.stem or f"bench-{mode}-{stamp}"
    options.out_dir.mkdir(parents=True, exist_ok=True)
    result: dict = {
        "meta": {
            "started": timezone.localtime().isoformat(timespec="seconds"),
            "mode": mode,
            "database": connection.settings_dict["NAME"],
            "host": _host(),
            # Other work on the machine skews every figure: the 1/5/15-minute load averages.
            "load_average_start": [round(x, 2) for x in os.getloadavg()],
            "rows": _rows(),
            "options": {
                k: (sorted(v) if isinstance(v, frozenset) else str(v) if isinstance(v, Path) else v)
                for k, v in options.__dict__.items()
            },
        }
    }
    progress("finding the bench users (two grouped scans of the assignments)")
    found = targets.find(staff=3 if options.quick else 10, cadres=5 if options.quick else 50)
    if "dispatch" not in options.skip:
        progress(f"dispatch to {options.dispatch_size} communities x {options.dispatch_repeats}")
        with override_settings(DEBUG=False):
            result["dispatch"] = measure.dispatch(
                found, size=options.dispatch_size, repeats=options.dispatch_repeats
            )
        progress(f"dispatch: median {result['dispatch']['median_s']} s")
        progress(f"province-wide dispatch x {options.dispatch_repeats // 3 or 1}")
        with override_settings(DEBUG=False):
            result["province_dispatch"] = measure.province_dispatch(
                found, repeats=max(1, options.dispatch_repeats // 3)
            )
        progress(
            f"province-wide dispatch: {result['province_dispatch']['communities']} "
            f"communities, median {result['province_dispatch']['median_s']} s through the API"
        )
        # The rolled-back fan-outs left hundreds of thousands of dead index entries at the
        # end of the assignment indexes, which the planner walks when it probes a column's
        # range (250 ms of planning per list request). A live database's autovacuum clears
        # them; so does the harness before anything else is timed.
        with connection.cursor() as cursor:
            cursor.execute(
                "VACUUM (ANALYZE) registry_assignment, registry_notification, "
                "registry_dispatch, registry_inboxversion"
            )
    if "http" not in options.skip:
        result["http"] = _http(found, options, progress)
    if "flags" not in options.skip:
        progress(f"flags x {options.flag_repeats}")
        with override_settings(DEBUG=False):
            result["flags"] = measure.flags(repeats=options.flag_repeats)
        progress(f"flags: {result['flags']['ratio']}x the raw query")
        if apps.is_installed("signage"):
            with override_settings(DEBUG=False):
                result["flags"]["plaque_excess"] = measure.flag_rule(
                    "plaque_excess", repeats=options.flag_repeats
                )
            progress(f"plaque excess flag: median {result['flags']['plaque_excess']['median_s']} s")
    if "monitoring" not in options.skip:
        n = options.monitoring_repeats
        progress(f"monitoring: pre-filling a report and the escalation job x {n}")
        with override_settings(DEBUG=False):
            result["monitoring"] = {
                "prefill": measure_monitoring.prefill(repeats=n),
                "escalation": measure_monitoring.escalation_job(repeats=n),
            }
        m = result["monitoring"]
        progress(
            f"monitoring: pre-fill {m['prefill']['ratio']}x, "
            f"escalation {m['escalation']['ratio']}x the raw SQL"
        )
    if "evaluation" not in options.skip:
        n = options.evaluation_repeats
        progress(f"evaluation: the results of a round over the biggest city x {n}")
        with override_settings(DEBUG=False):
            result["evaluation"] = measure_evaluation.results(repeats=n)
        e = result["evaluation"]
        progress(f"evaluation: median {e['service']['median_s']} s, {e['ratio']}x the raw SQL")
    if "exports" not in options.skip and apps.is_installed("certificates"):
        progress("the province register export as a background job (its own process)")
        result["exports"] = {"register": measure_exports.register_export()}
        e = result["exports"]["register"]
        progress(f"register export: {e['rows']} rows, {e['seconds']} s, peak {e['peak_mb']} MB")
    if "dashboard" not in options.skip:
        n = options.dashboard_repeats
        progress(f"dashboard: province, city and district x {n}")
        with override_settings(DEBUG=False):
            result["dashboard"] = measure_dashboard.dashboards(repeats=n)
        progress(
            "dashboard: "
            + ", ".join(
                f"{d['level']} {d['whole']['median_s']} s ({d['ratio']}x raw)"
                for d in result["dashboard"]["levels"]
            )
        )
    if "public" not in options.skip and apps.is_installed("public"):
        n = options.public_repeats
        progress(f"public figures: uncached x {n}, beside raw SQL; cached")
        with override_settings(DEBUG=False):
            result["public"] = measure_public.figures(repeats=n)
        p = result["public"]
        progress(
            f"public figures: uncached median {p['uncached']['median_s']} s "
            f"({p['ratio']}x raw), cached {p['cached']['median_ms']} ms"
        )
    if "query_counts" not in options.skip:
        progress("queries per request")
        # The busiest department's staff, the heaviest community's cadre, province roles.
        actors = [found.staff[0], found.cadres[0], *found.others]
        result["query_counts"] = queries.query_counts(actors)
    result["goals"] = report.goals(result)
    result["meta"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    result["meta"]["seconds"] = round(time.monotonic() - began, 1)
    result["meta"]["finished"] = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    json_path, md_path = report.write(result, options.out_dir, options.stem)
    return result, json_path, md_path
