"""Production is the same settings file with variables set, and it passes `check --deploy`.

Each test starts a fresh `manage.py` with a clean environment, because settings are read
once per process: the test process itself runs with the demo defaults.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management.utils import get_random_secret_key

ROOT = Path(__file__).resolve().parents[1]


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """What a production host sets (README.md), pointing at this run's database if any."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "LANG": "C.UTF-8",
        "DEBUG": "false",
        "SECRET_KEY": get_random_secret_key() + get_random_secret_key(),
        "AUDIT_KEY": get_random_secret_key(),
        "ALLOWED_HOSTS": "portal.example.gov.cn",
        "CSRF_TRUSTED_ORIGINS": "https://portal.example.gov.cn",
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    if os.environ.get("REDIS_URL"):
        env["REDIS_URL"] = os.environ["REDIS_URL"]
    env.update(overrides)
    return {name: value for name, value in env.items() if value is not None}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_without_warnings(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_secret_key_can_come_from_a_file(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text(get_random_secret_key() + get_random_secret_key() + "\n")
    env = production_env(tmp_path, SECRET_KEY_FILE=str(key_file))
    del env["SECRET_KEY"]
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("debug", ["false", "0", "no"])
def test_any_spelling_of_debug_off_needs_a_secret_key(tmp_path, debug):
    env = production_env(tmp_path, DEBUG=debug)
    del env["SECRET_KEY"]
    assert manage("check", env=env).returncode != 0


def test_models_and_migrations_agree(tmp_path):
    env = production_env(tmp_path, DEBUG="true", DATABASE_URL=f"sqlite:///{tmp_path / 'm.db'}")
    result = manage("makemigrations", "--check", "--dry-run", env=env)
    assert result.returncode == 0, "missing migrations:\n" + result.stdout + result.stderr


def test_readme_documents_every_environment_variable_the_settings_read():
    source = (ROOT / "config" / "settings.py").read_text(encoding="utf-8")
    names = set(re.findall(r'env(?:_secret)?(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]*)"', source))
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG"} <= names
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    undocumented = sorted(name for name in names if f"`{name}`" not in readme)
    assert not undocumented, f"add these to README.md's variable tables: {undocumented}"


def test_production_refuses_to_start_without_an_audit_key(tmp_path):
    result = manage("check", env=production_env(tmp_path, AUDIT_KEY=None))
    assert result.returncode != 0
    assert "AUDIT_KEY (or AUDIT_KEY_FILE) must be set" in result.stderr
