"""The WSGI module loads every view before the workers fork and freezes what it loaded out
of the garbage collector's sight (config/wsgi.py): a full collection otherwise walked the
~400,000 objects of Django and the apps, 100-190 ms stalls that made the clue list's p95."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_importing_the_application_freezes_what_it_loaded():
    probe = (
        "import gc, sys\n"
        "import config.wsgi\n"
        "assert 'registry.views.dispatch' in sys.modules, 'the URLconf was not loaded'\n"
        "print(gc.get_freeze_count())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.strip().splitlines()[-1]) > 100_000
