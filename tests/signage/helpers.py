"""Shared makers for the plaque tests: real images (Pillow), signs and standards."""

from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from signage import services

# The portal's today (Beijing), as the services and the daily job count it: the machine's
# date.today() is UTC's, a day behind from 16:00 to midnight UTC, when a standard set for
# "tomorrow" was already in force and the daily-job test failed.
TODAY = timezone.localdate()
# EXIF tags: 0x010F Make, 0x8825 the GPS IFD (latitude 30°N, longitude 112°E).
GPS_IFD = 0x8825


def jpeg_with_gps(name: str = "sign.jpg", size=(640, 480)) -> SimpleUploadedFile:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[GPS_IFD] = {1: "N", 2: (30.0, 0.0, 0.0), 3: "E", 4: (112.0, 0.0, 0.0)}
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def png(name: str = "wall.png", size=(300, 200)) -> SimpleUploadedFile:
    image = Image.new("RGBA", size, (20, 120, 20, 128))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf_named_jpg() -> SimpleUploadedFile:
    content = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    return SimpleUploadedFile("scan.jpg", content, content_type="image/jpeg")


def standard(world, area=None, **overrides):
    values = {
        "named_signs": ["党组织", "居民委员会", "党群服务中心"],
        "max_exterior": 4,
        "max_interior": 4,
        "kinds_not_allowed": ["rules"],
        "effective_from": TODAY - datetime.timedelta(days=30),
    }
    values.update(overrides)
    reviewer = world.a.reviewer
    area = area or world.a.district
    if area == world.city:
        from tests.factories import MembershipFactory, UserFactory

        reviewer = UserFactory(username=f"city_reviewer_{area.code}")
        MembershipFactory(user=reviewer, organisation=area, role="reviewer")
    return services.plaque_standard_create(actor=reviewer, area=area, **values)


def sign(world, text="A一社区居民委员会", *, community=None, actor=None, **overrides):
    values = {
        "kind": "organisation",
        "placement": "exterior",
        "installed_on": TODAY - datetime.timedelta(days=400),
        "location": "大门左侧",
    }
    values.update(overrides)
    return services.plaque_create(
        actor=actor or world.a.cadre,
        community=community or world.a.community,
        text=text,
        **values,
    )
