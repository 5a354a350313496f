"""The plaque-excess flag: one per community with excess signs, idempotent, resolved when
the signs come down; it links to the community's registry."""

from __future__ import annotations

import pytest

from monitoring import services as monitoring_services
from monitoring.models import Flag
from signage import services
from tests.signage.helpers import TODAY, sign, standard

pytestmark = pytest.mark.django_db
KIND = Flag.Kind.PLAQUE_EXCESS


def test_the_flag_is_raised_once_however_often_it_runs_and_resolves(
    world, django_assert_num_queries
):
    standard(world)
    sign(world, "A一社区居民委员会")
    first = sign(world, "平安建设示范点", kind="publicity")
    second = sign(world, "禁毒宣传栏", kind="publicity")
    sign(world, "B宣传栏", community=world.b.community, actor=world.b.cadre, kind="publicity")
    from monitoring.flags import RULES

    # One aggregate query over every community's signs.
    with django_assert_num_queries(1):
        findings = list(RULES[KIND](TODAY))
    assert {f.subject_key: f.figures["excess"] for f in findings} == {
        f"community:{world.a.community.code}": 2,
        f"community:{world.b.community.code}": 1,
    }
    monitoring_services.flags_compute(kinds=[KIND])
    monitoring_services.flags_compute(kinds=[KIND])
    flags = Flag.objects.filter(kind=KIND).exclude(status="resolved")
    assert flags.count() == 2
    flag = flags.get(organisation=world.a.community)
    assert flag.figures["link"] == f"/plaques/?community={world.a.community.code}"
    for plaque in (first, second):
        services.plaque_remove(actor=world.a.cadre, plaque=plaque, removed_on=TODAY, reason="摘除")
    monitoring_services.flags_compute(kinds=[KIND])
    flag.refresh_from_db()
    assert flag.status == "resolved"
    assert Flag.objects.filter(kind=KIND).exclude(status="resolved").count() == 1
