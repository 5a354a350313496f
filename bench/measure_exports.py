"""The province register export as a background job: peak memory and time of the process
that runs it (issue 17 item 4: under 200 MB of worker memory for 500 k issuances).

The job runs in a fresh Python process (the body of the ``registry.tasks.job_run`` Celery
task, ``services.job_run``), so its peak resident set (``VmHWM``) is the job's own plus
Django's; the process reports its resident set after Django is set up and before the job
(``baseline_mb``) beside the peak, so the job's share is the difference. The job is the
province supervisor's, over the whole register, as a click on the register page starts it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings

SCRIPT = r"""
import json, os, time
import django
django.setup()

def status(field):
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(field):
                return int(line.split()[1]) / 1024  # kB -> MB

from django.http import QueryDict
from registry import exports, services
from registry.models import Job, User
from bench.data.spec import SUPERVISOR_USERNAME

user = User.objects.get(username=SUPERVISOR_USERNAME)
spec = exports.get("certificate-register")
list(spec.rows(user, QueryDict(""))[:1])  # warm: imports, permissions, connection
baseline = status("VmRSS")
# The job is run below, by hand, as the worker would: not handed to a broker (or run
# eagerly at the commit) by the outbox.
import registry.outbox
registry.outbox._hand_over_one = lambda pk: None
job = exports.start_job(spec, user, QueryDict(""))
began = time.monotonic()
state = services.job_run(job_id=job.pk)
seconds = time.monotonic() - began
job.refresh_from_db()
size = job.file.size if job.file else 0
result = {
    "state": state, "rows": job.total, "seconds": round(seconds, 1),
    "rows_per_s": round(job.total / seconds) if seconds else None,
    "file_mb": round(size / 1e6, 1), "baseline_mb": round(baseline, 1),
    "peak_mb": round(status("VmHWM"), 1),
}
result["job_mb"] = round(result["peak_mb"] - result["baseline_mb"], 1)
if job.file:
    job.file.delete(save=False)
Job.objects.filter(pk=job.pk).delete()
print(json.dumps(result))
"""


def register_export(timeout: float = 1800) -> dict:
    """Run the province register export in its own process; its figures."""
    from bench.web import database_url

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        # This process's database (in the smoke test: the test database).
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": tempfile.mkdtemp(prefix="bench-export-"),
    }
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the export job failed:\n{done.stderr[-3000:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["goal_mb"] = 200
    figures["met"] = figures["state"] == "done" and figures["peak_mb"] < 200
    return figures
