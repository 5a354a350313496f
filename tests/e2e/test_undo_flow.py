"""Undo where a mistake is normal (issue 14, item 6), in a browser at 1366 and 390 px: the
department recalls a task no community has taken up, after a confirmation naming what will
happen; a cadre on a phone corrects an off-platform report, attaches a WeChat screenshot,
then withdraws it. Every page must be no wider than the screen."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect

from monitoring import services as monitoring_services
from registry import services
from registry.models import Assignment
from tests.e2e.conftest import artifact_path, login
from tests.factories import TEST_PASSWORD, WorkItemFactory

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def fits(page: Page) -> None:
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def shoot_both(page: Page, name: str) -> None:
    """Screenshots at 1366 and 390 px, each checked against the page's width."""
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        fits(page)
        page.screenshot(path=artifact_path(f"{name}-{label}"), full_page=True)
    page.set_viewport_size(DESKTOP)


def screenshot_file(tmp_path) -> str:
    path = tmp_path / "wechat.png"
    buffer = io.BytesIO()
    Image.new("RGB", (390, 700), (235, 245, 235)).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_the_department_recalls_a_task_after_a_confirmation(page, live_server, world):
    today = timezone.localdate()
    item = WorkItemFactory(
        admission_number="990102-2026-0077",
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
    dispatch = services.dispatch_create(
        actor=world.a.department_staff,
        work_item=item,
        title="困难群众入户核查（九月）",
        communities=[world.a.community, world.a.community2],
        due_date=today + datetime.timedelta(days=30),
        hours_per_community=Decimal("4"),
    )
    page.set_viewport_size(DESKTOP)
    login(page, live_server, world.a.department_staff.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/dispatch/{dispatch.pk}/")
    shoot_both(page, "undo-dispatch-before-recall")

    recall = page.locator("#action-recall")
    recall.locator("summary").click()
    recall.get_by_label("撤回原因（将告知各社区）").fill("名单发错了，重新派发")
    recall.get_by_role("button", name="撤回").click()
    dialog = page.locator("dialog[data-confirm-dialog]")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("任务将从所有已派达的社区撤回")
    shoot_both(page, "undo-dispatch-recall-confirm")
    with page.expect_navigation():
        dialog.get_by_role("button", name="撤回").click()

    expect(page.get_by_role("status").first).to_contain_text("已撤回")
    expect(page.locator("#recalled")).to_contain_text("名单发错了，重新派发")
    expect(page.locator("#action-recall")).to_have_count(0)
    assert set(Assignment.objects.values_list("state", flat=True)) == {"withdrawn"}
    shoot_both(page, "undo-dispatch-recalled")


def test_a_cadre_corrects_then_withdraws_an_offplatform_report_on_a_phone(
    phone_page, live_server, world, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    report = monitoring_services.offplatform_report_create(
        actor=world.a.cadre,
        community=world.a.community,
        department=world.a.department,
        title="微信群要求三天内上报空置房",
        channel="wechat",
        received_on=timezone.localdate(),
    )
    page = phone_page
    login(page, live_server, world.a.cadre.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/monitoring/reports/{report.pk}/")
    fits(page)
    page.get_by_role("link", name="修改报告").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("更正报告")
    department = page.get_by_label("提出要求的部门")
    expect(department.locator("option", has_text="其他/不清楚")).to_have_count(1)
    expect(department.locator("option", has_text="A街道（街道办事处）")).to_have_count(1)
    department.select_option(label="A街道（街道办事处）")
    page.get_by_label("要求事项").fill("街道微信群要求两天内上报空置房")
    page.get_by_label("证据材料（选填）").set_input_files(screenshot_file(tmp_path))
    fits(page)
    page.screenshot(path=artifact_path("undo-offplatform-edit-phone"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="保存更正").tap()

    expect(page.get_by_role("heading", level=1)).to_have_text("街道微信群要求两天内上报空置房")
    expect(page.get_by_role("img", name="证据材料")).to_be_visible()
    shoot_both(page, "undo-offplatform-corrected")

    page.locator("#action-withdraw").get_by_role("button", name="撤回").tap()
    dialog = page.locator("dialog[data-confirm-dialog]")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("不再计入月报和预警")
    with page.expect_navigation():
        dialog.get_by_role("button", name="撤回").tap()
    expect(page.locator(".page-header")).to_contain_text("已撤回")
    expect(page.get_by_role("link", name="修改报告")).to_have_count(0)
    shoot_both(page, "undo-offplatform-withdrawn")
