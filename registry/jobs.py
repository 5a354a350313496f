"""Background jobs: the kinds a job can be, registered by whoever owns them.

One shape for every long piece of work a user starts (``registry.models.Job``): an Excel
export of a list too long for the request (``registry/exports.py`` registers one kind per
list, ``export:<list>``) and a big import (``import:<list>``, registered by the import's
owner). ``registry.services.jobs`` starts one (a row, enqueued through the outbox by
task name), runs it in the ``registry.tasks.job_run`` Celery task (acks_late: a job
redelivered after its worker died starts again from nothing) and cleans old files (the
``jobs-clean`` beat job). The status page and the API read the row; the file is served
only to its owner (``registry/views/jobs.py``, ``registry/api/jobs.py``).

A kind's ``run(job, progress)`` does the work for ``job.owner`` (so it sees exactly what
the owner may see, checked again when it runs), calls ``progress(done, total)`` as it goes,
and returns a ``JobOutput``: the file it made (a path to a finished temporary file) and/or a
result (an import's counts). A ``DomainError`` it raises fails the job with its message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.functional import Promise

Progress = Callable[[int, int], None]


@dataclass
class JobOutput:
    path: Path | None = None
    file_name: str = ""
    result: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str | Promise
    run: Callable[[Any, Progress], JobOutput]
    # Where the user goes back to from the status page (a URL name), "" for none.
    back_url_name: str = ""


_KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    _KINDS[kind.name] = kind
    return kind


def kind(name: str) -> JobKind:
    return _KINDS[name]


def kinds() -> dict[str, JobKind]:
    return dict(_KINDS)
