"""Upgrades by migrations only (issue 16.6): this release's migrations run forwards on a
copy of the demo database, and the audit chain written before them still verifies after.

Subprocesses with their own databases (the demo, and a copy made from it as an operator
would rehearse an upgrade), so the test database and its transaction are not involved.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# The last migration of the release before this one: everything after it is this release's.
PREVIOUS_RELEASE = ("registry", "0006_assignment_inbox_order")


def _url(name: str) -> str:
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    user, host, port = db.get("USER") or "postgres", db.get("HOST") or "127.0.0.1", db.get("PORT")
    return f"postgres://{user}{password}@{host}:{port or 5432}/{name}"


def manage(*args: str, database: str) -> str:
    env = {
        **os.environ,
        "DATABASE_URL": _url(database),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    env["CELERY_TASK_ALWAYS_EAGER"] = "true"  # the demo's jobs run in-process
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, (
        f"manage.py {' '.join(args)}:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    )
    return done.stdout


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-v", "ON_ERROR_STOP=1", "-q", _url("postgres"), "-c", sql],
        check=True,
        capture_output=True,
        timeout=120,
    )


@pytest.mark.postgres
def test_this_releases_migrations_run_forwards_on_a_copy_of_the_demo_database():
    suffix = uuid.uuid4().hex[:8]
    demo, copy = f"upgrade_demo_{suffix}", f"upgrade_copy_{suffix}"
    psql(f'CREATE DATABASE "{demo}"')
    try:
        manage("migrate", "--no-input", "-v", "0", database=demo)
        manage("seed_demo", database=demo)
        # The copy starts where the previous release left a bureau's database.
        psql(f'CREATE DATABASE "{copy}" TEMPLATE "{demo}"')
        manage("migrate", *PREVIOUS_RELEASE, "--no-input", "-v", "0", database=copy)
        plan = manage("migrate", "--plan", database=copy)
        assert "registry.0007_audit_keyed_no_truncate" in plan
        manage("migrate", "--no-input", "-v", "0", database=copy)
        assert "No planned migration operations" in manage("migrate", "--plan", database=copy)
        # History written before the upgrade verifies after it.
        assert "Audit chain intact" in manage("verify_audit", database=copy)
    finally:
        for name in (copy, demo):
            psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
