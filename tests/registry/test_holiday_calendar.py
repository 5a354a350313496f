"""The holiday calendar as data: the administrator's table wins over the package, every
deadline follows it, and a year nobody entered shows a banner (issue 16.3)."""

from __future__ import annotations

import datetime
import io
import time
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from registry import services, workdays
from registry.errors import InvalidInput, PermissionDenied
from registry.models import AuditEntry, CalendarDay
from registry.workdays import add_working_days, is_working_day, working_days_between
from tests.factories import WorkItemFactory

NOW = datetime.datetime(2026, 9, 14, 9, 0)  # a Monday


def sheet(*rows, header=("日期", "类型", "名称")) -> io.BytesIO:
    book = Workbook()
    book.active.append(list(header))
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def test_the_table_overrides_the_package(world, django_capture_on_commit_callbacks):
    # The package: Saturday 10 October 2026 is a 调休 working day, Monday 5 October a holiday.
    assert is_working_day(datetime.date(2026, 10, 10))
    assert add_working_days(datetime.date(2026, 9, 30), 1) == datetime.date(2026, 10, 8)
    with django_capture_on_commit_callbacks(execute=True):
        services.calendar_day_set(
            actor=world.admin, day=datetime.date(2026, 10, 5), kind="workday", name="调整"
        )
        services.calendar_day_set(
            actor=world.admin, day=datetime.date(2026, 10, 10), kind="holiday", name="调整"
        )
    assert is_working_day(datetime.date(2026, 10, 5))
    assert not is_working_day(datetime.date(2026, 10, 10))
    assert add_working_days(datetime.date(2026, 9, 30), 1) == datetime.date(2026, 10, 5)
    assert working_days_between(datetime.date(2026, 9, 30), datetime.date(2026, 10, 12)) == 4


@pytest.fixture
def item(world):
    return WorkItemFactory(
        jurisdiction=world.a.district,
        department=world.a.department,
        frequency="monthly",
        hours_per_occurrence=Decimal("3"),
        valid_from=datetime.date(2026, 1, 1),
        valid_until=datetime.date(2099, 12, 31),
        scope=[world.a.street],
    )


def test_a_holiday_entered_in_the_table_moves_the_dispatch_gate(
    world, item, api_as, django_capture_on_commit_callbacks
):
    body = {
        "work_item": item.admission_number,
        "title": "居民信息核对",
        "communities": [world.a.community.code],
        "due_date": "2026-09-21",  # Monday to Monday: exactly the five working days required
        "hours_per_community": 1,
    }
    client = api_as(world.a.department_staff)
    with time_machine.travel(NOW, tick=False):
        assert client.post("/api/v1/dispatches/", body, format="json").status_code == 201
        # The bureau declares Wednesday a day off (a local typhoon holiday, say).
        with django_capture_on_commit_callbacks(execute=True):
            services.calendar_day_set(
                actor=world.admin, day=datetime.date(2026, 9, 16), kind="holiday", name="台风"
            )
        response = client.post("/api/v1/dispatches/", body, format="json")
    assert response.status_code == 422, response.json()


def test_a_year_only_the_table_covers_is_computed_from_it(
    world, django_capture_on_commit_callbacks
):
    assert not workdays.is_covered(2027)
    with django_capture_on_commit_callbacks(execute=True):
        services.calendar_import(
            actor=world.admin,
            upload=sheet(
                ("2027-01-01", "放假", "元旦"),
                ("2027-02-05", "放假", "春节"),
                ("2027-02-07", "上班", "春节"),  # a Sunday worked
            ),
        )
    assert workdays.is_covered(2027)
    assert not is_working_day(datetime.date(2027, 1, 1))
    assert is_working_day(datetime.date(2027, 2, 7))
    # Thursday 31 December 2026 + 1 working day: Friday 1 January is 元旦, so Monday 4th.
    assert add_working_days(datetime.date(2026, 12, 31), 1) == datetime.date(2027, 1, 4)
    # Far dates still cost nothing extra and agree across the joined pieces.
    assert working_days_between(datetime.date(2026, 12, 31), datetime.date(2027, 2, 8)) == 26


