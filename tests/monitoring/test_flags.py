"""The flag jobs: idempotent, resolving what went away, each rule on its threshold."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from monitoring import services
from monitoring.models import Flag, OffPlatformReport
from registry import services as registry_services
from registry.models import Assignment
from tests.factories import WorkItemFactory

TODAY = datetime.date(2026, 9, 14)


pytestmark = pytest.mark.usefixtures("on_a_known_monday")


@pytest.fixture
def heavy_item(world):
    return WorkItemFactory(
        jurisdiction=world.a.district,
        department=world.a.department,
        frequency="weekly",
        hours_per_occurrence=Decimal("200"),
        households_per_occurrence=100,
        valid_from=datetime.date(2026, 1, 1),
        valid_until=datetime.date(2028, 12, 31),
        scope=[world.a.street],
    )


def open_flags(kind):
    return list(Flag.objects.filter(kind=kind).exclude(status="resolved"))


def test_overloaded_community_is_flagged_once_however_often_the_job_runs(world, heavy_item):
    registry_services.dispatch_create(
        actor=world.a.department_staff,
        work_item=heavy_item,
        title="入户走访",
        communities=[world.a.community, world.a.community2],
        hours_per_community=Decimal("150"),
        due_date=TODAY + datetime.timedelta(days=14),
    )
    # 150 h against 9 x 10 x 30/7 x 0.6 = 231 h: not yet.
    services.flags_compute(today=TODAY)
    assert open_flags(Flag.Kind.COMMUNITY_OVERLOAD) == []
    world.a.community.staff_count = 5  # 5 x 10 x 30/7 x 0.6 = 128.6 h: overloaded
    world.a.community.save()
    services.flags_compute(today=TODAY)
    services.flags_compute(today=TODAY)
    (flag,) = open_flags(Flag.Kind.COMMUNITY_OVERLOAD)
    assert flag.subject == world.a.community.name
    assert flag.figures["open_hours"] == "150.00"
    assert flag.figures["load"] == pytest.approx(0.7, abs=0.01)
    # The cadre refuses the task: the load is gone and so is the flag.
    registry_services.assignment_respond(
        actor=world.a.cadre,
        assignment=Assignment.objects.get(community=world.a.community),
        action="refuse",
        reason_code="unreasonable_deadline",
    )
    summary = services.flags_compute(today=TODAY)
    assert summary.resolved[Flag.Kind.COMMUNITY_OVERLOAD] == 1
    assert open_flags(Flag.Kind.COMMUNITY_OVERLOAD) == []
    flag.refresh_from_db()
    assert flag.status == "resolved" and flag.resolved_at is not None


def test_unratified_emergency_is_flagged_after_seven_days_and_cleared_by_ratification(world):
    with time_machine.travel(datetime.datetime(2026, 9, 1, 9, 0), tick=False):
        sent = registry_services.dispatch_create(
            actor=world.a.department_staff,
            work_item=None,
            title="防汛排查",
            emergency=True,
            justification="暴雨预警",
            communities=[world.a.community],
            hours_per_community=Decimal("4"),
            due_date=datetime.date(2026, 9, 2),
            department=world.a.department,
        )
    services.flags_compute(today=TODAY)
    (flag,) = open_flags(Flag.Kind.EMERGENCY_NOT_RATIFIED)
    assert flag.figures["days_waiting"] == 13
    registry_services.dispatch_ratify(actor=world.a.reviewer, dispatch=sent, note="属实")
    services.flags_compute(today=TODAY)
    assert open_flags(Flag.Kind.EMERGENCY_NOT_RATIFIED) == []


def test_expiring_admission_within_sixty_days(world):
    WorkItemFactory(
        jurisdiction=world.a.district,
        department=world.a.department,
        valid_until=TODAY + datetime.timedelta(days=45),
    )
    WorkItemFactory(
        jurisdiction=world.a.district,
        department=world.a.department,
        valid_until=TODAY + datetime.timedelta(days=200),
    )
    services.flags_compute(today=TODAY)
    (flag,) = open_flags(Flag.Kind.EXPIRING_ADMISSION)
    assert flag.figures["days_left"] == 45
    assert flag.organisation == world.a.department


def test_unadmitted_demand_above_three_reports_a_month(world):
    for i in range(4):
        services.offplatform_report_create(
            actor=world.a.cadre,
            community=world.a.community,
            department=world.a.department,
            title=f"微信群通知填表{i}",
            channel="wechat",
            received_on=TODAY,
        )
    services.flags_compute(today=TODAY)
    (flag,) = open_flags(Flag.Kind.UNADMITTED_DEMAND)
    assert flag.figures["reports_30_days"] == 4
    assert flag.subject == world.a.department.name
    # A month later the reports have aged out and the flag resolves itself.
    services.flags_compute(today=TODAY + datetime.timedelta(days=31))
    assert open_flags(Flag.Kind.UNADMITTED_DEMAND) == []


def test_refusal_hotspot_above_twenty_percent(world, heavy_item, settings):
    settings.PORTAL = {**settings.PORTAL, "FLAG_REFUSAL_MIN_ASSIGNMENTS": 2}
    registry_services.dispatch_create(
        actor=world.a.department_staff,
        work_item=heavy_item,
        title="走访",
        communities=[world.a.community, world.a.community2],
        hours_per_community=Decimal("1"),
        due_date=TODAY + datetime.timedelta(days=14),
    )
    registry_services.assignment_respond(
        actor=world.a.cadre,
        assignment=Assignment.objects.get(community=world.a.community),
        action="refuse",
        reason_code="outside_list",
    )
    services.flags_compute(today=TODAY)
    (flag,) = open_flags(Flag.Kind.REFUSAL_HOTSPOT)
    assert flag.figures["refusal_rate"] == 0.5


def test_tight_deadlines_from_emergency_share(world, settings):
    settings.PORTAL = {**settings.PORTAL, "FLAG_TIGHT_MIN_DISPATCHES": 2}
    for i in range(2):
        registry_services.dispatch_create(
            actor=world.a.department_staff,
            work_item=None,
            title=f"紧急{i}",
            emergency=True,
            justification="上级临时要求",
            communities=[world.a.community],
            hours_per_community=Decimal("1"),
            due_date=TODAY + datetime.timedelta(days=1),
            department=world.a.department,
        )
    services.flags_compute(today=TODAY)
    (flag,) = open_flags(Flag.Kind.TIGHT_DEADLINE)
    assert flag.figures["emergency_share"] == 1.0


def test_compute_flags_command_runs_the_same_job(world):
    WorkItemFactory(
        jurisdiction=world.a.district,
        department=world.a.department,
        valid_until=timezone.localdate() + datetime.timedelta(days=10),
    )
    call_command("compute_flags")
    call_command("compute_flags")
    assert Flag.objects.filter(kind=Flag.Kind.EXPIRING_ADMISSION).count() == 1


def test_supervisor_acknowledges_and_resolves_with_a_note(world):
    WorkItemFactory(
        jurisdiction=world.a.district,
        department=world.a.department,
        valid_until=TODAY + datetime.timedelta(days=10),
    )
    services.flags_compute(today=TODAY)
    flag = Flag.objects.get()
    flag = services.flag_acknowledge(actor=world.a.supervisor, flag=flag)
    assert flag.status == "acknowledged"
    with pytest.raises(Exception):  # noqa: B017 - InvalidInput, checked in the API tests
        services.flag_resolve(actor=world.a.supervisor, flag=flag, note="")
    flag = services.flag_resolve(actor=world.a.supervisor, flag=flag, note="已提醒部门续期")
    assert flag.status == "resolved"
    # Acknowledged flags stay one per situation on the next run.
    services.flags_compute(today=TODAY)
    assert Flag.objects.filter(status="open").count() == 1


def test_other_districts_supervisor_cannot_touch_the_flag(world):
    WorkItemFactory(
        jurisdiction=world.a.district,
        department=world.a.department,
        valid_until=TODAY + datetime.timedelta(days=10),
    )
    services.flags_compute(today=TODAY)
    from registry.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.flag_acknowledge(actor=world.b.supervisor, flag=Flag.objects.get())


def test_offplatform_report_rules(world):
    from registry.errors import InvalidInput, PermissionDenied

    with pytest.raises(PermissionDenied):
        services.offplatform_report_create(
            actor=world.b.cadre,
            community=world.a.community,
            department=world.a.department,
            title="x",
            channel="phone",
            received_on=TODAY,
        )
    with pytest.raises(InvalidInput):
        services.offplatform_report_create(
            actor=world.a.liaison,
            community=world.a.community,
            department=world.a.department,
            title="x",
            channel="phone",
            received_on=TODAY + datetime.timedelta(days=1),
        )
    report = services.offplatform_report_create(
        actor=world.a.liaison,
        community=world.a.community,
        department=world.a.department,
        title="电话要求报送台账",
        channel="phone",
        received_on=TODAY,
        hours=Decimal("3"),
    )
    assert OffPlatformReport.objects.get() == report
