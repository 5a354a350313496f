"""Two real app processes (gunicorn) on PostgreSQL and Redis, each keeping inbox pages in
its own memory and in Redis: a change made through one is seen by the next read through
the other (registry/inbox_cache.py). On the real clock: the servers' tokens and dates are
today's, not the known Monday's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from django.db import connection

from registry.auth import token_for
from registry.models import Assignment, User
from tests.registry.test_inbox_cache import _dispatch
from tests.test_redis_outage import free_port, wait_until_up

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def two_servers(tmp_path):
    db = connection.settings_dict
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "DEBUG": "true",
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "REDIS_URL": os.environ["REDIS_URL"],
        "ALLOWED_HOSTS": "127.0.0.1",
        "PGOPTIONS": os.environ.get("PGOPTIONS", ""),
    }
    processes, bases, logs = [], [], []
    for n in range(2):
        port = free_port()
        log = (tmp_path / f"server{n}.log").open("w")
        logs.append(log)
        processes.append(
            subprocess.Popen(
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
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        bases.append(f"http://127.0.0.1:{port}")
    try:
        for base, process in zip(bases, processes, strict=True):
            wait_until_up(base, process)
        yield bases
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=20)
        for log in logs:
            log.close()
        connection.close()
    for n in range(2):
        assert "Internal Server Error" not in (tmp_path / f"server{n}.log").read_text()


def test_two_processes_never_serve_a_stale_inbox(world, item, two_servers):
    a, b = two_servers
    cadre, staff = world.a.cadre, world.a.department_staff
    tokens = {u.pk: {"Authorization": f"Token {token_for(u).key}"} for u in (cadre, staff)}

    def inbox(base: str, user: User) -> list[dict]:
        response = requests.get(f"{base}/api/v1/assignments/", headers=tokens[user.pk], timeout=30)
        assert response.status_code == 200, response.text[:300]
        return response.json()["results"]

    def answer(base: str, task: Assignment, action: str, **body) -> None:
        url = f"{base}/api/v1/assignments/{task.pk}/{action}/"
        response = requests.post(url, json=body, headers=tokens[cadre.pk], timeout=30)
        assert response.status_code == 200, response.text[:300]

    def both_show(expected: dict[int, str]) -> None:
        for base in (a, b, a, b):  # twice each: a miss, then the cached page
            assert {r["id"]: r["state"] for r in inbox(base, cadre)} == expected
            staff_rows = {r["id"]: r["state"] for r in inbox(base, staff)}
            assert {k: staff_rows[k] for k in expected} == expected

    first = _dispatch(world, item, "核对", communities=[world.a.community])
    task = Assignment.objects.get(dispatch=first)
    both_show({task.pk: "pending"})
    answer(b, task, "accept")
    both_show({task.pk: "accepted"})
    answer(a, task, "complete", note="已完成")
    both_show({task.pk: "completed"})
    second = _dispatch(world, item, "再核对", communities=[world.a.community], emergency=True)
    other = Assignment.objects.get(dispatch=second)
    both_show({task.pk: "completed", other.pk: "pending"})
    answer(a, other, "refuse", reason_code="duplicate")
    both_show({task.pk: "completed", other.pk: "refused"})
