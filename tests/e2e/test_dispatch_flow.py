"""A task through the gate and back, in a browser: the department dispatches under an
admitted item (after the gate has refused a first try), a cadre refuses it on a phone, and
the department sees the refusal. Screenshots of each page land in test-artifacts/."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.conftest import artifact_path, login
from tests.factories import TEST_PASSWORD, WorkItemFactory

pytestmark = pytest.mark.e2e

PHONE_WIDTH = 390


def shoot(page: Page, name: str, *, phone_too: bool = True) -> None:
    """A full-page screenshot at the page's size and, for desktop pages, at phone width."""
    page.screenshot(path=artifact_path(name), full_page=True)
    if phone_too:
        size = page.viewport_size
        page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH, name
        page.screenshot(path=artifact_path(f"{name}-phone"), full_page=True)
        page.set_viewport_size(size)


def sign_out(page: Page) -> None:
    page.context.clear_cookies()


@pytest.fixture
def admitted_item(world):
    today = timezone.localdate()
    return WorkItemFactory(
        admission_number="990102-2026-0042",
        title="困难群众入户核查",
        jurisdiction=world.a.district,
        department=world.a.department,
        frequency="monthly",
        hours_per_occurrence=Decimal("8"),
        households_per_occurrence=30,
        valid_from=today - datetime.timedelta(days=60),
        valid_until=today + datetime.timedelta(days=700),
        scope=[world.a.street],
    )


