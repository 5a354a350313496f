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


# --- The administrator's page: preview, confirm, and the gate follows (issue 16.3) ----------


NOTICE_2027 = (
    ("2027-10-01", "放假", "国庆节"),
    ("2027-10-04", "放假", "国庆节"),
    ("2027-10-09", "上班", "国庆节调休"),
)


def _plan_of(page: str) -> str:
    import re

    return re.search(r'name="plan" value="([^"]+)"', page).group(1)


def test_the_page_previews_the_sheet_and_imports_it_on_confirmation(
    world, client, django_capture_on_commit_callbacks
):
    services.calendar_day_set(
        actor=world.admin, day=datetime.date(2027, 10, 4), kind="workday", name="旧"
    )
    client.force_login(world.admin)
    upload = sheet(*NOTICE_2027)
    upload.name = "2027.xlsx"
    preview = client.post(reverse("calendar"), {"file": upload})
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "将新增 2 天，修改 1 天，0 天无需变化" in page
    # Nothing changed yet: the preview writes nothing.
    assert CalendarDay.objects.get(day=datetime.date(2027, 10, 4)).kind == "workday"
    assert CalendarDay.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse("calendar"), {"plan": _plan_of(page)})
    assert done.status_code == 302 and done["Location"] == "/calendar/?year=2027"
    assert CalendarDay.objects.count() == 3
    assert CalendarDay.objects.get(day=datetime.date(2027, 10, 4)).kind == "holiday"
    assert not is_working_day(datetime.date(2027, 10, 1))
    assert is_working_day(datetime.date(2027, 10, 9))  # a Saturday made a working day
    assert AuditEntry.objects.filter(action="calendar.set").count() == 4
    shown = client.get(done["Location"]).content.decode()
    assert "2027-10-09" in shown and "国庆节调休" in shown
    # Confirming the same plan again changes nothing.
    client.post(reverse("calendar"), {"plan": _plan_of(page)})
    assert AuditEntry.objects.filter(action="calendar.set").count() == 4


def test_a_tampered_or_stale_plan_is_refused(world, client):
    client.force_login(world.admin)
    upload = sheet(*NOTICE_2027)
    upload.name = "2027.xlsx"
    plan = _plan_of(client.post(reverse("calendar"), {"file": upload}).content.decode())
    response = client.post(reverse("calendar"), {"plan": plan[:-3] + "xyz"})
    assert response.status_code == 400
    assert "无法读取" in response.content.decode()
    with time_machine.travel(datetime.datetime.now() + datetime.timedelta(hours=7)):
        client.force_login(world.admin)  # a new session: the plan is what is old
        response = client.post(reverse("calendar"), {"plan": plan})
        assert "已过期" in response.content.decode()
    assert response.status_code == 400
    assert not CalendarDay.objects.exists()


def test_a_bad_sheet_on_the_page_names_the_rows_and_imports_nothing(world, client):
    client.force_login(world.admin)
    upload = sheet(("2027-10-01", "放假", "国庆节"), ("明天", "放假", ""), ("2027-10-02", "休", ""))
    upload.name = "bad.xlsx"
    response = client.post(reverse("calendar"), {"file": upload})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'name="plan"' not in page
    assert "不是日期" in page or "日期" in page
    assert page.count('<td class="num">') >= 2  # rows 3 and 4 listed
    assert not CalendarDay.objects.exists()


def test_the_page_says_where_each_year_comes_from(world, client):
    services.calendar_day_set(actor=world.admin, day=datetime.date(2027, 1, 1), kind="holiday")
    client.force_login(world.admin)
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, 0), tick=False):
        page = client.get(reverse("calendar") + "?year=9999").content.decode()
    assert "内置安排" in page  # 2026: the package
    assert "在此录入" in page  # 2027: the table
    assert "2026 年录入的日期" in page  # ?year=9999 is not a year anyone means


@pytest.mark.parametrize("who", ["reviewer", "cadre", "department_staff"])
def test_only_administrators_open_the_calendar_page(world, client, who):
    client.force_login(getattr(world.a, who))
    assert client.get(reverse("calendar")).status_code == 403
    assert client.get(reverse("calendar-template")).status_code == 403


def test_the_empty_sheet_downloads_and_imports_back(world, client):
    from openpyxl import load_workbook

    client.force_login(world.admin)
    response = client.get(reverse("calendar-template"))
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("日期", "类型", "名称")
    assert services.calendar_import(actor=world.admin, upload=io.BytesIO(response.content)) == 2
