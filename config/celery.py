"""The Celery app and the whole beat schedule, in one place."""

import os
from datetime import timedelta

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Each entry: what it does and why at that time. Times are Asia/Shanghai (CELERY_TIMEZONE).
# django-celery-beat copies these into the database, where the admin can adjust them.
BEAT_SCHEDULE = {
    # Nightly proof that nobody edited the audit log behind the app's back.
    "audit-chain-verify": {
        "task": "registry.tasks.audit_chain_verify",
        "schedule": crontab(hour=2, minute=30),
    },
    # Hourly: flags follow the day's dispatches, refusals and reports within the hour.
    "flags-compute": {
        "task": "monitoring.tasks.flags_compute",
        "schedule": crontab(minute=15),
    },
    # Every minute: tasks recorded in the outbox whose hand-over failed (the broker was
    # down at commit time) are handed over now; a minute is the longest an email waits.
    "outbox-drain": {
        "task": "registry.tasks.outbox_drain",
        "schedule": crontab(minute="*"),
    },
    # Daily at 07:00, before offices open: reminders for monthly reports and rectification
    # notices, and each open notice's escalation (reminded, yellow, red) in working days.
    # Safe to run twice: each step is notified once (monitoring.models.ReminderLog).
    "monitoring-escalate": {
        "task": "monitoring.tasks.monitoring_escalate",
        "schedule": crontab(hour=7, minute=0),
    },
    # Daily at 07:10, after the escalation job: reverse-evaluation rounds (反向评价) tell their
    # communities on the opening day, remind those without an answer two working days
    # before closing, and close the day after the closing date. Each notice once
    # (monitoring.models.ReminderLog), so a rerun or a missed day is harmless.
    "evaluation-rounds-remind": {
        "task": "monitoring.tasks.evaluation_rounds_remind",
        "schedule": crontab(hour=7, minute=10),
    },
    # Just after midnight, so no item shows as active on the day after its validity ends.
    "work-items-expire": {
        "task": "registry.tasks.work_items_expire",
        "schedule": crontab(hour=0, minute=5),
    },
    # Nightly, once the day's answers are in: the dashboard's monthly roll-ups (a province's
    # year of assignments grouped once, not on every dashboard request). From 1:40 the
    # month just ended is read from them; the page says when they were made.
    "dashboard-rollups": {
        "task": "registry.tasks.dashboard_rollups_refresh",
        "schedule": crontab(hour=1, minute=40),
    },
    # Export and import files of background jobs are kept for JOB_FILE_HOURS, then deleted.
    "jobs-clean": {
        "task": "registry.tasks.jobs_clean",
        "schedule": crontab(hour=3, minute=10),
    },
    # After the expiry: signs follow standards taking effect today and items that ended.
    "plaques-reassess": {
        "task": "signage.tasks.plaques_reassess",
        "schedule": crontab(hour=0, minute=20),
    },
}

# A rehearsal (deploy/rehearsal) makes entries fire every few seconds to watch beat work:
# CELERY_BEAT_EVERY="audit-chain-verify=5,flags-compute=30". Never set in production.
for _override in filter(None, os.environ.get("CELERY_BEAT_EVERY", "").split(",")):
    _name, _seconds = _override.split("=")
    BEAT_SCHEDULE[_name.strip()]["schedule"] = timedelta(seconds=int(_seconds))
app.conf.beat_schedule = BEAT_SCHEDULE
