"""The demo's certificates: retained types for the city and a few register lines; safe to
seed twice."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from certificates.demo import seed_certificates
from certificates.models import CertificateIssuance, CertificateRefusal, CertificateType
from registry.audit import audit_chain_verify
from registry.models import AuditEntry


@pytest.fixture(autouse=True)
def demo_settings(settings):
    settings.DEBUG = True  # seed_demo refuses to run with production settings
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def counts() -> dict[str, int]:
    return {
        "types": CertificateType.objects.count(),
        "issuances": CertificateIssuance.objects.count(),
        "refusals": CertificateRefusal.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def test_seeding_twice_adds_nothing_the_second_time(db):
    call_command("seed_demo", stdout=StringIO())
    out = StringIO()
    seed_certificates(out)
    first = counts()
    assert first["types"] >= 23 and first["issuances"] >= 3 and first["refusals"] >= 2
    assert "retained types" in out.getvalue()
    seed_certificates(lambda message: None)
    assert counts() == first
    assert audit_chain_verify().ok
    cadre_register = CertificateIssuance.objects.filter(community__code="990102001001")
    assert sorted(i.serial for i in cadre_register) == list(range(1, cadre_register.count() + 1))


def test_without_the_demo_city_it_says_so_and_writes_nothing(db):
    out = StringIO()
    seed_certificates(out)
    assert "missing" in out.getvalue()
    assert CertificateType.objects.exclude(jurisdiction=None).count() == 0
