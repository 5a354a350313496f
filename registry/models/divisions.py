"""An import of the official division codes: previewed, then applied as a Celery job."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models.organisations import Organisation, User


class DivisionImport(models.Model):
    class State(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed")
        QUEUED = "queued", _("Queued")
        APPLIED = "applied", _("Applied")
        FAILED = "failed", _("Failed")

    created_by = models.ForeignKey(
        User, verbose_name=_("imported by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    file_name = models.CharField(_("file"), max_length=200)
    parent = models.ForeignKey(
        Organisation,
        verbose_name=_("attached under"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The parsed rows ([line, 12-digit code, name, level, classification]), so the job
    # applies exactly what was previewed, on whichever worker machine runs it.
    rows = models.JSONField(_("rows"), default=list, editable=False)
    # What applying changes, as previewed (added, renamed, moved, abolished, reopened).
    summary = models.JSONField(_("changes"), default=dict, editable=False)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PREVIEWED
    )
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("division-code import")
        verbose_name_plural = _("division-code imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"
