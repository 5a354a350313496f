"""The inbox's first page is served from a cache keyed by versions bumped in the change's
transaction (registry/inbox_cache.py): after every kind of change the next read shows it.

In-process here (every change, the fast rows equal to the serializer's);
test_inbox_cache_processes.py runs two real app processes.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from registry import inbox_cache, selectors, services
from registry.models import Assignment, User
from registry.serializers.dispatch import AssignmentSerializer
from registry.services.dispatch import ASSIGNMENT

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("on_a_known_monday")]

TODAY = datetime.date(2026, 9, 14)
ROOT = Path(__file__).resolve().parents[2]


def _dispatch(world, item, title: str, *, communities=None, emergency: bool = False):
    return services.dispatch_create(
        actor=world.a.department_staff,
        work_item=None if emergency else item,
        title=title,
        communities=communities or [world.a.community, world.a.community2],
        due_date=timezone.localdate() + datetime.timedelta(days=1 if emergency else 14),
        hours_per_community=Decimal("2"),
        emergency=emergency,
        justification="台风红色预警" if emergency else "",
    )


def _truth(user: User) -> list[dict]:
    """The first page built from the database, without the cache or the fast rows."""
    fresh = User.objects.get(pk=user.pk)
    page = selectors.inbox_order(selectors.assignment_list(user=fresh))[:50]
    return json.loads(json.dumps(AssignmentSerializer(page, many=True).data))


def _read(api_as, user: User) -> list[dict]:
    response = api_as(User.objects.get(pk=user.pk)).get("/api/v1/assignments/")
    assert response.status_code == 200
    return json.loads(json.dumps(response.json()["results"]))


def test_fast_rows_equal_the_serializer_field_for_field(world, item, api_as):
    _dispatch(world, item, "核对")
    _dispatch(world, item, "台风应急排查", emergency=True)
    first = Assignment.objects.filter(community=world.a.community).order_by("id").first()
    services.assignment_respond(actor=world.a.cadre, assignment=first, action="accept", note="收到")
    for user in (world.a.cadre, world.a.department_staff, world.a.reviewer):
        fast = selectors.inbox_rows(
            selectors.inbox_values(selectors.inbox_order(selectors.assignment_list(user=user))[:50])
        )
        assert json.loads(json.dumps(fast)) == _truth(user)


def test_the_next_read_shows_every_kind_of_change(
    world, item, api_as, django_assert_max_num_queries
):
    cadre, staff = world.a.cadre, world.a.department_staff
    inbox_cache.clear_local()

    def check(cached: bool = True):
        for user in (cadre, staff):
            truth = _truth(user)
            assert _read(api_as, user) == truth
            # ... and the second read of the same state is the cached page (no page query:
            # the user, then their grants with the versions in one query).
            with django_assert_max_num_queries(2 if cached else 4):
                again = _read(api_as, user)
            assert again == truth

    check(cached=False)  # empty: no version yet (the first dispatch gives one), not cached
    first = _dispatch(world, item, "核对")
    check()
    task = Assignment.objects.get(dispatch=first, community=world.a.community)
    for action in ("accept", "complete"):
        services.assignment_respond(actor=cadre, assignment=task, action=action, note=action)
        check()
        assert _read(api_as, cadre)[0]["state"] == ASSIGNMENT[action].target
    # (An emergency: the item's monthly frequency would refuse a second dispatch.)
    second = _dispatch(world, item, "再核对", communities=[world.a.community], emergency=True)
    check()
    services.assignment_respond(
        actor=cadre,
        assignment=Assignment.objects.get(dispatch=second),
        action="refuse",
        reason_code="duplicate",
    )
    check()
    emergency = _dispatch(world, item, "台风应急排查", emergency=True)
    check()
    services.dispatch_ratify(actor=world.a.reviewer, dispatch=emergency, note="属实")
    check()
    services.work_item_change_status(
        actor=world.a.reviewer, item=item, action="suspend", reason="暂停核对"
    )
    check()
    services.organisation_update(
        actor=world.admin, organisation=world.a.community, name="新名字社区"
    )
    check()
    assert {row["community_name"] for row in _read(api_as, cadre)} == {"新名字社区"}


def test_a_cached_page_is_what_drf_would_write(world, item, api_as, monkeypatch):
    """The page is kept as JSON bytes and the envelope written around them: the same
    bytes DRF's renderer gives, the same next link and capped-count header."""
    from rest_framework.renderers import JSONRenderer

    from registry.api.base import Pagination
    from registry.paginators import CappedPaginator

    monkeypatch.setattr(Pagination, "page_size", 1)  # two tasks: a next page
    monkeypatch.setattr(CappedPaginator, "cap", 1)  # ... and a capped count
    _dispatch(world, item, "核对")
    _dispatch(world, item, "台风应急排查", emergency=True)
    inbox_cache.clear_local()
    truth = _truth(world.a.cadre)[:1]
    seen = []
    for _ in range(2):  # a miss, then the cached page
        response = api_as(User.objects.get(pk=world.a.cadre.pk)).get("/api/v1/assignments/")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert response["X-Count-Capped"] == "1"
        body = response.json()
        assert body == {
            "count": 1,
            "next": "http://testserver/api/v1/assignments/?page=2",
            "previous": None,
            "results": truth,
        }
        assert response.content == JSONRenderer().render(body)
        seen.append(response.content)
    assert seen[0] == seen[1]


