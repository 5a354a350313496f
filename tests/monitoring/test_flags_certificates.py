"""The prohibited-certificate-demand flag: an institution that keeps asking residents for
certificates communities must not issue."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation

from certificates import services as certificate_services
from certificates.services import CertificateProhibited
from monitoring import services
from monitoring.flags import describe
from monitoring.models import Flag
from tests.certificates.helpers import id_number, national


def refuse(world, cadre, community, index, asked_by="某商业银行示范支行"):
    with pytest.raises(CertificateProhibited):
        certificate_services.certificate_issue(
            actor=cadre,
            community=community,
            certificate_type=national("无犯罪记录证明"),
            applicant_name="张三",
            applicant_id_number=id_number(index),
            purpose="开户",
            requested_by=asked_by,
        )


def test_an_institution_asking_three_times_is_flagged_where_it_asked(world):
    refuse(world, world.a.cadre, world.a.community, 1)
    refuse(world, world.a.cadre, world.a.community, 2)
    services.flags_compute()
    assert not Flag.objects.filter(kind="prohibited_certificate_demand").exists()

    refuse(world, world.b.cadre, world.b.community, 3)
    services.flags_compute()
    services.flags_compute()
    (flag,) = Flag.objects.filter(kind="prohibited_certificate_demand")
    assert flag.subject == "某商业银行示范支行"
    assert flag.figures["refusals"] == 3 and flag.figures["communities"] == 2
    with translation.override("en"):
        summary = describe(flag)
    assert summary == "asked residents for prohibited certificates 3 times in 2 communities"
    # Refused in two districts: the flag belongs to the city, above both.
    assert flag.organisation == world.city


def test_demand_in_one_community_belongs_to_its_street(world):
    for index in range(3):
        refuse(world, world.a.cadre, world.a.community, index)
    services.flags_compute()
    flag = Flag.objects.get(kind="prohibited_certificate_demand")
    assert flag.organisation == world.a.street


def test_old_refusals_age_out(world):
    for index in range(3):
        refuse(world, world.a.cadre, world.a.community, index)
    later = timezone.localdate() + datetime.timedelta(days=91)
    services.flags_compute(today=later)
    assert not Flag.objects.filter(kind="prohibited_certificate_demand", status="open").exists()
