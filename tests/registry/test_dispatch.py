"""The dispatch gate: every rule refuses the whole dispatch, naming why, creating nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry import services
from registry.errors import IllegalTransition, InvalidInput, PermissionDenied, RuleRefused
from registry.models import (
    Assignment,
    AuditEntry,
    Dispatch,
    ListKind,
    Notification,
    Organisation,
    WorkItem,
)
from registry.permissions import grants_of
from registry.workdays import working_days_between
from tests.factories import WorkItemFactory

# A Monday in a year the holiday calendar covers; the National Day week lies ahead.
MONDAY = datetime.date(2026, 9, 14)


pytestmark = pytest.mark.usefixtures("on_a_known_monday")


def dispatch(world, item, **overrides):
    fields = {
        "actor": world.a.department_staff,
        "work_item": item,
        "title": "九月居民信息核对",
        "communities": [world.a.community, world.a.community2],
        "due_date": MONDAY + datetime.timedelta(days=14),
        "hours_per_community": Decimal("2"),
        "households_per_community": 10,
    }
    fields.update(overrides)
    return services.dispatch_create(**fields)


def refusal(world, item, **overrides) -> dict[str, dict]:
    with pytest.raises(RuleRefused) as err:
        dispatch(world, item, **overrides)
    assert err.value.code == "dispatch_refused"
    assert Dispatch.objects.count() == 0
    assert Assignment.objects.count() == 0
    return {reason["code"]: reason for reason in err.value.extra["reasons"]}


def test_valid_dispatch_reaches_every_community_once(world, item):
    sent = dispatch(world, item)
    assert sent.community_count == 2
    assert set(Assignment.objects.values_list("community__code", flat=True)) == {
        world.a.community.code,
        world.a.community2.code,
    }
    assert set(Assignment.objects.values_list("state", flat=True)) == {"pending"}
    assert Notification.objects.filter(kind="assignment.received").count() == 2
    assert AuditEntry.objects.get(action="dispatch.create").after["communities"] == 2


def test_no_work_item_is_not_admitted(world, item):
    assert set(refusal(world, None)) == {"not_admitted"}


def test_a_negative_list_entry_is_not_admitted(world, item):
    negative = WorkItemFactory(
        jurisdiction=world.a.district,
        list_kind=ListKind.NEGATIVE,
        admission_number=None,
        department=world.a.department,
    )
    assert set(refusal(world, negative)) == {"not_admitted"}


def test_suspended_item_is_inactive(world, item):
    item.status = WorkItem.Status.SUSPENDED
    item.save()
    assert "item_inactive" in refusal(world, item)


def test_due_date_past_the_validity(world, item):
    item.valid_until = MONDAY + datetime.timedelta(days=10)
    item.save()
    assert set(refusal(world, item)) == {"past_validity"}


def test_dispatcher_from_another_department(world, item):
    assert set(refusal(world, item, actor=world.b.department_staff)) == {"not_item_department"}


def test_communities_outside_the_scope_are_named(world, item):
    reasons = refusal(world, item, communities=[world.a.community, world.b.community])
    assert reasons["out_of_scope"]["communities"] == [world.b.community.code]


def test_monthly_item_dispatched_twice_in_a_month(world, item):
    dispatch(world, item, communities=[world.a.community])
    with pytest.raises(RuleRefused) as err:
        dispatch(world, item, title="第二次")
    (reason,) = err.value.extra["reasons"]
    assert reason["code"] == "frequency_exceeded"
    assert reason["communities"] == [world.a.community.code]
    assert Dispatch.objects.count() == 1


def test_next_month_is_a_new_period(world, item):
    dispatch(world, item)
    with time_machine.travel(datetime.datetime(2026, 10, 12, 9, 0), tick=False):
        sent = dispatch(world, item, due_date=datetime.date(2026, 10, 30))
    assert sent.community_count == 2


def test_more_hours_or_households_than_admitted(world, item):
    assert set(refusal(world, item, hours_per_community=Decimal("3.5"))) == {"burden_exceeded"}
    assert set(refusal(world, item, households_per_community=21)) == {"burden_exceeded"}


def test_lead_time_counts_chinese_working_days(world, item):
    # Mon 28 Sep to Fri 9 Oct is nine weekdays, but the National Day holiday leaves four.
    with time_machine.travel(datetime.datetime(2026, 9, 28, 9, 0), tick=False):
        assert working_days_between(datetime.date(2026, 9, 28), datetime.date(2026, 10, 9)) == 4
        reasons = refusal(world, item, due_date=datetime.date(2026, 10, 9))
    assert set(reasons) == {"lead_time_too_short"}
    assert "4" in reasons["lead_time_too_short"]["detail"]


def test_every_broken_rule_is_reported_at_once(world, item):
    reasons = refusal(
        world,
        item,
        actor=world.b.department_staff,
        communities=[world.b.community],
        hours_per_community=Decimal("9"),
        due_date=MONDAY + datetime.timedelta(days=2),
    )
    assert set(reasons) == {
        "not_item_department",
        "out_of_scope",
        "burden_exceeded",
        "lead_time_too_short",
    }


def test_whole_district_by_area_gets_one_assignment_each(world, item):
    item.scope.set([world.a.district])
    street2 = Organisation.objects.create(
        code="990102002",
        name="A第二街道",
        kind="area",
        level="street",
        parent=world.a.district,
        path=f"{world.a.district.path}990102002/",
        depth=2,
    )
    Organisation.objects.create(
        code="990102002001",
        name="A三社区",
        kind="community",
        level="community",
        parent=street2,
        path=f"{street2.path}990102002001/",
        depth=3,
    )
    from registry.selectors import communities_in_scope

    sent = dispatch(world, item, communities=list(communities_in_scope([world.a.district])))
    assert sent.community_count == 3
    assert Assignment.objects.filter(dispatch=sent).count() == 3


@pytest.mark.postgres  # SQLite splits bulk inserts into batches of its variable limit
def test_fan_out_to_a_thousand_communities_takes_the_same_queries_as_to_two(world, item):
    street = world.a.street
    Organisation.objects.bulk_create(
        [
            Organisation(
                code=f"9901020019{n:02d}"[:12] + f"{n}",
                name=f"批量社区{n}",
                kind="community",
                level="community",
                parent=street,
                path=f"{street.path}X{n:04d}/",
                depth=3,
            )
            for n in range(1000)
        ]
    )
    many = list(Organisation.objects.filter(name__startswith="批量社区"))
    grants_of(world.a.department_staff)  # loaded once per request; not what is measured
    with CaptureQueriesContext(connection) as two:
        dispatch(world, item, communities=[world.a.community, world.a.community2])
    with CaptureQueriesContext(connection) as thousand:
        dispatch(world, item, communities=many, title="千社区")
    assert Assignment.objects.count() == 1002
    assert len(thousand) == len(two)


# --- Emergencies -----------------------------------------------------------------------------


def test_emergency_skips_the_gate_but_needs_a_justification(world, item):
    with pytest.raises(InvalidInput) as err:
        dispatch(world, None, emergency=True, due_date=MONDAY + datetime.timedelta(days=1))
    assert "justification" in err.value.extra["fields"]
    sent = dispatch(
        world,
        None,
        emergency=True,
        justification="台风过境，紧急排查危房",
        due_date=MONDAY + datetime.timedelta(days=1),
        department=world.a.department,
    )
    assert sent.emergency
    assert set(Assignment.objects.values_list("emergency", flat=True)) == {True}


def test_reviewer_ratifies_an_emergency_once(world, item):
    sent = dispatch(
        world,
        None,
        emergency=True,
        justification="防汛",
        due_date=MONDAY + datetime.timedelta(days=1),
        department=world.a.department,
    )
    with pytest.raises(PermissionDenied):
        services.dispatch_ratify(actor=world.a.department_staff, dispatch=sent)
    with pytest.raises(PermissionDenied):
        services.dispatch_ratify(actor=world.b.reviewer, dispatch=sent)
    ratified = services.dispatch_ratify(actor=world.a.reviewer, dispatch=sent, note="情况属实")
    assert ratified.ratified_by == world.a.reviewer
    with pytest.raises(IllegalTransition):
        services.dispatch_ratify(actor=world.a.reviewer, dispatch=sent)


def test_cadre_cannot_dispatch(world, item):
    with pytest.raises(PermissionDenied):
        dispatch(world, item, actor=world.a.cadre)


# --- The inbox -------------------------------------------------------------------------------


def test_cadre_accepts_then_completes(world, item):
    dispatch(world, item)
    assignment = Assignment.objects.get(community=world.a.community)
    services.assignment_respond(actor=world.a.cadre, assignment=assignment, action="accept")
    done = services.assignment_respond(
        actor=world.a.cadre, assignment=assignment, action="complete", note="已上报核对表"
    )
    assert (done.state, done.note) == ("completed", "已上报核对表")
    with pytest.raises(IllegalTransition):
        services.assignment_respond(
            actor=world.a.cadre, assignment=assignment, action="refuse", reason_code="duplicate"
        )


def test_refusal_needs_a_reason_and_reaches_department_and_reviewers(world, item):
    dispatch(world, item)
    assignment = Assignment.objects.get(community=world.a.community)
    with pytest.raises(InvalidInput):
        services.assignment_respond(actor=world.a.cadre, assignment=assignment, action="refuse")
    with pytest.raises(InvalidInput):
        services.assignment_respond(
            actor=world.a.cadre, assignment=assignment, action="refuse", reason_code="other"
        )
    refused = services.assignment_respond(
        actor=world.a.cadre,
        assignment=assignment,
        action="refuse",
        reason_code="duplicate",
        note="上月已报同样数据",
    )
    assert refused.refusal_reason == "duplicate"
    told = set(
        Notification.objects.filter(kind="assignment.refused").values_list(
            "recipient__code", flat=True
        )
    )
    assert told == {world.a.department.code, world.a.district.code}


def test_only_the_communitys_own_cadre_answers(world, item):
    dispatch(world, item)
    assignment = Assignment.objects.get(community=world.a.community)
    for user in (world.b.cadre, world.a.department_staff, world.a.liaison):
        with pytest.raises(PermissionDenied):
            services.assignment_respond(actor=user, assignment=assignment, action="accept")


def test_emergency_still_reaches_only_the_departments_jurisdiction(world, item):
    with pytest.raises(RuleRefused) as err:
        dispatch(
            world,
            None,
            emergency=True,
            justification="防汛",
            communities=[world.a.community, world.b.community],
            due_date=MONDAY + datetime.timedelta(days=1),
            department=world.a.department,
        )
    (reason,) = err.value.extra["reasons"]
    assert reason["code"] == "out_of_scope"
    assert reason["communities"] == [world.b.community.code]
    assert Dispatch.objects.count() == 0


def test_notifications_open_the_task_and_the_refused_dispatch(world, item):
    sent = dispatch(world, item)
    assignment = Assignment.objects.get(community=world.a.community)
    received = Notification.objects.get(kind="assignment.received", recipient=world.a.community)
    assert received.link == f"/inbox/{assignment.pk}/"
    services.assignment_respond(
        actor=world.a.cadre, assignment=assignment, action="accept", note="周五前完成"
    )
    services.assignment_respond(
        actor=world.a.cadre,
        assignment=assignment,
        action="refuse",
        reason_code="unreasonable_deadline",
    )
    assignment.refresh_from_db()
    assert assignment.note == "周五前完成"  # refusing without a note keeps the earlier one
    refused = Notification.objects.get(kind="assignment.refused", recipient=world.a.department)
    assert refused.link == f"/dispatch/{sent.pk}/"
