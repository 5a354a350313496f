"""The dashboard's monthly roll-ups: the figures read from them equal the figures counted
live from the rows (every area level, both roles, periods with partial months), the days
after the roll-up are live, the page says how fresh they are, a refresh is idempotent
and safe to run twice at once, and the query count stays constant."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry import workdays
from registry.models import Assignment, CommunityMonth, DashboardRollup, DepartmentMonth, Role
from registry.selectors import dashboard as board
from registry.selectors.dashboard_rollups import split
from registry.services.dashboard_rollups import dashboard_rollups_refresh
from tests.factories import MembershipFactory, UserFactory
from tests.registry.test_dashboard import send

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_a_known_monday")]

D = datetime.date


# --- Which days the roll-up answers ----------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "through", "months", "live"),
    [
        # No roll-up: everything live.
        (D(2026, 1, 1), D(2026, 9, 14), None, None, [(D(2026, 1, 1), D(2026, 9, 14))]),
        # This year on 14 September, rolled up to August: January-August, then live.
        (
            D(2026, 1, 1),
            D(2026, 9, 14),
            D(2026, 8, 1),
            (D(2026, 1, 1), D(2026, 8, 1)),
            [(D(2026, 9, 1), D(2026, 9, 14))],
        ),
        # Partial months at both ends are live.
        (
            D(2025, 3, 15),
            D(2025, 8, 20),
            D(2026, 8, 1),
            (D(2025, 4, 1), D(2025, 7, 1)),
            [(D(2025, 3, 15), D(2025, 3, 31)), (D(2025, 8, 1), D(2025, 8, 20))],
        ),
        # A period ending on a month's last day holds that month whole.
        (
            D(2025, 1, 1),
            D(2025, 12, 31),
            D(2026, 8, 1),
            (D(2025, 1, 1), D(2025, 12, 1)),
            [],
        ),
        # Inside one month: live.
        (D(2026, 9, 1), D(2026, 9, 14), D(2026, 8, 1), None, [(D(2026, 9, 1), D(2026, 9, 14))]),
        # The roll-up stops before the period: live.
        (D(2026, 6, 1), D(2026, 9, 14), D(2026, 4, 1), None, [(D(2026, 6, 1), D(2026, 9, 14))]),
        # The roll-up stops inside it: the months after it are live.
        (
            D(2026, 2, 10),
            D(2026, 9, 14),
            D(2026, 5, 1),
            (D(2026, 3, 1), D(2026, 5, 1)),
            [(D(2026, 2, 10), D(2026, 2, 28)), (D(2026, 6, 1), D(2026, 9, 14))],
        ),
    ],
)
def test_split(start, end, through, months, live):
    part = split(start, end, through)
    assert part.months == months
    assert list(part.live) == live


# --- The same figures, from the roll-up and live -----------------------------------------------


@pytest.fixture
def busy(world):
    """Tasks in many months of 2025 and 2026, refusals with different reasons, emergencies
    and hours; one task of the city's department into district A."""
    a, b = world.a, world.b
    for month in range(1, 10):
        send(a.department, [a.community, a.community2], on=f"2026-{month:02d}-0{month % 3 + 2}")
        send(b.department, [b.community], on=f"2025-{month:02d}-1{month % 5}", refused=month % 2)
    send(a.department, [a.community, a.community2], on="2026-03-31", refused=2, emergency=True)
    send(b.department, [b.community, b.community2], on="2026-09-07", refused=1, hours="4")
    send(world.city_department, [a.community, b.community2], on="2026-04-15", refused=1)
    send(a.department, [a.community], on="2025-08-31", hours="7")
    Assignment.objects.filter(department=world.city_department, state="refused").update(
        refusal_reason="duplicate"
    )
    return world


@pytest.fixture
def city_reviewer(world):
    user = UserFactory(username="city_reviewer")
    MembershipFactory(user=user, organisation=world.city, role=Role.REVIEWER)
    return user


PERIODS = [
    (D(2026, 1, 1), D(2026, 9, 14)),
    (D(2025, 3, 15), D(2025, 8, 20)),
    (D(2025, 1, 1), D(2025, 12, 31)),
    (D(2026, 3, 31), D(2026, 4, 15)),
]


def _figures(user, area, start, end, *, live: bool) -> dict:
    query = board.DashboardQuery(user=user, area=area, period=board.Period(start, end))
    if live:
        query.rollup = None
    from registry.selectors.dashboard_sections import assignments_figures, refusals_figures

    out = {}
    for name, figures in (("assignments", assignments_figures), ("refusals", refusals_figures)):
        result = figures(query)
        out[name] = {
            "totals": result["totals"],
            "tables": [(t["key"], t["rows"], t["unranked"]) for t in result["tables"]],
            "note": result["note"],
        }
    return out


