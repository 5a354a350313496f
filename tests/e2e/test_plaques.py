"""Plaques in a real browser: a cadre on a phone adds a sign with a photo taken on the spot,
sees it flagged as beyond the standard, records its removal with a photo of the bare wall;
the district's supervisor, on a desktop, sees the count drop."""

from __future__ import annotations

import datetime
import io

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from signage import services
from tests.e2e.conftest import artifact_path, login
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.e2e
PHONE_WIDTH = 390
DESKTOP = {"width": 1366, "height": 900}


def fits(page: Page, width: int) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= width


def photo_file(tmp_path, name: str, colour) -> str:
    """A JPEG as a phone writes it: with the camera's make and a GPS position in EXIF."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (30.0, 0.0, 0.0), 3: "E", 4: (112.0, 0.0, 0.0)}
    path = tmp_path / name
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), colour).save(buffer, format="JPEG", exif=exif)
    path.write_bytes(buffer.getvalue())
    return str(path)


@pytest.fixture
def district_standard(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    services.plaque_standard_create(
        actor=world.a.reviewer,
        area=world.a.district,
        named_signs=["居民委员会", "党群服务中心"],
        max_exterior=3,
        max_interior=4,
        kinds_not_allowed=["rules"],
        effective_from=datetime.date.today() - datetime.timedelta(days=30),
    )


def supervisor_row(page: Page, live_server, world):
    page.goto(f"{live_server.url}/plaques/?area={world.a.district.code}")
    expect(page.get_by_role("heading", level=1)).to_have_text("牌匾")
    return page.locator(f'tr[data-community="{world.a.community.code}"]')


def test_a_cadre_adds_a_sign_with_a_photo_sees_it_excess_and_records_its_removal(
    phone_page, page, live_server, world, district_standard, tmp_path
):
    cadre = phone_page
    login(cadre, live_server, world.a.cadre.username, TEST_PASSWORD)
    cadre.goto(f"{live_server.url}/plaques/")
    expect(cadre.get_by_role("heading", level=1)).to_have_text("牌匾台账")
    expect(cadre.get_by_text("尚未登记牌匾")).to_be_visible()
    assert fits(cadre, PHONE_WIDTH)
    cadre.screenshot(path=artifact_path("plaques-phone-empty"), full_page=True)

    with cadre.expect_navigation():
        cadre.get_by_role("link", name="登记牌匾").tap()
    expect(cadre.get_by_role("heading", level=1)).to_have_text("登记牌匾")
    cadre.get_by_label("牌匾照片").set_input_files(photo_file(tmp_path, "sign.jpg", (190, 30, 30)))
    cadre.get_by_label("牌匾名称").fill("平安建设示范社区")
    cadre.get_by_label("类型").select_option(label="宣传牌")
    cadre.get_by_label("室外").check()
    cadre.get_by_label("悬挂位置").fill("院墙东侧")
    assert fits(cadre, PHONE_WIDTH)
    cadre.screenshot(path=artifact_path("plaques-phone-add"), full_page=True)
    with cadre.expect_navigation():
        cadre.get_by_role("button", name="保存牌匾").tap()

    expect(cadre.get_by_role("heading", level=1)).to_have_text("平安建设示范社区")
    expect(cadre.get_by_role("status")).to_contain_text("超出标准")
    expect(cadre.get_by_role("alert")).to_contain_text("不是规定保留的牌子，也没有有效准入事项对应")
    expect(cadre.get_by_role("img", name="“平安建设示范社区”的照片")).to_be_visible()
    assert fits(cadre, PHONE_WIDTH)
    cadre.screenshot(path=artifact_path("plaques-phone-excess"), full_page=True)

    # In the registry, the sign shows with its thumbnail and the reason it is excess.
    cadre.goto(f"{live_server.url}/plaques/")
    card = cadre.locator("li.plaque-card").filter(has_text="平安建设示范社区")
    expect(card).to_contain_text("超出标准")
    expect(card.get_by_role("img")).to_be_visible()
    expect(cadre.locator('[data-figure="excess"]')).to_have_text("1")
    assert fits(cadre, PHONE_WIDTH)
    cadre.screenshot(path=artifact_path("plaques-phone-registry"), full_page=True)
    with cadre.expect_navigation():
        card.get_by_role("link").tap()

    # The district's supervisor, at a desk, sees the sign counted as excess.
    page.set_viewport_size(DESKTOP)
    login(page, live_server, world.a.supervisor.username, TEST_PASSWORD)
    row = supervisor_row(page, live_server, world)
    expect(row.locator("td").nth(0)).to_have_text("1")  # up
    expect(row.locator("td").nth(3)).to_have_text("1")  # beyond the standard
    assert fits(page, DESKTOP["width"])
    page.screenshot(path=artifact_path("plaques-desktop-summary-before"), full_page=True)

    # Back on the phone: the removal, with a photo of the bare wall, after a confirmation.
    cadre.get_by_label("理由").fill("不在标准清单内，已摘除")
    cadre.get_by_label("摘牌后墙面照片").set_input_files(
        photo_file(tmp_path, "wall.jpg", (214, 208, 196))
    )
    cadre.get_by_role("button", name="登记摘牌").tap()
    dialog = cadre.locator("dialog[data-confirm-dialog]")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("不能恢复为在挂")
    cadre.screenshot(path=artifact_path("plaques-phone-confirm"), full_page=True)
    with cadre.expect_navigation():
        dialog.get_by_role("button", name="登记摘牌").tap()
    expect(cadre.get_by_role("status")).to_contain_text("已登记摘牌")
    expect(cadre.locator(".page-header")).to_contain_text("已摘除")
    expect(cadre.get_by_role("img", name="摘牌后墙面照片")).to_be_visible()
    expect(cadre.get_by_role("button", name="登记摘牌")).to_have_count(0)
    assert fits(cadre, PHONE_WIDTH)
    cadre.screenshot(path=artifact_path("plaques-phone-removed"), full_page=True)

    # The supervisor sees the count drop: nothing up, nothing excess, one removed this year.
    row = supervisor_row(page, live_server, world)
    expect(row.locator("td").nth(0)).to_have_text("0")
    expect(row.locator("td").nth(3)).to_have_text("0")
    expect(row.locator("td").nth(4)).to_have_text("1")
    expect(page.locator('[data-figure="removed"]')).to_have_text("1")
    page.screenshot(path=artifact_path("plaques-desktop-summary-after"), full_page=True)
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
    assert fits(page, PHONE_WIDTH)
    page.screenshot(path=artifact_path("plaques-phone-summary-after"), full_page=True)
