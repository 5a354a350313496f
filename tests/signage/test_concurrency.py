"""Two cadres record the same removal at once, on real PostgreSQL row locks: one wins, the
other is told it is already removed (409), and the sign is removed once."""

from __future__ import annotations

import datetime

import pytest

from registry.errors import IllegalTransition
from registry.models import AuditEntry, Membership, Role
from signage import services
from signage.models import Plaque
from tests.factories import UserFactory
from tests.signage.helpers import sign

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_removals_at_once_one_wins_the_other_gets_409(world, race):
    plaque = sign(world, "平安建设示范点", kind="publicity")
    other = UserFactory(username="a_second_cadre")
    Membership.objects.create(user=other, organisation=world.a.community, role=Role.COMMUNITY_CADRE)
    today = datetime.date.today()

    def remove(actor, reason):
        return lambda: services.plaque_remove(
            actor=actor, plaque=plaque, removed_on=today, reason=reason
        )

    outcomes = race(remove(world.a.cadre, "第一次"), remove(other, "第二次"))
    removed = [o for o in outcomes if isinstance(o, Plaque)]
    refused = [o for o in outcomes if isinstance(o, IllegalTransition)]
    assert len(removed) == 1 and len(refused) == 1, outcomes
    assert refused[0].status == 409
    plaque.refresh_from_db()
    assert plaque.status == "removed" and plaque.removal_reason == removed[0].removal_reason
    assert AuditEntry.objects.filter(action="plaque.remove").count() == 1
