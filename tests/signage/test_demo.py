"""The demo's plaques: a lived-in registry (a campaign that removed most excess signs from a
few communities, some still in excess), safe to seed twice."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from registry.audit import audit_chain_verify
from registry.models import AuditEntry
from signage.models import Plaque, PlaqueStandard


@pytest.fixture(autouse=True)
def demo_settings(settings):
    settings.DEBUG = True  # seed_demo refuses to run with production settings
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def counts() -> dict[str, int]:
    return {
        "standards": PlaqueStandard.objects.count(),
        "up": Plaque.objects.filter(status="up").count(),
        "removed": Plaque.objects.filter(status="removed").count(),
        "audit": AuditEntry.objects.count(),
    }


def test_the_demo_city_has_a_lived_in_registry_and_seeding_twice_adds_nothing(db):
    call_command("seed_demo", stdout=StringIO())
    first = counts()
    assert first["standards"] == 2
    assert first["up"] > 150 and first["removed"] >= 10
    # The campaign's communities are down to (nearly) their named signs ...
    huayuan = Plaque.objects.filter(community__code="990102001003", status="up")
    assert huayuan.filter(within_standard=False).count() == 0
    assert (
        Plaque.objects.filter(
            community__code="990102001002", status="up", within_standard=False
        ).count()
        == 1
    )
    # ... while the demo cadre's community still has signs beyond the standard.
    chaoyang = Plaque.objects.filter(community__code="990102001001", status="up")
    assert chaoyang.filter(within_standard=False).count() >= 3
    assert Plaque.objects.filter(status="removed").exclude(removal_photo="").exists()
    call_command("seed_demo", stdout=StringIO())
    assert counts() == first
    assert audit_chain_verify().ok
