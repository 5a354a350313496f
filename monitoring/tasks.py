"""Celery tasks of monitoring: thin, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from monitoring import services


@shared_task
def flags_compute() -> dict:
    """Recompute every flag (beat: hourly). Idempotent by construction."""
    return services.flags_compute().as_dict()
