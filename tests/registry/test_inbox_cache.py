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
            # the user, their grants, the versions).
            with django_assert_max_num_queries(3 if cached else 4):
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
