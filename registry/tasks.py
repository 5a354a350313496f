"""Celery tasks of the registry: thin, each calls one service and is safe to run twice."""

from __future__ import annotations

import logging

from celery import shared_task

from registry import services
from registry.audit import HeadInvalid, head_read, head_write
from registry.audit import audit_chain_verify as verify_chain

logger = logging.getLogger(__name__)


@shared_task
def audit_chain_verify() -> dict:
    """Check the audit log's hash chain against its signed head; log loudly when it is
    broken. An intact chain moves the head forward (running twice only rewrites it)."""
    try:
        report = verify_chain(head=head_read())
    except HeadInvalid as exc:
        logger.error("Audit chain broken: head refused (%s)", exc)
        return {"ok": False, "checked": 0, "first_broken_id": None}
    if report.ok:
        head_write(report)
    else:
        logger.error(
            "Audit chain broken at entry %s (%s) after %s good entries",
            report.first_broken_id,
            report.problem,
            report.checked,
        )
    return {"ok": report.ok, "checked": report.checked, "first_broken_id": report.first_broken_id}


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notifications_email(notification_ids: list[int]) -> int:
    """Email notifications to their organisations' members; SMTP hiccups are retried."""
    return services.notifications_email(notification_ids=notification_ids)


@shared_task
def work_items_expire() -> int:
    """Mark items past their validity expired (daily); running twice expires nothing more."""
    return services.work_items_expire()


@shared_task
def dashboard_rollups_refresh() -> dict:
    """Rebuild the dashboard's monthly roll-ups (nightly); twice gives the same rows."""
    from registry.services.dashboard_rollups import dashboard_rollups_refresh as refresh

    result = refresh()
    logger.info("Dashboard roll-ups through %(through)s: %(rows)s rows in %(seconds)s s", result)
    return result


@shared_task
def outbox_drain() -> dict:
    """Hand the broker the tasks whose hand-over failed after their commit (every minute)."""
    from registry.outbox import outbox_drain as drain

    return drain()


@shared_task
def division_import_apply(import_id: int) -> str:
    """Apply a previewed division-code import; a redelivered job finds it applied."""
    return services.division_import_apply(import_id=import_id).state


@shared_task
def job_run(job_id: int) -> str:
    """Run a background job (an export or an import); a redelivered job starts again."""
    return services.job_run(job_id=job_id)


@shared_task
def jobs_clean() -> int:
    """Delete the files of jobs past their expiry (daily)."""
    return services.jobs_clean()
