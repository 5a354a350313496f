"""Flags are actionable (issue 14, item 11): each subject links to its page, the overload
text says the load against the threshold, and a late emergency is never severity 低."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone, translation

from monitoring import flags as flag_rules
from monitoring import services
from monitoring.models import Flag
from registry import services as registry_services
from tests.factories import WorkItemFactory

TODAY = datetime.date(2026, 9, 14)

pytestmark = pytest.mark.usefixtures("on_a_known_monday")


def flag(kind, subject_key, figures, subject="x") -> Flag:
    return Flag(kind=kind, subject_key=subject_key, subject=subject, figures=figures)


def test_the_overload_text_says_the_hours_against_the_threshold():
    overload = flag(
        Flag.Kind.COMMUNITY_OVERLOAD,
        "community:990102001001",
        {
            "open_hours": "386.00",
            "capacity_hours": "514.3",
            "window_days": 30,
            "ratio": 0.6,
            "load": 0.75,
        },
    )
    with translation.override("zh-hans"):
        text = flag_rules.describe(overload)
    assert "386 小时，超过可承受 514 小时的 60%" in text


def test_an_overload_flag_computed_today_carries_its_threshold(world):
    item = WorkItemFactory(
        jurisdiction=world.a.district,
        department=world.a.department,
        frequency="weekly",
        hours_per_occurrence=Decimal("200"),
        households_per_occurrence=100,
        valid_from=datetime.date(2026, 1, 1),
        valid_until=datetime.date(2028, 12, 31),
        scope=[world.a.street],
    )
    world.a.community.staff_count = 5
    world.a.community.save()
    registry_services.dispatch_create(
        actor=world.a.department_staff,
        work_item=item,
        title="入户走访",
        communities=[world.a.community],
        hours_per_community=Decimal("150"),
        due_date=TODAY + datetime.timedelta(days=14),
    )
    services.flags_compute(today=TODAY)
    (overload,) = Flag.objects.filter(kind=Flag.Kind.COMMUNITY_OVERLOAD)
    assert overload.figures["ratio"] == 0.6
    with translation.override("zh-hans"):
        assert "150 小时，超过可承受 214 小时的 60%" in flag_rules.describe(overload)


@pytest.mark.parametrize(
    ("kind", "key", "figures", "url"),
    [
        (
            Flag.Kind.COMMUNITY_OVERLOAD,
            "community:990102001001",
            {},
            "/inbox/?community=990102001001&state=open",
        ),
        (Flag.Kind.EMERGENCY_NOT_RATIFIED, "dispatch:17", {"dispatch": 17}, "/dispatch/17/"),
        (
            Flag.Kind.EXPIRING_ADMISSION,
            "work_item:990102-2026-0007",
            {},
            "/work-items/990102-2026-0007/",
        ),
        (Flag.Kind.TIGHT_DEADLINE, "department:D990102-TJ", {}, "/dispatch/?department=D990102-TJ"),
        (
            Flag.Kind.REFUSAL_HOTSPOT,
            "department:D990102-TJ",
            {},
            "/dispatch/?department=D990102-TJ",
        ),
        (
            Flag.Kind.UNADMITTED_DEMAND,
            "department:D990102-TJ",
            {},
            "/monitoring/reports/?department=D990102-TJ",
        ),
        (Flag.Kind.RECTIFICATION_OVERDUE, "notice:X-1", {"clue": 5}, "/monitoring/clues/5/"),
        (
            Flag.Kind.MONITORING_REPORT_LATE,
            "monitoring_report:990102001001:2026-08",
            {"period": "2026-08"},
            "/monitoring/monthly/?community=990102001001&period=2026-08",
        ),
        (
            Flag.Kind.PLAQUE_EXCESS,
            "community:990102001001",
            {},
            "/plaques/?community=990102001001",
        ),
    ],
)
def test_each_subject_links_to_its_page(kind, key, figures, url):
    assert flag_rules.subject_url(flag(kind, key, figures)) == url


def test_the_flags_page_links_each_subject(world, client):
    Flag.objects.create(
        kind=Flag.Kind.EXPIRING_ADMISSION,
        subject_key="work_item:990102-2026-0007",
        subject="990102-2026-0007 居民信息核对",
        organisation=world.a.department,
        severity=Flag.Severity.LOW,
        figures={"valid_until": "2026-09-30", "days_left": 16},
        first_seen_at=timezone.now(),
        last_seen_at=timezone.now(),
    )
    client.force_login(world.a.supervisor)
    page = client.get("/monitoring/flags/").content.decode()
    assert 'href="/work-items/990102-2026-0007/"' in page


def test_an_emergency_unratified_past_its_deadline_is_not_low(world):
    with time_machine.travel(datetime.datetime(2026, 9, 1, 9, 0), tick=False):
        registry_services.dispatch_create(
            actor=world.a.department_staff,
            work_item=None,
            title="台风应急排查",
            communities=[world.a.community],
            due_date=datetime.date(2026, 9, 3),
            hours_per_community=Decimal("1"),
            emergency=True,
            justification="台风红色预警",
        )
    # Thirteen days on: past the 7 days allowed, not yet twice as long.
    services.flags_compute(today=TODAY)
    (late,) = Flag.objects.filter(kind=Flag.Kind.EMERGENCY_NOT_RATIFIED)
    assert late.severity == Flag.Severity.MEDIUM
    services.flags_compute(today=datetime.date(2026, 9, 16))
    late.refresh_from_db()
    assert late.severity == Flag.Severity.HIGH
