"""Celery tasks of monitoring: thin, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from monitoring import services


@shared_task
def flags_compute() -> dict:
    """Recompute every flag (beat: hourly). Idempotent by construction."""
    return services.flags_compute().as_dict()


@shared_task
def monitoring_escalate() -> dict:
    """Daily (beat, 07:00): report reminders, notice escalation in working days and the two
    monitoring flags. Safe to run twice: each step is notified once."""
    return services.monitoring_escalate().as_dict()


@shared_task
def evaluation_rounds_remind() -> dict:
    """Daily (beat, 07:10): reverse-evaluation rounds opened, reminded and closed. Safe to
    run twice: each notice is sent once."""
    return services.evaluation_rounds_remind().as_dict()
