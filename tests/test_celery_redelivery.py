"""A job whose worker is killed (SIGKILL, a machine lost) is redelivered and runs once.

Two real workers on one queue, the second started after the first is killed mid-job (as
a replacement machine would be, or one already running: it sweeps for abandoned messages
every CELERY_RESTORE_INTERVAL seconds). The job emails notifications through a slow SMTP
sink that records only what it accepted, so "nothing lost or doubled" is what a member's
mailbox would show.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from deploy.rehearsal.smtp_sink import SmtpSink
from registry.models import Notification
from registry.tasks import notifications_email
from tests.test_celery import CELERY, ROOT, _database_url


def _start_worker(name: str, queue: str, log: Path, extra_env: dict[str, str]):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": _database_url(),
        "DB_CONN_MAX_AGE": "0",
        **extra_env,
    }
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    out = log.open("wb")
    return subprocess.Popen(
        [
            str(CELERY),
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-Q",
            queue,
            "-n",
            f"{name}-{queue}@%h",
            "-l",
            "info",
        ],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )


def _wait(condition, timeout: float, what: str, logs: list[Path]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    tails = "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for log in logs)
    pytest.fail(f"timed out waiting for {what}\n{tails}")


@pytest.mark.redis
@pytest.mark.postgres
def test_a_job_whose_worker_is_killed_is_redelivered_and_sent_once(
    world, transactional_db, tmp_path
):
    sink = SmtpSink(tmp_path / "mailbox.jsonl", delay=1.5).start()
    world.a.cadre.email = "a-cadre@example.gov.cn"
    world.a.cadre.save(update_fields=["email"])
    notes = Notification.objects.bulk_create(
        Notification(recipient=world.a.community, kind="test", title=f"通知{i}") for i in range(3)
    )
    ids = [n.pk for n in notes]

    queue = f"portal-redelivery-{uuid.uuid4().hex[:10]}"
    worker_env = {
        "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
        # Seconds instead of the production minutes, so the test takes seconds too.
        "CELERY_VISIBILITY_TIMEOUT": "8",
        "CELERY_TASK_TIME_LIMIT": "7",
        "CELERY_RESTORE_INTERVAL": "1",
    }
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    first = _start_worker("first", queue, first_log, worker_env)
    second = None
    try:
        _wait(lambda: "ready." in first_log.read_text(), 60, "the first worker", [first_log])
        notifications_email.apply_async(args=[ids], queue=queue)
        _wait(sink.receiving.is_set, 60, "the first worker to send", [first_log])
        os.kill(first.pid, signal.SIGKILL)  # mid-job: the first message is not yet accepted
        first.wait(timeout=10)
        assert sink.messages() == []

        second = _start_worker("second", queue, second_log, worker_env)

        def all_emailed() -> bool:
            return not Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).exists()

        _wait(all_emailed, 90, "the second worker to finish the job", [first_log, second_log])
        _wait(lambda: "succeeded" in second_log.read_text(), 20, "the task", [second_log])
        # Each notification reached the cadre's mailbox exactly once.
        subjects = sorted(message["subject"] for message in sink.messages())
        assert subjects == ["通知0", "通知1", "通知2"]
        assert all(m["to"] == ["a-cadre@example.gov.cn"] for m in sink.messages())
        assert "succeeded" not in first_log.read_text()  # the killed worker finished nothing

        # Delivered a third time (a duplicate message in the queue): nothing more is sent.
        notifications_email.apply_async(args=[ids], queue=queue).get(timeout=30)
        assert len(sink.messages()) == 3
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                worker.terminate()
                try:
                    worker.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    worker.kill()
        sink.shutdown()


def test_running_the_email_job_twice_sends_each_notification_once(world, settings, mailoutbox):
    from registry import services

    world.a.cadre.email = "a-cadre@example.gov.cn"
    world.a.cadre.save(update_fields=["email"])
    notes = Notification.objects.bulk_create(
        Notification(recipient=world.a.community, kind="test", title=f"通知{i}") for i in range(2)
    )
    ids = [n.pk for n in notes]
    assert services.notifications_email(notification_ids=ids) == 2
    assert services.notifications_email(notification_ids=ids) == 0
    assert [m.subject for m in mailoutbox] == ["通知0", "通知1"]
