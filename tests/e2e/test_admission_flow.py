"""An application's whole way through the pages, in a real browser: a department drafts and
submits it (watching the live checks), a reviewer reviews it, holds a hearing and admits it,
the department sees the admission number, and anyone can verify that number."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from registry.models import Application
from tests.e2e.conftest import artifact_path, login
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.e2e

TITLE = "独居老人居家安全入户走访"


def _sign_out(page: Page) -> None:
    page.context.clear_cookies()


def _department_drafts_and_submits(page: Page, live_server, world) -> None:
    login(page, live_server, world.a.department_staff.username, TEST_PASSWORD)
    expect(page.get_by_role("heading", name="我的准入申请")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="新建准入申请").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("新建准入申请")

    checks = page.locator("#live-checks")
    expect(checks).to_contain_text("填写表单时")
    page.get_by_label("事项名称").fill(TITLE)
    page.get_by_label("依法协助政府工作事项").check()
    page.get_by_label("说明").fill("每周入户走访辖区独居老人，排查居家安全隐患。")
    page.get_by_label("法律法规依据").fill("《老年人权益保障法》第三十条")
    page.get_by_role("checkbox", name=re.compile(f"^{world.a.street.name}全部")).check()
    page.get_by_label("频次").select_option("weekly")
    page.get_by_label("每个社区每次所需工时（小时）").fill("3")
    page.get_by_label("每次需走访户数").fill("20")
    page.get_by_label("采集的数据项").fill("姓名\n住址\n联系电话")
    # The checks follow the typing: 52 weeks x 3 hours needs funding and a hearing.
    expect(checks).to_contain_text("156.00")
    expect(checks).to_contain_text("未安排经费")
    expect(checks).to_contain_text("需要听证")
    page.get_by_label("每个社区每年经费（元）").fill("2000")
    expect(checks).not_to_contain_text("未安排经费")
    expect(checks).to_contain_text("2000.00")
    page.screenshot(path=artifact_path("admission-form-desktop"), full_page=True)

    # Submitting is irreversible: the page asks first, naming what happens.
    page.get_by_role("button", name="保存并提交").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("提交审核？")
    with page.expect_navigation():
        dialog.get_by_role("button", name="提交").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".messages")).to_contain_text("准入申请已提交审核")
    expect(page.locator(".page-header")).to_contain_text("已提交")


def _reviewer_decides(page: Page, live_server, world) -> str:
    login(page, live_server, world.a.reviewer.username, TEST_PASSWORD)
    expect(page.get_by_text("1 份申请待审核")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="查看待审核申请").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("待审核申请")
    page.screenshot(path=artifact_path("admission-queue-desktop"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("link", name=TITLE).click()

    with page.expect_navigation():
        page.locator("#action-start-review").get_by_role("button", name="开始审核").click()
    expect(page.locator(".messages")).to_contain_text("已开始审核")

    hearing = page.locator("#action-require-hearing")
    hearing.locator("> summary").click()
    hearing.get_by_label("听证日期").fill(timezone.localdate().isoformat())
    hearing.get_by_label("地点").fill("A区民政局三楼会议室")
    with page.expect_navigation():
        hearing.get_by_role("button", name="提请听证").click()
    expect(page.locator(".messages")).to_contain_text("已提请听证")

    record = page.locator("#action-record-hearing")
    record.get_by_label("听证纪要").fill("与会人员多数赞成，建议每月汇总一次。")
    people = [
        ("张秀英", "A一社区居委会", "赞成", "可以承担"),
        ("李建国", "A二社区居委会", "赞成", ""),
        ("王芳", "A街道办事处", "反对", "走访频次偏高"),
        ("赵磊", "居民代表", "弃权", ""),
        ("陈静", "A区民政局", "赞成", ""),
        ("刘洋", "A一社区居委会", "赞成", "建议配备经费"),
    ]
    add_row = record.get_by_role("button", name="添加一行")
    rows = record.locator("table.participants tbody tr")
    for index, (name, organisation, opinion, comment) in enumerate(people):
        if index >= rows.count():
            add_row.click()
        row = rows.nth(index)
        row.get_by_placeholder("姓名").fill(name)
        row.get_by_placeholder("所在单位").fill(organisation)
        row.get_by_label("意见").select_option(label=opinion)
        row.get_by_placeholder("说明").fill(comment)
    page.screenshot(path=artifact_path("admission-hearing-form-desktop"), full_page=True)
    with page.expect_navigation():
        record.get_by_role("button", name="录入听证结果").click()
    expect(page.locator(".messages")).to_contain_text("听证结果已录入")
    expect(page.locator(".tally")).to_contain_text("赞成 4")
    expect(page.locator(".tally")).to_contain_text("反对 1")

    approve = page.locator("#action-approve")
    approve.locator("> summary").click()
    approve.get_by_label("理由").fill("听证多数赞成，经费已落实，准予准入。")
    approve.get_by_role("button", name="准予准入").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("准入编号")
    with page.expect_navigation():
        dialog.get_by_role("button", name="准予准入").click()
    number = page.locator("[data-admission-number]")
    expect(number).to_have_text(re.compile(rf"^{world.a.district.code}-\d{{4}}-\d{{4}}$"))
    page.screenshot(path=artifact_path("admission-approved-desktop"), full_page=True)
    return number.inner_text()


def test_an_application_from_draft_to_a_verified_admission_number(
    page: Page, phone_page: Page, live_server, world
):
    _department_drafts_and_submits(page, live_server, world)
    _sign_out(page)

    number = _reviewer_decides(page, live_server, world)
    application = Application.objects.get(title=TITLE)
    assert application.state == Application.State.APPROVED
    assert application.hearing.participants.count() == 6
    _sign_out(page)

    # The department sees the number on its application, on a phone too.
    login(phone_page, live_server, world.a.department_staff.username, TEST_PASSWORD)
    phone_page.goto(f"{live_server.url}/applications/{application.pk}/")
    expect(phone_page.locator("[data-admission-number]")).to_have_text(number)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    phone_page.screenshot(path=artifact_path("admission-approved-phone"), full_page=True)
    phone_page.goto(f"{live_server.url}/applications/new/")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    phone_page.screenshot(path=artifact_path("admission-form-phone"), full_page=True)
    phone_page.context.clear_cookies()

    # Anyone, signed out, on a phone: the number is valid.
    phone_page.goto(f"{live_server.url}/verify/")
    phone_page.get_by_label("准入编号").fill(number)
    with phone_page.expect_navigation():
        phone_page.get_by_role("button", name="查验").click()
    verdict = phone_page.locator(".verdict")
    expect(verdict).to_contain_text("有效")
    expect(verdict).to_contain_text(TITLE)
    expect(verdict).to_contain_text(world.a.department.name)
    expect(phone_page.locator(".current-user")).to_have_count(0)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    phone_page.screenshot(path=artifact_path("verify-valid-phone"), full_page=True)

    phone_page.get_by_label("准入编号").fill("990102-2026-9999")
    with phone_page.expect_navigation():
        phone_page.get_by_role("button", name="查验").click()
    expect(phone_page.locator(".verdict")).to_contain_text("无效")
    phone_page.screenshot(path=artifact_path("verify-invalid-phone"), full_page=True)

    # The published list shows the new item, and prints for the wall without the page chrome.
    page.goto(f"{live_server.url}/lists/{world.a.district.code}/assist/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "A区依法协助政府工作事项清单（截至"
    )
    expect(page.get_by_role("rowheader", name=TITLE)).to_be_visible()
    page.screenshot(path=artifact_path("published-list-desktop"), full_page=True)
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".filter-bar")).to_be_hidden()
    page.screenshot(path=artifact_path("published-list-print"), full_page=True)
    page.pdf(
        path=str(artifact_path("published-list-print")).replace(".png", ".pdf"),
        prefer_css_page_size=True,
    )


def test_a_negative_list_match_is_shown_live_and_blocks_submission(page: Page, live_server, world):
    from registry.models import ListKind
    from tests.factories import WorkItemFactory

    WorkItemFactory(
        jurisdiction=world.city,
        list_kind=ListKind.NEGATIVE,
        admission_number=None,
        department=None,
        title="社区创建达标评比活动",
    )
    login(page, live_server, world.a.department_staff.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/applications/new/")

    page.get_by_label("事项名称").fill("文明社区创建达标评比")
    checks = page.locator("#live-checks")
    expect(checks).to_contain_text("提交被阻止")
    expect(checks).to_contain_text("社区创建达标评比活动")
    page.get_by_label("依法协助政府工作事项").check()
    page.get_by_label("法律法规依据").fill("无")
    page.get_by_role("checkbox", name=re.compile(f"^{world.a.street.name}全部")).check()
    page.get_by_label("每个社区每次所需工时（小时）").fill("1")
    page.get_by_role("button", name="保存并提交").click()
    with page.expect_navigation():
        page.get_by_role("dialog").get_by_role("button", name="提交").click()

    expect(page.locator(".messages")).to_contain_text("社区创建达标评比活动")
    expect(page.get_by_label("事项名称")).to_have_value("文明社区创建达标评比")
    assert Application.objects.count() == 0
    page.screenshot(path=artifact_path("admission-negative-match-desktop"), full_page=True)


def test_admission_pages_fit_a_phone(page: Page, phone_page: Page, live_server, world):
    """Every page of the workflow renders on a desktop and fits a 390px phone (tables scroll
    inside their own box); the screenshots are kept for a person to look at."""
    from decimal import Decimal

    from registry import services
    from registry.models import ListKind
    from tests.factories import WorkItemFactory

    item = WorkItemFactory(
        jurisdiction=world.a.district,
        department=world.a.department,
        title="人口抽样调查入户协助",
        scope=[world.a.street],
        data_fields=["姓名", "住址"],
    )
    WorkItemFactory(
        jurisdiction=world.a.district,
        list_kind=ListKind.NEGATIVE,
        admission_number=None,
        department=None,
        title="社区创建达标评比活动",
    )
    for n in range(3):
        application = services.application_create(
            actor=world.a.department_staff,
            department=world.a.department,
            scope=[world.a.community],
            title=f"第{n + 1}项申请：居民信息核对",
            list_kind="assist",
            legal_basis="《统计法》第七条",
            frequency="monthly",
            hours_per_occurrence=Decimal("2"),
            data_fields=["姓名", "住址"],
        )
        if n:
            services.application_submit(actor=world.a.department_staff, application=application)
    pages = {
        "department_staff": ["/workbench/department/", "/applications/"],
        "reviewer": [
            "/workbench/reviewer/",
            "/review/",
            f"/applications/{application.pk}/",
            "/work-items/",
            f"/work-items/{item.admission_number}/",
            "/lists/import/",
        ],
        None: ["/lists/", f"/lists/{world.a.district.code}/negative/", "/verify/"],
    }
    for role, paths in pages.items():
        for browser_page in (page, phone_page):
            browser_page.context.clear_cookies()
            if role:
                login(browser_page, live_server, world.a.user(role).username, TEST_PASSWORD)
            for path in paths:
                response = browser_page.goto(f"{live_server.url}{path}")
                assert response.status == 200, path
                name = re.sub(r"[^a-z0-9]+", "-", path.strip("/")) or "home"
                size = "phone" if browser_page is phone_page else "desktop"
                browser_page.screenshot(path=artifact_path(f"pages-{size}-{name}"), full_page=True)
                if browser_page is phone_page:
                    width = browser_page.evaluate("document.documentElement.scrollWidth")
                    assert width <= 390, f"{path} is {width}px wide on a phone"
