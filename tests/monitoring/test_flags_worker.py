"""The hourly flag job, run by a real Celery worker through Redis against the test database."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from monitoring.models import Flag
from monitoring.tasks import flags_compute
from tests.factories import WorkItemFactory
from tests.test_celery import celery_worker_queue  # noqa: F401 - the worker fixture

# The first result waits for the worker to boot, slow on a loaded two-core machine.
RESULT_TIMEOUT = 180


def run_on_worker(queue: str, worker, log) -> dict:
    try:
        return flags_compute.apply_async(queue=queue).get(timeout=RESULT_TIMEOUT)
    except Exception:
        state = "exited" if worker.poll() is not None else "running"
        pytest.fail(f"worker ({state}) gave no result; its log:\n{log.read_text()[-4000:]}")


@pytest.mark.redis
@pytest.mark.postgres
def test_a_real_worker_computes_flags_twice_without_duplicates(world, celery_worker_queue):  # noqa: F811
    queue, worker, log = celery_worker_queue
    WorkItemFactory(
        jurisdiction=world.a.district,
        department=world.a.department,
        valid_until=timezone.localdate() + datetime.timedelta(days=20),
    )

    first = run_on_worker(queue, worker, log)
    second = run_on_worker(queue, worker, log)

    assert first["raised"]["expiring_admission"] == 1
    assert second["raised"]["expiring_admission"] == 0
    assert second["still_open"]["expiring_admission"] == 1
    assert Flag.objects.filter(kind="expiring_admission").count() == 1
