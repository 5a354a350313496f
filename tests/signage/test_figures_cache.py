"""The plaque summary's totals and monthly trend are kept in the cache until a sign of the
area changes (registry/figure_cache.py): every kind of change shows in the very next read,
and the kept figures equal the ones counted afresh."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry import services as registry_services
from signage import selectors, services
from tests.factories import MembershipFactory, UserFactory, WorkItemFactory
from tests.signage.helpers import TODAY, sign, standard

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

TOMORROW = TODAY + datetime.timedelta(days=1)


def read(client, world, area=True, on=None) -> dict:
    """The summary's totals and the trend, as the supervisor's next requests get them."""
    query = f"?area={world.a.district.code}" if area else "?"
    if on is not None:
        query += f"&on={on.isoformat()}"
    summary = client.get(f"/api/v1/plaques/summary/{query}")
    trend = client.get(f"/api/v1/plaques/trend/{query}")
    assert summary.status_code == trend.status_code == 200
    return {"totals": summary.json()["totals"], "trend": trend.json()}


def fresh(world, area=True, on=None) -> dict:
    """The same figures counted from the rows, past the cache."""
    user, where = world.a.supervisor, world.a.district if area else None
    return {
        "totals": selectors._plaque_totals(user=user, area=where, on=on or TODAY),
        "trend": selectors._monthly_trend(user=user, area=where, months=12, until=TODAY),
    }


@pytest.fixture
def supervisor(api_as, world):
    # The cadre keeps both communities' registries.
    MembershipFactory(user=world.a.cadre, organisation=world.a.community2, role="community_cadre")
    world.a.cadre._portal_grants = None  # the grants are cached on the user object
    standard(world)
    sign(world, "A一社区居民委员会")
    sign(world, "平安建设示范点", kind="publicity", installed_on=TODAY)
    return api_as(world.a.supervisor)


@pytest.mark.parametrize("area", [True, False], ids=["area", "the-users-own"])
def test_a_second_read_is_kept_and_the_same(supervisor, world, area):
    first = read(supervisor, world, area)
    with CaptureQueriesContext(connection) as queries:
        again = read(supervisor, world, area)
    assert again == first == fresh(world, area)
    # Neither the totals, nor the trend's two groupings and its count, ran again.
    counted = ('SELECT COUNT("signage_plaque"', "SELECT DATE_TRUNC", 'SELECT COUNT(*) AS "__count"')
    assert not [q for q in queries.captured_queries if q["sql"].startswith(counted)]


@pytest.mark.parametrize("area", [True, False], ids=["area", "the-users-own"])
def test_a_sign_added_shows_in_the_next_read(supervisor, world, area):
    before = read(supervisor, world, area)
    sign(world, "文明宣传栏", kind="publicity", community=world.a.community2, installed_on=TODAY)
    after = read(supervisor, world, area)
    assert after == fresh(world, area)
    assert after["totals"]["up"] == before["totals"]["up"] + 1
    assert after["totals"]["communities"] == before["totals"]["communities"] + 1
    assert after["trend"][-1]["added"] == before["trend"][-1]["added"] + 1


def test_a_sign_removed_shows_in_the_next_read(supervisor, world):
    plaque = sign(world, "禁毒宣传栏", kind="publicity")
    before = read(supervisor, world)
    services.plaque_remove(actor=world.a.cadre, plaque=plaque, removed_on=TODAY, reason="整合")
    after = read(supervisor, world)
    assert after == fresh(world)
    assert after["totals"]["up"] == before["totals"]["up"] - 1
    assert after["totals"]["removed_this_year"] == before["totals"]["removed_this_year"] + 1
    assert after["trend"][-1]["removed"] == before["trend"][-1]["removed"] + 1


def test_a_standard_taking_effect_shows_in_the_next_read(supervisor, world):
    backing = WorkItemFactory(
        jurisdiction=world.a.district, department=world.a.department, scope=[world.a.street]
    )
    sign(world, "人口普查工作站", kind="function_room", work_item=backing)  # within, for now
    before = read(supervisor, world)
    # A tighter standard for the street, in force today: the signs over its count turn excess.
    standard(world, area=world.a.street, max_exterior=1, max_interior=1, named_signs=["居民委员会"])
    after = read(supervisor, world)
    assert after == fresh(world)
    assert after["totals"]["excess"] > before["totals"]["excess"]


def test_the_daily_job_reassessing_shows_in_the_next_read(supervisor, world):
    # A standard set for tomorrow (a pure street sign count of one) applies by the daily job.
    sign(world, "党群服务站", kind="publicity", community=world.a.community2)
    standard(world, area=world.a.street, max_exterior=1, named_signs=[], effective_from=TOMORROW)
    before = read(supervisor, world, on=TODAY)
    assert before == fresh(world, on=TODAY)
    services.plaques_reassess_all(today=TOMORROW)
    after = read(supervisor, world, on=TODAY)
    assert after == fresh(world, on=TODAY)
    assert after["totals"]["excess"] > before["totals"]["excess"]


def test_the_backing_item_revoked_shows_in_the_next_read(supervisor, world):
    backing = WorkItemFactory(
        jurisdiction=world.a.district, department=world.a.department, scope=[world.a.street]
    )
    sign(world, "人口普查工作站", kind="function_room", work_item=backing)
    before = read(supervisor, world)
    registry_services.work_item_change_status(
        actor=world.a.reviewer, item=backing, action="revoke", reason="任务已完成"
    )
    after = read(supervisor, world)
    assert after == fresh(world)
    assert after["totals"]["excess"] == before["totals"]["excess"] + 1


def test_a_community_moved_out_of_the_area_shows_in_the_next_read(supervisor, world):
    before = read(supervisor, world)
    admin = UserFactory(username="tree_admin", is_superuser=True, is_staff=True)
    registry_services.organisation_update(
        actor=admin, organisation=world.a.community, parent=world.b.street
    )
    after = read(supervisor, world)
    assert after == fresh(world)
    assert after["totals"]["up"] < before["totals"]["up"]


def test_another_districts_figures_are_their_own(supervisor, world):
    from rest_framework.test import APIClient

    other = APIClient()
    other.force_authenticate(world.b.supervisor)
    mine = read(supervisor, world, area=False)
    theirs = other.get("/api/v1/plaques/summary/").json()["totals"]
    assert theirs["up"] == 0 and mine["totals"]["up"] == 2
    sign(world, "B一社区居民委员会", actor=world.b.cadre, community=world.b.community)
    assert other.get("/api/v1/plaques/summary/").json()["totals"]["up"] == 1
    assert read(supervisor, world, area=False) == mine


def test_the_dashboards_plaque_figures_are_kept_and_follow_each_change(supervisor, world):
    """The supervisors' dashboard's plaques section reads through the same keeping: a
    second read counts nothing again; a sign added and one removed show at the next."""

    def dashboard() -> dict:
        response = supervisor.get(
            "/api/v1/dashboard/",
            {"area": world.a.district.code, "from": TODAY.replace(month=1, day=1).isoformat(),
             "until": TODAY.isoformat()},
        )  # fmt: skip
        assert response.status_code == 200
        return response.json()["plaques"]["period"]["totals"]

    first = dashboard()
    with CaptureQueriesContext(connection) as queries:
        assert dashboard() == first
    assert not [q for q in queries.captured_queries if "signage_plaque" in q["sql"]]
    plaque = sign(world, "文明宣传栏", kind="publicity", community=world.a.community2)
    added = dashboard()
    assert added["up"] == first["up"] + 1
    services.plaque_remove(actor=world.a.cadre, plaque=plaque, removed_on=TODAY, reason="整合")
    removed = dashboard()
    assert removed["up"] == first["up"] and removed["removed"] == first["removed"] + 1
