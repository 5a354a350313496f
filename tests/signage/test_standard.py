"""Within the standard or not, and why: named signs, backing items, kinds, counts, and a
district's tighter standard."""

from __future__ import annotations

import datetime

import pytest

from registry.errors import PermissionDenied, RuleRefused
from signage.models import Plaque
from tests.factories import WorkItemFactory
from tests.signage.helpers import TODAY, sign, standard

pytestmark = pytest.mark.django_db


def verdict(plaque):
    plaque = Plaque.objects.get(pk=plaque.pk)
    return plaque.within_standard, plaque.why


def active_item(world, **extra):
    return WorkItemFactory(
        jurisdiction=world.a.district,
        department=world.a.department,
        scope=[world.a.street],
        **extra,
    )


def test_a_named_sign_is_within_the_standard(world):
    standard(world)
    assert verdict(sign(world, "A一社区居民委员会")) == (True, "")


def test_a_sign_nothing_backs_is_excess_and_says_why(world):
    standard(world)
    assert verdict(sign(world, "平安建设示范点", kind="publicity")) == (False, "not_backed")


def test_without_any_standard_only_backing_counts(world):
    assert verdict(sign(world, "A一社区居民委员会")) == (False, "not_backed")
    item = active_item(world)
    assert verdict(sign(world, "统计调查点", work_item=item)) == (True, "")


def test_a_sign_an_active_item_backs_is_within_but_an_expired_one_does_not_back(world):
    standard(world)
    backed = sign(world, "人口普查工作站", kind="function_room", work_item=active_item(world))
    ended = active_item(world, valid_until=TODAY - datetime.timedelta(days=1))
    stale = sign(world, "文明创建工作站", kind="function_room", work_item=ended)
    assert verdict(backed) == (True, "")
    assert verdict(stale) == (False, "not_backed")


def test_a_kind_not_allowed_on_walls_is_excess_even_when_backed(world):
    standard(world)
    rules = sign(
        world, "居民议事规则", kind="rules", placement="interior", work_item=active_item(world)
    )
    assert verdict(rules) == (False, "kind_not_allowed")


def test_signs_over_the_count_are_excess_named_signs_first_then_oldest(world):
    standard(world, max_exterior=2)
    item = active_item(world)
    old = sign(world, "老年协会", work_item=item, installed_on=TODAY - datetime.timedelta(days=300))
    new = sign(world, "妇女之家", work_item=item, installed_on=TODAY - datetime.timedelta(days=10))
    named = sign(world, "A一社区党群服务中心", installed_on=TODAY - datetime.timedelta(days=5))
    # The named sign takes the first place; the older backed one the second; the newest
    # backed one is over the count of 2.
    assert verdict(named) == (True, "")
    assert verdict(old) == (True, "")
    assert verdict(new) == (False, "over_count")


def test_taking_a_sign_down_frees_its_place_for_the_next(world):
    from signage import services

    standard(world, max_exterior=1)
    item = active_item(world)
    first = sign(
        world, "老年协会", work_item=item, installed_on=TODAY - datetime.timedelta(days=300)
    )
    second = sign(
        world, "妇女之家", work_item=item, installed_on=TODAY - datetime.timedelta(days=10)
    )
    assert verdict(second) == (False, "over_count")
    services.plaque_remove(actor=world.a.cadre, plaque=first, removed_on=TODAY, reason="整合")
    assert verdict(second) == (True, "")


def test_a_district_standard_tighter_than_the_city_applies_to_its_communities(world):
    standard(world, area=world.city, max_exterior=4)
    item = active_item(world)
    signs = [
        sign(
            world,
            f"工作站{n}",
            work_item=item,
            installed_on=TODAY - datetime.timedelta(days=90 - n),
        )
        for n in range(3)
    ]
    assert [verdict(s)[0] for s in signs] == [True, True, True]
    # The district tightens to 2 exterior signs: the nearest area's standard applies.
    standard(world, area=world.a.district, max_exterior=2)
    assert [verdict(s) for s in signs] == [(True, ""), (True, ""), (False, "over_count")]
    # District B's communities keep the city's standard.
    b_item = WorkItemFactory(
        jurisdiction=world.b.district, department=world.b.department, scope=[world.b.street]
    )
    b_signs = [
        sign(
            world, f"工作站{n}", community=world.b.community, actor=world.b.cadre, work_item=b_item
        )
        for n in range(3)
    ]
    assert [verdict(s)[0] for s in b_signs] == [True, True, True]


def test_a_district_may_not_loosen_its_citys_standard(world):
    standard(world, area=world.city, max_exterior=4, kinds_not_allowed=["rules"])
    with pytest.raises(RuleRefused) as refused:
        standard(
            world,
            area=world.a.district,
            max_exterior=6,
            kinds_not_allowed=[],
            named_signs=["党组织", "志愿服务站"],
        )
    assert refused.value.code == "standard_looser"
    message = str(refused.value.message)
    assert "4" in message  # what the city allows
    assert "志愿服务站" in message
    assert len(refused.value.extra["reasons"]) == 3


def test_a_standard_effective_later_does_not_apply_yet(world):
    standard(world, area=world.a.district, effective_from=TODAY + datetime.timedelta(days=10))
    assert verdict(sign(world, "A一社区居民委员会")) == (False, "not_backed")


def test_only_the_areas_reviewers_set_its_standard(world):
    from signage import services

    for user in (world.b.reviewer, world.a.supervisor, world.a.cadre):
        with pytest.raises(PermissionDenied):
            services.plaque_standard_create(
                actor=user,
                area=world.a.district,
                named_signs=[],
                max_exterior=1,
                max_interior=1,
                kinds_not_allowed=[],
                effective_from=TODAY,
            )


def test_a_standard_set_for_later_applies_from_its_day_by_the_daily_job(world):
    from signage import tasks

    named = sign(world, "A一社区居民委员会")
    standard(world, area=world.a.district, effective_from=TODAY + datetime.timedelta(days=1))
    assert verdict(named) == (False, "not_backed")
    tasks.plaques_reassess()  # today: the standard is not in effect yet
    assert verdict(named) == (False, "not_backed")
    from signage import services

    services.plaques_reassess_all(today=TODAY + datetime.timedelta(days=1))
    assert verdict(named) == (True, "")