@pytest.mark.parametrize("role", ["supervisor", "reviewer"])
def test_figures_from_the_roll_up_equal_the_live_ones(busy, city_supervisor, city_reviewer, role):
    dashboard_rollups_refresh()
    assert DashboardRollup.objects.get().through == D(2026, 8, 1)
    user = city_supervisor if role == "supervisor" else city_reviewer
    areas = [busy.city, busy.a.district, busy.a.street, busy.b.community]
    for area in areas:
        for start, end in PERIODS:
            rolled = _figures(user, area, start, end, live=False)
            live = _figures(user, area, start, end, live=True)
            for section in ("assignments", "refusals"):
                assert rolled[section]["totals"] == live[section]["totals"], (area, start)
                assert rolled[section]["tables"] == live[section]["tables"], (area, start)


def test_a_district_reviewer_sees_only_its_district_in_the_roll_up(busy):
    dashboard_rollups_refresh()
    rolled = _figures(busy.a.reviewer, busy.a.district, D(2025, 1, 1), D(2025, 12, 31), live=False)
    live = _figures(busy.a.reviewer, busy.a.district, D(2025, 1, 1), D(2025, 12, 31), live=True)
    assert rolled["assignments"]["totals"] == live["assignments"]["totals"]
    assert rolled["assignments"]["totals"]["assignments"] == 1  # the 7-hour task only


def test_the_roll_up_holds_what_the_rows_count(busy):
    result = dashboard_rollups_refresh()
    assert result["through"] == "2026-08-01"
    before_cutoff = Assignment.objects.filter(
        created_at__lt=datetime.datetime(2026, 9, 1, tzinfo=datetime.UTC)
    )
    assert sum(CommunityMonth.objects.values_list("tasks", flat=True)) == before_cutoff.count()
    assert sum(DepartmentMonth.objects.values_list("tasks", flat=True)) == before_cutoff.count()
    march = CommunityMonth.objects.get(month=D(2026, 3, 1), community=busy.a.community)
    # The 3 March task and the 31 March emergency (refused), 2 hours each.
    assert (march.tasks, march.emergency, march.refused, march.hours) == (2, 1, 1, 4)
    assert march.lead_working_days == 20
    city_into_a = DepartmentMonth.objects.get(
        month=D(2026, 4, 1), department=busy.city_department, parent=busy.a.street
    )
    assert (city_into_a.tasks, city_into_a.refused, city_into_a.refused_duplicate) == (1, 1, 1)
    # Twice: the same rows, not twice as many.
    again = dashboard_rollups_refresh()
    assert again["rows"] == result["rows"]
    assert CommunityMonth.objects.count() + DepartmentMonth.objects.count() == result["rows"]


def test_the_days_after_the_roll_up_are_live_and_the_page_says_how_fresh(
    busy, city_supervisor, client
):
    dashboard_rollups_refresh()
    # After the refresh (17:00 in Beijing: the clock is 09:00 UTC): a task this month
    # counts at once.
    send(busy.a.department, [busy.a.community], on="2026-09-14")
    figures = _figures(city_supervisor, busy.city, D(2026, 1, 1), D(2026, 9, 14), live=False)
    live = _figures(city_supervisor, busy.city, D(2026, 1, 1), D(2026, 9, 14), live=True)
    assert figures["assignments"]["totals"] == live["assignments"]["totals"]
    note = figures["assignments"]["note"]
    assert "2026-01" in note and "2026-08" in note and "2026-09-14 17:00" in note
    client.force_login(city_supervisor)
    page = client.get("/dashboard/", {"area": busy.city.code}).content.decode()
    assert "dashboard-freshness" in page
    assert "2026-09-14 17:00" in page


def test_an_answer_in_a_rolled_up_month_counts_from_the_next_refresh(busy, city_supervisor):
    dashboard_rollups_refresh()
    task = Assignment.objects.filter(
        community=busy.a.community, state="pending", created_at__month=5
    ).first()
    Assignment.objects.filter(pk=task.pk).update(state="refused", refusal_reason="other")
    period = (D(2026, 5, 1), D(2026, 5, 31))
    stale = _figures(city_supervisor, busy.city, *period, live=False)
    live = _figures(city_supervisor, busy.city, *period, live=True)
    assert stale["refusals"]["totals"]["refused"] == live["refusals"]["totals"]["refused"] - 1
    dashboard_rollups_refresh()
    fresh = _figures(city_supervisor, busy.city, *period, live=False)
    assert fresh["refusals"]["totals"] == live["refusals"]["totals"]


