"""The supervisor's and the cadre's workbench, with the sections the apps plug in (loaded by
htmx), at desktop and phone width: every section arrives and nothing sticks out sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from registry.models import Role
from tests.e2e.conftest import artifact_path, login
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.e2e

WIDTHS = {"desktop": 1366, "phone": 390}
# role -> (workbench heading, a heading each plugged-in section shows once loaded)
BENCHES = {
    Role.SUPERVISOR: ("督查工作台", ["待办事项", "督查"]),
    Role.COMMUNITY_CADRE: ("社区工作台", ["待办事项", "基层减负"]),
}


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("role", list(BENCHES))
def test_workbench_shows_its_sections_and_fits_the_screen(page, live_server, world, role, width):
    pixels = WIDTHS[width]
    page.set_viewport_size({"width": pixels, "height": 900})
    heading, sections = BENCHES[role]

    login(page, live_server, world.a.user(role).username, TEST_PASSWORD)

    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    for section in sections:
        expect(page.get_by_role("heading", level=2, name=section)).to_be_visible()
    # Every lazily loaded section has replaced its placeholder.
    expect(page.locator(".lazy-section[aria-busy='true']")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= pixels
    page.screenshot(path=artifact_path(f"workbench-{role}-{width}"), full_page=True)
