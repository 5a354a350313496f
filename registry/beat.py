"""The beat schedule in the database, where the admin shows it (django-celery-beat).

``config/celery.py`` holds the one schedule (``BEAT_SCHEDULE``, as ``beat_schedule`` of the
Celery app); beat's ``DatabaseScheduler`` copies it into ``PeriodicTask`` rows when it starts.
Until then the admin's "周期任务" pages were empty on a fresh install, so the same copy is
made after every ``migrate`` (``RegistryConfig.ready`` connects it to ``post_migrate``):
the periodic tasks exist as soon as the database does. Idempotent: a row per entry, updated
in place; an administrator's "enabled" switch is kept (beat does the same).
"""

from __future__ import annotations

from celery import current_app
from django.db import DEFAULT_DB_ALIAS, connections


def beat_schedule_sync(*, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Write every entry of the Celery app's beat schedule as a PeriodicTask; their names."""
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.schedulers import ModelEntry

    if PeriodicTask._meta.db_table not in connections[using].introspection.table_names():
        return []  # migrating to an earlier state: beat's tables are not there yet
    schedule = current_app.conf.beat_schedule or {}
    for name, entry in schedule.items():
        ModelEntry.from_entry(name, app=current_app, **entry)
    return sorted(schedule)


def sync_after_migrate(sender, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    beat_schedule_sync(using=using)
