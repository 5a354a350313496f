"""The goals of docs/performance.md, checked against a run, and the JSON and markdown
reports of the run."""

from __future__ import annotations

import json
from pathlib import Path

SECTIONS = [
    "meta",
    "dispatch",
    "province_dispatch",
    "http",
    "flags",
    "monitoring",
    "evaluation",
    "exports",
    "dashboard",
    "public",
    "query_counts",
    "goals",
]
MARKDOWN_HEADINGS = [
    "## Machine and data",
    "## Goals",
    "## Dispatch to 1,000 communities",
    "## Province-wide dispatch",
    "## List APIs over HTTP",
    "## Flag computation",
    "## Monitoring: pre-filling a report, the escalation job",
    "## Reverse evaluation: the results of a round",
    "## Exports: the province register as a background job",
    "## The supervisors' dashboard",
    "## The public figures",
    "## Queries per request",
]


def goals(result: dict) -> list[dict]:
    """Each goal: the target, what was measured, and whether it was met (None: not run)."""
    out = []

    def goal(name: str, target: str, measured, met: bool | None) -> None:
        out.append({"goal": name, "target": target, "measured": measured, "met": met})

    d = result.get("dispatch") or {}
    goal(
        f"dispatch to {d.get('communities', 1000):,} communities",
        "median < 0.5 s",
        f"{d['median_s']} s median, {d['p95_s']} s p95" if d else None,
        d["median_s"] < 0.5 if d else None,
    )
    endpoints = (result.get("http") or {}).get("endpoints") or {}
    inbox = (endpoints.get("inbox") or {}).get("loaded")
    goal(
        "community inbox latency",
        "p95 < 50 ms (under load)",
        f"{inbox['p95_ms']} ms p95, {inbox['p99_ms']} ms p99{_rounds(inbox)}" if inbox else None,
        inbox["p95_ms"] < 50 if inbox else None,
    )
    ratio = _ratio(endpoints.get("inbox"))
    goal(
        "inbox throughput vs the trivial endpoint",
        ">= 0.5 (median of interleaved rounds)",
        ratio["text"] if ratio else None,
        ratio["ratio"] >= 0.5 if ratio else None,
    )
    share = _ratio(endpoints.get("department_list"))
    if share:
        department = endpoints["department_list"]["loaded"]
        goal(
            "department's list vs the trivial endpoint, and p95",
            ">= 0.5, p95 < 50 ms (under load)",
            f"{share['text']}, p95 {department['p95_ms']} ms",
            share["ratio"] >= 0.5 and department["p95_ms"] < 50,
        )
    wide = {
        name: e["single"]
        for name, e in endpoints.items()
        if name.startswith(("province_", "city_", "admin_")) and e.get("single")
    }
    if wide:
        limits = {name: 150 if name.startswith("admin_") else 100 for name in wide}
        goal(
            "wide views (province, city, admin changelists), one connection",
            "p95 < 100 ms (admin < 150 ms)",
            "; ".join(f"{name} {r['p95_ms']} ms" for name, r in wide.items()),
            all(r["p95_ms"] < limits[name] for name, r in wide.items()),
        )
    p = result.get("province_dispatch") or {}
    goal(
        f"province-wide dispatch ({p.get('communities', 20000):,} communities) through the API",
        "median < 2 s, within 10 % of the service",
        f"{p['median_s']} s median via the API, {p['service']['median_s']} s the service "
        f"({p['api_over_service']}x)"
        if p
        else None,
        (p["median_s"] < 2 and p["api_over_service"] <= 1.1) if p else None,
    )
    f = result.get("flags") or {}
    goal(
        "flag computation vs one raw SQL query",
        "<= 1.5x, and < 30 s",
        f"{f['ratio']}x ({f['same_kinds']['median_s']} s vs {f['raw_sql']['median_s']} s); "
        f"all kinds {f['all_kinds']['median_s']} s"
        if f
        else None,
        (f["ratio"] <= 1.5 and f["all_kinds"]["median_s"] < 30) if f else None,
    )
    e = result.get("evaluation") or {}
    goal(
        f"evaluation results, a round over {e.get('communities', 1500):,} communities",
        "median < 0.5 s, <= 1.5x raw SQL",
        f"{e['service']['median_s']} s median, {e['ratio']}x ({e['raw_sql']['median_s']} s)"
        if e
        else None,
        (e["service"]["median_s"] < 0.5 and (e["ratio"] or 0) <= 1.5) if e else None,
    )
    e = (result.get("exports") or {}).get("register")
    goal(
        "province register export (background job)",
        "peak RSS < 200 MB",
        f"{e['peak_mb']} MB peak ({e['rows']:,} rows, {e['seconds']} s)" if e else None,
        e["met"] if e else None,
    )
    for level in (result.get("dashboard") or {}).get("levels", []):
        goal(
            f"dashboard of the {level['level']} ({level['communities']:,} communities)",
            "about a second or less",
            f"{level['whole']['median_s']} s median, {level['queries']} queries; "
            f"{level['ratio']}x the raw SQL of its big-table sections",
            level["whole"]["median_s"] <= 1.2,
        )
    p = result.get("public") or {}
    goal(
        "public figures, uncached",
        "about a second or less",
        f"{p['uncached']['median_s']} s median, {p['queries']} queries; {p['ratio']}x the raw "
        f"SQL; cached {p['cached']['median_ms']} ms"
        if p
        else None,
        p["uncached"]["median_s"] <= 1.2 if p else None,
    )
    counts = [q for q in result.get("query_counts") or [] if q.get("measured")]
    goal(
        "queries per request flat (10 vs 1,000 rows)",
        "equal for every list endpoint",
        f"{sum(q['flat'] for q in counts)} of {len(counts)} endpoints flat" if counts else None,
        all(q["flat"] for q in counts) if counts else None,
    )
    return out


