"""The benchmark harness runs end to end on a tiny province, so it cannot rot.

No timings are asserted here (they belong to the benchmark's report, not to a test that
runs beside others on a busy machine): only that every measurement ran and the reports
have every section. Needs PostgreSQL (COPY) and starts gunicorn against the test database.
"""

from __future__ import annotations

import json

import pytest

from bench import data, report, run

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_quick_benchmark_on_a_tiny_province_writes_every_section(tmp_path):
    summary = data.generate(data.TINY, progress=lambda message: None)
    assert summary["rows"]["assignments"] == data.TINY.assignments

    # The Python load generator: always there, unlike wrk (real runs use wrk when it is).
    # Two interleaved rounds, so the ratio is a median of more than one.
    options = run.Options(quick=True, out_dir=tmp_path, stem="smoke", loader="python", rounds=2)
    result, json_path, md_path = run.run(options, progress=lambda message: None)

    saved = json.loads(json_path.read_text())
    assert set(report.SECTIONS) <= set(saved) and saved["goals"] == result["goals"]
    markdown = md_path.read_text(encoding="utf-8")
    assert all(heading in markdown for heading in report.MARKDOWN_HEADINGS)
    assert "2 interleaved rounds per endpoint" in markdown and "- inbox: **" in markdown

    assert saved["dispatch"]["communities"] > 0 and saved["dispatch"]["runs"] == 2
    # The province-wide dispatch reaches every community, through the API.
    province = saved["province_dispatch"]
    assert province["communities"] == data.TINY.communities and province["runs"] == 1
    endpoints = saved["http"]["endpoints"]
    for name, endpoint in endpoints.items():
        # The wide views (a province's, a city's, the admin's) are measured alone.
        modes = ("single",) if name.startswith(("province_", "city_", "admin_")) else (
            "loaded", "single")  # fmt: skip
        for mode in modes:
            assert endpoint[mode]["requests"] > 0, (name, mode)
            assert endpoint[mode]["errors"] == 0, (name, mode)
    loaded = {"inbox", "department_list", "dispatch_list", "inbox_page", "plaque_summary"}
    assert set(saved["http"]["ratios"]) == loaded
    # Each loaded endpoint's ratio is the median of its rounds, each round the trivial
    # endpoint then the endpoint; the trivial endpoint's loaded row is all those rounds.
    for name in loaded:
        rounds = endpoints[name]["interleaved"]
        assert len(rounds["ratios"]) == len(rounds["rounds"]) == 2, name
        assert rounds["ratio_min"] <= saved["http"]["ratios"][name] <= rounds["ratio_max"]
        assert all(r["trivial_rps"] > 0 and r["rps"] > 0 for r in rounds["rounds"]), name
        assert endpoints[name]["loaded"]["measurements"] == 2
    assert endpoints["trivial"]["loaded"]["measurements"] == 2 * len(loaded)
    assert "interleaved" not in endpoints["province_assignments"]
    # The pages and the wide views are in the harness beside the trivial endpoint.
    assert {
        "inbox_page",
        "province_assignments",
        "province_inbox_page",
        "province_dispatches",
        "province_flags",
        "province_offplatform",
        "province_clues",
        "province_register_page",
        "city_assignments",
        "admin_issuances",
        "admin_issuances_deep_page",
    } <= set(endpoints)
    assert endpoints["province_assignments"]["count"] == data.TINY.assignments
    assert (
        saved["meta"]["rows"]["plaques"] == data.TINY.communities * data.TINY.plaques_per_community
    )
    assert saved["flags"]["plaque_excess"]["findings"] > 0
    # The raw-SQL baseline finds exactly the flags the rules keep open: when a rule
    # changes, bench/measure.py's RAW_SQL must change with it.
    assert saved["flags"]["raw_matches_flags"]
    # Monitoring (issue 11 item 8): the generator's points, reports, clues and notices, and
    # both measurements beside baselines that write exactly what the services write.
    rows = summary["rows"]
    assert rows["monitoring_points"] >= 3 and rows["report_entries"] > 0
    assert rows["monitoring_reports"] > rows["monitoring_points"] * 12
    assert (rows["clues"], rows["rectification_notices"]) == (data.TINY.clues, data.TINY.notices)
    prefill, escalation = saved["monitoring"]["prefill"], saved["monitoring"]["escalation"]
    assert prefill["entries"] > 0 and prefill["service"]["runs"] == 2
    assert prefill["raw_matches_service"] and prefill["ratio"] > 0
    assert escalation["open_notices"] > 0 and escalation["job"]["runs"] == 2
    assert escalation["raw_matches_service"] and escalation["raw_sql"]["median_s"] > 0
    assert sum(escalation["levels"].values()) == escalation["open_notices"]
    measured = [q for q in saved["query_counts"] if q["measured"]]
    assert any(q["endpoint"] == "/api/v1/assignments/" for q in measured)
    assert all(q["small_queries"] == q["large_queries"] for q in measured), measured
    evaluation = saved["evaluation"]
    assert evaluation["responses"] > 0 and evaluation["raw_matches_service"]
    register = saved["exports"]["register"]
    assert register["state"] == "done" and register["rows"] == data.TINY.certificate_issuances
    assert register["peak_mb"] > 0 and register["met"]
    # The dashboard (issue 13 item 7): province, city and district, beside raw SQL.
    levels = saved["dashboard"]["levels"]
    assert [x["level"] for x in levels] == ["province", "city", "district"]
    assert all(x["whole"]["runs"] == 1 and x["raw_sql"]["median_s"] > 0 for x in levels)
    assert levels[0]["communities"] == data.TINY.communities
    # The same number of queries at every level, whatever the number of organisations,
    # but for the evaluation section: a level that holds the generator's closed round pays
    # round_results' six aggregate queries for it (at most EVALUATION_ROUNDS_SHOWN rounds).
    from monitoring.dashboard import EVALUATION_ROUNDS_SHOWN

    queries = [x["queries"] for x in levels]
    assert max(queries) - min(queries) in {0, 6}
    assert max(queries) - min(queries) <= 6 * EVALUATION_ROUNDS_SHOWN
    # The public figures (issue 13 items 6 and 7): uncached beside the raw SQL of the same
    # aggregates, which must count the same, and the cached path.
    public = saved["public"]
    assert public["uncached"]["runs"] == 2 and public["raw_sql"]["median_s"] > 0
    assert public["raw_matches_service"], public["figures"]
    assert public["figures"]["signs_removed"][0] > 0  # the generator removes plaques
    assert public["cached"]["runs"] > 0 and public["queries"] == 7
    assert "## The public figures" in markdown and "public figures, uncached" in markdown
    assert [g["met"] is not None for g in saved["goals"]] == [True] * 14
