"""Issue 12 in a real browser: a cadre rates two departments on a phone; the supervisor sees
the results beside the measured facts and closes the round (asked first); the department
then sees only its own row. Every page fits its screen at 390 and 1366 px."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from monitoring import services
from monitoring.models import EvaluationRating
from tests.e2e.conftest import PHONE, _open_page, artifact_path, login
from tests.factories import TEST_PASSWORD
from tests.monitoring.evaluation_world import (
    DIMENSIONS,
    answer,
    dispatch,
    ratings,
    second_department,
)

pytestmark = pytest.mark.e2e
DESKTOP = {"width": 1366, "height": 900}


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def look(page, name: str) -> None:
    """Both widths: the page fits each, and a screenshot of each is kept."""
    for label, size in (("desktop", DESKTOP), ("phone", {"width": 390, "height": 844})):
        page.set_viewport_size(size)
        assert fits(page), f"{name} is wider than {size['width']} px"
        page.screenshot(path=artifact_path(f"evaluation-{name}-{label}"), full_page=True)


@pytest.fixture
def a_round(world, settings):
    settings.PORTAL = {**settings.PORTAL, "EVALUATION_MIN_RESPONSES": 2}
    other = second_department(world)
    communities = [world.a.community, world.a.community2]
    dispatch(world, world.a.department, communities)
    dispatch(world, other, communities, title="健康档案更新")
    today = timezone.localdate()
    evaluation_round = services.evaluation_round_open(
        actor=world.a.supervisor,
        area=world.a.district,
        title="本月反向评价",
        period_from=today - datetime.timedelta(days=30),
        period_until=today,
        opens_on=today,
        closes_on=today + datetime.timedelta(days=10),
    )
    # Community 2 has answered already; community 1's cadre answers in the browser.
    answer(world, evaluation_round, world.a.community2, ratings(world.a.department), ratings(other))
    return evaluation_round, other


def test_a_cadre_rates_two_departments_and_the_department_sees_only_its_row(
    browser, request, live_server, world, a_round
):
    evaluation_round, other = a_round

    # The cadre, on a phone: from the rounds to the form; two departments, four rows each.
    phone = _open_page(browser, request, **PHONE)
    login(phone, live_server, world.a.cadre.username, TEST_PASSWORD)
    phone.goto(f"{live_server.url}/monitoring/evaluation/")
    with phone.expect_navigation():
        phone.get_by_role("link", name="评价部门").first.tap()
    cards = phone.locator("fieldset.evaluation-department")
    expect(cards).to_have_count(2)
    expect(phone.locator("main")).to_contain_text("1分：会议多、文件多")
    assert fits(phone)
    for department, scores in ((world.a.department, "2345"), (other, "1122")):
        card = phone.locator(f'[data-department="{department.code}"]')
        for group, score in zip(card.locator(".score-scale").all(), scores, strict=True):
            group.get_by_role("radio", name=score, exact=True).check()
    phone.locator(f'[data-department="{world.a.department.code}"]').get_by_label(
        "意见（选填）"
    ).fill("会议通知太临时")
    phone.screenshot(path=artifact_path("evaluation-form-phone-filled"), full_page=True)
    with phone.expect_navigation():
        phone.get_by_role("button", name="保存答卷").tap()
    expect(phone.get_by_role("status").first).to_contain_text("答卷已保存")
    assert EvaluationRating.objects.filter(response__community=world.a.community).count() == 8
    look(phone, "form")

    # The supervisor, at a desk: results beside the facts, both departments ranked.
    desk = _open_page(browser, request, viewport=DESKTOP)
    login(desk, live_server, world.a.supervisor.username, TEST_PASSWORD)
    desk.goto(f"{live_server.url}/monitoring/evaluation/{evaluation_round.pk}/")
    results = desk.locator("[data-results]")
    expect(results.locator("tbody tr")).to_have_count(2)
    expect(results).to_contain_text("拒收率")
    bureau = results.locator(f'tr[data-department="{world.a.department.code}"]')
    expect(bureau).to_contain_text("3.00")  # (2 + 4) / 2 on meetings and documents
    expect(desk.locator("main")).to_contain_text("会议通知太临时")
    expect(desk.locator("main")).not_to_contain_text(world.a.cadre.display_name)
    look(desk, "results-supervisor")
    desk.set_viewport_size(DESKTOP)
    desk.get_by_role("button", name="立即结束本轮评价").click()
    dialog = desk.get_by_role("dialog")
    expect(dialog).to_contain_text("结束后社区不能再作答")
    with desk.expect_navigation():
        dialog.get_by_role("button", name="立即结束本轮评价").click()
    expect(desk.get_by_role("status").first).to_contain_text("本轮评价已结束")
    desk.emulate_media(media="print")
    desk.screenshot(path=artifact_path("evaluation-results-print"), full_page=True)
    desk.emulate_media(media="screen")

    # The department: its own row only; no comment, no community, no other department.
    staff = _open_page(browser, request, **PHONE)
    login(staff, live_server, world.a.department_staff.username, TEST_PASSWORD)
    staff.goto(f"{live_server.url}/monitoring/evaluation/{evaluation_round.pk}/")
    rows = staff.locator("[data-results] tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(world.a.department.name)
    main = staff.locator("main")
    for secret in (
        other.name,
        "会议通知太临时",
        world.a.community.name,
        world.a.cadre.display_name,
    ):
        expect(main).not_to_contain_text(secret)
    look(staff, "results-department")
    assert len(DIMENSIONS) == 4
