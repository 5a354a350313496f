"""Dispatch, the inbox, off-platform reports and flags over the API (api-v1.md)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine

from monitoring import services as monitoring_services
from monitoring.models import Flag
from registry import inbox_cache, services
from registry.models import Assignment, Dispatch, User
from tests.factories import CommunityFactory, WorkItemFactory

TODAY = datetime.date(2026, 9, 14)


pytestmark = pytest.mark.usefixtures("on_a_known_monday")


def body(world, item, **overrides):
    data = {
        "work_item": item.admission_number,
        "title": "居民信息核对",
        "instructions": "请核对附件名单",
        "communities": [world.a.community.code, world.a.community2.code],
        "due_date": str(TODAY + datetime.timedelta(days=14)),
        "hours_per_community": 2,
        "households_per_community": 10,
        "emergency": False,
        "justification": "",
    }
    data.update(overrides)
    return data


def test_dispatch_returns_201_with_id_and_assignment_count(world, item, api_as):
    response = api_as(world.a.department_staff).post(
        "/api/v1/dispatches/", body(world, item), format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["assignments"] == 2
    assert Dispatch.objects.get().pk == response.json()["id"]


def test_refused_dispatch_is_a_422_with_reasons_and_communities(world, item, api_as):
    response = api_as(world.a.department_staff).post(
        "/api/v1/dispatches/",
        body(
            world,
            item,
            communities=[world.a.community.code, world.b.community.code],
            hours_per_community=9,
        ),
        format="json",
    )
    assert response.status_code == 422
    data = response.json()
    assert data["code"] == "dispatch_refused"
    reasons = {r["code"]: r for r in data["reasons"]}
    assert set(reasons) == {"out_of_scope", "burden_exceeded"}
    assert reasons["out_of_scope"]["communities"] == [world.b.community.code]
    assert all(r["detail"] for r in data["reasons"])
    assert Dispatch.objects.count() == 0 and Assignment.objects.count() == 0


def test_unknown_admission_number_is_not_admitted(world, item, api_as):
    response = api_as(world.a.department_staff).post(
        "/api/v1/dispatches/", body(world, item, work_item="9999-2026-0001"), format="json"
    )
    assert response.status_code == 422
    assert [r["code"] for r in response.json()["reasons"]] == ["not_admitted"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("communities", ["NOPE"]),
        ("due_date", "next week"),
        ("hours_per_community", -1),
        ("communities", []),
    ],
)
def test_bad_dispatch_input_is_a_400(world, item, api_as, field, value):
    response = api_as(world.a.department_staff).post(
        "/api/v1/dispatches/", body(world, item, **{field: value}), format="json"
    )
    assert response.status_code == 400
    assert Dispatch.objects.count() == 0


def test_dispatch_to_a_whole_street_by_area(world, item, api_as):
    response = api_as(world.a.department_staff).post(
        "/api/v1/dispatches/",
        body(world, item, communities=[], areas=[world.a.street.code]),
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["assignments"] == 2


def test_emergency_over_the_api_and_ratification(world, api_as):
    response = api_as(world.a.department_staff).post(
        "/api/v1/dispatches/",
        {
            "work_item": None,
            "title": "台风应急排查",
            "communities": [world.a.community.code],
            "due_date": str(TODAY + datetime.timedelta(days=1)),
            "hours_per_community": 3,
            "emergency": True,
            "justification": "台风红色预警",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["emergency"] is True and response.json()["ratified"] is False
    url = f"/api/v1/dispatches/{response.json()['id']}/ratify/"
    assert api_as(world.a.department_staff).post(url).status_code == 403
    ratified = api_as(world.a.reviewer).post(url, {"note": "属实"}, format="json")
    assert ratified.status_code == 200 and ratified.json()["ratified"] is True


def test_cadre_inbox_shows_only_their_community_with_verify_link(world, item, api_as):
    services.dispatch_create(
        actor=world.a.department_staff,
        work_item=item,
        title="核对",
        communities=[world.a.community, world.a.community2],
        due_date=TODAY + datetime.timedelta(days=14),
        hours_per_community=Decimal("2"),
    )
    data = api_as(world.a.cadre).get("/api/v1/assignments/").json()
    assert data["count"] == 1
    (row,) = data["results"]
    assert row["community"] == world.a.community.code
    assert row["work_item"] == item.admission_number
    assert row["verify_url"].endswith(f"?number={item.admission_number}")
    assert row["working_days_left"] == 10
    assert api_as(world.b.cadre).get("/api/v1/assignments/").json()["count"] == 0
    assert api_as(world.a.department_staff).get("/api/v1/assignments/").json()["count"] == 2


def test_cadre_refuses_with_a_reason_code_and_the_department_sees_it(world, item, api_as):
    services.dispatch_create(
        actor=world.a.department_staff,
        work_item=item,
        title="核对",
        communities=[world.a.community],
        due_date=TODAY + datetime.timedelta(days=14),
        hours_per_community=Decimal("2"),
    )
    assignment = Assignment.objects.get()
    url = f"/api/v1/assignments/{assignment.pk}/refuse/"
    bad = api_as(world.a.cadre).post(url, {"reason_code": "because"}, format="json")
    assert bad.status_code == 400
    refused = api_as(world.a.cadre).post(
        url, {"reason_code": "duplicate", "note": "已报过"}, format="json"
    )
    assert refused.status_code == 200
    assert refused.json()["state"] == "refused"
    seen = api_as(world.a.department_staff).get("/api/v1/assignments/?state=refused").json()
    assert seen["results"][0]["refusal_reason"] == "duplicate"
    again = api_as(world.a.cadre).post(f"/api/v1/assignments/{assignment.pk}/accept/")
    assert again.status_code == 409
    other = api_as(world.b.cadre).post(f"/api/v1/assignments/{assignment.pk}/accept/")
    assert other.status_code == 404


def test_inbox_query_count_is_constant(world, item, api_as, django_assert_num_queries):
    extra = [CommunityFactory(parent=world.a.street) for _ in range(3)]
    for month in range(3):
        with time_machine.travel(datetime.datetime(2026, 9 + month, 14, 9, 0), tick=False):
            services.dispatch_create(
                actor=world.a.department_staff,
                work_item=item,
                title=f"第{month}月",
                communities=[world.a.community, *extra],
                due_date=datetime.date(2026, 9 + month, 28),
                hours_per_community=Decimal("1"),
            )
    cadre = User.objects.get(pk=world.a.cadre.pk)
    staff = User.objects.get(pk=world.a.department_staff.pk)
    inbox_cache.clear_local()
    inbox_cache.page_key([world.a.community.pk], 50)  # the database's id, once per process
    # 1 grants with their inbox versions (the cache's key), 1 count, 1 page of assignments
    # joined to dispatch, community, department and work item (as dicts).
    with django_assert_num_queries(3):
        assert api_as(cadre).get("/api/v1/assignments/").json()["count"] == 3
    with django_assert_num_queries(3):
        assert api_as(staff).get("/api/v1/assignments/").json()["count"] == 12
    # The first page again: grants and versions in one query, the page from the cache.
    cadre = User.objects.get(pk=world.a.cadre.pk)
    with django_assert_num_queries(1):
        assert api_as(cadre).get("/api/v1/assignments/").json()["count"] == 3
    # A filtered list is never cached: count and page (the grants are loaded already).
    with django_assert_num_queries(2):
        assert api_as(cadre).get("/api/v1/assignments/?state=pending").json()["count"] == 3


def test_dispatch_list_query_count_is_constant(world, item, api_as, django_assert_num_queries):
    for month in range(3):
        with time_machine.travel(datetime.datetime(2026, 9 + month, 14, 9, 0), tick=False):
            services.dispatch_create(
                actor=world.a.department_staff,
                work_item=item,
                title=f"第{month}月",
                communities=[world.a.community],
                due_date=datetime.date(2026, 9 + month, 28),
                hours_per_community=Decimal("1"),
            )
    staff = User.objects.get(pk=world.a.department_staff.pk)
    # 1 grants, 1 count, 1 page of dispatches with department, item and people joined,
    # 1 grouped count of the page's assignments by state.
    with django_assert_num_queries(4):
        assert api_as(staff).get("/api/v1/dispatches/").json()["count"] == 3


def test_offplatform_report_over_the_api(world, api_as):
    response = api_as(world.a.liaison).post(
        "/api/v1/offplatform-reports/",
        {
            "community": world.a.community.code,
            "department": world.a.department.code,
            "title": "微信群要求三天内上报空置房",
            "channel": "wechat",
            "received_on": str(TODAY),
            "due_date": str(TODAY + datetime.timedelta(days=3)),
            "hours": 6,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    staff_view = api_as(world.a.department_staff).get("/api/v1/offplatform-reports/").json()
    assert staff_view["count"] == 1
    assert api_as(world.b.department_staff).get("/api/v1/offplatform-reports/").json()["count"] == 0
    assert api_as(world.a.reviewer).get("/api/v1/offplatform-reports/").json()["count"] == 1
    bad = api_as(world.a.cadre).post(
        "/api/v1/offplatform-reports/",
        {
            "community": world.a.community.code,
            "department": world.a.department.code,
            "title": "x",
            "channel": "pigeon",
            "received_on": str(TODAY),
        },
        format="json",
    )
    assert bad.status_code == 400 and "channel" in bad.json()["errors"]


def test_flags_api_filters_and_handling(world, api_as, django_assert_num_queries):
    for days in (10, 20, 30):
        WorkItemFactory(
            jurisdiction=world.a.district,
            department=world.a.department,
            valid_until=TODAY + datetime.timedelta(days=days),
        )
    WorkItemFactory(
        jurisdiction=world.b.district,
        department=world.b.department,
        valid_until=TODAY + datetime.timedelta(days=10),
    )
    monitoring_services.flags_compute(today=TODAY)
    supervisor = User.objects.get(pk=world.a.supervisor.pk)
    # 1 grants, 1 count, 1 page of flags with their organisation.
    with django_assert_num_queries(3):
        data = api_as(supervisor).get("/api/v1/flags/?kind=expiring_admission").json()
    assert data["count"] == 3
    assert all(f["summary"] for f in data["results"])
    assert (
        api_as(world.a.supervisor)
        .get(f"/api/v1/flags/?area={world.b.district.code}")
        .json()["count"]
        == 0
    )
    city_wide = api_as(world.a.cadre).get("/api/v1/flags/")
    assert city_wide.status_code == 403
    flag = Flag.objects.filter(organisation=world.a.department).first()
    url = f"/api/v1/flags/{flag.pk}"
    assert api_as(world.a.reviewer).post(f"{url}/acknowledge/").json()["status"] == "acknowledged"
    assert api_as(world.a.reviewer).post(f"{url}/resolve/").status_code == 400
    resolved = api_as(world.a.reviewer).post(f"{url}/resolve/", {"note": "已续期"}, format="json")
    assert resolved.json()["status"] == "resolved"
    assert api_as(world.b.reviewer).post(f"{url}/acknowledge/").status_code == 404
