"""Cadres issuing at once, on real PostgreSQL row locks: serials stay unique and gapless."""

from __future__ import annotations

import pytest
from django.utils import timezone

from certificates import services
from certificates.models import CertificateIssuance, CertificateRefusal
from registry.models import Membership, Role
from tests.certificates.helpers import id_number, national, retained_type
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _cadres(world, community, count: int):
    cadres = []
    for index in range(count):
        user = UserFactory(username=f"cadre_{community.code}_{index}")
        Membership.objects.create(user=user, organisation=community, role=Role.COMMUNITY_CADRE)
        cadres.append(user)
    return cadres


def _issue(cadre, community, certificate_type, index):
    return lambda: services.certificate_issue(
        actor=cadre,
        community=community,
        certificate_type=certificate_type,
        applicant_name=f"居民{index}",
        applicant_id_number=id_number(index),
        purpose="办理居住证",
        requested_by="示范市公安局东城分局",
    )


def test_eight_cadres_issuing_at_once_get_serials_one_to_eight(world, race):
    residence = retained_type(world)
    cadres = _cadres(world, world.a.community, 8)
    outcomes = race(*[_issue(c, world.a.community, residence, i) for i, c in enumerate(cadres)])
    assert all(isinstance(o, CertificateIssuance) for o in outcomes), outcomes
    year = timezone.localdate().year
    serials = sorted(
        CertificateIssuance.objects.filter(community=world.a.community).values_list(
            "serial", flat=True
        )
    )
    assert serials == list(range(1, 9))
    assert sorted(o.serial_number for o in outcomes) == [f"{year}-{n:04d}" for n in range(1, 9)]


def test_two_communities_at_once_each_count_from_one(world, race):
    residence = retained_type(world)
    a_cadres = _cadres(world, world.a.community, 4)
    b_cadres = _cadres(world, world.b.community, 4)
    calls = [_issue(c, world.a.community, residence, i) for i, c in enumerate(a_cadres)]
    calls += [_issue(c, world.b.community, residence, 10 + i) for i, c in enumerate(b_cadres)]
    outcomes = race(*calls)
    assert all(isinstance(o, CertificateIssuance) for o in outcomes), outcomes
    for community in (world.a.community, world.b.community):
        serials = sorted(
            CertificateIssuance.objects.filter(community=community).values_list("serial", flat=True)
        )
        assert serials == [1, 2, 3, 4]


def test_the_same_refusal_at_once_is_counted_once(world, race):
    cadres = _cadres(world, world.a.community, 4)
    no_crime = national()
    outcomes = race(*[_issue(c, world.a.community, no_crime, 1) for c in cadres])
    assert all(isinstance(o, services.CertificateProhibited) for o in outcomes), outcomes
    # Different cadres, one resident, one institution, one day: one refusal.
    assert CertificateRefusal.objects.count() == 1