def test_dispatch_refused_by_the_gate_then_sent_then_refused_by_a_cadre_on_a_phone(
    page, phone_page, live_server, world, admitted_item
):
    today = timezone.localdate()
    staff = world.a.department_staff

    # --- The department fills in the form; the gate refuses the first try ---------------
    login(page, live_server, staff.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/dispatch/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("派发任务")
    page.get_by_label("准入事项").select_option(label="990102-2026-0042 困难群众入户核查")
    context = page.locator("#item-context")
    expect(context).to_contain_text("每月")  # htmx brought in what the item admits
    expect(context).to_contain_text("A街道")
    # ... and marked the admitted scope in the tree (an out-of-band swap).
    expect(page.locator("#dispatch-targets .scope-tag")).to_have_text("准入范围")
    page.get_by_label("任务标题").fill("困难群众家庭情况核查")
    page.get_by_label("工作要求").fill("请逐户核对困难群众家庭人口和收入情况。")
    page.get_by_label("需报送材料").fill("核查登记表")
    page.get_by_label("截止日期").fill((today + datetime.timedelta(days=1)).isoformat())
    expect(page.locator("#lead-time")).to_contain_text("准入关口要求至少 5 个工作日")
    page.get_by_label("每个社区工时（小时）").fill("12")
    page.get_by_label("每个社区入户数").fill("40")
    page.get_by_label("全部：A街道").check()
    expect(page.get_by_label(world.a.community2.name)).to_be_checked()  # the whole street

    with page.expect_navigation():
        page.get_by_role("button", name="派发", exact=True).click()

    refusal = page.locator("#gate-refusal")
    expect(refusal).to_contain_text("准入关口因 2 项原因拒绝了此任务")
    expect(refusal).to_contain_text("超出准入工作量")
    expect(refusal).to_contain_text("时限过短")
    expect(page.get_by_label("任务标题")).to_have_value("困难群众家庭情况核查")  # input kept
    shoot(page, "dispatch-form-refused")

    # --- Within the admitted burden and with time enough, it goes -------------------------
    page.get_by_label("截止日期").fill((today + datetime.timedelta(days=30)).isoformat())
    page.get_by_label("每个社区工时（小时）").fill("6")
    page.get_by_label("每个社区入户数").fill("20")
    with page.expect_navigation():
        page.get_by_role("button", name="派发", exact=True).click()

    expect(page.get_by_role("status")).to_contain_text("已送达 2 个社区")
    expect(page.get_by_role("heading", level=1)).to_have_text("困难群众家庭情况核查")
    dispatch_url = page.url
    shoot(page, "dispatch-detail")

    # --- The cadre, on a phone, finds it on the workbench and refuses it --------------------
    phone = phone_page
    login(phone, live_server, world.a.cadre.username, TEST_PASSWORD)
    card = phone.locator(".task-card", has_text="困难群众家庭情况核查")
    expect(card).to_be_visible()  # the to-do section, loaded by htmx
    expect(card).to_contain_text("990102-2026-0042")
    expect(card).to_contain_text(world.a.department.name)
    phone.screenshot(path=artifact_path("workbench-community-phone"), full_page=True)
    phone.goto(f"{live_server.url}/inbox/")
    expect(card).to_contain_text("个工作日")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    phone.screenshot(path=artifact_path("inbox-phone"), full_page=True)

    with phone.expect_navigation():
        card.get_by_role("link", name="困难群众家庭情况核查").tap()
    expect(phone.get_by_text("请逐户核对困难群众家庭人口和收入情况。")).to_be_visible()
    expect(phone.get_by_role("link", name="990102-2026-0042")).to_have_attribute(
        "href", re.compile(r"/verify/\?number=990102-2026-0042$")
    )
    phone.get_by_text("拒收此任务", exact=True).tap()
    phone.get_by_label("拒收理由").select_option(label="时限不合理")
    phone.get_by_label("备注").fill("正值换届选举，一个月内无法完成入户")
    phone.screenshot(path=artifact_path("inbox-task-refuse-phone"), full_page=True)
    phone.get_by_role("button", name="拒收", exact=True).tap()
    dialog = phone.get_by_role("dialog")
    expect(dialog).to_contain_text("确定拒收此任务吗")
    with phone.expect_navigation():
        dialog.get_by_role("button", name="拒收").tap()

    expect(phone.get_by_role("status")).to_contain_text("您已拒收“困难群众家庭情况核查”")
    expect(phone.locator(".task-card", has_text="困难群众家庭情况核查")).to_contain_text("已拒收")
    phone.screenshot(path=artifact_path("inbox-after-refusal-phone"), full_page=True)

    # --- The department sees the refusal, its reason and the note ---------------------------
    page.goto(dispatch_url)
    row = page.locator(f'tr[data-community="{world.a.community.code}"]')
    expect(row).to_contain_text("已拒收")
    expect(row).to_contain_text("时限不合理")
    expect(row).to_contain_text("正值换届选举")
    shoot(page, "dispatch-detail-refused")
    page.goto(f"{live_server.url}/dispatch/")
    expect(page.locator("tbody tr").first).to_contain_text("已拒收 1")
    expect(page.locator("tbody tr").first).to_contain_text("时限不合理 1")
    shoot(page, "my-dispatches")

    # --- And the inbox on a desktop, for the record ------------------------------------------
    sign_out(page)
    login(page, live_server, world.a.cadre.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/inbox/")
    expect(page.locator(".task-card").first).to_be_visible()
    shoot(page, "inbox-desktop", phone_too=False)


def test_supervisor_recomputes_flags_and_handles_one(page, live_server, world):
    today = timezone.localdate()
    WorkItemFactory(
        admission_number="990102-2025-0003",
        title="社区养老服务需求摸底",
        jurisdiction=world.a.district,
        department=world.a.department,
        valid_until=today + datetime.timedelta(days=12),
    )
    login(page, live_server, world.a.supervisor.username, TEST_PASSWORD)
    # The workbench's to-do section loads by htmx.
    expect(page.locator("#workbench-flags")).to_contain_text("本区域暂无未办结的预警")

    page.goto(f"{live_server.url}/monitoring/flags/")
    with page.expect_navigation():
        page.get_by_role("button", name="立即重新计算").click()
    expect(page.get_by_role("status")).to_contain_text("新增 1 条")
    row = page.locator("tbody tr", has_text="社区养老服务需求摸底")
    expect(row).to_contain_text("准入即将到期")
    expect(row).to_contain_text("高")
    shoot(page, "flags")

    with page.expect_navigation():
        row.get_by_role("button", name="知悉").click()
    row = page.locator("tbody tr", has_text="社区养老服务需求摸底")
    expect(row).to_contain_text("已知悉")
    row.get_by_text("办结…").click()
    row.get_by_label("处理情况").fill("已督促部门提交续期申请")
    row.get_by_role("button", name="办结").click()
    with page.expect_navigation():
        page.get_by_role("dialog").get_by_role("button", name="办结").click()
    expect(page.get_by_role("status")).to_contain_text("已办结")
    expect(page.locator("tbody tr", has_text="社区养老服务需求摸底")).to_have_count(0)

    page.goto(f"{live_server.url}/workbench/supervisor/")
    expect(page.locator("#workbench-flags")).to_be_visible()
    shoot(page, "workbench-supervisor")


def test_liaison_reports_an_off_platform_demand_from_the_workbench_on_a_phone(
    phone_page, live_server, world
):
    page = phone_page
    login(page, live_server, world.a.liaison.username, TEST_PASSWORD)
    form = page.locator("#workbench-offplatform")  # loaded by htmx
    form.get_by_label("提出要求的部门").select_option(label=f"{world.a.department.name}（A区）")
    form.get_by_label("要求事项").fill("微信群通知三天内报送辖区空置房台账")
    form.get_by_label("微信").check()
    form.get_by_label("耗费工时（小时）").fill("5")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    page.screenshot(path=artifact_path("workbench-liaison-report-phone"), full_page=True)

    with page.expect_navigation():
        form.get_by_role("button", name="提交报告").tap()

    expect(page.get_by_role("status")).to_contain_text("已登记")
    expect(page.get_by_role("heading", level=1)).to_have_text("监测点工作台")
    recent = page.locator("section", has_text="本社区近期报告")
    expect(recent).to_contain_text("微信群通知三天内报送辖区空置房台账")
    expect(recent).to_contain_text("5 小时")
