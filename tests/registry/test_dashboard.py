"""The supervisors' dashboard: figures equal counts made from the rows, drill-down links
open lists with the same counts, the baseline, honest rankings, Excel, constant queries."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from registry import workdays
from registry.audit import audit_record  # noqa: F401  (the service writes through it)
from registry.models import (
    Assignment,
    AuditEntry,
    DashboardBaseline,
    Dispatch,
    Organisation,
)
from tests.factories import (
    AreaFactory,
    CommunityFactory,
    DepartmentFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_a_known_monday")]

THIS_YEAR = {"from": "2026-01-01", "until": "2026-09-14"}
LAST_YEAR = {"baseline_from": "2025-01-01", "baseline_until": "2025-09-14"}


def at(day: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(f"{day}T10:00"))


def send(department, communities, *, on: str, refused: int = 0, emergency=False, hours="2"):
    """One dispatch from ``department`` to ``communities`` received on ``on``; the first
    ``refused`` of them refuse it. Rows are written directly: the figures, not the gate,
    are under test."""
    actor = UserFactory()
    dispatch = Dispatch.objects.create(
        department=department,
        created_by=actor,
        title=f"任务 {on}",
        due_date=datetime.date(2026, 12, 31),
        hours_per_community=Decimal(hours),
        lead_working_days=10,
        emergency=emergency,
        community_count=len(communities),
    )
    rows = [
        Assignment(
            dispatch=dispatch,
            community=c,
            department=department,
            emergency=emergency,
            due_date=dispatch.due_date,
            hours=Decimal(hours),
            state=Assignment.State.REFUSED if i < refused else Assignment.State.PENDING,
            refusal_reason="outside_list" if i < refused else "",
        )
        for i, c in enumerate(communities)
    ]
    Assignment.objects.bulk_create(rows)
    Assignment.objects.filter(dispatch=dispatch).update(created_at=at(on))
    Dispatch.objects.filter(pk=dispatch.pk).update(created_at=at(on))
    return dispatch


@pytest.fixture
def seeded(world):
    """Known numbers: district A gets 3 dispatches (2 communities each; 1 refusal), district
    B 1 dispatch (2 communities, 2 refusals), all in 2026; last year A got 1 dispatch."""
    a, b = world.a, world.b
    send(a.department, [a.community, a.community2], on="2026-03-02", refused=1)
    send(a.department, [a.community, a.community2], on="2026-05-11", emergency=True)
    send(a.department, [a.community, a.community2], on="2026-09-01", hours="3")
    send(b.department, [b.community, b.community2], on="2026-06-15", refused=2)
    send(a.department, [a.community, a.community2], on="2025-04-01")
    # Outside the period: received in 2026 after the period? (the clock is 2026-09-14)
    return world


def dashboard(api_as, user, **params):
    response = api_as(user).get("/api/v1/dashboard/", {**THIS_YEAR, **LAST_YEAR, **params})
    assert response.status_code == 200, response.content
    return response.json()


def table(section: dict, key: str) -> dict:
    return next(t for t in section["tables"] if t["key"] == key)


def test_every_section_answers_under_its_contract_key(api_as, seeded, city_supervisor):
    body = dashboard(api_as, city_supervisor, area=seeded.city.code)
    for key in (
        "lists",
        "admission",
        "assignments",
        "refusals",
        "offplatform",
        "flags",
        "clues",
        "plaques",
        "certificates",
        "evaluation",
    ):
        assert set(body[key]) >= {"period", "baseline", "available", "heading"}, key
    # The evaluation is not built yet: it says so instead of showing zeros.
    assert body["evaluation"]["available"] is False
    assert body["evaluation"]["note"]
    assert body["evaluation"]["period"]["totals"] == {}


def test_assignment_figures_equal_counts_made_from_the_rows(api_as, seeded, city_supervisor):
    body = dashboard(api_as, city_supervisor, area=seeded.city.code)
    now = body["assignments"]["period"]
    assert now["totals"]["assignments"] == 8
    assert now["totals"]["hours"] == 2 * 2 + 2 * 2 + 2 * 3 + 2 * 2
    # 2 emergency tasks of 8.
    assert now["totals"]["emergency_share"] == 25.0
    by_area = {r["name"]: r for r in table(now, "by_area")["rows"]}
    assert by_area["A区"]["n"] == 6 and by_area["A区"]["refused"] == 1
    assert by_area["B区"]["n"] == 2 and by_area["B区"]["refused"] == 2
    months = {r["month"]: r["n"] for r in table(now, "by_month")["rows"]}
    assert months == {"2026-03": 2, "2026-05": 2, "2026-06": 2, "2026-09": 2}
    refusals = body["refusals"]["period"]
    assert refusals["totals"] == {"refused": 3, "refusal_rate": 37.5, "assignments": 8}


def test_baseline_is_counted_like_the_period(api_as, seeded, city_supervisor):
    body = dashboard(api_as, city_supervisor, area=seeded.city.code)
    assert body["baseline"]["from"] == "2025-01-01"
    assert body["assignments"]["baseline"]["totals"]["assignments"] == 2
    assert body["refusals"]["baseline"]["totals"]["refused"] == 0


def test_without_dates_the_year_is_compared_with_the_same_period_last_year(
    api_as, seeded, city_supervisor
):
    response = api_as(city_supervisor).get("/api/v1/dashboard/", {"area": seeded.city.code})
    body = response.json()
    assert body["period"]["from"] == "2026-01-01" and body["period"]["until"] == "2026-09-14"
    assert body["baseline"]["from"] == "2025-01-01" and body["baseline"]["until"] == "2025-09-14"
    assert body["baseline_kind"] == "last_year"
    assert body["assignments"]["baseline"]["totals"]["assignments"] == 2


def test_presets_month_and_quarter(api_as, seeded, city_supervisor):
    month = (
        api_as(city_supervisor)
        .get("/api/v1/dashboard/", {"area": seeded.city.code, "period": "month"})
        .json()
    )
    assert month["period"]["from"] == "2026-09-01"
    assert month["assignments"]["period"]["totals"]["assignments"] == 2
    quarter = (
        api_as(city_supervisor)
        .get("/api/v1/dashboard/", {"area": seeded.city.code, "period": "quarter"})
        .json()
    )
    assert quarter["period"]["from"] == "2026-07-01"


def test_the_saved_baseline_is_the_default_and_its_save_is_audited(
    client, seeded, city_supervisor, api_as
):
    client.force_login(city_supervisor)
    response = client.post(
        "/dashboard/baseline/",
        {
            "area": seeded.city.code,
            "name": "准入前一年",
            "start": "2025-01-01",
            "end": "2025-12-31",
        },
    )
    assert response.status_code == 302
    saved = DashboardBaseline.objects.get(area=seeded.city)
    assert saved.name == "准入前一年"
    assert AuditEntry.objects.filter(action="dashboard.baseline_save").count() == 1
    body = api_as(city_supervisor).get("/api/v1/dashboard/", {"area": seeded.a.district.code})
    body = body.json()
    # The district has none of its own: the city's applies.
    assert body["baseline_kind"] == "saved"
    assert body["baseline"]["label"] == "准入前一年"
    assert body["baseline"]["until"] == "2025-12-31"
    assert body["assignments"]["baseline"]["totals"]["assignments"] == 2
    last_year = api_as(city_supervisor).get(
        "/api/v1/dashboard/", {"area": seeded.city.code, "baseline": "last_year"}
    )
    assert last_year.json()["baseline_kind"] == "last_year"


def test_only_the_areas_supervisors_save_its_baseline(client, seeded):
    client.force_login(seeded.a.reviewer)
    response = client.post(
        "/dashboard/baseline/",
        {"area": seeded.a.district.code, "name": "x", "start": "2025-01-01", "end": "2025-12-31"},
    )
    assert response.status_code == 403
    client.force_login(seeded.a.supervisor)
    response = client.post(
        "/dashboard/baseline/",
        {"area": seeded.b.district.code, "name": "x", "start": "2025-01-01", "end": "2025-12-31"},
    )
    assert response.status_code == 404
    assert not DashboardBaseline.objects.exists()


def _list_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page_obj"].paginator.count


def test_drill_down_links_open_lists_with_the_same_counts(client, api_as, seeded, city_supervisor):
    client.force_login(city_supervisor)
    body = dashboard(api_as, city_supervisor, area=seeded.city.code)
    now = body["assignments"]["period"]
    assert _list_count(client, now["links"]["assignments"]) == now["totals"]["assignments"]
    checked = 0
    for row in table(now, "by_area")["rows"]:
        assert _list_count(client, row["links"]["n"]) == row["n"]
        checked += 1
        # City -> district -> street -> community: each level's figure opens the next.
        district = api_as(city_supervisor).get(
            row["links"]["name"].replace("/dashboard/", "/api/v1/dashboard/")
        )
        district = district.json()["assignments"]["period"]
        assert district["totals"]["assignments"] == row["n"]
        (street,) = table(district, "by_area")["rows"]
        street_body = (
            api_as(city_supervisor)
            .get(street["links"]["name"].replace("/dashboard/", "/api/v1/dashboard/"))
            .json()["assignments"]["period"]
        )
        for community in table(street_body, "by_area")["rows"]:
            # The last level: the community's own tasks in the inbox list.
            assert community["links"]["name"] is None
            assert _list_count(client, community["links"]["n"]) == community["n"]
    assert checked == 2
    refusals = body["refusals"]["period"]
    for row in table(refusals, "by_department")["rows"] + (
        table(refusals, "by_department")["unranked"] or []
    ):
        assert _list_count(client, row["links"]["refused"]) == row["refused"]
        assert _list_count(client, row["links"]["n"]) == row["n"]
    assert _list_count(client, refusals["links"]["refused"]) == refusals["totals"]["refused"]


def test_drill_down_links_carry_the_period(api_as, seeded, city_supervisor):
    body = dashboard(api_as, city_supervisor, area=seeded.city.code)
    link = body["assignments"]["period"]["links"]["assignments"]
    query = parse_qs(urlparse(link).query)
    assert query["received_from"] == ["2026-01-01"] and query["received_until"] == ["2026-09-14"]


def test_admission_decisions_and_median_review_time(api_as, seeded, city_supervisor, client):
    from registry.models import Application

    workdays.is_covered(2026)
    for submitted, decided, state in (
        ("2026-03-02", "2026-03-09", "approved"),  # 5 working days
        ("2026-04-01", "2026-04-15", "rejected"),  # 9 working days (清明 on 4-06)
        ("2026-05-06", "2026-05-08", "approved"),  # 2
    ):
        app = Application.objects.create(
            department=seeded.a.department,
            jurisdiction=seeded.a.district,
            created_by=seeded.a.department_staff,
            title="申请",
            list_kind="assist",
            frequency="monthly",
            hours_per_occurrence=Decimal("1"),
            state=state,
        )
        Application.objects.filter(pk=app.pk).update(
            submitted_at=at(submitted), decided_at=at(decided)
        )
    body = dashboard(api_as, city_supervisor, area=seeded.city.code)
    admission = body["admission"]["period"]
    assert admission["totals"]["approved"] == 2 and admission["totals"]["rejected"] == 1
    expected = sorted(
        workdays.working_days_between(
            datetime.date.fromisoformat(s), datetime.date.fromisoformat(d)
        )
        for s, d in (
            ("2026-03-02", "2026-03-09"),
            ("2026-04-01", "2026-04-15"),
            ("2026-05-06", "2026-05-08"),
        )
    )[1]
    assert admission["totals"]["median_review_working_days"] == expected
    client.force_login(city_supervisor)
    assert _list_count(client, admission["links"]["approved"]) == 2
    assert _list_count(client, admission["links"]["rejected"]) == 1


def test_rankings_leave_organisations_with_too_few_events_apart(
    api_as, seeded, city_supervisor, settings
):
    settings.PORTAL = {**settings.PORTAL, "DASHBOARD_MIN_EVENTS": 3}
    body = dashboard(api_as, city_supervisor, area=seeded.city.code)
    by_department = table(body["refusals"]["period"], "by_department")
    ranked = {r["code"]: r for r in by_department["rows"]}
    apart = {r["code"]: r for r in by_department["unranked"]}
    # District A's bureau sent 6 tasks: ranked; B's sent 2: listed apart, no rank.
    assert seeded.a.department.code in ranked and ranked[seeded.a.department.code]["rank"] == 1
    assert seeded.b.department.code in apart and apart[seeded.b.department.code]["rank"] is None
    # The rate travels with the count it rests on.
    assert apart[seeded.b.department.code]["refusal_rate"] == 100.0
    assert apart[seeded.b.department.code]["n"] == 2


def test_nothing_ranks_cadres(api_as, seeded, city_supervisor):
    body = dashboard(api_as, city_supervisor, area=seeded.city.code)
    text = str(body)
    for user in (seeded.a.cadre, seeded.a.liaison, seeded.b.cadre):
        assert user.username not in text and user.display_name not in text


def test_dashboard_is_scoped_to_the_jurisdiction(api_as, seeded):
    mine = api_as(seeded.a.supervisor).get("/api/v1/dashboard/", THIS_YEAR).json()
    assert mine["area"] == seeded.a.district.code
    assert mine["assignments"]["period"]["totals"]["assignments"] == 6
    other = api_as(seeded.a.supervisor).get("/api/v1/dashboard/", {"area": seeded.b.district.code})
    assert other.status_code == 404
    city = api_as(seeded.a.supervisor).get("/api/v1/dashboard/", {"area": seeded.city.code})
    assert city.status_code == 404
    assert api_as(seeded.a.cadre).get("/api/v1/dashboard/").status_code == 403


@pytest.mark.parametrize(
    "params",
    [
        {"from": "1999-12-31"},
        {"until": "2099-01-01"},
        {"from": "2026-05-01", "until": "2026-04-01"},
        {"baseline_from": "not a date"},
        {"period": "decade"},
        {"baseline_from": "2026-05-01", "baseline_until": "2026-01-01"},
    ],
)
def test_bad_dates_are_a_400_naming_the_parameter(api_as, seeded, params):
    response = api_as(seeded.a.supervisor).get("/api/v1/dashboard/", params)
    assert response.status_code == 400
    assert response.json()["errors"]


def test_the_page_shows_a_bad_date_as_a_message(client, seeded):
    client.force_login(seeded.a.supervisor)
    response = client.get("/dashboard/", {"from": "1999-01-01"})
    assert response.status_code == 200
    assert any("2000" in str(m) for m in response.context["messages"])


def test_every_table_downloads_as_xlsx(client, seeded, city_supervisor):
    client.force_login(city_supervisor)
    params = {"area": seeded.city.code, **THIS_YEAR, **LAST_YEAR, "format": "xlsx"}
    response = client.get("/dashboard/", {**params, "table": "assignments.by_area"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    period = book.worksheets[0]
    rows = list(period.iter_rows(values_only=True))
    assert rows[0][0] == "区域或社区"
    assert {r[0]: r[2] for r in rows[1:]} == {"A区": 6, "B区": 2}
    assert period.freeze_panes == "A2"
    everything = client.get("/dashboard/", params)
    book = openpyxl.load_workbook(io.BytesIO(everything.content))
    assert len(book.worksheets) > 10
    missing = client.get("/dashboard/", {**params, "table": "nothing.here"})
    assert missing.status_code == 404


def test_the_page_draws_every_section_with_charts_and_tables(client, seeded, city_supervisor):
    client.force_login(city_supervisor)
    response = client.get("/dashboard/", {"area": seeded.city.code})
    html = response.content.decode()
    assert response.status_code == 200
    assert "vendor/echarts/echarts.min.js" in html
    assert 'id="chart-assignments-by_month"' in html  # the chart's data (json_script)
    assert "<script>" not in html  # no inline script: CSP
    assert "暂无反向评价结果" in html or "反向评价" in html


def test_echarts_is_loaded_only_where_a_chart_is(client, seeded):
    client.force_login(seeded.a.supervisor)
    html = client.get("/workbench/supervisor/").content.decode()
    assert "echarts" not in html
    assert "/dashboard/" in html
    assert "社区和部门开始填报后" not in html


def _grow(world, number: int) -> None:
    """Another district with a street, two communities, a department and tasks."""
    district = AreaFactory(
        code=f"9901{number:02d}",
        name=f"新{number}区",
        parent=world.city,
        level=Organisation.Level.DISTRICT,
    )
    street = AreaFactory(
        code=f"9901{number:02d}001",
        name=f"新{number}街道",
        parent=district,
        level=Organisation.Level.STREET,
    )
    communities = [
        CommunityFactory(
            code=f"9901{number:02d}001{i:03d}", name=f"新{number}-{i}社区", parent=street
        )
        for i in range(1, 4)
    ]
    department = DepartmentFactory(
        code=f"D9901{number:02d}-X", name=f"新{number}局", parent=district
    )
    send(department, communities, on="2026-04-01", refused=1)
    send(department, communities, on="2025-04-01")


def _queries(api_as, user, city) -> int:
    client = api_as(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/v1/dashboard/", {"area": city.code, **THIS_YEAR, **LAST_YEAR})
    assert response.status_code == 200
    return len(captured)


def test_queries_are_constant_in_the_number_of_organisations(api_as, seeded, city_supervisor):
    workdays.is_covered(2026)
    _queries(api_as, city_supervisor, seeded.city)  # warm the caches
    before = _queries(api_as, city_supervisor, seeded.city)
    for number in range(10, 14):
        _grow(seeded, number)
    after = _queries(api_as, city_supervisor, seeded.city)
    assert after == before
    # What they are: the user and their grants, the area, the saved baseline, the level
    # below, the monthly roll-up's state; then each of the ten sections' grouped queries
    # for the period and again for the baseline (a section is one to three queries; the
    # evaluation's closed rounds one, and a few more per round shown, at most three
    # rounds).
    assert before <= 63


def test_the_page_query_count_is_constant_too(
    client, seeded, city_supervisor, django_assert_max_num_queries
):
    workdays.is_covered(2026)
    client.force_login(city_supervisor)
    client.get("/dashboard/", {"area": seeded.city.code})
    with CaptureQueriesContext(connection) as first:
        client.get("/dashboard/", {"area": seeded.city.code})
    for number in range(10, 13):
        _grow(seeded, number)
    with CaptureQueriesContext(connection) as second:
        client.get("/dashboard/", {"area": seeded.city.code})
    assert len(first) == len(second)


def test_the_top_of_a_ranking_is_the_full_rankings_head_ties_included():
    from registry.selectors.dashboard import ranked

    rows = [
        {"name": f"社区{i:03d}", "load": load, "n": n}
        for i, (load, n) in enumerate(
            [(50.0, 12), (80.0, 30), (80.0, 11), (20.0, 40), (95.5, 9), (80.0, 10), (60.0, 15)] * 5
        )
    ]
    full, few = ranked([dict(r) for r in rows], by="load", events="n")
    head, few_too = ranked([dict(r) for r in rows], by="load", events="n", top=7)
    assert [(r["name"], r["rank"]) for r in head] == [(r["name"], r["rank"]) for r in full[:7]]
    assert [r["rank"] for r in head] == [1] * 7  # 15 rows tie at 80 %
    assert [r["name"] for r in few_too] == [r["name"] for r in few]
