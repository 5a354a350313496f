"""Every hub list downloads as .xlsx with exactly the rows its filters give; long lists
become a background job (202 and a status URL in the API, a progress page on the web),
served to their owner only, in constant queries per chunk."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry import excel, exports, services, workdays
from registry.models import Assignment, AuditEntry, Dispatch, Job, WorkItem
from tests.exports_helpers import api_ids, body_of, sheet_xml, workbook_rows
from tests.factories import WorkItemFactory

pytestmark = pytest.mark.usefixtures("on_a_known_monday", "job_media")
TODAY = datetime.date(2026, 9, 14)


def _dispatch(world, item, title="居民信息核对", emergency=False, due_days=14):
    if item is not None and not emergency and Dispatch.objects.filter(work_item=item).exists():
        # A monthly item is dispatched once a month: a fresh item for each further task.
        item = WorkItemFactory(
            jurisdiction=item.jurisdiction,
            department=item.department,
            frequency="monthly",
            hours_per_occurrence=Decimal("3"),
            households_per_occurrence=20,
            valid_from=item.valid_from,
            valid_until=item.valid_until,
            scope=[world.a.street],
        )
    return services.dispatch_create(
        actor=world.a.department_staff,
        work_item=None if emergency else item,
        title=title,
        instructions="",
        communities=[world.a.community, world.a.community2],
        due_date=TODAY + datetime.timedelta(days=due_days),
        hours_per_community=Decimal("1"),
        households_per_community=1,
        emergency=emergency,
        justification="防汛紧急排查" if emergency else "",
    )


@pytest.fixture
def dispatched(world, item):
    first = _dispatch(world, item, title='=HYPERLINK("http://x")')
    second = _dispatch(world, item, title="紧急排查", emergency=True)
    return first, second


def test_assignments_export_holds_exactly_the_filtered_rows(world, api_as, dispatched):
    first, _second = dispatched
    Assignment.objects.filter(dispatch=first, community=world.a.community).update(
        state=Assignment.State.ACCEPTED
    )
    client = api_as(world.a.supervisor)
    for query in ("", "?state=pending", f"?community={world.a.community.code}"):
        ids = api_ids(client, f"/api/v1/assignments/{query}")
        response = client.get(f"/api/v1/assignments/export/{query}")
        assert response.status_code == 200
        assert response["Content-Type"] == excel.XLSX_CONTENT_TYPE
        header, rows = workbook_rows(body_of(response))
        assert header[0] == "编号" and "截止日期" in header
        assert sorted(row[0] for row in rows) == sorted(ids)
    assert len(ids) == 2


def test_a_title_that_looks_like_a_formula_is_text_in_the_export(world, api_as, dispatched):
    content = body_of(api_as(world.a.department_staff).get("/api/v1/dispatches/export/"))
    assert "<f>" not in sheet_xml(content)
    _header, rows = workbook_rows(content)
    assert '=HYPERLINK("http://x")' in [row[1] for row in rows]


def test_dates_are_dates_and_choices_are_chinese_labels(world, api_as, dispatched):
    content = body_of(api_as(world.a.department_staff).get("/api/v1/dispatches/export/"))
    header, rows = workbook_rows(content)
    due = header.index("截止日期")
    assert all(isinstance(row[due], datetime.datetime) for row in rows)
    assert {row[header.index("应急任务")] for row in rows} == {"是", "否"}


def test_dispatches_export_follows_the_filter(world, api_as, dispatched):
    client = api_as(world.a.department_staff)
    for query in ("?emergency=true", "?emergency=false", "?q=紧急"):
        ids = api_ids(client, f"/api/v1/dispatches/{query}")
        _header, rows = workbook_rows(body_of(client.get(f"/api/v1/dispatches/export/{query}")))
        assert [row[0] for row in rows] == ids
        assert len(ids) == 1


def test_applications_and_work_items_exports_follow_their_filters(world, api_as, item):
    WorkItemFactory(
        admission_number="990102-2026-0008",
        jurisdiction=world.a.district,
        department=world.a.department,
        status=WorkItem.Status.SUSPENDED,
    )
    client = api_as(world.a.reviewer)
    for query in ("", "?status=active", "?status=suspended"):
        numbers = [
            row["admission_number"]
            for row in client.get(f"/api/v1/work-items/{query}").json()["results"]
        ]
        _header, rows = workbook_rows(body_of(client.get(f"/api/v1/work-items/export/{query}")))
        assert sorted(row[0] for row in rows) == sorted(numbers)
    services.application_create(
        actor=world.a.department_staff,
        department=world.a.department,
        title="新事项",
        list_kind="duty",
        legal_basis="《条例》",
        scope=[world.a.street],
        frequency="once",
        hours_per_occurrence=Decimal("1"),
    )
    staff = api_as(world.a.department_staff)
    for query in ("", "?state=draft", "?state=submitted"):
        ids = api_ids(staff, f"/api/v1/applications/{query}")
        _header, rows = workbook_rows(body_of(staff.get(f"/api/v1/applications/export/{query}")))
        assert [row[0] for row in rows] == ids


def test_a_bad_filter_is_the_contracts_400(world, api_as):
    response = api_as(world.a.supervisor).get("/api/v1/assignments/export/?state=nonsense")
    assert response.status_code == 400
    assert set(response.json()) >= {"detail", "code"}


def test_another_district_sees_nothing_of_ours_in_its_file(world, api_as, dispatched):
    _header, rows = workbook_rows(
        body_of(api_as(world.b.supervisor).get("/api/v1/assignments/export/"))
    )
    assert rows == []


@pytest.fixture
def small_inline(settings, monkeypatch):
    """Lists of more than 3 rows become jobs, run in-process at the commit (a real worker
    runs them in tests/test_exports_worker.py)."""
    from config.celery import app

    settings.PORTAL = {**settings.PORTAL, "EXPORT_INLINE_MAX_ROWS": 3}
    monkeypatch.setitem(app.conf, "task_always_eager", True)


def test_a_long_export_is_a_job_with_a_status_url_and_a_file(
    world, api_as, dispatched, small_inline, django_capture_on_commit_callbacks
):
    client = api_as(world.a.supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/api/v1/assignments/export/")
    assert response.status_code == 202
    body = response.json()
    assert set(body) == {"job", "status_url"}
    job = Job.objects.get(pk=body["job"])
    assert job.owner == world.a.supervisor and job.kind == "export:assignments"
    assert AuditEntry.objects.filter(action="job.start").count() == 1

    status = client.get(body["status_url"]).json()
    assert status["state"] == "done" and status["done"] == status["total"] == 4
    assert status["download_url"].endswith(f"/api/v1/jobs/{job.pk}/download/")
    download = client.get(status["download_url"])
    assert download.status_code == 200
    _header, rows = workbook_rows(body_of(download))
    assert sorted(row[0] for row in rows) == sorted(api_ids(client, "/api/v1/assignments/"))


def test_a_job_keeps_the_filters_it_was_started_with(
    world, api_as, dispatched, small_inline, django_capture_on_commit_callbacks
):
    from django.conf import settings

    settings.PORTAL["EXPORT_INLINE_MAX_ROWS"] = 1
    client = api_as(world.a.supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        body = client.get("/api/v1/assignments/export/?emergency=true").json()
    download = client.get(client.get(body["status_url"]).json()["download_url"])
    _header, rows = workbook_rows(body_of(download))
    assert len(rows) == 2 and {row[1] for row in rows} == {"紧急排查"}


def test_an_export_at_the_limit_is_still_inline(world, api_as, dispatched, small_inline):
    from django.conf import settings

    settings.PORTAL["EXPORT_INLINE_MAX_ROWS"] = 4
    response = api_as(world.a.supervisor).get("/api/v1/assignments/export/")
    assert response.status_code == 200 and not Job.objects.exists()


def test_a_job_and_its_file_are_the_owners_alone(
    world, api_as, client, dispatched, small_inline, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = api_as(world.a.supervisor).get("/api/v1/assignments/export/").json()["job"]
    for other in (world.b.supervisor, world.a.reviewer, world.admin):
        assert api_as(other).get(f"/api/v1/jobs/{job}/").status_code == 404
        assert api_as(other).get(f"/api/v1/jobs/{job}/download/").status_code == 404
        client.force_login(other)
        assert client.get(f"/jobs/{job}/").status_code == 404
        assert client.get(f"/jobs/{job}/download/").status_code == 404
    assert api_as(None).get(f"/api/v1/jobs/{job}/").status_code == 401


def test_the_page_download_becomes_a_job_page_with_progress_then_a_link(
    world, client, dispatched, small_inline, django_capture_on_commit_callbacks
):
    client.force_login(world.a.supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("list-export", args=["assignments"]))
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert f"/jobs/{job.pk}/download/" in page
    download = client.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200
    assert len(workbook_rows(body_of(download))[1]) == 4


def test_a_queued_job_page_polls_until_done(world, client, dispatched, small_inline):
    client.force_login(world.a.supervisor)
    client.get(reverse("list-export", args=["assignments"]))  # not committed: stays queued
    job = Job.objects.get()
    assert job.state == Job.State.QUEUED
    panel = client.get(f"/jobs/{job.pk}/progress/").content.decode()
    assert f'hx-get="/jobs/{job.pk}/progress/"' in panel and "download" not in panel


def test_a_redelivered_job_starts_again_and_a_finished_one_is_left(world, dispatched, small_inline):
    job = exports.start_job(exports.get("assignments"), world.a.supervisor, exports.QueryDict(""))
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, done=3)  # its worker died
    assert services.job_run(job_id=job.pk) == Job.State.DONE
    job.refresh_from_db()
    assert job.done == job.total == 4 and job.file
    name = job.file.name
    assert services.job_run(job_id=job.pk) == "skipped"
    job.refresh_from_db()
    assert job.file.name == name


def test_old_files_are_deleted_by_the_clean_job(world, dispatched):
    job = exports.start_job(exports.get("assignments"), world.a.supervisor, exports.QueryDict(""))
    services.job_run(job_id=job.pk)
    job.refresh_from_db()
    storage, name = job.file.storage, job.file.name
    assert storage.exists(name)
    assert services.jobs_clean(now=job.expires_at - datetime.timedelta(minutes=1)) == 0
    assert services.jobs_clean(now=job.expires_at + datetime.timedelta(minutes=1)) == 1
    job.refresh_from_db()
    assert not job.file and not storage.exists(name)


def test_a_job_that_fails_says_why(world, dispatched):
    job = exports.start_job(
        exports.get("assignments"), world.a.supervisor, exports.QueryDict("state=nonsense")
    )
    assert services.job_run(job_id=job.pk) == Job.State.FAILED
    job.refresh_from_db()
    assert job.error and not job.file


def _export_queries(world, n_dispatches, item) -> int:
    for index in range(n_dispatches):
        _dispatch(world, item, title=f"任务{index}")
    spec = exports.get("assignments")
    exports.write(spec, world.a.supervisor, exports.QueryDict(""), io.BytesIO())  # warm
    with CaptureQueriesContext(connection) as queries:
        exports.write(spec, world.a.supervisor, exports.QueryDict(""), io.BytesIO())
    return len(queries)


def test_an_export_costs_the_same_queries_for_2_or_40_rows(world, item):
    workdays.is_covered(2026)
    few = _export_queries(world, 1, item)
    Dispatch.objects.all().delete()
    many = _export_queries(world, 20, item)
    assert few == many <= 3


def test_a_job_costs_a_bounded_number_of_queries(world, item, small_inline):
    workdays.is_covered(2026)
    for index in range(10):
        _dispatch(world, item, title=f"任务{index}")
    job = exports.start_job(exports.get("assignments"), world.a.supervisor, exports.QueryDict(""))
    with CaptureQueriesContext(connection) as queries:
        services.job_run(job_id=job.pk)
    assert len(queries) <= 12, [q["sql"][:120] for q in queries.captured_queries]


def test_a_job_writes_in_the_language_it_was_asked_in(
    world, api_as, dispatched, small_inline, django_capture_on_commit_callbacks
):
    client = api_as(world.a.supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        body = client.get("/api/v1/assignments/export/", HTTP_ACCEPT_LANGUAGE="en").json()
    download = client.get(client.get(body["status_url"]).json()["download_url"])
    header, _rows = workbook_rows(body_of(download))
    assert header[0] == "Number" and "Due date" in header