def test_a_cached_page_asked_for_as_html_is_drfs_browsable_page(world, item, api_as, monkeypatch):
    """Where the API also speaks HTML (the browsable API, with DEBUG on), the cached rows
    are handed to DRF to render instead of the JSON bytes."""
    from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer

    from registry.api.dispatch import AssignmentViewSet

    monkeypatch.setattr(AssignmentViewSet, "renderer_classes", [JSONRenderer, BrowsableAPIRenderer])
    _dispatch(world, item, "核对")
    inbox_cache.clear_local()
    for _ in range(2):  # a miss, then the cached page
        client = api_as(User.objects.get(pk=world.a.cadre.pk))
        response = client.get("/api/v1/assignments/", HTTP_ACCEPT="text/html")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        assert "核对" in response.content.decode()
    assert _read(api_as, world.a.cadre) == _truth(world.a.cadre)


@pytest.mark.parametrize("loss", ["deactivated", "user switched off", "token deleted"])
def test_the_next_request_after_losing_the_account_is_refused(world, item, loss):
    """The grants and the token are read on every request, never cached: a warm inbox
    is refused to the very next request of an account switched off or a token deleted."""
    from rest_framework.test import APIClient

    from registry.auth import token_for, tokens_revoke

    cadre = world.a.cadre
    _dispatch(world, item, "核对")
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token_for(cadre).key}")
    for _ in range(2):  # the second read is served from the cache
        assert client.get("/api/v1/assignments/").json()["count"] == 1
    if loss == "deactivated":
        services.user_deactivate(actor=world.admin, user=cadre, reason="离任")
    elif loss == "user switched off":
        services.user_update(actor=world.admin, user=cadre, is_active=False)
    else:
        tokens_revoke(cadre)
    assert client.get("/api/v1/assignments/").status_code == 401


def test_the_next_request_after_a_revoked_membership_shows_nothing(world, item):
    from rest_framework.test import APIClient

    from registry.auth import token_for
    from registry.models import Membership, Role

    cadre = world.a.cadre
    _dispatch(world, item, "核对")
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token_for(cadre).key}")
    for _ in range(2):
        assert client.get("/api/v1/assignments/").json()["count"] == 1
    membership = Membership.objects.get(user=cadre, role=Role.COMMUNITY_CADRE)
    services.membership_revoke(actor=world.admin, membership=membership)
    assert client.get("/api/v1/assignments/").json() == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }


def test_every_transition_of_the_assignment_machine_bumps_the_versions(monkeypatch):
    """A transition added to the machine later (a recall) gets the bump for free: it is in
    ``Machine.apply``, which every service calls."""
    bumped = []
    monkeypatch.setattr(inbox_cache, "bump", lambda ids: bumped.append(list(ids)))
    for transition in ASSIGNMENT:
        assignment = Assignment(
            community_id=1, department_id=2, state=next(iter(transition.sources))
        )
        ASSIGNMENT.apply(assignment, transition)
    assert bumped == [[1, 2]] * len(list(ASSIGNMENT))


def test_a_rolled_back_change_never_reuses_a_version(world, item):
    _dispatch(world, item, "核对")
    key = inbox_cache.page_key([world.a.community.pk], 50)
    with pytest.raises(RuntimeError), transaction_rolled_back():
        inbox_cache.bump([world.a.community.pk])
        raise RuntimeError
    inbox_cache.bump([world.a.community.pk])
    after = inbox_cache.page_key([world.a.community.pk], 50)
    assert after != key
    # The version the rolled-back bump took is not handed out again.
    assert int(after.rsplit(".", 1)[1]) > int(key.rsplit(".", 1)[1]) + 1


def transaction_rolled_back():
    from django.db import transaction

    return transaction.atomic()