def test_without_a_roll_up_nothing_is_said_about_one(busy, city_supervisor):
    figures = _figures(city_supervisor, busy.city, D(2026, 1, 1), D(2026, 9, 14), live=False)
    assert figures["assignments"]["note"] == ""


def test_queries_stay_constant_with_the_roll_up(api_as, busy, city_supervisor):
    workdays.is_covered(2026)
    client = api_as(city_supervisor)
    params = {"area": busy.city.code, "from": "2025-03-15", "until": "2026-09-14"}
    client.get("/api/v1/dashboard/", params)
    # Each measured read right after a rebuild: nothing of it is in the cache yet.
    dashboard_rollups_refresh()
    with CaptureQueriesContext(connection) as first:
        assert client.get("/api/v1/dashboard/", params).status_code == 200
    for month in range(1, 9):
        send(busy.b.department, [busy.b.community, busy.b.community2], on=f"2025-{month:02d}-20")
    dashboard_rollups_refresh()
    with CaptureQueriesContext(connection) as second:
        assert client.get("/api/v1/dashboard/", params).status_code == 200
    assert len(second) == len(first)


def test_a_roll_up_is_read_once_per_rebuild_and_never_served_after_the_next(
    api_as, busy, city_supervisor
):
    client = api_as(city_supervisor)
    params = {"area": busy.city.code, "from": "2025-01-01", "until": "2025-12-31"}
    dashboard_rollups_refresh()
    with CaptureQueriesContext(connection) as cold:
        before = client.get("/api/v1/dashboard/", params).json()
    with CaptureQueriesContext(connection) as warm:
        again = client.get("/api/v1/dashboard/", params).json()
    rolled = [q for q in cold.captured_queries if "_communitymonth" in q["sql"]]
    assert rolled and not [q for q in warm.captured_queries if "_communitymonth" in q["sql"]]
    assert not [q for q in warm.captured_queries if "_departmentmonth" in q["sql"]]
    assert again["assignments"] == before["assignments"]
    assert again["refusals"] == before["refusals"]
    # A task of last year answered, then a rebuild: the next read has it.
    task = Assignment.objects.filter(created_at__year=2025, state="pending").first()
    Assignment.objects.filter(pk=task.pk).update(state="refused", refusal_reason="other")
    dashboard_rollups_refresh()
    after = client.get("/api/v1/dashboard/", params).json()
    refused = after["refusals"]["period"]["totals"]["refused"]
    assert refused == before["refusals"]["period"]["totals"]["refused"] + 1
    # Another reader's scope is another key: a district's reviewer sees only its district.
    district = api_as(busy.a.reviewer).get(
        "/api/v1/dashboard/", {**params, "area": busy.a.district.code}
    )
    assert district.json()["assignments"]["period"]["totals"]["assignments"] == 1


@pytest.mark.django_db(transaction=True)
def test_two_refreshes_at_once_leave_one_roll_up(busy, race):
    outcomes = race(dashboard_rollups_refresh, dashboard_rollups_refresh)
    assert all(isinstance(o, dict) for o in outcomes), outcomes
    assert outcomes[0]["rows"] == outcomes[1]["rows"]
    assert CommunityMonth.objects.count() + DepartmentMonth.objects.count() == outcomes[0]["rows"]


def test_the_beat_job_refreshes(busy, settings):
    from config.celery import BEAT_SCHEDULE
    from registry.tasks import dashboard_rollups_refresh as task

    assert BEAT_SCHEDULE["dashboard-rollups"]["task"] == "registry.tasks.dashboard_rollups_refresh"
    result = task.apply().get()
    assert result["through"] == "2026-08-01"
    assert DashboardRollup.objects.get().rows == result["rows"]


def test_a_big_kept_figure_stays_out_of_the_workers_memory(busy, city_supervisor):
    """A province's rows per community are megabytes as Python objects: kept in the shared
    cache only (``local=False``), not in each worker's entry-bounded LRU."""
    from registry import figure_cache

    figure_cache.clear_local()
    figure_cache.bump(["probe"])  # a version no earlier run kept anything under
    calls = []

    def build():
        calls.append(1)
        return [{"community_id": 1, "n": 2}]

    for _ in range(2):
        got = figure_cache.remember("probe_big", ("x",), ["probe"], build, local=False)
        assert got == [{"community_id": 1, "n": 2}]
    assert calls == [1]  # the second came from the shared cache
    assert not [k for k in figure_cache._local if ":probe_big:" in k]
    figure_cache.remember("probe_small", ("x",), ["probe"], build)
    assert [k for k in figure_cache._local if ":probe_small:" in k]
