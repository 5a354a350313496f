"""Big Excel imports run as background jobs, in the same job shape as long exports.

An import endpoint reads its form (the area and the .xlsx) and calls ``import_or_job``:
the workbook is checked and its rows counted while streaming (``excel.count_rows``: a DTD,
an entity, a too-wide row or too many cells is a 400 at once); up to
``PORTAL["IMPORT_INLINE_MAX_ROWS"]`` rows it is imported in the request as before; above,
the file is stored with a ``Job`` (kind ``import:<name>``) on the shared storage and the
answer is ``202 {"job", "status_url"}``. The job runs the same all-or-nothing service as
the owner; its row errors, if any, are the job's ``result.rows`` and nothing is written.
Apps register their imports with ``register`` from ``ready()``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.functional import Promise

from registry import excel, jobs, permissions
from registry.errors import PermissionDenied
from registry.models import Organisation, User


@dataclass(frozen=True)
class ListImport:
    name: str
    label: str | Promise
    # The permission the importer needs on the area (the service checks it again).
    action: str
    # (owner, area, the uploaded file) -> what the import did, as JSON (counts, a summary).
    run: Callable[[User, Organisation, Any], dict]
    page_url_name: str = ""

    @property
    def kind(self) -> str:
        return f"import:{self.name}"


_IMPORTS: dict[str, ListImport] = {}


def register(spec: ListImport) -> ListImport:
    _IMPORTS[spec.name] = spec
    jobs.register(
        jobs.JobKind(
            name=spec.kind,
            label=spec.label,
            run=lambda job, progress: _run(spec, job, progress),
            back_url_name=spec.page_url_name,
        )
    )
    return spec


def _run(spec: ListImport, job, progress) -> jobs.JobOutput:
    area = Organisation.objects.get(code=job.params["jurisdiction"])
    progress(0, job.total)
    with job.upload.open("rb") as handle:
        result = spec.run(job.owner, area, handle)
    progress(job.total, job.total)
    return jobs.JobOutput(result=result)


def inline_limit() -> int:
    return settings.PORTAL["IMPORT_INLINE_MAX_ROWS"]


def start_or_none(name: str, *, actor: User, jurisdiction: Organisation, upload):
    """The job of a big import (started), or None when the file is small enough to be
    imported in the request. A file that fails the kit's checks is a 400 here."""
    spec = _IMPORTS[name]
    rows = max(excel.count_rows(upload) - 1, 0)
    if rows <= inline_limit():
        return None
    if not permissions.may(actor, spec.action, jurisdiction):
        raise PermissionDenied()
    from registry.services.jobs import job_start

    return job_start(
        actor=actor,
        kind=spec.kind,
        actions=(spec.action,),
        params={"jurisdiction": jurisdiction.code},
        upload=upload,
        total=rows,
    )
