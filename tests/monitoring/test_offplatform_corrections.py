"""A cadre corrects or withdraws an off-platform report while no clue uses it, and attaches
evidence (issue 14, item 6): images only, re-encoded without EXIF, never to the department."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from monitoring import services
from monitoring.models import OffPlatformReport
from registry.models import AuditEntry
from tests.signage.helpers import GPS_IFD, jpeg_with_gps, pdf_named_jpg

TODAY = datetime.date(2026, 9, 14)

pytestmark = pytest.mark.usefixtures("on_a_known_monday")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def report(world, **overrides) -> OffPlatformReport:
    values = {
        "actor": world.a.cadre,
        "community": world.a.community,
        "department": world.a.department,
        "title": "微信群要求三天内上报空置房",
        "channel": "wechat",
        "received_on": TODAY,
    }
    values.update(overrides)
    return services.offplatform_report_create(**values)


def used_by_a_clue(world, filed: OffPlatformReport):
    opened = services.monitoring_report_open(
        actor=world.a.liaison, community=world.a.community, period=TODAY
    )
    entry = opened.entries.get(offplatform_report=filed)
    return services.clue_raise(
        actor=world.a.liaison,
        department=world.a.department,
        summary="要求上报空置房",
        report_entry=entry,
    )


def test_the_cadre_corrects_a_report(world, api_as):
    filed = report(world)
    response = api_as(world.a.cadre).patch(
        f"/api/v1/offplatform-reports/{filed.pk}/",
        {"title": "微信群要求五天内上报空置房", "hours": "3"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "微信群要求五天内上报空置房"
    assert response.json()["hours"] == "3.00"
    assert response.json()["channel"] == "wechat"  # what was not sent stays
    assert AuditEntry.objects.filter(action="offplatform_report.edit").count() == 1


def test_only_the_reporting_community_corrects(world, api_as):
    filed = report(world)
    url = f"/api/v1/offplatform-reports/{filed.pk}/"
    assert api_as(world.a.department_staff).patch(url, {"title": "x"}).status_code == 403
    assert api_as(world.b.cadre).patch(url, {"title": "x"}).status_code == 404
    assert api_as(world.a.supervisor).patch(url, {"title": "x"}).status_code == 403


def test_withdrawing_takes_the_report_out_of_the_count(world, api_as):
    filed = report(world)
    response = api_as(world.a.cadre).post(f"/api/v1/offplatform-reports/{filed.pk}/withdraw/")
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "withdrawn"
    again = api_as(world.a.cadre).post(f"/api/v1/offplatform-reports/{filed.pk}/withdraw/")
    assert again.status_code == 409
    # Not in the month's report, not the department's business any more.
    opened = services.monitoring_report_open(
        actor=world.a.liaison, community=world.a.community, period=TODAY
    )
    assert not opened.entries.filter(offplatform_report=filed).exists()
    listed = api_as(world.a.department_staff).get("/api/v1/offplatform-reports/").json()
    assert listed["count"] == 0


def test_once_a_clue_uses_the_report_it_cannot_be_changed_or_withdrawn(world, api_as):
    filed = report(world)
    used_by_a_clue(world, filed)
    cadre = api_as(world.a.cadre)
    edit = cadre.patch(f"/api/v1/offplatform-reports/{filed.pk}/", {"title": "改"}, format="json")
    assert edit.status_code == 409
    assert "线索" in edit.json()["detail"]
    assert cadre.post(f"/api/v1/offplatform-reports/{filed.pk}/withdraw/").status_code == 409
    filed.refresh_from_db()
    assert filed.state == "reported" and filed.title == "微信群要求三天内上报空置房"


def test_evidence_is_reencoded_without_exif_and_never_shown_to_the_department(
    world, api_as, client
):
    filed = report(world)
    response = api_as(world.a.cadre).patch(
        f"/api/v1/offplatform-reports/{filed.pk}/",
        {"evidence": jpeg_with_gps("wechat.jpg")},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    assert response.json()["has_evidence"] is True
    filed.refresh_from_db()
    with default_storage.open(filed.evidence.name) as stored:
        image = Image.open(stored)
        assert image.format == "JPEG" and not image.getexif().get(GPS_IFD)
    seen = api_as(world.a.department_staff).get(f"/api/v1/offplatform-reports/{filed.pk}/")
    assert "has_evidence" not in seen.json() and "reported_by" not in seen.json()
    url = f"/monitoring/reports/{filed.pk}/evidence/"
    client.force_login(world.a.cadre)
    shown = client.get(url)
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(b"".join(shown.streaming_content))).format == "JPEG"
    client.force_login(world.a.department_staff)
    assert client.get(url).status_code in (403, 404)
    client.force_login(world.b.cadre)
    assert client.get(url).status_code == 404


def test_evidence_must_be_an_image_and_small(world, api_as, settings):
    filed = report(world)
    url = f"/api/v1/offplatform-reports/{filed.pk}/"
    cadre = api_as(world.a.cadre)
    refused = cadre.patch(url, {"evidence": pdf_named_jpg()}, format="multipart")
    assert refused.status_code == 400 and refused.json()["code"] == "photo_not_image"
    settings.PORTAL = {**settings.PORTAL, "EVIDENCE_MAX_BYTES": 1000}
    big = cadre.patch(url, {"evidence": jpeg_with_gps()}, format="multipart")
    assert big.status_code == 400 and big.json()["code"] == "photo_too_large"
    filed.refresh_from_db()
    assert not filed.evidence


# --- Pages ------------------------------------------------------------------------------------


def test_the_report_page_offers_edit_and_a_confirmed_withdrawal(world, client):
    filed = report(world)
    client.force_login(world.a.cadre)
    page = client.get(f"/monitoring/reports/{filed.pk}/").content.decode()
    assert f'href="/monitoring/reports/{filed.pk}/edit/"' in page
    assert f'action="/monitoring/reports/{filed.pk}/withdraw/"' in page and "data-confirm=" in page
    client.force_login(world.a.department_staff)
    page = client.get(f"/monitoring/reports/{filed.pk}/").content.decode()
    assert "/edit/" not in page and "/withdraw/" not in page
    assert world.a.cadre.display_name not in page  # reporter protection


def test_correcting_on_the_page_with_a_screenshot(world, client):
    filed = report(world)
    client.force_login(world.a.cadre)
    form = client.get(f"/monitoring/reports/{filed.pk}/edit/").content.decode()
    assert "微信群要求三天内上报空置房" in form
    response = client.post(
        f"/monitoring/reports/{filed.pk}/edit/",
        {
            "department": world.a.department.pk,
            "title": "微信群要求两天内上报空置房",
            "channel": "wechat",
            "received_on": str(TODAY),
            "evidence": jpeg_with_gps("shot.jpg"),
        },
    )
    assert response.status_code == 302, response.content.decode()[-6000:]
    filed.refresh_from_db()
    assert filed.title == "微信群要求两天内上报空置房" and filed.evidence
    assert filed.community == world.a.community
    page = client.get(f"/monitoring/reports/{filed.pk}/").content.decode()
    assert f'src="/monitoring/reports/{filed.pk}/evidence/"' in page


def test_withdrawing_on_the_page_and_the_offer_goes(world, client):
    filed = report(world)
    client.force_login(world.a.cadre)
    assert client.post(f"/monitoring/reports/{filed.pk}/withdraw/").status_code == 302
    page = client.get(f"/monitoring/reports/{filed.pk}/").content.decode()
    assert "/withdraw/" not in page and "/edit/" not in page
    filed.refresh_from_db()
    assert filed.state == "withdrawn"


def test_a_report_a_clue_uses_offers_no_correction(world, client):
    filed = report(world)
    used_by_a_clue(world, filed)
    client.force_login(world.a.cadre)
    page = client.get(f"/monitoring/reports/{filed.pk}/").content.decode()
    assert "/withdraw/" not in page and "/edit/" not in page


# --- Whom the demand came from ------------------------------------------------------------------


def test_the_form_lists_the_street_office_and_other_not_sure(world, client):
    client.force_login(world.a.cadre)
    page = client.get("/monitoring/reports/new/").content.decode()
    assert f'value="{world.a.street.pk}"' in page and "A街道（街道办事处）" in page
    assert 'value="unknown"' in page and "其他/不清楚" in page
    response = client.post(
        "/monitoring/reports/new/",
        {
            "community": world.a.community.pk,
            "department": "unknown",
            "title": "有人电话要求报送材料",
            "channel": "phone",
            "received_on": str(TODAY),
        },
    )
    assert response.status_code == 302
    filed = OffPlatformReport.objects.get(title="有人电话要求报送材料")
    assert filed.department is None
    client.post(
        "/monitoring/reports/new/",
        {
            "community": world.a.community.pk,
            "department": world.a.street.pk,
            "title": "街道要求拍照留痕",
            "channel": "wechat",
            "received_on": str(TODAY),
        },
    )
    assert OffPlatformReport.objects.get(title="街道要求拍照留痕").department == world.a.street


def test_the_api_takes_the_street_office_or_null_but_not_another_street(world, api_as):
    cadre = api_as(world.a.cadre)
    body = {
        "community": world.a.community.code,
        "title": "要求报送",
        "channel": "phone",
        "received_on": str(TODAY),
    }
    unknown = cadre.post(
        "/api/v1/offplatform-reports/", {**body, "department": None}, format="json"
    )
    assert unknown.status_code == 201, unknown.json()
    assert unknown.json()["department"] is None
    street = cadre.post(
        "/api/v1/offplatform-reports/", {**body, "department": world.a.street.code}, format="json"
    )
    assert street.status_code == 201, street.json()
    other = cadre.post(
        "/api/v1/offplatform-reports/", {**body, "department": world.b.street.code}, format="json"
    )
    assert other.status_code == 400


def test_a_report_naming_no_department_prefills_the_monthly_report(world):
    filed = report(world, department=None)
    opened = services.monitoring_report_open(
        actor=world.a.liaison, community=world.a.community, period=TODAY
    )
    assert opened.entries.get(offplatform_report=filed).department is None


def test_the_list_of_reports_costs_the_same_queries_for_more_rows(world, api_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    report(world)
    cadre = api_as(world.a.cadre)
    with CaptureQueriesContext(connection) as few:
        assert cadre.get("/api/v1/offplatform-reports/").status_code == 200
    for n in range(3):
        report(world, title=f"要求{n}", department=None if n else world.a.street)
    with CaptureQueriesContext(connection) as more:
        assert cadre.get("/api/v1/offplatform-reports/").json()["count"] == 4
    assert len(more) == len(few)


def test_a_correction_costs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    filed = report(world)
    # savepoint, lock, the actor's grants, the clue check, the save, the audit (lock, head,
    # insert), release.
    with django_assert_max_num_queries(12):
        services.offplatform_report_update(actor=world.a.cadre, report=filed, title="改")
