"""Starting, running and cleaning up background jobs (registry/jobs.py says what a job is).

``job_start`` writes the job and enqueues ``registry.tasks.job_run`` through the outbox in
the same transaction (so a broker outage loses nothing); ``job_run`` claims the row under a
lock, runs its kind, stores the file on the shared storage (MEDIA) and marks it done or
failed. A job found running again (its worker died and the broker redelivered it) starts
again from nothing: the output goes to a fresh temporary file, so nothing half-written is
kept. ``jobs_clean`` deletes files whose time is up (daily beat job).
"""

from __future__ import annotations

import datetime
import logging
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry import audit_actions, jobs, permissions
from registry.audit import audit_record
from registry.errors import DomainError, PermissionDenied
from registry.models import Job, User

log = logging.getLogger(__name__)


def _expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(hours=settings.PORTAL["JOB_FILE_HOURS"])


@transaction.atomic
def job_start(
    *,
    actor: User,
    kind: str,
    actions: tuple[str, ...],
    params: dict,
    upload=None,
    total: int = 0,
) -> Job:
    """Record a job of ``actor``'s and enqueue it after the commit. ``actor`` must be
    allowed one of ``actions`` (the list's or the import's permission); the kind reads
    as ``actor`` when it runs, so it sees no more than the owner may."""
    jobs.kind(kind)  # an unknown kind is a programming error: fail here, not in the worker
    if not permissions.may_any(actor, *actions):
        raise PermissionDenied()
    job = Job(kind=kind, owner=actor, params=params, total=total)
    if upload is not None:
        job.save()
        job.upload.save(Path(getattr(upload, "name", "upload.xlsx")).name[-100:], upload)
    job.save()
    audit_record(
        actor=actor,
        action=audit_actions.JOB_START,
        obj=job,
        after={"kind": kind, "params": params, "total": total},
    )
    from registry.outbox import enqueue

    enqueue("registry.tasks.job_run", job.pk)
    return job


def _claim(job_id: int) -> Job | None:
    with transaction.atomic():
        job = Job.objects.select_for_update().select_related("owner").filter(pk=job_id).first()
        if job is None or job.finished:
            return None  # deleted, or a redelivered job that had finished
        if job.state == Job.State.RUNNING:
            log.warning("job %s was running when redelivered: starting it again", job_id)
        job.state = Job.State.RUNNING
        job.started_at = timezone.now()
        job.done = 0
        job.save(update_fields=["state", "started_at", "done"])
        return job


def job_run(*, job_id: int) -> str:
    """Run a queued job to its end (the Celery task's body); safe to run twice."""
    job = _claim(job_id)
    if job is None:
        return "skipped"

    def progress(done: int, total: int) -> None:
        Job.objects.filter(pk=job_id).update(done=done, total=total)

    try:
        output = jobs.kind(job.kind).run(job, progress)
    except DomainError as exc:
        _fail(job, str(exc.message), result=exc.extra)
        return Job.State.FAILED
    except Exception:
        log.exception("job %s (%s) failed", job_id, job.kind)
        _fail(job, _("The job failed. Try again, or ask an administrator."))
        return Job.State.FAILED
    job.refresh_from_db(fields=["done", "total"])
    if output.path is not None:
        try:
            with open(output.path, "rb") as handle:
                job.file.save(output.file_name or output.path.name, File(handle), save=False)
        finally:
            output.path.unlink(missing_ok=True)
        job.file_name = (output.file_name or output.path.name)[:200]
    job.result = output.result
    job.state = Job.State.DONE
    job.finished_at = timezone.now()
    job.expires_at = _expiry()
    job.done = job.total = max(job.total, job.done)
    job.save()
    return Job.State.DONE


def _fail(job: Job, message: str, result: dict | None = None) -> None:
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.FAILED,
        error=message,
        result=_jsonable(result or {}),
        finished_at=timezone.now(),
        expires_at=_expiry(),
    )


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def jobs_clean(*, now: datetime.datetime | None = None) -> int:
    """Delete the files (export and upload) of jobs past their expiry; the rows stay, as a
    record of who exported what. Returns how many jobs were cleaned."""
    now = now or timezone.now()
    cleaned = 0
    expired = Job.objects.filter(expires_at__lt=now).exclude(file="", upload="")
    for job in expired.iterator(chunk_size=500):
        for stored in (job.file, job.upload):
            if stored:
                stored.delete(save=False)
        Job.objects.filter(pk=job.pk).update(file="", upload="")
        cleaned += 1
    return cleaned
