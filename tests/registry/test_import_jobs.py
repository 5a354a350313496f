"""Big list and catalogue imports run as background jobs: 202 and a status URL, the same
all-or-nothing service run as the importer, row errors in the job's result, nothing
written when a row is bad. Small ones are imported in the request as before."""

from __future__ import annotations

import pytest

from certificates.models import CertificateType
from registry.models import Job, WorkItem
from tests.certificates.helpers import xlsx
from tests.certificates.test_catalogue_excel import good_rows as catalogue_rows
from tests.registry.test_list_excel import good_rows, workbook


@pytest.fixture
def big_is_two_rows(settings, monkeypatch, job_media):
    from config.celery import app

    settings.PORTAL = {**settings.PORTAL, "IMPORT_INLINE_MAX_ROWS": 2}
    monkeypatch.setitem(app.conf, "task_always_eager", True)


def _post(api_as, world, url, upload, capture):
    with capture(execute=True):
        return api_as(world.a.reviewer).post(
            url, {"jurisdiction": world.a.district.code, "file": upload}, format="multipart"
        )


def test_a_big_list_import_is_a_job_that_imports_every_row(
    world, api_as, big_is_two_rows, django_capture_on_commit_callbacks
):
    response = _post(
        api_as, world, "/api/v1/work-items/import/", workbook(good_rows(world)),
        django_capture_on_commit_callbacks,
    )  # fmt: skip
    assert response.status_code == 202, response.content[:300]
    body = response.json()
    status = api_as(world.a.reviewer).get(body["status_url"]).json()
    assert status["state"] == "done" and status["result"]["created"] == 3
    assert status["done"] == status["total"] == 3
    assert "download_url" not in status
    assert WorkItem.objects.count() == 3
    job = Job.objects.get()
    assert job.kind == "import:work-items" and job.upload


def test_a_big_import_with_a_bad_row_fails_and_writes_nothing(
    world, api_as, big_is_two_rows, django_capture_on_commit_callbacks
):
    rows = good_rows(world)
    rows[1][0] = ""
    response = _post(
        api_as, world, "/api/v1/work-items/import/", workbook(rows),
        django_capture_on_commit_callbacks,
    )  # fmt: skip
    status = api_as(world.a.reviewer).get(response.json()["status_url"]).json()
    assert status["state"] == "failed" and status["error"]
    assert status["result"]["rows"][0]["row"] == 3
    assert WorkItem.objects.count() == 0


def test_a_small_import_is_still_answered_at_once(world, api_as, big_is_two_rows):
    response = api_as(world.a.reviewer).post(
        "/api/v1/work-items/import/",
        {"jurisdiction": world.a.district.code, "file": workbook(good_rows(world)[:2])},
        format="multipart",
    )
    assert response.status_code == 201 and not Job.objects.exists()


def test_a_big_import_by_someone_who_may_not_is_403_and_no_job(
    world, api_as, big_is_two_rows, django_capture_on_commit_callbacks
):
    response = api_as(world.b.reviewer).post(
        "/api/v1/work-items/import/",
        {"jurisdiction": world.a.district.code, "file": workbook(good_rows(world))},
        format="multipart",
    )
    assert response.status_code == 403 and not Job.objects.exists()


def test_a_big_catalogue_import_is_a_job_too(
    world, api_as, big_is_two_rows, django_capture_on_commit_callbacks
):
    response = _post(
        api_as, world, "/api/v1/certificate-types/import/", xlsx(catalogue_rows()),
        django_capture_on_commit_callbacks,
    )  # fmt: skip
    assert response.status_code == 202
    status = api_as(world.a.reviewer).get(response.json()["status_url"]).json()
    assert status["state"] == "done" and status["result"]["created"] == 3
    assert CertificateType.objects.filter(jurisdiction=world.a.district).count() == 3


def test_the_list_import_page_sends_a_big_file_to_its_job_page(
    world, client, big_is_two_rows, django_capture_on_commit_callbacks
):
    client.force_login(world.a.reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/lists/import/",
            {"jurisdiction": world.a.district.code, "file": workbook(good_rows(world))},
        )
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "已导入 3 项工作事项" in page
    assert WorkItem.objects.count() == 3


def test_the_catalogue_page_sends_a_big_file_to_its_job_page(
    world, client, big_is_two_rows, django_capture_on_commit_callbacks
):
    client.force_login(world.a.reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/certificates/catalogue/",
            {"jurisdiction": world.a.district.pk, "file": xlsx(catalogue_rows())},
        )
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert Job.objects.get().state == Job.State.DONE
