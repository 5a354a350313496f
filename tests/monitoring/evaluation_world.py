"""A reverse-evaluation round over district A of the ``world`` fixture, for the evaluation
tests, the permission table and the browser test.

The clock is the house's known Monday (2026-09-14). The round's period is September 2026;
it opens that day and closes on Tuesday 2026-09-29, just after the Mid-Autumn holiday
(Friday 25th to Sunday 27th), so "two working days before" is Thursday the 24th."""

from __future__ import annotations

import datetime
from decimal import Decimal

import time_machine
from django.utils import timezone

from monitoring import services
from monitoring.models import Dimension
from registry import services as registry_services
from registry.models import Membership, Organisation
from tests.factories import DepartmentFactory, UserFactory, WorkItemFactory

PERIOD_FROM = datetime.date(2026, 9, 1)
PERIOD_UNTIL = datetime.date(2026, 9, 30)
OPENS_ON = datetime.date(2026, 9, 14)
CLOSES_ON = datetime.date(2026, 9, 29)
DIMENSIONS = [code for code, _label in Dimension.choices]


def second_department(world) -> Organisation:
    """A second department of district A (卫健委) with a member of staff."""
    department = Organisation.objects.filter(code="D990102-WJ").first()
    if department is None:
        department = DepartmentFactory(code="D990102-WJ", name="A区卫健委", parent=world.a.district)
        staff = UserFactory(username="a_wj_staff", display_name="卫健委经办人")
        Membership.objects.create(user=staff, organisation=department, role="department_staff")
    return department


def dispatch(world, department, communities, *, title="居民信息核对", emergency=False):
    staff = Membership.objects.filter(organisation=department, role="department_staff").first()
    item = WorkItemFactory(
        jurisdiction=world.a.district, department=department, scope=[world.a.street]
    )
    return registry_services.dispatch_create(
        actor=staff.user,
        work_item=None if emergency else item,
        title=title,
        communities=communities,
        due_date=timezone.localdate() + datetime.timedelta(days=45),
        hours_per_community=Decimal("2"),
        emergency=emergency,
        justification="防汛紧急排查" if emergency else "",
    )


def september_dispatches(world) -> Organisation:
    """District A's statistics bureau dispatches to both communities in September; the
    second department dispatched to community 1 in August only (outside the period).
    Returns the second department."""
    other = second_department(world)
    with time_machine.travel(datetime.datetime(2026, 8, 20, 10, 0), tick=False):
        dispatch(world, other, [world.a.community], title="八月的健康档案")
    dispatch(world, world.a.department, [world.a.community, world.a.community2])
    return other


def open_round(world, **overrides):
    fields = {
        "area": world.a.district,
        "title": "2026年9月反向评价",
        "period_from": PERIOD_FROM,
        "period_until": PERIOD_UNTIL,
        "opens_on": OPENS_ON,
        "closes_on": CLOSES_ON,
    }
    fields.update(overrides)
    return services.evaluation_round_open(actor=world.a.supervisor, **fields)


def ratings(department, scores=(4, 4, 4, 4), comment=""):
    return [
        {"department": department, "dimension": code, "score": score, "comment": comment}
        for code, score in zip(DIMENSIONS, scores, strict=True)
    ]


def cadre_of(community: Organisation):
    """A cadre of ``community`` (made if it has none: world's second communities have none)."""
    membership = Membership.objects.filter(organisation=community, role="community_cadre").first()
    if membership is not None:
        return membership.user
    cadre = UserFactory(username=f"cadre_{community.code}")
    Membership.objects.create(user=cadre, organisation=community, role="community_cadre")
    return cadre


def answer(world, evaluation_round, community, *rows, actor=None):
    """``community`` answers with ``rows`` (lists from ``ratings``), as a cadre of it."""
    if actor is None:
        actor = cadre_of(community)
    return services.evaluation_response_submit(
        actor=actor,
        round=evaluation_round,
        community=community,
        ratings=[r for row in rows for r in row],
    )[0]


def more_communities(world, count: int) -> list[Organisation]:
    """``count`` more communities on street A, each with a cadre."""
    from tests.factories import CommunityFactory

    made = []
    for n in range(count):
        community = CommunityFactory(
            code=f"{world.a.street.code}{n + 10:03d}", name=f"A{n + 3}社区", parent=world.a.street
        )
        cadre = UserFactory(username=f"a_cadre_{n + 3}")
        Membership.objects.create(user=cadre, organisation=community, role="community_cadre")
        made.append(community)
    return made
