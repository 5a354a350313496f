"""The clue lists' counts (the API's count, the board's tabs) are kept in the cache until
a clue changes (registry/figure_cache.py): each kind of change shows in the very next
read, and every user's count is their own scope's (reporter protection included)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from monitoring import services
from monitoring.models import Clue
from registry import services as registry_services
from tests.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def clue_in(world, community, actor=None, side=None) -> Clue:
    side = side or world.a
    return services.clue_raise(
        actor=actor or side.supervisor,
        department=side.department,
        community=community,
        summary="微信群要求三天内上报空置房",
    )


def client_of(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def count(client, query: str = "") -> int:
    response = client.get(f"/api/v1/clues/{query}")
    assert response.status_code == 200
    assert response.json()["count"] == len(response.json()["results"])  # fewer than a page
    return response.json()["count"]


def tabs(client) -> dict[str, int]:
    """The board's tabs: state -> the number shown on it."""
    response = client.get(reverse("clue-board"))
    return {value: n for value, _label, n in response.context["states"]}


def step(world, clue, action, **data) -> None:
    services.clue_act(actor=world.a.supervisor, clue=clue, action=action, data=data)


def test_a_clue_raised_shows_in_the_next_count(world):
    supervisor = client_of(world.a.supervisor)
    clue_in(world, world.a.community)
    assert count(supervisor) == 1
    assert count(supervisor) == 1  # kept
    clue_in(world, world.a.community2)
    assert count(supervisor) == 2


def test_a_step_shows_in_the_next_count_by_state(world):
    supervisor = client_of(world.a.supervisor)
    clue = clue_in(world, world.a.community)
    assert (count(supervisor, "?state=reported"), count(supervisor, "?state=analysed")) == (1, 0)
    step(world, clue, "analyse", note="属实")
    assert (count(supervisor, "?state=reported"), count(supervisor, "?state=analysed")) == (0, 1)
    services.clue_act(
        actor=world.a.supervisor, clue=clue, action="dismiss", data={"reason": "重复"}
    )
    assert (count(supervisor, "?state=analysed"), count(supervisor, "?state=dismissed")) == (0, 1)


def test_the_boards_tabs_follow_the_next_step(client, world):
    clue = clue_in(world, world.a.community)
    client.force_login(world.a.supervisor)
    assert (tabs(client)["reported"], tabs(client)["dismissed"]) == (1, 0)
    services.clue_act(
        actor=world.a.supervisor, clue=clue, action="dismiss", data={"reason": "重复"}
    )
    assert (tabs(client)["reported"], tabs(client)["dismissed"]) == (0, 1)
    clue_in(world, world.a.community2)
    assert tabs(client)["reported"] == 1


def test_each_user_counts_their_own_scope(world):
    clue_in(world, world.a.community)
    clue_in(world, world.b.community, actor=world.b.liaison, side=world.b)
    assert count(client_of(world.a.supervisor)) == 1
    assert count(client_of(world.b.supervisor)) == 1
    # The department concerned counts the clues about it; the reporter their own.
    assert count(client_of(world.a.department_staff)) == 1
    assert count(client_of(world.b.liaison)) == 1
    assert count(client_of(world.a.cadre)) == 0
    # The department never learns who raised it, kept count or not.
    listed = client_of(world.a.department_staff).get("/api/v1/clues/").json()["results"]
    assert all(row.get("reported_by") in (None, "") for row in listed)


def test_a_community_moved_to_another_district_shows_in_the_next_count(world):
    # Raised by another of the district's supervisors (a reporter keeps seeing their own).
    reporter = UserFactory(username="a_supervisor_2")
    MembershipFactory(user=reporter, organisation=world.a.district, role="supervisor")
    clue_in(world, world.a.community, actor=reporter)
    clue_in(world, world.a.community2, actor=reporter)
    supervisor, other = client_of(world.a.supervisor), client_of(world.b.supervisor)
    assert (count(supervisor), count(other)) == (2, 0)
    admin = UserFactory(username="tree_admin", is_superuser=True, is_staff=True)
    registry_services.organisation_update(
        actor=admin, organisation=world.a.community2, parent=world.b.street
    )
    assert (count(supervisor), count(other)) == (1, 1)
