"""Query counts of the hub's lists that had none (style.md rule 8): each with more than one
row, so a query per row would show, and a comment saying what the n queries are."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from registry import services
from registry.models import User
from tests.factories import CommunityFactory, WorkItemFactory

TODAY = datetime.date(2026, 9, 14)


@pytest.fixture(autouse=True)
def on_a_known_day():
    with time_machine.travel(datetime.datetime(2026, 9, 14, 9, 0), tick=False):
        yield


@pytest.fixture
def item(world):
    return WorkItemFactory(
        jurisdiction=world.a.district,
        department=world.a.department,
        list_kind="assist",
        frequency="monthly",
        hours_per_occurrence=Decimal("3"),
        households_per_occurrence=20,
        valid_from=datetime.date(2026, 1, 1),
        valid_until=datetime.date(2028, 12, 31),
        scope=[world.a.street],
    )


def _dispatch(world, item, communities, **fields):
    defaults = {
        "actor": world.a.department_staff,
        "work_item": item,
        "title": "核对",
        "communities": communities,
        "due_date": TODAY + datetime.timedelta(days=14),
        "hours_per_community": Decimal("1"),
    }
    return services.dispatch_create(**{**defaults, **fields})


def _emergencies(world, n: int) -> None:
    for i in range(n):
        _dispatch(
            world,
            None,
            [world.a.community, world.a.community2],
            title=f"应急{i}",
            due_date=TODAY + datetime.timedelta(days=2),
            emergency=True,
            justification="防汛",
        )


def test_dispatch_detail_api_costs_the_same_for_many_communities(
    world, item, api_as, django_assert_num_queries
):
    extra = [CommunityFactory(parent=world.a.street) for _ in range(5)]
    dispatch = _dispatch(world, item, [world.a.community, *extra])
    staff = User.objects.get(pk=world.a.department_staff.pk)
    # 1 grants, 1 the dispatch with department, item and people joined, 1 its
    # assignments counted by state (grouped).
    with django_assert_num_queries(3):
        response = api_as(staff).get(f"/api/v1/dispatches/{dispatch.pk}/")
    assert response.json()["assignments"] == 6


def test_dispatch_page_costs_the_same_for_many_communities(
    world, item, client, django_assert_num_queries
):
    extra = [CommunityFactory(parent=world.a.street) for _ in range(5)]
    dispatch = _dispatch(world, item, [world.a.community, *extra])
    client.force_login(world.a.department_staff)
    # 1 session, 2 user, 3 grants, 4 the dispatch, 5 its assignments by state, 6 the
    # refusal reasons, 7 count for the paginator, 8 the page of assignments with their
    # community and responder joined.
    with django_assert_num_queries(8):
        response = client.get(reverse("dispatch-show", args=[dispatch.pk]))
    assert len(response.context["page_obj"]) == 6


def test_ratification_queue_costs_the_same_for_many_tasks(world, client, django_assert_num_queries):
    _emergencies(world, 4)
    client.force_login(world.a.reviewer)
    # 1 session, 2 user, 3 grants, 4 count for the paginator, 5 the page of emergency
    # tasks with department, item and people joined.
    with django_assert_num_queries(5):
        response = client.get(reverse("dispatch-ratification"))
    assert len(response.context["page_obj"]) == 4


def test_notifications_page_costs_the_same_for_many_notifications(
    world, client, django_assert_num_queries
):
    _emergencies(world, 4)  # each notifies the cadre's community
    client.force_login(world.a.cadre)
    # 1 session, 2 user, 3 grants, 4 count for the paginator, 5 the unread count (the
    # tab's badge), 6 the page of notifications with their recipient joined.
    with django_assert_num_queries(6):
        response = client.get(reverse("notifications"))
    assert len(response.context["page_obj"]) == 4
    # The unread tab is the same query shape (NotificationFilter: ?unread=1).
    with django_assert_num_queries(6):
        client.get(reverse("notifications"), {"unread": "1"})


def test_published_list_api_costs_the_same_for_many_items(world, item, django_assert_num_queries):
    for _ in range(3):
        WorkItemFactory(
            jurisdiction=world.a.district,
            department=world.a.department,
            list_kind="assist",
            valid_from=datetime.date(2026, 1, 1),
            valid_until=datetime.date(2028, 12, 31),
            scope=[world.a.street],
        )
    # Public, no login: 1 the area, 2 its items on the list today, 3 the departments'
    # names, 4 every item's scope codes.
    with django_assert_num_queries(4):
        response = APIClient().get(f"/api/v1/lists/{world.a.district.code}/assist/")
    assert len(response.json()) == 4
