"""Each role signs in through the login form and lands on its own workbench, in Chinese."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from registry.models import Role
from tests.e2e.conftest import artifact_path, login
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.e2e

# role -> (heading, which of the jurisdiction's organisations the user belongs to)
HOMES = {
    Role.DEPARTMENT_STAFF: ("部门工作台", "department"),
    Role.REVIEWER: ("准入审核工作台", "district"),
    Role.COMMUNITY_CADRE: ("社区工作台", "community"),
    Role.LIAISON: ("监测点工作台", "community"),
    Role.SUPERVISOR: ("督查工作台", "district"),
    Role.AREA_ADMINISTRATOR: ("账号管理工作台", "district"),
}


@pytest.mark.parametrize("role", list(HOMES))
def test_each_role_signs_in_and_sees_its_home(page, live_server, world, role):
    user = world.a.user(role)
    heading, organisation = HOMES[role]

    login(page, live_server, user.username, TEST_PASSWORD)

    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_role("rowheader", name=getattr(world.a, organisation).name)).to_be_visible()
    expect(page.locator(".current-user")).to_contain_text(user.display_name)
    expect(page.get_by_role("link", name=heading)).to_have_attribute("aria-current", "page")
    page.screenshot(path=artifact_path(f"home-desktop-{role}"), full_page=True)


def test_the_area_administrator_imports_their_district_s_cadres_on_a_phone(
    phone_page, live_server, world, tmp_path
):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["姓名", "手机号码", "组织机构代码", "角色"])
    book.active.append(["张三", "13800000001", world.a.community.code, "社区干部"])
    book.active.append(["王五", "13900000003", world.b.community.code, "社区干部"])
    bad = tmp_path / "mixed.xlsx"
    book.save(bad)
    login(phone_page, live_server, world.a.administrator.username, TEST_PASSWORD)
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("账号管理工作台")
    phone_page.get_by_role("link", name="从 Excel 导入账号").click()
    phone_page.set_input_files("input[type=file]", str(bad))
    phone_page.get_by_role("button", name="检查并导入").click()
    expect(phone_page.get_by_text("该组织机构不在您管辖的区域内。")).to_be_visible()
    phone_page.screenshot(path=artifact_path("accounts-import-phone-outside-area"), full_page=True)
    book.active.delete_rows(3)
    good = tmp_path / "good.xlsx"
    book.save(good)
    phone_page.set_input_files("input[type=file]", str(good))
    phone_page.get_by_role("button", name="检查并导入").click()
    expect(phone_page.get_by_role("cell", name="张三")).to_be_visible()
    phone_page.screenshot(path=artifact_path("accounts-import-phone-credentials"), full_page=True)


def test_wrong_password_keeps_the_person_on_the_login_page(phone_page, live_server, world):
    login(phone_page, live_server, world.a.cadre.username, "not-the-password")

    expect(phone_page.get_by_role("alert")).to_contain_text("用户名或密码不正确")
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("登录")
    expect(phone_page.get_by_label("用户名")).to_have_value(world.a.cadre.username)
    phone_page.screenshot(path=artifact_path("login-phone-wrong-password"), full_page=True)


def test_phone_menu_opens_and_page_fits_the_screen(phone_page, live_server, world):
    page = phone_page
    login(page, live_server, world.a.cadre.username, TEST_PASSWORD)

    expect(page.get_by_role("heading", level=1)).to_have_text("社区工作台")
    expect(page.get_by_text(world.a.community.name).first).to_be_visible()
    # Nothing sticks out sideways at phone width (tables scroll inside their own box).
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=artifact_path("home-phone-community_cadre"), full_page=True)

    menu = page.get_by_role("button", name="菜单")
    sign_out = page.get_by_role("button", name="退出登录")
    expect(sign_out).to_be_hidden()
    menu.tap()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("link", name="社区工作台")).to_be_visible()
    page.screenshot(path=artifact_path("home-phone-menu-open"))

    with page.expect_navigation():
        sign_out.tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("登录")
    expect(page.get_by_text("您已安全退出")).to_be_visible()


def test_confirm_dialog_asks_before_a_destructive_action(page, live_server, world):
    login(page, live_server, world.a.cadre.username, TEST_PASSWORD)
    # Any form with data-confirm gets the dialog; this one stands in for "revoke".
    page.evaluate(
        """() => document.querySelector("main").insertAdjacentHTML("beforeend",
            '<form action="/no-such-page/" data-confirm="确定撤销该事项吗？"' +
            ' data-confirm-label="撤销"><button>撤销事项</button></form>')"""
    )
    start = page.url

    page.get_by_role("button", name="撤销事项").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("确定撤销该事项吗？")
    dialog.get_by_role("button", name="取消").click()
    expect(dialog).to_be_hidden()
    assert page.url == start

    page.get_by_role("button", name="撤销事项").click()
    with page.expect_navigation():
        dialog.get_by_role("button", name="撤销").click()
    assert "/no-such-page/" in page.url
