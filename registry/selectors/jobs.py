"""Reads of background jobs: a job is its owner's alone (anyone else gets a 404)."""

from __future__ import annotations

from registry.errors import NotFound
from registry.models import Job, User


def job_get(*, user: User, pk: int) -> Job:
    job = Job.objects.filter(pk=pk, owner_id=user.pk).first() if user.is_authenticated else None
    if job is None:
        raise NotFound()
    return job
