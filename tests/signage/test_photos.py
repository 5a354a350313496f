"""Photos: JPEG/PNG by content, size-capped, re-encoded without EXIF/GPS, served only to
those who may see the community."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from signage.models import Plaque
from tests.signage.helpers import GPS_IFD, TODAY, jpeg_with_gps, pdf_named_jpg, png

pytestmark = pytest.mark.django_db


def post_sign(api_as, world, photo, user=None):
    body = {
        "community": world.a.community.code,
        "text": "平安建设示范点",
        "kind": "publicity",
        "placement": "exterior",
        "location": "院墙",
        "installed_on": TODAY.isoformat(),
        "issuer": "",
        "work_item": "",
    }
    if photo is not None:
        body["photo"] = photo
    return api_as(user or world.a.cadre).post("/api/v1/plaques/", body, format="multipart")


def test_the_gps_position_in_a_phones_photo_is_not_kept(api_as, world):
    upload = jpeg_with_gps()
    assert Image.open(io.BytesIO(upload.read())).getexif().get(GPS_IFD)  # the test is real
    upload.seek(0)
    response = post_sign(api_as, world, upload)
    assert response.status_code == 201, response.content
    sign = Plaque.objects.get(pk=response.json()["id"])
    with default_storage.open(sign.photo.name) as stored:
        image = Image.open(stored)
        assert image.format == "JPEG"
        assert not image.getexif()  # no make, no GPS: nothing
        assert image.size == (640, 480)
    with default_storage.open(sign.thumbnail.name) as stored:
        assert max(Image.open(stored).size) <= 320
    assert response.json()["thumbnail_url"].endswith(f"/plaques/{sign.pk}/photo/thumbnail/")


def test_a_png_is_accepted_and_reencoded(api_as, world):
    response = post_sign(api_as, world, png())
    assert response.status_code == 201, response.content


def test_a_pdf_renamed_jpg_is_refused_and_nothing_is_written(api_as, world):
    response = post_sign(api_as, world, pdf_named_jpg())
    assert response.status_code == 400
    assert response.json()["code"] == "photo_not_image"
    assert "JPEG" in response.json()["detail"]
    assert not Plaque.objects.exists()


def test_a_text_file_is_refused(api_as, world):
    upload = SimpleUploadedFile("notes.png", "牌子清单".encode(), content_type="image/png")
    response = post_sign(api_as, world, upload)
    assert response.status_code == 400
    assert response.json()["code"] == "photo_not_image"


def test_a_gif_is_refused_though_it_is_an_image(api_as, world):
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="GIF")
    response = post_sign(api_as, world, SimpleUploadedFile("a.jpg", buffer.getvalue()))
    assert response.status_code == 400
    assert response.json()["code"] == "photo_not_image"


def test_an_oversized_file_is_refused(api_as, world, settings):
    settings.PORTAL = {**settings.PORTAL, "PLAQUE_PHOTO_MAX_BYTES": 10_000}
    big = io.BytesIO()
    Image.effect_noise((400, 400), 100).convert("RGB").save(big, format="JPEG", quality=95)
    assert big.tell() > 10_000
    response = post_sign(api_as, world, SimpleUploadedFile("big.jpg", big.getvalue()))
    assert response.status_code == 400
    assert response.json()["code"] == "photo_too_large"
    assert not Plaque.objects.exists()


def test_too_many_pixels_is_refused_before_decoding(api_as, world, settings):
    settings.PORTAL = {**settings.PORTAL, "PLAQUE_PHOTO_MAX_PIXELS": 100_000}
    buffer = io.BytesIO()
    Image.new("L", (1000, 1000)).save(buffer, format="PNG")  # small file, a million pixels
    response = post_sign(api_as, world, SimpleUploadedFile("bomb.png", buffer.getvalue()))
    assert response.status_code == 400
    assert response.json()["code"] == "photo_too_large"


def test_photos_are_served_only_to_those_who_may_see_the_community(client, world, api_as):
    response = post_sign(api_as, world, jpeg_with_gps())
    url = response.json()["photo_url"]
    path = url.split("testserver")[-1]
    for user, expected in [
        (world.a.cadre, 200),
        (world.a.supervisor, 200),
        (world.b.cadre, 404),
        (world.b.supervisor, 404),
        (world.a.department_staff, 404),  # not a sign it asked for
    ]:
        client.force_login(user)
        got = client.get(path)
        assert got.status_code == expected, user
        if expected == 200:
            assert got["Content-Type"] == "image/jpeg"
            assert "private" in got["Cache-Control"]
    client.logout()
    assert client.get(path).status_code == 302  # to the sign-in page


def test_the_removal_photo_goes_through_the_same_checks(api_as, world):
    response = post_sign(api_as, world, None)
    sign_id = response.json()["id"]
    client = api_as(world.a.cadre)
    url = f"/api/v1/plaques/{sign_id}/remove/"
    bad = client.post(
        url,
        {"removed_on": TODAY.isoformat(), "reason": "整合", "photo": pdf_named_jpg()},
        format="multipart",
    )
    assert bad.status_code == 400 and bad.json()["code"] == "photo_not_image"
    assert Plaque.objects.get(pk=sign_id).status == "up"  # nothing half-written
    good = client.post(
        url,
        {"removed_on": TODAY.isoformat(), "reason": "整合", "photo": jpeg_with_gps("wall.jpg")},
        format="multipart",
    )
    assert good.status_code == 200, good.content
    sign = Plaque.objects.get(pk=sign_id)
    with default_storage.open(sign.removal_photo.name) as stored:
        assert not Image.open(stored).getexif()
    assert good.json()["removal_photo_url"].endswith(f"/plaques/{sign_id}/photo/removal/")
