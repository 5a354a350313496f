"""Issue 11 in a real browser: a liaison on a phone opens this month's report, sees it
pre-filled, adds a WeChat demand and submits; a supervisor raises a clue from that entry,
verifies it, sends a rectification notice and prints it; the department responds on its
phone; the supervisor closes the clue after a check. Every page fits its viewport."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from monitoring import services
from registry import services as registry_services
from tests.e2e.conftest import PHONE, artifact_path, login
from tests.factories import TEST_PASSWORD, WorkItemFactory

pytestmark = pytest.mark.e2e


def fits(page) -> bool:
    width = page.evaluate("window.innerWidth")
    return page.evaluate("document.documentElement.scrollWidth") <= width


def this_months_demands(world) -> None:
    today = timezone.localdate()
    item = WorkItemFactory(
        jurisdiction=world.a.district, department=world.a.department, scope=[world.a.street]
    )
    registry_services.dispatch_create(
        actor=world.a.department_staff,
        work_item=item,
        title="居民信息核对",
        communities=[world.a.community],
        due_date=today + datetime.timedelta(days=20),
        hours_per_community=Decimal("2"),
    )
    services.offplatform_report_create(
        actor=world.a.cadre,
        community=world.a.community,
        department=world.a.department,
        title="电话要求统计辖区商户",
        channel="phone",
        received_on=today.replace(day=1),
    )


def confirm(page, label: str) -> None:
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    with page.expect_navigation():
        dialog.get_by_role("button", name=label).click()


def action_form(page, button: str):
    return page.locator("form").filter(has=page.get_by_role("button", name=button))


def test_report_clue_notice_response_and_closing(browser, live_server, world):
    this_months_demands(world)
    today = timezone.localdate()
    month = f"{today:%Y-%m}"

    # The liaison, on a phone: open this month's report, pre-filled.
    phone_context = browser.new_context(locale="zh-CN", **PHONE)
    phone = phone_context.new_page()
    login(phone, live_server, world.a.liaison.username, TEST_PASSWORD)
    phone.goto(f"{live_server.url}/monitoring/monthly/")
    with phone.expect_navigation():
        phone.get_by_role("button", name=f"打开 {month} 报告").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text(f"{month} 监测报告")
    entries = phone.locator("[data-entry]")
    expect(entries).to_have_count(2)
    expect(entries.filter(has_text="居民信息核对")).to_contain_text("平台派发的任务")
    expect(entries.filter(has_text="电话要求统计辖区商户")).to_contain_text("平台外派活报告")
    assert fits(phone)
    phone.screenshot(path=artifact_path("monitoring-report-phone-prefilled"), full_page=True)

    with phone.expect_navigation():
        phone.get_by_role("link", name="添加通过其他渠道收到的工作要求").tap()
    phone.get_by_label("提出要求的部门").select_option(value=str(world.a.department.pk))
    phone.get_by_label("要求事项").fill("微信群要求三天内上报空置房")
    phone.get_by_label("微信").check()
    phone.get_by_label("耗费工时（小时）").fill("6")
    phone.get_by_label("户数（题数）").fill("120")
    assert fits(phone)
    phone.screenshot(path=artifact_path("monitoring-entry-phone"), full_page=True)
    with phone.expect_navigation():
        phone.get_by_role("button", name="保存").tap()
    expect(phone.get_by_role("status")).to_contain_text("已添加：微信群要求三天内上报空置房")
    expect(entries).to_have_count(3)

    phone.get_by_role("button", name="提交报告").tap()
    expect(phone.get_by_role("dialog")).to_contain_text("提交后报告不能再修改")
    phone.screenshot(path=artifact_path("monitoring-submit-confirm-phone"))
    confirm(phone, "提交报告")
    expect(phone.get_by_role("status")).to_contain_text("报告已提交")
    expect(phone.get_by_role("link", name="添加通过其他渠道收到的工作要求")).to_have_count(0)
    assert fits(phone)
    report_url = phone.url

    # The supervisor, at a desk: a clue from that entry, verified, a notice sent and printed.
    desk_context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    desk = desk_context.new_page()
    login(desk, live_server, world.a.supervisor.username, TEST_PASSWORD)
    desk.goto(report_url)
    wechat = desk.locator("[data-entry]").filter(has_text="微信群要求三天内上报空置房")
    with desk.expect_navigation():
        wechat.get_by_role("link", name="提交线索").click()
    expect(desk.get_by_label("一句话说明问题")).to_have_value("微信群要求三天内上报空置房")
    with desk.expect_navigation():
        desk.get_by_role("button", name="提交线索").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("微信群要求三天内上报空置房")
    expect(desk.locator("main")).to_contain_text("120 户（项）")  # the entry's figures

    action_form(desk, "录入研判意见").get_by_label("研判意见").fill("未经准入，线索属实")
    with desk.expect_navigation():
        desk.get_by_role("button", name="录入研判意见").click()
    visit = action_form(desk, "录入实地核查")
    visit.get_by_label("核查日期").fill(str(today))
    visit.get_by_label("实地核查情况").fill("走访社区，确认通过微信群派发")
    with desk.expect_navigation():
        desk.get_by_role("button", name="录入实地核查").click()
    action_form(desk, "下发整改通知书").get_by_label("整改要求").fill(
        "停止通过微信群向社区派发工作"
    )
    desk.get_by_role("button", name="下发整改通知书").click()
    confirm(desk, "下发整改通知书")
    expect(desk.get_by_role("status")).to_contain_text("可以打印了")
    assert fits(desk)
    desk.screenshot(path=artifact_path("monitoring-clue-desk-notice-sent"), full_page=True)

    with desk.expect_navigation():
        desk.get_by_role("link", name="打印整改通知书").click()
    notice = desk.locator("article.print-notice")
    expect(notice).to_contain_text("停止通过微信群向社区派发工作")
    expect(notice).to_contain_text(world.a.department.name)
    expect(notice.locator("svg")).to_be_visible()
    expect(notice).not_to_contain_text(world.a.liaison.display_name)
    assert fits(desk)
    desk.emulate_media(media="print")
    expect(desk.get_by_role("button", name="打印整改通知书")).to_be_hidden()
    desk.screenshot(path=artifact_path("monitoring-notice-print"), full_page=True)
    desk.emulate_media(media="screen")
    notices_url = desk.url.split("/monitoring/")[0] + "/monitoring/notices/"

    # The department, on a phone: its notices, then the measures. No reporter anywhere.
    dept_context = browser.new_context(locale="zh-CN", **PHONE)
    dept = dept_context.new_page()
    login(dept, live_server, world.a.department_staff.username, TEST_PASSWORD)
    dept.goto(notices_url)
    expect(dept.locator("main")).not_to_contain_text(world.a.liaison.display_name)
    assert fits(dept)
    dept.screenshot(path=artifact_path("monitoring-notices-phone"), full_page=True)
    desk.go_back()
    dept.goto(desk.url)
    expect(dept.locator("main")).not_to_contain_text(world.a.liaison.display_name)
    action_form(dept, "报送整改措施").get_by_label("整改措施").fill("已停止微信群派单")
    with dept.expect_navigation():
        dept.get_by_role("button", name="报送整改措施").tap()
    expect(dept.get_by_role("status")).to_contain_text("已完成：报送整改措施")
    assert fits(dept)
    dept.screenshot(path=artifact_path("monitoring-clue-phone-responded"), full_page=True)

    # The supervisor closes it after a check.
    desk.reload()
    closing = action_form(desk, "核查后销号")
    closing.get_by_label("整改核查日期").fill(str(today))
    closing.get_by_label("理由").fill("回访社区，确认已停止微信群派单")
    desk.get_by_role("button", name="核查后销号").click()
    confirm(desk, "核查后销号")
    expect(desk.get_by_role("status")).to_contain_text("已完成：核查后销号")
    expect(desk.locator(".page-header")).to_contain_text("已销号")
    history = desk.locator("#history-heading + ol li")
    expect(history).to_have_count(6)
    assert fits(desk)
    desk.screenshot(path=artifact_path("monitoring-clue-desk-closed"), full_page=True)
    for context in (phone_context, desk_context, dept_context):
        context.close()
