"""The district reviewer's "本区域的派发任务" (issue 14, item 8): the tasks that reached the
district's communities, whoever sent them (the city's departments too), with department,
area and date filters through the one filter path the API uses."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine

from registry import services, workdays
from registry.models import Membership, Role
from tests.factories import WorkItemFactory

TODAY = datetime.date(2026, 9, 14)

pytestmark = pytest.mark.usefixtures("on_a_known_monday")


@pytest.fixture
def city_staff(world):
    from tests.factories import UserFactory

    user = UserFactory(username="city_staff", display_name="市民政局干部")
    Membership.objects.create(
        user=user, organisation=world.city_department, role=Role.DEPARTMENT_STAFF
    )
    return user


def city_item(world):
    return WorkItemFactory(
        admission_number="9901-2026-0001",
        title="全市低保复核",
        jurisdiction=world.city,
        department=world.city_department,
        frequency="monthly",
        hours_per_occurrence=Decimal("3"),
        households_per_occurrence=20,
        valid_from=datetime.date(2026, 1, 1),
        valid_until=datetime.date(2028, 12, 31),
        scope=[world.city],
    )


def send(actor, item, communities, title, due=TODAY + datetime.timedelta(days=14)):
    return services.dispatch_create(
        actor=actor,
        work_item=item,
        title=title,
        communities=communities,
        due_date=due,
        hours_per_community=Decimal("1"),
    )


def test_the_district_reviewer_sees_the_tasks_that_reached_the_district(
    world, item, city_staff, client, api_as
):
    send(world.a.department_staff, item, [world.a.community], "区统计局的任务")
    send(city_staff, city_item(world), [world.a.community2, world.b.community], "市民政局的任务")
    client.force_login(world.a.reviewer)
    page = client.get("/dispatch/").content.decode()
    assert "本区域的派发任务" in page
    assert "区统计局的任务" in page and "市民政局的任务" in page
    listed = api_as(world.a.reviewer).get("/api/v1/dispatches/").json()
    assert {d["title"] for d in listed["results"]} == {"区统计局的任务", "市民政局的任务"}
    # The other district sees the city's task (it reached B) but not district A's.
    other = api_as(world.b.reviewer).get("/api/v1/dispatches/").json()
    assert {d["title"] for d in other["results"]} == {"市民政局的任务"}


def test_the_reviewer_opens_a_city_task_that_reached_the_district(world, city_staff, client):
    dispatch = send(city_staff, city_item(world), [world.a.community], "市民政局的任务")
    client.force_login(world.a.reviewer)
    assert client.get(f"/dispatch/{dispatch.pk}/").status_code == 200


def test_an_empty_area_list_speaks_to_the_reviewer(world, client):
    client.force_login(world.a.reviewer)
    page = client.get("/dispatch/").content.decode()
    assert "本区域的社区还没有收到派发任务" in page
    assert "您的部门" not in page


def test_department_area_and_date_filters_on_the_page_and_the_api(
    world, item, city_staff, client, api_as
):
    with time_machine.travel(datetime.datetime(2026, 8, 3, 9, 0), tick=False):
        send(
            world.a.department_staff,
            item,
            [world.a.community],
            "八月的任务",
            due=datetime.date(2026, 8, 20),
        )
    send(world.a.department_staff, item, [world.a.community2], "九月的任务")
    send(city_staff, city_item(world), [world.a.community], "市里的任务")
    reviewer = api_as(world.a.reviewer)

    def titles(query: str) -> set[str]:
        return {d["title"] for d in reviewer.get(f"/api/v1/dispatches/?{query}").json()["results"]}

    assert titles(f"department={world.city_department.code}") == {"市里的任务"}
    assert titles(f"area={world.a.community2.code}") == {"九月的任务"}
    assert titles("dispatched_after=2026-09-01") == {"九月的任务", "市里的任务"}
    assert titles("dispatched_before=2026-08-31") == {"八月的任务"}
    assert reviewer.get("/api/v1/dispatches/?area=NOPE").status_code == 400
    client.force_login(world.a.reviewer)
    page = client.get(
        f"/dispatch/?department={world.a.department.code}&dispatched_after=2026-09-01"
    ).content.decode()
    assert "九月的任务" in page and "八月的任务" not in page and "市里的任务" not in page
    assert f'<option value="{world.city_department.code}"' in page  # the filter's choices


def test_the_area_list_costs_the_same_queries_for_more_rows(
    world, item, city_staff, client, django_assert_num_queries
):
    workdays.is_covered(2026)
    send(world.a.department_staff, item, [world.a.community], "一")
    client.force_login(world.a.reviewer)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/dispatch/")
    send(city_staff, city_item(world), [world.a.community2], "二")
    send(world.a.department_staff, item, [world.a.community2], "三")
    # The session, the user, the grants, the departments for the filter, the count, the
    # page of dispatches, the page's state counts and refusal reasons: none per row.
    with CaptureQueriesContext(connection) as more:
        client.get("/dispatch/")
    assert len(more) == len(few)
