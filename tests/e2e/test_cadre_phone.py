"""Issue 14 item 10: the cadre's daily screens at 1366 px and on a 390 px phone. The
register's print and notice actions are within reach, the reports list and the register
are cards on a phone, the to-do comes before the organisation table, and the inbox's state
chips wrap instead of running off the screen. No page is wider than its screen."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from certificates import services as certificate_services
from certificates.models import CertificateType
from certificates.national import load_national_batch
from monitoring import services as monitoring_services
from tests.certificates.helpers import id_number, issue, national, retained_type
from tests.e2e.conftest import artifact_path, login
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.e2e

WIDTHS = {"desktop": 1366, "phone": 390}


@pytest.fixture(params=list(WIDTHS))
def screen(request):
    return request.param, request.getfixturevalue(f"{request.param}_page")


@pytest.fixture
def daily(transactional_db, world):
    load_national_batch(CertificateType)
    residence = retained_type(world, "居住证明")
    for index in range(2):
        issue(world, residence, applicant_id_number=id_number(index))
    with pytest.raises(certificate_services.CertificateProhibited):
        issue(world, national(), requested_by="示范人力资源服务有限公司")
    for title in ("微信群通知三天内上报辖区空置房屋情况并附照片", "电话要求统计商户"):
        monitoring_services.offplatform_report_create(
            actor=world.a.cadre,
            community=world.a.community,
            department=world.a.department,
            title=title,
            channel="wechat",
            received_on=datetime.date.today(),
            hours=3,
        )
    return world


def fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") == width


def within_screen(locator, width: int) -> None:
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, box


def test_the_cadres_daily_screens_fit_and_keep_their_actions_in_reach(screen, live_server, daily):
    name, page = screen
    width = WIDTHS[name]
    login(page, live_server, daily.a.cadre.username, TEST_PASSWORD)

    # The workbench: what is to do before the organisations the role is held in.
    page.wait_for_load_state("networkidle")  # the lazily loaded sections are in
    todo = page.get_by_role("heading", name="待办事项")
    organisations = page.get_by_role("heading", name="我的组织机构")
    expect(todo).to_be_visible()
    expect(organisations).to_be_visible()
    assert todo.bounding_box()["y"] < organisations.bounding_box()["y"]
    fits(page, width)
    page.screenshot(path=artifact_path(f"cadre-workbench-{name}"), full_page=True)

    # The register: each line's print action and each refusal's notice within the screen.
    page.goto(f"{live_server.url}/certificates/register/")
    prints = page.get_by_role("link", name="打印", exact=True)
    expect(prints).to_have_count(2)
    for index in range(2):
        within_screen(prints.nth(index), width)
    notice = page.get_by_role("link", name="不予出具告知书")
    within_screen(notice, width)
    header_height = page.locator("table.table--cards thead").first.evaluate(
        "el => el.getBoundingClientRect().height"
    )
    assert (header_height > 10) == (name == "desktop")  # a table on the desk, cards on a phone
    fits(page, width)
    page.screenshot(path=artifact_path(f"cadre-register-{name}"), full_page=True)
    with page.expect_navigation():
        prints.first.click()
    expect(page.get_by_role("button", name="显示待打印的证明")).to_be_visible()

    # The reports list: cards on a phone, nothing scrolls sideways inside its box either.
    page.goto(f"{live_server.url}/monitoring/reports/")
    expect(page.get_by_text("微信群通知三天内上报辖区空置房屋情况并附照片")).to_be_visible()
    box = page.locator(".table-wrap").first
    assert box.evaluate("el => el.scrollWidth <= el.clientWidth")
    if name == "phone":
        expect(page.locator("td[data-label='部门']").first).to_be_visible()
    fits(page, width)
    page.screenshot(path=artifact_path(f"cadre-reports-{name}"), full_page=True)

    # The inbox: every state chip on the screen (they wrap).
    page.goto(f"{live_server.url}/inbox/")
    chips = page.locator(".filter-tabs a")
    assert chips.count() >= 4
    for index in range(chips.count()):
        within_screen(chips.nth(index), width)
    fits(page, width)
    page.screenshot(path=artifact_path(f"cadre-inbox-{name}"), full_page=True)
