"""A long export run by a real Celery worker through Redis against the test database: the
job is the page's or the API's (202), the worker writes the file to the shared MEDIA
storage, and the file holds every filtered row."""

from __future__ import annotations

import datetime
import time
from decimal import Decimal

import pytest
from django.http import QueryDict

from registry import exports
from registry.models import Assignment, Dispatch, Job, Organisation
from registry.tasks import job_run
from tests.exports_helpers import body_of, workbook_rows
from tests.factories import CommunityFactory, WorkItemFactory
from tests.test_celery import celery_worker_queue  # noqa: F401 - the worker fixture

RESULT_TIMEOUT = 180


@pytest.fixture
def shared_media(tmp_path, settings, monkeypatch):
    """One MEDIA_ROOT for this process and the worker (as web and worker machines share
    one in production); set before the worker starts."""
    media = tmp_path / "shared-media"
    monkeypatch.setenv("MEDIA_ROOT", str(media))
    settings.MEDIA_ROOT = media
    return media


def _assignments(world, n_communities: int) -> int:
    street = world.a.street
    communities = [
        CommunityFactory(code=f"{street.code}{index:03d}", name=f"测试{index}社区", parent=street)
        for index in range(100, 100 + n_communities)
    ]
    item = WorkItemFactory(
        jurisdiction=world.a.district,
        department=world.a.department,
        hours_per_occurrence=Decimal("3"),
        households_per_occurrence=20,
        scope=[street],
    )
    dispatch = Dispatch.objects.create(
        department=world.a.department,
        work_item=item,
        created_by=world.a.department_staff,
        title="=居民信息核对",
        due_date=datetime.date(2026, 12, 31),
        hours_per_community=Decimal("1"),
        lead_working_days=20,
        community_count=n_communities,
    )
    Assignment.objects.bulk_create(
        Assignment(
            dispatch=dispatch,
            community=community,
            department=world.a.department,
            work_item=item,
            due_date=dispatch.due_date,
            hours=Decimal("1"),
        )
        for community in communities
    )
    return Organisation.objects.filter(pk__in=[c.pk for c in communities]).count()


@pytest.mark.redis
@pytest.mark.postgres
def test_a_real_worker_writes_a_long_export_to_the_shared_storage(
    world,
    shared_media,
    celery_worker_queue,  # noqa: F811
    api_as,
    settings,
    monkeypatch,
):
    queue, worker, log = celery_worker_queue
    rows = _assignments(world, 60)
    settings.PORTAL = {**settings.PORTAL, "EXPORT_INLINE_MAX_ROWS": 50}
    # The outbox would hand the job to the default queue; this test's worker has its own.
    monkeypatch.setattr("registry.outbox._hand_over_one", lambda pk: None)
    client = api_as(world.a.supervisor)
    response = client.get("/api/v1/assignments/export/?state=pending")
    assert response.status_code == 202
    job_id = response.json()["job"]
    try:
        assert job_run.apply_async(args=[job_id], queue=queue).get(timeout=RESULT_TIMEOUT) == "done"
    except Exception:
        state = "exited" if worker.poll() is not None else "running"
        pytest.fail(f"worker ({state}) gave no result; its log:\n{log.read_text()[-4000:]}")
    deadline = time.monotonic() + 10
    while Job.objects.get(pk=job_id).state != Job.State.DONE and time.monotonic() < deadline:
        time.sleep(0.2)
    status = client.get(response.json()["status_url"]).json()
    assert status["state"] == "done" and status["done"] == status["total"] == rows
    job = Job.objects.get(pk=job_id)
    assert (shared_media / job.file.name).exists()  # written by the worker, read here
    _header, file_rows = workbook_rows(body_of(client.get(status["download_url"])))
    expected = exports.get("assignments").rows(world.a.supervisor, QueryDict("state=pending"))
    assert sorted(row[0] for row in file_rows) == sorted(expected.values_list("id", flat=True))
    assert len(file_rows) == rows
