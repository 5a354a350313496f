"""The public portal in a real browser: a visitor on a 390 px phone opens the front page,
sends a suggestion, keeps the reference number and looks it up; the district's supervisor
answers it from the queue at 1366 px; the visitor reads the answer. Every page fits its
screen; screenshots of each step are left in test-artifacts/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from public.models import Complaint
from tests.e2e.conftest import artifact_path, login
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.e2e

REFERENCE = re.compile(r"JY\d{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")


def fits(page) -> bool:
    width = page.evaluate("window.innerWidth")
    return page.evaluate("document.documentElement.scrollWidth") <= width


def shot(page, name: str) -> None:
    assert fits(page), f"{name} is wider than the screen"
    page.screenshot(path=artifact_path(name), full_page=True)


def test_a_visitor_on_a_phone_sends_a_suggestion_and_reads_the_answer(
    phone_page, browser, live_server, world
):
    page = phone_page
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("为社区减负")
    expect(page.locator('[data-figure="tasks_refused"]')).to_contain_text("社区拒收的任务")
    expect(page.get_by_role("link", name="工作人员登录")).to_be_visible()
    shot(page, "public-front-phone")

    with page.expect_navigation():
        page.get_by_role("link", name="给我们留言").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("投诉建议")
    page.get_by_label("建议").check()
    page.get_by_label("受理单位").select_option(label=world.a.district.name)
    page.get_by_label("标题").fill("建议合并重复的统计报表")
    page.get_by_label("留言内容").fill("社区每月要向三个部门报同样的人口数据，建议共享。")
    page.get_by_label("联系方式（选填）").fill("13800000000")
    shot(page, "public-complaint-form-phone")
    with page.expect_navigation():
        page.get_by_role("button", name="提交").tap()

    expect(page.get_by_role("heading", level=1)).to_have_text("留言已提交")
    reference = page.locator("[data-reference]").inner_text().strip()
    assert REFERENCE.fullmatch(reference)
    shot(page, "public-complaint-sent-phone")

    page.goto(f"{live_server.url}/complaints/lookup/")
    page.get_by_label("查询编号").fill(reference.lower())
    with page.expect_navigation():
        page.get_by_role("button", name="查询", exact=True).tap()
    result = page.locator(".complaint-result")
    expect(result).to_contain_text("建议合并重复的统计报表")
    expect(result).to_contain_text("尚未答复")
    expect(page.get_by_text("13800000000")).to_have_count(0)
    shot(page, "public-complaint-lookup-phone")

    # The district's supervisor answers from the queue on a 1366 px screen.
    desk = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    try:
        office = desk.new_page()
        blocked: list[str] = []
        office.on(
            "console",
            lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
        )
        office.goto(f"{live_server.url}/")
        shot(office, "public-front-desktop")
        login(office, live_server, world.a.supervisor.username, TEST_PASSWORD)
        office.goto(f"{live_server.url}/complaints/")
        expect(office.get_by_role("heading", level=1)).to_have_text("投诉建议")
        shot(office, "public-complaint-queue-desktop")
        with office.expect_navigation():
            office.get_by_role("link", name="建议合并重复的统计报表").click()
        expect(office.get_by_text("13800000000")).to_be_visible()
        answer = office.locator("#action-answer")
        answer.get_by_role("textbox").fill("已转区统计局，下月起数据共享，不再重复报送。")
        answer.locator("button[type=submit]").click()
        dialog = office.get_by_role("dialog")
        expect(dialog).to_be_visible()
        with office.expect_navigation():
            dialog.get_by_role("button", name="答复").click()
        expect(office.get_by_text("答复已发送")).to_be_visible()
        shot(office, "public-complaint-answered-desktop")
        assert not blocked, f"the Content-Security-Policy blocked: {blocked}"
    finally:
        desk.close()

    assert Complaint.objects.get(reference=reference).state == "answered"
    page.reload()
    expect(page.locator(".complaint-result")).to_contain_text("不再重复报送")
    expect(page.locator(".complaint-result")).to_contain_text("已答复")
    shot(page, "public-complaint-answer-phone")
