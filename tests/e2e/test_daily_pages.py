"""The pages issue 14's items 7, 8, 11 and 12 changed, at 1366 and 390 px, no wider than
the screen: the department's and the liaison's workbenches, the district reviewer's
本区域的派发任务 with its filters, the flags with their links, an inbox card under a
suspended item, and the notifications read per person."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from monitoring import services as monitoring_services
from registry import services
from registry.models import Assignment
from tests.e2e.conftest import artifact_path, login
from tests.factories import TEST_PASSWORD, WorkItemFactory

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def shoot_both(page: Page, name: str) -> None:
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= size["width"], f"{name} at {size['width']}: {width}"
        page.screenshot(path=artifact_path(f"{name}-{label}"), full_page=True)
    page.set_viewport_size(DESKTOP)


@pytest.fixture
def daily(world):
    today = timezone.localdate()
    item = WorkItemFactory(
        admission_number="990102-2026-0088",
        title="居民信息核对",
        jurisdiction=world.a.district,
        department=world.a.department,
        frequency="monthly",
        hours_per_occurrence=Decimal("8"),
        households_per_occurrence=30,
        valid_from=today - datetime.timedelta(days=300),
        valid_until=today + datetime.timedelta(days=20),
        scope=[world.a.street],
    )
    services.dispatch_create(
        actor=world.a.department_staff,
        work_item=item,
        title="居民信息核对（本月）",
        communities=[world.a.community, world.a.community2],
        due_date=today + datetime.timedelta(days=14),
        hours_per_community=Decimal("4"),
    )
    other = WorkItemFactory(
        jurisdiction=world.a.district,
        department=world.a.department,
        hours_per_occurrence=Decimal("8"),
        households_per_occurrence=30,
        valid_from=today - datetime.timedelta(days=300),
        valid_until=today + datetime.timedelta(days=400),
        scope=[world.a.street],
    )
    refused = services.dispatch_create(
        actor=world.a.department_staff,
        work_item=other,
        title="困难群众名单复核",
        communities=[world.a.community],
        due_date=today + datetime.timedelta(days=14),
        hours_per_community=Decimal("2"),
    )
    services.assignment_respond(
        actor=world.a.cadre,
        assignment=refused.assignments.get(),
        action="refuse",
        reason_code="duplicate",
        note="上月已报送同样的名单",
    )
    services.work_item_change_status(
        actor=world.a.reviewer, item=item, action="suspend", reason="核对口径调整"
    )
    monitoring_services.flags_compute()
    return item


def test_the_daily_pages_fit_both_screens(page, live_server, world, daily):
    page.set_viewport_size(DESKTOP)
    login(page, live_server, world.a.department_staff.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/workbench/department/")
    expect(page.locator("#workbench-refusals")).to_contain_text("上月已报送同样的名单")
    expect(page.locator("#workbench-renewals")).to_contain_text("990102-2026-0088")
    shoot_both(page, "daily-department-workbench")
    page.context.clear_cookies()

    login(page, live_server, world.a.liaison.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/workbench/liaison/")
    expect(page.locator("#workbench-inbox-count")).to_contain_text("1 项待办")
    shoot_both(page, "daily-liaison-workbench")
    open_task = Assignment.objects.get(community=world.a.community, dispatch__work_item=daily)
    page.goto(f"{live_server.url}/inbox/{open_task.pk}/")
    expect(page.locator("[data-item-status]")).to_contain_text("事项已暂停")
    shoot_both(page, "daily-inbox-task-suspended")
    page.goto(f"{live_server.url}/notifications/")
    shoot_both(page, "daily-notifications")
    page.context.clear_cookies()

    login(page, live_server, world.a.reviewer.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/dispatch/?department={world.a.department.code}")
    expect(page.get_by_role("heading", level=1)).to_have_text("本区域的派发任务")
    expect(page.get_by_role("link", name="居民信息核对（本月）")).to_be_visible()
    shoot_both(page, "daily-reviewer-area-dispatches")
    page.goto(f"{live_server.url}/monitoring/flags/")
    shoot_both(page, "daily-flags")
