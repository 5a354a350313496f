"""Pages that run third-party scripts still work under the Content-Security-Policy
(hardening, item 9): the Swagger UI, the admin, and a locked-out sign-in in red."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import artifact_path

pytestmark = pytest.mark.e2e


def test_the_swagger_ui_renders_its_operations_under_the_policy(page, live_server, world):
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".opblock").first).to_be_visible()
    page.screenshot(path=artifact_path("csp-swagger"), full_page=False)


def test_the_admin_sign_in_renders_under_the_policy(page, live_server, world):
    page.goto(f"{live_server.url}{reverse('admin:login')}")
    expect(page.locator("#id_username")).to_be_visible()


def test_a_locked_out_person_reads_why_on_a_phone(phone_page, live_server, world, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(3):
        phone_page.goto(f"{live_server.url}/accounts/login/")
        phone_page.get_by_label("用户名").fill(world.a.cadre.username)
        phone_page.get_by_label("密码").fill("wrong-password")
        phone_page.get_by_role("button", name="登录").click()
    expect(phone_page.get_by_role("alert").first).to_contain_text("登录失败次数过多")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    phone_page.screenshot(path=artifact_path("login-locked-phone"), full_page=True)
