"""Celery tasks of the registry: thin, each calls one service and is safe to run twice."""

from __future__ import annotations

import logging

from celery import shared_task

from registry.audit import audit_chain_verify as verify_chain

logger = logging.getLogger(__name__)


@shared_task
def audit_chain_verify() -> dict:
    """Check the audit log's hash chain; log loudly when it is broken."""
    report = verify_chain()
    if not report.ok:
        logger.error(
            "Audit chain broken at entry %s (%s) after %s good entries",
            report.first_broken_id,
            report.problem,
            report.checked,
        )
    return {"ok": report.ok, "checked": report.checked, "first_broken_id": report.first_broken_id}
