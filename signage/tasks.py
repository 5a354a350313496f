"""Celery tasks for signage: thin, safe to run twice."""

from celery import shared_task

from signage import services


@shared_task
def plaques_reassess() -> int:
    """Daily: standards that take effect today and items that ended move the verdicts."""
    return services.plaques_reassess_all()