def test_importing_the_same_sheet_again_changes_nothing(world):
    rows = [("2027-01-01", "放假", "元旦"), ("2027-02-07", "调休上班", "春节")]
    assert services.calendar_import(actor=world.admin, upload=sheet(*rows)) == 2
    entries = AuditEntry.objects.filter(action="calendar.set").count()
    assert services.calendar_import(actor=world.admin, upload=sheet(*rows)) == 0
    assert AuditEntry.objects.filter(action="calendar.set").count() == entries == 2


def test_a_bad_row_imports_nothing_and_names_the_row(world):
    with pytest.raises(InvalidInput) as caught:
        services.calendar_import(
            actor=world.admin,
            upload=sheet(
                ("2027-01-01", "放假", "元旦"), ("2027-13-01", "放假", ""), ("2027-01-02", "休", "")
            ),
        )
    rows = caught.value.extra["rows"]
    assert [(r["row"], r["column"]) for r in rows] == [(3, "日期"), (4, "类型")]
    assert not CalendarDay.objects.exists()


def test_only_the_administrator_maintains_the_calendar(world):
    with pytest.raises(PermissionDenied):
        services.calendar_day_set(
            actor=world.a.reviewer, day=datetime.date(2027, 1, 1), kind="holiday"
        )


def test_the_command_imports_a_sheet(world, tmp_path, capsys):
    path = tmp_path / "2027.xlsx"
    path.write_bytes(sheet(("2027-01-01", "放假", "元旦")).getvalue())
    call_command("import_holidays", str(path))
    assert "1 calendar days imported" in capsys.readouterr().out
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(sheet(("someday", "放假", "")).getvalue())
    with pytest.raises(CommandError, match="row 2"):
        call_command("import_holidays", str(bad))


def test_the_admin_saves_through_the_service(world, client):
    client.force_login(world.admin)
    response = client.post(
        reverse("admin:registry_calendarday_add"),
        {"day": "2027-10-01", "kind": "holiday", "name": "国庆节"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = CalendarDay.objects.get(day=datetime.date(2027, 10, 1))
    assert AuditEntry.objects.filter(action="calendar.set", object_id=str(entry.pk)).exists()
    response = client.post(
        reverse("admin:registry_calendarday_delete", args=[entry.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not CalendarDay.objects.exists()
    assert AuditEntry.objects.filter(action="calendar.delete").count() == 1


def test_a_change_made_by_another_process_is_seen_within_a_second(world):
    assert add_working_days(datetime.date(2026, 10, 9), 1) == datetime.date(2026, 10, 10)
    workdays._sync_state["checked"] = time.monotonic()  # this process just checked
    # Another machine's admin commits a row and bumps the shared version.
    CalendarDay.objects.create(day=datetime.date(2026, 10, 10), kind="holiday")
    cache.set(workdays._VERSION_KEY, "from-another-machine", None)
    assert add_working_days(datetime.date(2026, 10, 9), 1) == datetime.date(2026, 10, 10)  # cached
    workdays._sync_state["checked"] = float("-inf")  # a second later
    assert add_working_days(datetime.date(2026, 10, 9), 1) == datetime.date(2026, 10, 12)


BANNER = "2027 年节假日安排尚未录入，工作日暂按周一至周五计算"


@pytest.mark.parametrize(
    ("who", "shown"),
    [("admin", True), ("reviewer", True), ("cadre", False), ("department_staff", False)],
)
def test_the_uncovered_year_banner_shows_to_administrators_and_reviewers(world, client, who, shown):
    user = world.admin if who == "admin" else getattr(world.a, who)
    client.force_login(user)
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, 0), tick=False):
        page = client.get("/lists/").content.decode()
    assert (BANNER in page) is shown


def test_the_banner_goes_once_the_year_is_entered(
    world, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.calendar_day_set(actor=world.admin, day=datetime.date(2027, 1, 1), kind="holiday")
    client.force_login(world.a.reviewer)
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, 0), tick=False):
        page = client.get("/lists/").content.decode()
    assert "2027" not in page or BANNER not in page
    assert "data-calendar-year" not in page
