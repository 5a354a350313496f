"""Certificates in a real browser, on a phone: a resident looks up where to go; a cadre is
refused a prohibited certificate and prints the notice, then issues a retained one."""

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


@pytest.fixture(autouse=True)
def national_batch(transactional_db):
    # live_server tests flush the tables afterwards, migration data included.
    load_national_batch(CertificateType)


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_resident_finds_where_to_go_for_a_certificate_of_no_criminal_record(
    phone_page, live_server
):
    page = phone_page
    page.goto(f"{live_server.url}/certificates/lookup/")
    expect(page.get_by_role("heading", level=1)).to_have_text("证明事项查询")
    assert fits_the_screen(page)
    page.screenshot(path=artifact_path("certificates-lookup-phone-list"), full_page=True)

    page.get_by_label("您被要求开具什么证明？").fill("无犯罪记录证明")
    with page.expect_navigation():
        page.get_by_role("button", name="查询").tap()

    card = page.get_by_role("article").filter(has_text="无犯罪记录证明")
    expect(card).to_contain_text("社区不出具")
    expect(card).to_contain_text("公安机关出具")
    assert fits_the_screen(page)
    page.screenshot(path=artifact_path("certificates-lookup-phone-result"), full_page=True)

    with page.expect_navigation():
        card.get_by_role("link", name="无犯罪记录证明").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("无犯罪记录证明")
    expect(page.get_by_text("社区居委会和村委会不出具该证明。")).to_be_visible()


def test_a_cadre_is_refused_prints_the_notice_then_issues_a_retained_type(
    phone_page, live_server, world
):
    retained_type(world, "居住证明")
    page = phone_page
    login(page, live_server, world.a.cadre.username, TEST_PASSWORD)

    page.goto(f"{live_server.url}/certificates/issue/")
    expect(page.get_by_role("heading", level=1)).to_have_text("出具证明")
    page.get_by_label("申请的证明事项").select_option(label="无犯罪记录证明")
    hint = page.locator("[data-prohibited-hint]")
    expect(hint).to_be_visible()
    expect(hint).to_contain_text("公安机关出具")
    page.get_by_label("申请人姓名").fill("赵敏")
    page.get_by_label("申请人身份证号码").fill(id_number(5))
    page.get_by_label("用途").fill("入职")
    page.get_by_label("要求出具证明的单位").fill("示范人力资源服务有限公司")
    page.screenshot(path=artifact_path("certificates-issue-phone-prohibited"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="登记不予出具").tap()

    refusal = page.get_by_role("alert").filter(has_text="社区不应出具")
    expect(refusal).to_contain_text("公安机关出具")
    expect(refusal).to_contain_text("示范人力资源服务有限公司")
    assert fits_the_screen(page)
    with page.expect_navigation():
        refusal.get_by_role("link", name="打印不予出具告知书").tap()

    expect(page.get_by_role("heading", level=1)).to_have_text("不予出具告知书")
    notice = page.locator("article.refusal-notice")
    expect(notice).to_contain_text("赵敏")
    expect(notice).to_contain_text("公安机关出具")
    expect(notice.locator("svg")).to_be_visible()
    assert re.search(r"/certificates/types/\d+/", notice.inner_text())
    assert fits_the_screen(page)
    page.screenshot(path=artifact_path("certificates-notice-phone"), full_page=True)
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="打印告知书")).to_be_hidden()
    page.screenshot(path=artifact_path("certificates-notice-print"), full_page=True)
    page.emulate_media(media="screen")

    page.goto(f"{live_server.url}/certificates/issue/")
    page.get_by_label("申请的证明事项").select_option(label="居住证明")
    expect(page.locator("[data-prohibited-hint]")).to_be_hidden()
    page.get_by_label("申请人姓名").fill("王秀英")
    page.get_by_label("申请人身份证号码").fill(id_number(6))
    page.get_by_label("用途").fill("办理居住证")
    page.get_by_label("要求出具证明的单位").fill("示范市公安局东城分局")
    with page.expect_navigation():
        page.get_by_role("button", name="登记出具").tap()

    # Issue 14 item 9: the certificate to print comes first, then the register.
    expect(page.get_by_role("heading", level=1)).to_have_text("居住证明")
    expect(page.locator("article.certificate-sheet")).to_contain_text(id_number(6))
    page.get_by_role("link", name="返回登记簿").tap()
    page.wait_for_url(re.compile(r"/certificates/register/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("证明出具登记簿")
    row = page.get_by_role("row").filter(has_text="王秀英")
    expect(row).to_contain_text("居住证明")
    expect(row).to_contain_text(re.compile(r"\d{4}-0001"))
    refused = page.get_by_role("row").filter(has_text="赵敏")
    expect(refused).to_contain_text("无犯罪记录证明")
    assert fits_the_screen(page)
    page.screenshot(path=artifact_path("certificates-register-phone"), full_page=True)
