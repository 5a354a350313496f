"""The supervisors' dashboard in a real browser: the city's supervisor opens it from the
workbench, switches the period and the baseline, saves the bureau's baseline, drills from
the city to one community's tasks in the inbox and downloads a table as Excel. Every page
fits its viewport at 1366 and 390 px; the charts draw without tripping the CSP."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from registry.models import Role
from registry.services.dashboard_rollups import dashboard_rollups_refresh
from tests.e2e.conftest import PHONE, _open_page, artifact_path, login
from tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory
from tests.registry.test_dashboard import send

pytestmark = pytest.mark.e2e

DESKTOP = {"viewport": {"width": 1366, "height": 900}}


def fits(page) -> bool:
    width = page.evaluate("window.innerWidth")
    return page.evaluate("document.documentElement.scrollWidth") <= width


def seed(world):
    today = timezone.localdate()
    this_year = today.replace(month=max(1, today.month - 1), day=1).isoformat()
    last_year = today.replace(year=today.year - 1, day=1).isoformat()
    a, b = world.a, world.b
    send(a.department, [a.community, a.community2], on=this_year, refused=1)
    send(a.department, [a.community], on=today.isoformat(), emergency=True)
    send(b.department, [b.community, b.community2], on=this_year)
    send(a.department, [a.community, a.community2], on=last_year)
    user = UserFactory(username="city_supervisor", display_name="市督查员")
    MembershipFactory(user=user, organisation=world.city, role=Role.SUPERVISOR)
    return user


def test_supervisor_switches_periods_drills_down_and_downloads(
    browser, live_server, world, request
):
    supervisor = seed(world)
    page = _open_page(browser, request, **DESKTOP)
    login(page, live_server, supervisor.username, TEST_PASSWORD)

    # The workbench card leads to the dashboard (no more "figures will appear here").
    page.goto(f"{live_server.url}/workbench/supervisor/")
    expect(page.get_by_text("社区和部门开始填报后")).to_have_count(0)
    page.screenshot(path=artifact_path("dashboard-workbench-card-1366"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("link", name="打开数据看板").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("示范市")
    tasks = page.locator("#section-assignments")
    expect(tasks.locator(".dashboard-total").first).to_contain_text("社区收到的任务")
    # The charts are drawn (ECharts puts a canvas in each box).
    expect(
        page.locator("#section-assignments .dashboard-chart__canvas canvas").first
    ).to_be_visible()
    assert fits(page)
    page.screenshot(path=artifact_path("dashboard-city-1366"), full_page=True)

    # Switch the period: this month, then back to this year.
    with page.expect_navigation():
        page.get_by_role("link", name="本月", exact=True).click()
    expect(page.get_by_role("link", name="本月", exact=True)).to_have_attribute(
        "aria-current", "true"
    )
    with page.expect_navigation():
        page.get_by_role("link", name="本年", exact=True).click()

    # The baseline: the same period last year, then the bureau's own, saved here.
    with page.expect_navigation():
        page.get_by_role("link", name="去年同期").click()
    expect(page.locator(".dashboard-query__what")).to_contain_text(
        f"基准期：{timezone.localdate().year - 1}"
    )
    page.get_by_text("保存本区域的基准期").click()
    saving = page.locator("form[action$='/dashboard/baseline/']")
    saving.get_by_label("基准期名称").fill("准入前一年")
    saving.get_by_label("基准期起").fill(f"{timezone.localdate().year - 1}-01-01")
    saving.get_by_label("基准期止").fill(f"{timezone.localdate().year - 1}-12-31")
    with page.expect_navigation():
        saving.get_by_role("button", name="保存基准期").click()
    expect(page.locator(".messages")).to_contain_text("已保存基准期：准入前一年")
    expect(page.locator(".dashboard-query__what")).to_contain_text("准入前一年")

    # Drill down: city -> district A -> its street -> a community's tasks in the inbox.
    by_area = page.locator("#table-assignments-by_area")
    with page.expect_navigation():
        by_area.get_by_role("link", name="A区").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("A区")
    with page.expect_navigation():
        page.locator("#table-assignments-by_area").get_by_role("link", name="A街道").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("A街道")
    row = page.locator("#table-assignments-by_area tbody tr").filter(has_text="A一社区")
    count = int(row.locator("td").nth(2).inner_text())
    assert count == 2
    street_dashboard = page.url
    with page.expect_navigation():
        row.locator("td").nth(2).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("任务收件箱")
    expect(page.locator(".task-list > li")).to_have_count(count)
    assert fits(page)
    # A state tab narrows the drill-down, not the whole city: one of the two was refused.
    tabs = page.get_by_role("navigation", name="按状态筛选")
    with page.expect_navigation():
        tabs.get_by_role("link", name="已拒收").click()
    expect(page.locator(".task-list > li")).to_have_count(1)
    assert "area=" in page.url and "received_from=" in page.url
    with page.expect_navigation():
        tabs.get_by_role("link", name="全部").click()
    expect(page.locator(".task-list > li")).to_have_count(count)
    assert "area=" in page.url and "state=" not in page.url

    # Download a table of the dashboard as Excel: it opens, Chinese headers, the rows.
    page.goto(street_dashboard)
    table = page.locator("#table-assignments-by_area")
    with page.expect_download() as download:
        table.get_by_role("link", name="下载（.xlsx）").click()
    content = download.value.path().read_bytes()
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "区域或社区"
    assert {r[0] for r in rows[1:]} == {"A一社区", "A二社区"}


def test_the_dashboard_on_a_phone(browser, live_server, world, request):
    supervisor = seed(world)
    # As after the first night: last month comes from the roll-up, and the page says so.
    dashboard_rollups_refresh()
    phone = _open_page(browser, request, **PHONE)
    login(phone, live_server, supervisor.username, TEST_PASSWORD)
    phone.goto(f"{live_server.url}/dashboard/")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("示范市")
    expect(phone.locator("#section-refusals")).to_contain_text("按部门统计的拒收")
    expect(phone.locator("#section-evaluation")).to_contain_text("暂无反向评价结果")
    assert fits(phone)
    phone.screenshot(path=artifact_path("dashboard-city-390"), full_page=True)
    # Last year is all complete months: read from the roll-up, and the page says when.
    year = timezone.localdate().year - 1
    phone.goto(f"{live_server.url}/dashboard/?from={year}-01-01&until={year}-12-31")
    note = phone.locator("#section-assignments .dashboard-freshness")
    expect(note).to_contain_text("月度汇总")
    expect(note).to_contain_text(f"{year}-01")
    expect(phone.locator("#section-assignments")).to_contain_text("2")  # last year's task
    assert fits(phone)
    phone.screenshot(path=artifact_path("dashboard-city-rollup-390"), full_page=True)
