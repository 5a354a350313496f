"""Issue 14, the admission side, in a real browser at 1366 px and at 390 px:

- item 1: the submission-check panel, full of similar items, stays inside its card on the
  new-application form and on the application page (the page is never wider than the
  screen; the table scrolls in its box, or becomes cards on a phone);
- item 3: approving and refusing ratification ask first, naming what will happen, and
  cancelling changes nothing.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from registry import services
from registry.models import Application, Dispatch, ListKind
from tests.e2e.conftest import _open_page, artifact_path, login
from tests.factories import TEST_PASSWORD, WorkItemFactory

pytestmark = pytest.mark.e2e

DESKTOP = {"viewport": {"width": 1366, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
SIZES = [("desktop", DESKTOP, 1366), ("phone", PHONE, 390)]
TITLE = "社区独居老人居家安全隐患排查登记"


@pytest.fixture
def sized_page(browser: Browser, request: pytest.FixtureRequest):
    """A page of the size the test asks for (1366 px or 390 px wide)."""

    def make(options: dict) -> Page:
        return _open_page(browser, request, **options)

    return make


def _page_width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def _similar_items(world, n: int = 10) -> None:
    """Items of another department alike in title and in specific fields, with the long
    titles and department names that used to push the panel out of its card."""
    for i in range(n):
        WorkItemFactory(
            jurisdiction=world.a.district,
            department=world.city_department,
            admission_number=f"990102-2026-{i + 1:04d}",
            title=f"社区独居老人居家安全隐患排查登记和入户走访情况汇总上报（第{i + 1}批）",
            description="每月入户排查独居老人居家安全隐患，并逐户登记走访情况。",
            data_fields=["姓名", "联系电话", "紧急联系人电话", "居家安全隐患类别"],
            scope=[world.a.district],
        )


def _fill_form(page: Page, world) -> None:
    page.get_by_label("事项名称").fill(TITLE)
    page.get_by_label("依法协助政府工作事项").check()
    page.get_by_label("说明").fill("每月入户排查独居老人居家安全隐患，并逐户登记走访情况。")
    page.get_by_label("法律法规依据").fill("《老年人权益保障法》第三十条")
    page.get_by_role("checkbox", name=re.compile(f"^{world.a.street.name}全部")).check()
    page.get_by_label("频次").select_option("weekly")
    page.get_by_label("每个社区每次所需工时（小时）").fill("3")
    page.get_by_label("采集的数据项").fill("姓名\n联系电话\n紧急联系人电话\n居家安全隐患类别")
    page.get_by_label("每个社区每年经费（元）").fill("0")


@pytest.mark.parametrize(("size", "options", "width"), SIZES, ids=[s[0] for s in SIZES])
def test_the_checks_panel_never_widens_the_page(
    sized_page, live_server, world, size, options, width
):
    _similar_items(world)
    page = sized_page(options)
    login(page, live_server, world.a.department_staff.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/applications/new/")
    _fill_form(page, world)
    checks = page.locator("#live-checks")
    expect(checks).to_contain_text("10 个相似事项")
    expect(checks).to_contain_text("共同采集")
    expect(checks).to_contain_text("未安排经费")
    page.screenshot(path=artifact_path(f"checks-form-{size}"), full_page=True)
    assert _page_width(page) == width, f"the form is {_page_width(page)} px wide at {width}"

    # The same panel on the application page, as stored.
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url(re.compile(r"/applications/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator("#checks-heading + p + .checks")).to_contain_text("紧急联系人电话")
    page.screenshot(path=artifact_path(f"checks-application-{size}"), full_page=True)
    assert _page_width(page) == width, f"the page is {_page_width(page)} px wide at {width}"


def _under_review_unfunded(world) -> Application:
    application = services.application_create(
        actor=world.a.department_staff,
        department=world.a.department,
        scope=[world.a.street],
        title=TITLE,
        description="每月入户排查。",
        list_kind=ListKind.ASSIST,
        legal_basis="《老年人权益保障法》第三十条",
        frequency="monthly",
        hours_per_occurrence=Decimal("3"),
        households_per_occurrence=10,
        ledgers=1,
        data_fields=["姓名"],
        funding_per_community=Decimal("0"),
    )
    services.application_submit(actor=world.a.department_staff, application=application)
    return services.application_start_review(actor=world.a.reviewer, application=application)


@pytest.mark.parametrize(("size", "options", "width"), SIZES, ids=[s[0] for s in SIZES])
def test_approval_asks_first_and_addresses_the_missing_funding(
    sized_page, live_server, world, size, options, width
):
    application = _under_review_unfunded(world)
    page = sized_page(options)
    login(page, live_server, world.a.reviewer.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/applications/{application.pk}/")
    approve = page.locator("#action-approve")
    approve.locator("> summary").click()
    expect(approve).to_contain_text("费随事转")
    approve.get_by_label("理由").fill("依据充分，同意准入。")
    approve.get_by_label("未安排经费的处理意见（费随事转）").fill("区财政列入下年度预算")
    page.screenshot(path=artifact_path(f"approve-form-{size}"), full_page=True)
    assert _page_width(page) == width

    approve.get_by_role("button", name="准予准入").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("准予准入？")
    expect(dialog).to_contain_text("准入编号")
    page.screenshot(path=artifact_path(f"approve-confirm-{size}"))
    dialog.get_by_role("button", name="取消").click()
    expect(dialog).to_be_hidden()
    assert Application.objects.get(pk=application.pk).state == Application.State.UNDER_REVIEW

    approve.get_by_role("button", name="准予准入").click()
    with page.expect_navigation():
        dialog.get_by_role("button", name="准予准入").click()
    expect(page.locator("[data-admission-number]")).to_be_visible()
    history = page.locator(".history")
    expect(history).to_contain_text("费随事转：区财政列入下年度预算")
    page.screenshot(path=artifact_path(f"approve-done-{size}"), full_page=True)
    assert _page_width(page) == width


@pytest.mark.parametrize(("size", "options", "width"), SIZES, ids=[s[0] for s in SIZES])
def test_refusing_ratification_asks_first_and_keeps_the_mark(
    sized_page, live_server, world, size, options, width
):
    emergency = services.dispatch_create(
        actor=world.a.department_staff,
        work_item=None,
        title="台风过境危房应急排查",
        communities=[world.a.community, world.a.community2],
        due_date=timezone.localdate() + datetime.timedelta(days=2),
        hours_per_community=Decimal("2"),
        households_per_community=0,
        emergency=True,
        justification="台风红色预警，须在两日内排查危房。",
    )
    page = sized_page(options)
    login(page, live_server, world.a.reviewer.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/dispatch/ratification/")
    refuse = page.locator(f"#refuse-ratification-{emergency.pk}")
    refuse.locator("> summary").click()
    refuse.get_by_label("意见（不予追认的理由）").fill("属于常规工作，不属于突发事件。")
    page.screenshot(path=artifact_path(f"ratification-refuse-{size}"), full_page=True)
    assert _page_width(page) == width

    refuse.get_by_role("button", name="不予追认").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("不予追认此应急任务？")
    dialog.get_by_role("button", name="取消").click()
    emergency.refresh_from_db()
    assert emergency.ratification_refused_at is None

    refuse.get_by_role("button", name="不予追认").click()
    with page.expect_navigation():
        dialog.get_by_role("button", name="不予追认").click()
    expect(page.locator(".messages")).to_contain_text("不予追认，已通知派发部门")
    assert Dispatch.objects.get(pk=emergency.pk).ratification_refused_at is not None
    page.goto(f"{live_server.url}/dispatch/{emergency.pk}/")
    expect(page.locator(".page-header")).to_contain_text("不予追认")
    page.screenshot(path=artifact_path(f"ratification-refused-{size}"), full_page=True)
    assert _page_width(page) == width
