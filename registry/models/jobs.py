"""A background job of one user's: an Excel export too big for the request, or a big
import. One shape for both (registry/jobs.py runs them): what was asked (``kind`` and
``params``), whose it is, how far it got, and the file it made or was given."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models.organisations import User


def _job_path(job: Job, filename: str) -> str:
    return f"jobs/{job.created_at:%Y/%m}/{job.pk or 'new'}-{filename}"


class Job(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    # What to run: "export:<list>" or "import:<list>", registered in registry/jobs.py.
    kind = models.CharField(_("kind"), max_length=60)
    owner = models.ForeignKey(
        User, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="+"
    )
    # An export's filters (the list's query string), an import's area and options.
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default="queued")
    done = models.PositiveIntegerField(_("rows done"), default=0)
    total = models.PositiveIntegerField(_("rows in all"), default=0)
    # An import's uploaded workbook; an export's finished workbook (MEDIA: every web and
    # worker machine shares it, and it is served only to its owner by jobs' views).
    upload = models.FileField(_("uploaded file"), upload_to=_job_path, blank=True)
    file = models.FileField(_("file"), upload_to=_job_path, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    # What a finished import did (counts, or its row errors).
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # After this the file is deleted by the jobs-clean beat job.
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="job_owner_recent")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.get_state_display()})"

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
