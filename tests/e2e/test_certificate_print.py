"""Issue 14 item 9 in a real browser, at 1366 px and on a 390 px phone: a cadre issues a
certificate and prints it at once (the fact certified, the full ID number, the QR code);
a bank checks the code on the public page; a reprint asks for the number again; after a
refusal the form is empty for the next resident."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from certificates.models import CertificateType
from certificates.national import load_national_batch
from tests.certificates.helpers import id_number, retained_type
from tests.e2e.conftest import artifact_path, login
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.e2e

WIDTHS = {"desktop": 1366, "phone": 390}


@pytest.fixture(autouse=True)
def national_batch(transactional_db):
    load_national_batch(CertificateType)


@pytest.fixture(params=list(WIDTHS))
def screen(request):
    return request.param, request.getfixturevalue(f"{request.param}_page")


def assert_fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") == width


def test_issue_print_verify_and_reprint(screen, live_server, world):
    name, page = screen
    width = WIDTHS[name]
    retained_type(world, "居住证明")
    number = id_number(31, birth="19650315")
    login(page, live_server, world.a.cadre.username, TEST_PASSWORD)

    page.goto(f"{live_server.url}/certificates/issue/")
    page.get_by_label("申请的证明事项").select_option(label="居住证明")
    page.get_by_label("申请人姓名").fill("王秀英")
    page.get_by_label("申请人身份证号码").fill(number)
    page.get_by_label("用途").fill("办理贷款")
    page.get_by_label("要求出具证明的单位").fill("示范市农商银行")
    page.get_by_label("证明内容").fill("该居民自2019年3月起在本社区幸福里12号居住。")
    with page.expect_navigation():
        page.get_by_role("button", name="登记出具").click()

    sheet = page.locator("article.certificate-sheet")
    expect(page.get_by_role("heading", level=1)).to_have_text("居住证明")
    expect(sheet).to_contain_text(number)
    expect(sheet).to_contain_text("幸福里12号居住")
    expect(sheet).to_contain_text("经本委员会核实")
    expect(sheet.locator("svg")).to_be_visible()
    assert_fits(page, width)
    page.screenshot(path=artifact_path(f"certificate-print-{name}"), full_page=True)
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="打印")).to_be_hidden()
    page.emulate_media(media="screen")

    # The bank follows the QR code's address, signed out.
    verify_url = sheet.locator(".refusal-notice__url").inner_text()
    assert re.search(r"/certificates/verify/\?code=[A-Z0-9]{12}$", verify_url)
    page.context.clear_cookies()
    page.goto(verify_url)
    verdict = page.locator(".verdict")
    expect(verdict).to_contain_text("有效")
    expect(verdict).to_contain_text("居住证明")
    expect(verdict).to_contain_text(world.a.community.name)
    expect(page.locator("main")).not_to_contain_text("王秀英")
    assert_fits(page, width)
    page.screenshot(path=artifact_path(f"certificate-verify-{name}"), full_page=True)

    # A reprint asks for the number again.
    login(page, live_server, world.a.cadre.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/certificates/register/")
    with page.expect_navigation():
        page.get_by_role("link", name="打印", exact=True).first.click()
    expect(page.locator("main")).not_to_contain_text(number)
    page.get_by_label("申请人身份证号码").fill(id_number(32, birth="19650315"))
    with page.expect_navigation():
        page.get_by_role("button", name="显示待打印的证明").click()
    expect(page.locator("main")).to_contain_text("不一致")
    assert_fits(page, width)
    page.screenshot(path=artifact_path(f"certificate-reprint-refused-{name}"), full_page=True)
    page.get_by_label("申请人身份证号码").fill(number)
    with page.expect_navigation():
        page.get_by_role("button", name="显示待打印的证明").click()
    expect(page.locator("article.certificate-sheet")).to_contain_text(number)


def test_after_a_refusal_the_form_is_empty(screen, live_server, world):
    name, page = screen
    login(page, live_server, world.a.cadre.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/certificates/issue/")
    page.get_by_label("申请的证明事项").select_option(label="无犯罪记录证明")
    page.get_by_label("申请人姓名").fill("赵敏")
    page.get_by_label("申请人身份证号码").fill(id_number(5))
    page.get_by_label("用途").fill("入职")
    page.get_by_label("要求出具证明的单位").fill("示范人力资源服务有限公司")
    with page.expect_navigation():
        page.get_by_role("button", name="登记不予出具").click()
    expect(page.get_by_role("alert").filter(has_text="社区不应出具")).to_be_visible()
    expect(page.get_by_label("申请人姓名")).to_have_value("")
    expect(page.get_by_label("要求出具证明的单位")).to_have_value("")
    expect(page.get_by_label("申请的证明事项")).to_have_value("")
    assert_fits(page, WIDTHS[name])
    page.screenshot(path=artifact_path(f"certificate-refusal-cleared-{name}"), full_page=True)
