"""Celery: a real worker runs the audit check against the test database, end to end.

The worker is a subprocess reading the *test* database (hence ``transactional_db``: it only
sees committed rows) through the same Redis broker and result backend as the tests. Each run
gets its own queue name, so two pytest-xdist workers can each start a worker at once
without stealing each other's messages.

What ``transaction.on_commit`` does to enqueueing (``task.delay_on_commit()``, Celery's
DjangoTask): the message is sent only when the outermost transaction commits, and never if
it rolls back; ``delay_on_commit`` returns None, so a caller that needs the task id must
register ``transaction.on_commit(lambda: task.apply_async(...))`` itself. Inside a test
wrapped in a transaction (the ``db`` fixture) nothing is sent unless the test runs the
callbacks with ``django_capture_on_commit_callbacks(execute=True)``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from celery.result import AsyncResult, EagerResult
from django.conf import settings
from django.db import connection, transaction

from config.celery import BEAT_SCHEDULE, app
from registry import services
from registry.models import AuditEntry
from registry.tasks import audit_chain_verify

ROOT = Path(settings.BASE_DIR)
CELERY = ROOT / ".venv" / "bin" / "celery"


def _database_url() -> str:
    db = settings.DATABASES["default"]
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    # NAME is the test database's name by now (test_<name>, with _gwN under xdist).
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def celery_worker_queue(transactional_db, tmp_path, request):
    """Start a real worker on a queue of its own; stop it when the test ends."""
    queue = f"portal-test-{uuid.uuid4().hex[:12]}"
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        # Close the connection after each task, so the test database can be dropped later.
        "DB_CONN_MAX_AGE": "0",
    }
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    with log.open("wb") as out:
        worker = subprocess.Popen(
            [
                str(CELERY),
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-Q",
                queue,
                "-n",
                f"{queue}@%h",
                "-l",
                "info",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )

    def stop() -> None:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)

    request.addfinalizer(stop)
    return queue, worker, log


def _run_on_worker(queue: str, worker, log: Path) -> tuple[AsyncResult, dict]:
    result = audit_chain_verify.apply_async(queue=queue)
    assert isinstance(result, AsyncResult) and not isinstance(result, EagerResult)
    try:
        return result, result.get(timeout=60)
    except Exception:
        state = "exited" if worker.poll() is not None else "running"
        pytest.fail(f"worker ({state}) gave no result; its log:\n{log.read_text()[-4000:]}")


@pytest.mark.redis
@pytest.mark.postgres
def test_a_real_worker_checks_the_audit_chain_in_the_test_database(world, celery_worker_queue):
    queue, worker, log = celery_worker_queue
    street = services.organisation_create(
        actor=world.admin, code="990102002", name="新街道", kind="area", parent=world.a.district
    )
    services.organisation_update(actor=world.admin, organisation=street, staff_count=3)
    services.organisation_update(actor=world.admin, organisation=street, staff_count=4)
    assert AuditEntry.objects.count() == 3

    result, report = _run_on_worker(queue, worker, log)
    assert report == {"ok": True, "checked": 3, "first_broken_id": None}
    # The worker, not this process, ran it.
    deadline = time.monotonic() + 10
    while f"[{result.id}] succeeded" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert f"[{result.id}] succeeded" in log.read_text()

    # Tamper behind the app's back (as a DBA could); the worker names the entry.
    second = AuditEntry.objects.order_by("id")[1]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "UPDATE registry_auditentry SET actor_name = 'mallory' WHERE id = %s", [second.id]
        )
    _result, report = _run_on_worker(queue, worker, log)
    assert report == {"ok": False, "checked": 1, "first_broken_id": second.id}


def test_without_redis_tasks_run_in_process(tmp_path):
    """The zero-setup demo: no REDIS_URL, so .delay() runs the task at once, in-process."""
    script = """
import json
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from config.celery import app
from registry import services
from registry.models import User
from registry.tasks import audit_chain_verify
admin = User.objects.create_superuser("root", password="x")
services.organisation_create(actor=admin, code="99", name="示范省", kind="area")
result = audit_chain_verify.delay()
print(json.dumps({
    "eager": app.conf.task_always_eager,
    "broker": app.conf.broker_url,
    "result_class": type(result).__name__,
    "result": result.get(),
}))
"""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "CELERY_TASK_ALWAYS_EAGER"}
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome == {
        "eager": True,
        "broker": "memory://",
        "result_class": "EagerResult",
        "result": {"ok": True, "checked": 1, "first_broken_id": None},
    }


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()  # runs autodiscovery, as a worker or beat does
    assert BEAT_SCHEDULE, "the beat schedule is empty"
    for name, entry in BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, f"beat entry {name!r} names unknown {entry['task']!r}"
    assert app.conf.beat_schedule == BEAT_SCHEDULE
    assert app.conf.timezone == settings.TIME_ZONE


def test_delay_on_commit_waits_for_the_commit(db, monkeypatch, django_capture_on_commit_callbacks):
    sent: list[tuple] = []
    monkeypatch.setattr(audit_chain_verify, "apply_async", lambda *a, **kw: sent.append((a, kw)))

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        assert audit_chain_verify.delay_on_commit() is None  # no task id to hand back
        assert sent == []  # not yet: the transaction is still open
    assert len(callbacks) == 1
    assert len(sent) == 1


def test_delay_on_commit_sends_nothing_when_the_transaction_rolls_back(
    db, monkeypatch, django_capture_on_commit_callbacks
):
    sent: list[tuple] = []
    monkeypatch.setattr(audit_chain_verify, "apply_async", lambda *a, **kw: sent.append((a, kw)))

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        audit_chain_verify.delay_on_commit()
        raise RuntimeError("the service failed")
    assert callbacks == []
    assert sent == []
