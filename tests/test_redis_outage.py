"""A Redis outage is survived (issue: hardening, item 6).

A real server (gunicorn) runs against this test database with REDIS_URL pointing at a dead
port (127.0.0.1:1): the cache, the throttles and the Celery broker are all unreachable.
The token endpoint, the certificate lookup and the public verifications still answer, and
a dispatch with email notifications answers 201 at once, its emails waiting in the outbox
for the drain job, which hands them over exactly once when the broker is back.
"""

from __future__ import annotations

import datetime
import os
import socket
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from django.contrib.auth.hashers import make_password
from django.db import connection

from registry import outbox
from registry.models import Dispatch, OutboxMessage
from tests.factories import TEST_PASSWORD, WorkItemFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[1]
DEAD_REDIS = "redis://127.0.0.1:1/0"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server_on_dead_redis(world, tmp_path):
    port = free_port()
    db = connection.settings_dict
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "DEBUG": "true",
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "REDIS_URL": DEAD_REDIS,
        "EMAIL_NOTIFICATIONS": "true",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    log_path = tmp_path / "server.log"
    log_file = log_path.open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        # A file, not a pipe: a full pipe would block the server's logging.
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        log_file.close()
        connection.close()
    output = log_path.read_text()
    # The outage is in the log as warnings (the health check's own tracebacks aside), and
    # no request failed.
    assert "Internal Server Error" not in output, output
    assert "cache unavailable" in output


def wait_until_up(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.get(f"{base}/accounts/login/", timeout=10)
            break
        except requests.RequestException:
            time.sleep(0.3)
    else:
        pytest.fail("the server did not start in 30 s")


def test_public_and_token_endpoints_answer_with_redis_down(world, server_on_dead_redis):
    base = server_on_dead_redis
    # Users made by the factories carry a test-only hasher; the server knows PBKDF2.
    world.a.reviewer.password = make_password(TEST_PASSWORD, hasher="pbkdf2_sha256")
    world.a.reviewer.save(update_fields=["password"])

    token = requests.post(
        f"{base}/api/v1/auth/token/",
        json={"username": "a_reviewer", "password": TEST_PASSWORD},
        timeout=10,
    )
    assert token.status_code == 200, token.text
    me = requests.get(
        f"{base}/api/v1/users/me/",
        headers={"Authorization": f"Token {token.json()['token']}"},
        timeout=10,
    )
    assert me.json()["username"] == "a_reviewer"

    for path in [
        "/api/v1/work-items/verify/?number=9901-2026-0001",
        "/api/v1/certificate-types/?q=居住",
        "/certificates/lookup/?q=居住",
        "/verify/?number=9901-2026-0001",
    ]:
        started = time.monotonic()
        response = requests.get(base + path, timeout=10)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
        assert time.monotonic() - started < 3, path
    # The health check still tells the operator what is down.
    health = requests.get(f"{base}/healthz", timeout=30)
    assert health.status_code == 503
    assert health.json()["checks"]["cache"]["ok"] is False


def test_a_dispatch_with_emails_is_201_at_once_and_its_emails_wait_in_the_outbox(
    world, server_on_dead_redis, monkeypatch
):
    base = server_on_dead_redis
    staff = world.a.department_staff
    staff.password = make_password(TEST_PASSWORD, hasher="pbkdf2_sha256")
    staff.save(update_fields=["password"])
    world.a.cadre.email = "cadre@example.gov.cn"
    world.a.cadre.save(update_fields=["email"])
    today = datetime.date.today()
    item = WorkItemFactory(
        jurisdiction=world.a.district,
        department=world.a.department,
        frequency="yearly",
        hours_per_occurrence=Decimal("3"),
        households_per_occurrence=20,
        valid_from=today - datetime.timedelta(days=30),
        valid_until=today + datetime.timedelta(days=365),
        scope=[world.a.street],
    )
    token = requests.post(
        f"{base}/api/v1/auth/token/",
        json={"username": staff.username, "password": TEST_PASSWORD},
        timeout=10,
    ).json()["token"]

    started = time.monotonic()
    response = requests.post(
        f"{base}/api/v1/dispatches/",
        json={
            "work_item": item.admission_number,
            "title": "居民信息核对",
            "instructions": "请核对附件名单",
            "communities": [world.a.community.code],
            "due_date": str(today + datetime.timedelta(days=30)),
            "hours_per_community": 2,
            "households_per_community": 10,
        },
        headers={"Authorization": f"Token {token}"},
        timeout=30,
    )
    assert response.status_code == 201, response.text
    assert time.monotonic() - started < 5
    assert Dispatch.objects.count() == 1

    (waiting,) = OutboxMessage.objects.all()
    assert waiting.task == "registry.tasks.notifications_email"
    assert waiting.sent_at is None and waiting.attempts == 1 and waiting.last_error

    # The broker is back: the drain job hands the emails over, once.
    handed: list = []
    monkeypatch.setattr(outbox, "_send", lambda message: handed.append(message.args))
    assert outbox.outbox_drain()["sent"] == 1
    assert outbox.outbox_drain()["sent"] == 0
    assert handed == [waiting.args]
    assert OutboxMessage.objects.get().sent_at is not None