def _rounds(loaded: dict) -> str:
    n = loaded.get("measurements")
    return f" (medians of {n} rounds)" if n else ""


def _ratio(entry: dict | None) -> dict | None:
    """An endpoint's throughput ratio from its interleaved rounds, and how to say it."""
    i = (entry or {}).get("interleaved")
    if not i or i["ratio"] is None:
        return None
    return {
        "ratio": i["ratio"],
        "text": f"{i['ratio']} (median of {len(i['ratios'])} rounds, {i['ratio_min']}-"
        f"{i['ratio_max']}; {entry['loaded']['rps']} / {i['trivial_rps']} req/s)",
    }


def _mark(met: bool | None) -> str:
    return {True: "met", False: "**missed**", None: "not run"}[met]


def markdown(result: dict) -> str:
    meta = result["meta"]
    host = meta["host"]
    lines = [
        f"# Benchmark run {meta['started']}",
        "",
        f"Mode: **{meta['mode']}**. Database `{meta['database']}`. "
        f"Took {meta.get('seconds', '?')} s.",
        "",
        "## Machine and data",
        "",
        f"- CPU: {host['nproc']} cores ({host['cpu']}); RAM {host['ram_gb']} GB",
        f"- {host['postgresql']}",
        f"- Python {host['python']}, Django {host['django']}, gunicorn {host['gunicorn']}",
        f"- Load average (1, 5, 15 min) at the start {meta.get('load_average_start')}, "
        f"at the end {meta.get('load_average_end')}: anything above ~{host['nproc']} means "
        "other work competed for the CPUs and every absolute figure is pessimistic.",
        "- Rows: " + ", ".join(f"{k} {v:,}" for k, v in meta["rows"].items()),
        "",
        "## Goals",
        "",
        "| goal | target | measured | |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {g['goal']} | {g['target']} | {g['measured'] or '-'} | {_mark(g['met'])} |"
        for g in result["goals"]
    ]
    d = result.get("dispatch")
    lines += ["", "## Dispatch to 1,000 communities", ""]
    if d:
        lines += [
            f"One task under {d['work_item']} to {d['communities']:,} communities through "
            f"`dispatch_create` (gate, fan-out, notifications, audit), {d['runs']} runs "
            f"after a warm-up, each rolled back: median {d['median_s']} s, p95 {d['p95_s']} s, "
            f"min {d['min_s']} s, max {d['max_s']} s; {d['queries']} queries per dispatch.",
        ]
    else:
        lines.append("Not run.")
    p = result.get("province_dispatch")
    lines += ["", "## Province-wide dispatch", ""]
    if p:
        lines += [
            f"One task to every community ({p['communities']:,}) under an item admitted for "
            f"the province, `POST /api/v1/dispatches/` with the province's area code, "
            f"{p['runs']} runs after a warm-up, each rolled back: median {p['median_s']} s "
            f"(p95 {p['p95_s']} s), {p['queries']} queries; `dispatch_create` alone: median "
            f"{p['service']['median_s']} s; API / service {p['api_over_service']}.",
        ]
    else:
        lines.append("Not run.")
    h = result.get("http")
    lines += ["", "## List APIs over HTTP", ""]
    if h:
        lines += [
            f"gunicorn, {h['workers']} sync workers, DEBUG off; load from {h['tool']} in a "
            f"second process. 'loaded': {h['connections']} connections, "
            f"{h.get('rounds', 1)} interleaved rounds per endpoint, each "
            f"{h.get('round_s', h['duration_s'])} s on the trivial endpoint then as long on "
            f"the endpoint, after {h['warmup_s']} s of warm-up (the percentiles: medians of "
            f"the rounds'; the trivial endpoint's row: all its rounds). 'single': 1 "
            f"connection, {h['duration_s']} s after the warm-up, one endpoint after another.",
            "",
            "| endpoint | users | assignments per user | connections | req/s | ratio "
            "| p50 ms | p95 ms | p99 ms | errors |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for name, e in h["endpoints"].items():
            for mode in ("loaded", "single"):
                r = e.get(mode)
                if r:
                    ratio = h["ratios"].get(name, "-") if mode == "loaded" else "-"
                    lines.append(
                        f"| {name} `{e['path']}` | {e['users']} | {e['rows']} | "
                        f"{r['connections']} | {r['rps']} | {ratio} | {r['p50_ms']} | "
                        f"{r['p95_ms']} | {r['p99_ms']} | {r['errors']} |"
                    )
        lines += [
            "",
            "Throughput as a share of the trivial endpoint's, loaded: the median of the "
            "rounds (each round's ratio, in order; the trivial endpoint's req/s in them):",
            "",
        ]
        for name, ratio in h["ratios"].items():
            i = h["endpoints"][name].get("interleaved")
            if i:
                lines.append(
                    f"- {name}: **{ratio}** (rounds {', '.join(str(x) for x in i['ratios'])}; "
                    f"trivial {', '.join(str(r['trivial_rps']) for r in i['rounds'])} req/s)"
                )
            else:  # a report written before the rounds
                lines.append(f"- {name}: {ratio}")
        lines += ["", "Requests/s as a share of the trivial endpoint's, one connection:", ""]
        lines += [f"- {k}: {v}" for k, v in h.get("single_ratios", {}).items()]
    else:
        lines.append("Not run.")
    f = result.get("flags")
    lines += ["", "## Flag computation", ""]
    if f:
        lines += [
            f"`flags_compute`, first run of this benchmark: {f['first_run_s']} s "
            f"({f['first_run_raised']:,} flags newly raised; none when an earlier run left "
            f"them open). Then steady state (flags open, figures refreshed), "
            f"{f['all_kinds']['runs']} runs each:",
            "",
            "| what | median s | max s |",
            "|---|---|---|",
            f"| flags_compute, every registered kind ({len(f['kinds_registered'])}) | "
            f"{f['all_kinds']['median_s']} | {f['all_kinds']['max_s']} |",
            f"| flags_compute, the kinds of the raw query ({len(f['kinds_in_raw_sql'])}) | "
            f"{f['same_kinds']['median_s']} | {f['same_kinds']['max_s']} |",
            f"| the same aggregation as one raw SQL query | {f['raw_sql']['median_s']} | "
            f"{f['raw_sql']['max_s']} |",
            "",
            f"Ratio {f['ratio']}x. The raw query returns {f['raw_rows']:,} rows, "
            f"{'exactly' if f['raw_matches_flags'] else '**not**'} the flags left open; "
            f"{f['open_flags']:,} flags open in all.",
        ]
    else:
        lines.append("Not run.")
    lines += ["", "## Monitoring: pre-filling a report, the escalation job", ""]
    lines += _monitoring(result.get("monitoring"))
    lines += ["", "## Reverse evaluation: the results of a round", ""]
    lines += _evaluation(result.get("evaluation"))
    lines += ["", "## Exports: the province register as a background job", ""]
    e = (result.get("exports") or {}).get("register")
    if e:
        lines += [
            f"The province supervisor's whole register, {e['rows']:,} rows, written by the "
            f"job's body in its own process: {e['seconds']} s ({e['rows_per_s']:,} rows/s), "
            f"a {e['file_mb']} MB file; resident set {e['baseline_mb']} MB before the job, "
            f"peak {e['peak_mb']} MB (the job's share {e['job_mb']} MB).",
        ]
    else:
        lines.append("Not run.")
    lines += ["", "## The supervisors' dashboard", ""]
    lines += _dashboard(result.get("dashboard"))
    lines += ["", "## The public figures", ""]
    lines += _public(result.get("public"))
    lines += ["", "## Queries per request", ""]
    counts = result.get("query_counts")
    if counts:
        lines += [
            "| endpoint | as | rows visible | queries @ rows (small page) "
            "| queries @ rows (large page) | flat |",
            "|---|---|---|---|---|---|",
        ]
        for q in counts:
            if not q["measured"]:
                lines.append(f"| `{q['endpoint']}` | - | - | - | - | not measured |")
                continue
            lines.append(
                f"| `{q['endpoint']}` | {q['user']} | {q['total_rows']:,} | "
                f"{q['small_queries']} @ {q['small_rows']} | "
                f"{q['large_queries']} @ {q['large_rows']} | {'yes' if q['flat'] else '**no**'} |"
            )
    else:
        lines.append("Not run.")
    return "\n".join(lines) + "\n"


def _monitoring(m: dict | None) -> list[str]:
    if not m:
        return ["Not run."]
    p, e = m["prefill"], m["escalation"]
    same = {True: "the same", False: "**not** the same"}
    return [
        f"A liaison opens last month's report ({p['period']}) of the busiest point "
        f"({p['community']}, {p['assignments_in_month']:,} tasks that month) pre-filled "
        f"(`monitoring_report_open`): {p['entries']:,} entries, {p['queries']} queries. "
        f"The daily job (`monitoring_escalate`) as today's first run over "
        f"{e['open_notices']:,} open notices ({e['reminders_logged']:,} reminder keys "
        f"already logged): levels {e['levels']}, {e['notifications']:,} notifications. "
        f"Each run rolled back, {p['service']['runs']} runs after a warm-up.",
        "",
        "| what | median s | p95 s | max s |",
        "|---|---|---|---|",
        f"| pre-filling, the service | {p['service']['median_s']} | {p['service']['p95_s']} "
        f"| {p['service']['max_s']} |",
        f"| pre-filling, raw SQL (the report and one INSERT ... SELECT) | "
        f"{p['raw_sql']['median_s']} | {p['raw_sql']['p95_s']} | {p['raw_sql']['max_s']} |",
        f"| escalation job, whole (with its two flags) | {e['job']['median_s']} | "
        f"{e['job']['p95_s']} | {e['job']['max_s']} |",
        f"| escalation job, reminders and escalation | {e['steps']['median_s']} | "
        f"{e['steps']['p95_s']} | {e['steps']['max_s']} |",
        f"| the same as raw SQL | {e['raw_sql']['median_s']} | {e['raw_sql']['p95_s']} | "
        f"{e['raw_sql']['max_s']} |",
        "",
        f"Ratios: pre-filling {p['ratio']}x the raw SQL ({same[p['raw_matches_service']]} "
        f"entries); escalation {e['ratio']}x ({same[e['raw_matches_service']]} "
        "notifications).",
    ]


def _evaluation(e: dict | None) -> list[str]:
    if not e:
        return ["Not run."]
    return [
        f"`round_results` (what the round page, its Excel and the results API compute) for "
        f"a closed round over {e['area']}: {e['communities']:,} communities, "
        f"{e['responses']:,} responses, {e['ratings']:,} ratings, {e['departments']} "
        f"departments ({e['ranked']} ranked); {e['queries']} queries. "
        f"{e['service']['runs']} runs after a warm-up.",
        "",
        "| what | median s | p95 s | max s |",
        "|---|---|---|---|",
        f"| round_results | {e['service']['median_s']} | {e['service']['p95_s']} | "
        f"{e['service']['max_s']} |",
        f"| the same four aggregates as raw SQL | {e['raw_sql']['median_s']} | "
        f"{e['raw_sql']['p95_s']} | {e['raw_sql']['max_s']} |",
        "",
        f"Ratio {e['ratio']}x; the raw SQL gives "
        f"{'the same' if e['raw_matches_service'] else '**different**'} responses and means.",
    ]


def _dashboard(d: dict | None) -> list[str]:
    if not d:
        return ["Not run."]
    lines = [
        f"`dashboard_figures` as the province's supervisor: every registered section "
        f"({len(d['sections'])}) for {d['period']['from']} to {d['period']['until']} and "
        f"the baseline {d['baseline']['from']} to {d['baseline']['until']}. Beside it, the "
        f"sections over the big tables ({', '.join(d['raw_sections'])}) and the same "
        "aggregates as hand-written GROUP BY queries (live, no roll-up).",
        "",
        _rollup_line(d.get("rollup")),
        "",
        "| level | communities | tasks in period | queries | whole, median s | max s "
        "| big-table sections, s | raw SQL, s | ratio |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for x in d["levels"]:
        lines.append(
            f"| {x['level']} {x['name']} | {x['communities']:,} | "
            f"{x['assignments_in_period'] or 0:,} | {x['queries']} | {x['whole']['median_s']} "
            f"| {x['whole']['max_s']} | {x['same_sections']['median_s']} | "
            f"{x['raw_sql']['median_s']} | {x['ratio']}x |"
        )
    levels = [x for x in d["levels"] if x.get("sections_s")]
    if levels:
        lines += [
            "",
            "Each section (period and baseline), seconds, and the whole without the roll-ups "
            "(every month counted live), once:",
            "",
            "| section | " + " | ".join(x["level"] for x in levels) + " |",
            "|---|" + "---|" * len(levels),
        ]
        for key in levels[0]["sections_s"]:
            lines.append(
                f"| {key} | " + " | ".join(str(x["sections_s"].get(key)) for x in levels) + " |"
            )
        lines.append(
            "| **without the roll-ups** | "
            + " | ".join(str(x.get("without_rollups_s")) for x in levels)
            + " |"
        )
    return lines


def _rollup_line(r: dict | None) -> str:
    if not r:
        return "No roll-up was made."
    return (
        f"The monthly roll-ups (`dashboard_rollups_refresh`, the nightly beat job) were "
        f"rebuilt first: {r['rows']:,} rows holding the months up to {r['through'][:7]}, "
        f"in {r['seconds']} s."
    )


def _public(p: dict | None) -> list[str]:
    if not p:
        return ["Not run."]
    base = p["baseline"]
    named = f"the saved baseline {base['label']}" if base["kind"] == "saved" else (
        "the same period last year")  # fmt: skip
    return [
        f"`public_figures` (the front page's and `GET /api/v1/public/figures/`'s five counts) "
        f"for {p['period']['from']} to {p['period']['until']} against {named} "
        f"({base['from']} to {base['until']}), its cache entry deleted before each run; "
        f"{p['queries']} queries. Beside it the same four aggregates as hand-written SQL, "
        "and the cached path (what every visitor but the first in five minutes gets).",
        "",
        "| what | runs | median s | p95 s | max s |",
        "|---|---|---|---|---|",
        f"| uncached | {p['uncached']['runs']} | {p['uncached']['median_s']} | "
        f"{p['uncached']['p95_s']} | {p['uncached']['max_s']} |",
        f"| the same aggregates as raw SQL | {p['raw_sql']['runs']} | "
        f"{p['raw_sql']['median_s']} | {p['raw_sql']['p95_s']} | {p['raw_sql']['max_s']} |",
        f"| cached | {p['cached']['runs']} | {p['cached']['median_ms']} ms | "
        f"{p['cached']['p95_ms']} ms | {p['cached']['max_ms']} ms |",
        "",
        f"Ratio {p['ratio']}x; the raw SQL gives "
        f"{'the same' if p['raw_matches_service'] else '**different**'} counts "
        "(this year, baseline): "
        + ", ".join(f"{k} {v[0]:,} / {v[1]:,}" for k, v in p["figures"].items())
        + ".",
    ]


def write(result: dict, out_dir: Path, stem: str) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / f"{stem}.json"
    md_path = out_dir / f"{stem}.md"
    json_path.write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str) + "\n")
    md_path.write_text(markdown(result), encoding="utf-8")
    return json_path, md_path
