"""What an admission application can be about (its subject): the hub's work items, and
what other apps register (certificates' proposals) from AppConfig.ready(). Approving an
application admits through its subject's ``admit``; the submission checks are its
``checks``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from registry.models import Application, Organisation


@dataclass(frozen=True)
class AdmissionSubject:
    """What approving an application of one subject admits, and the checks it runs.

    ``admit(application=, actor=, today=, until=)`` creates or extends the admitted object
    inside the approval's transaction and returns a summary for the audit entry;
    ``checks(application, scope)`` returns the shape of ``checks.submission_checks``.
    """

    admit: Callable[..., dict[str, Any]]
    checks: Callable[[Application, Sequence[Organisation]], dict]


# The hub knows work items; other apps register their subjects in AppConfig.ready().
ADMISSION_SUBJECTS: dict[str, AdmissionSubject] = {}


def admission_subject_register(name: str, subject: AdmissionSubject) -> None:
    ADMISSION_SUBJECTS[name] = subject


def subject_of(application: Application) -> AdmissionSubject:
    return ADMISSION_SUBJECTS[application.subject]
