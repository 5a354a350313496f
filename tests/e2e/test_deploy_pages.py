"""The first week in a browser: the division-code preview and the one-time credentials
sheet, on a desktop and on a phone, and a forced password change at first sign-in."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import Workbook
from playwright.sync_api import expect

from registry import services
from tests.e2e.conftest import artifact_path, login
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.e2e

EDITION_2025 = Path(settings.BASE_DIR) / "registry" / "demo" / "data" / "divisions-2025.csv"


def _admin_with_password(world):
    world.admin.set_password(TEST_PASSWORD)
    world.admin.save(update_fields=["password"])
    return world.admin


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_division_preview_lists_the_changes_and_fits(
    page, phone_page, live_server, world, size
):
    tab = page if size == "desktop" else phone_page
    width = 1366 if size == "desktop" else 390
    if size == "desktop":
        tab.set_viewport_size({"width": 1366, "height": 900})
    admin = _admin_with_password(world)
    login(tab, live_server, admin.username, TEST_PASSWORD)
    tab.goto(f"{live_server.url}/divisions/import/")
    expect(tab.get_by_role("heading", level=1)).to_have_text("导入区划代码")
    tab.get_by_label("区划代码文件（CSV 或 .xlsx）").set_input_files(str(EDITION_2025))
    with tab.expect_navigation():
        tab.get_by_role("button", name="检查并预览").click()
    expect(tab.get_by_role("heading", name="新增 · 16")).to_be_visible()
    expect(tab.get_by_text("湖滨社区居委会")).to_be_visible()
    expect(tab.get_by_role("button", name="应用变更")).to_be_visible()
    assert tab.evaluate("document.documentElement.scrollWidth") <= width
    tab.screenshot(path=artifact_path(f"division-preview-{size}"), full_page=True)


def test_imported_credentials_show_once_and_force_a_new_password(
    page, browser, live_server, world, request
):
    page.set_viewport_size({"width": 1366, "height": 900})
    admin = _admin_with_password(world)
    book = Workbook()
    book.active.append(["姓名", "手机号码", "组织机构代码", "角色"])
    book.active.append(["张三", "13800000001", world.a.community.code, "社区干部"])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = artifact_path("accounts-upload").with_suffix(".xlsx")
    upload.write_bytes(buffer.getvalue())

    login(page, live_server, admin.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/accounts/import/")
    page.get_by_label("Excel 工作簿（.xlsx）").set_input_files(str(upload))
    with page.expect_navigation():
        page.get_by_role("button", name="检查并导入").click()
    expect(page.get_by_text("这些密码只显示这一次")).to_be_visible()
    row = page.get_by_role("row", name="张三")
    username = row.locator("code").nth(0).inner_text()
    password = row.locator("code").nth(1).inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    page.screenshot(path=artifact_path("accounts-credentials-desktop"), full_page=True)

    cadre = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    request.addfinalizer(cadre.close)
    phone = cadre.new_page()
    login(phone, live_server, username, password)
    expect(phone.get_by_role("heading", level=1)).to_have_text("设置您的密码")
    phone.screenshot(path=artifact_path("password-change-phone-before"), full_page=True)
    # One form only: the header's htmx fragments are not answered with the password page.
    expect(phone.locator("form input[name=old_password]")).to_have_count(1)
    phone.get_by_label("旧密码").fill(password)
    # The labels end in a "*" (required): 新密码 is a prefix of 新密码确认, so by id.
    phone.locator("#id_new_password1").fill("Lantern-river-42")
    phone.get_by_label("新密码确认").fill("Lantern-river-42")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=artifact_path("password-change-phone"), full_page=True)
    with phone.expect_navigation():
        phone.get_by_role("button", name="修改密码").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("社区工作台")
    assert services  # the import went through the service the page calls
