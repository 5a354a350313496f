"""A supervisor's wide views in a real browser, at 1366 and 390 px (issue 17 item 2): the
register page of an area with more communities than a list can hold asks for a code
(no 20,000-option dropdown), and finds that community's register; the inbox over the area
shows its tabs without counting every task."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import artifact_path, login
from tests.factories import TEST_PASSWORD, CommunityFactory

pytestmark = pytest.mark.e2e

WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def fits(page, width: int) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("size", WIDTHS)
def test_a_supervisor_types_a_community_code_on_the_register_page(page, live_server, world, size):
    viewport = WIDTHS[size]
    page.set_viewport_size(viewport)
    many = [CommunityFactory(parent=world.a.street) for _ in range(55)]
    login(page, live_server, world.a.supervisor.username, TEST_PASSWORD)

    page.goto(f"{live_server.url}/certificates/register/")
    field = page.get_by_label("社区编码")
    expect(field).to_be_visible()
    assert page.locator("select#filter-community").count() == 0
    assert fits(page, viewport["width"])
    page.screenshot(path=artifact_path(f"register-code-field-{size}"), full_page=True)

    field.fill(many[7].code)
    with page.expect_navigation():
        page.get_by_role("button", name="显示").click()
    expect(page.locator(".identity__name")).to_have_text(many[7].name)
    assert fits(page, viewport["width"])

    page.goto(f"{live_server.url}/inbox/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.locator(".filter-tabs__count").count() == 0
    assert fits(page, viewport["width"])
    page.screenshot(path=artifact_path(f"supervisor-inbox-{size}"), full_page=True)
