"""Computed flags: one open flag per situation, resolved when it goes away."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models import Organisation, User


class Flag(models.Model):
    """A situation a flag job found. One open flag per (kind, subject), however often the job
    runs; when the situation goes away, the job resolves it."""

    class Kind(models.TextChoices):
        COMMUNITY_OVERLOAD = "community_overload", _("Community overload")
        TIGHT_DEADLINE = "tight_deadline", _("Tight deadlines")
        UNADMITTED_DEMAND = "unadmitted_demand", _("Unadmitted demand")
        EMERGENCY_NOT_RATIFIED = "emergency_not_ratified", _("Emergency not ratified")
        DUPLICATE_COLLECTION = "duplicate_collection", _("Duplicate data collection")
        EXPIRING_ADMISSION = "expiring_admission", _("Admission expiring")
        PLAQUE_EXCESS = "plaque_excess", _("Plaques beyond the standard")
        PROHIBITED_CERTIFICATE_DEMAND = (
            "prohibited_certificate_demand",
            _("Demand for prohibited certificates"),
        )
        REFUSAL_HOTSPOT = "refusal_hotspot", _("Refusal hotspot")
        MONITORING_REPORT_LATE = "monitoring_report_late", _("Monitoring report late")
        RECTIFICATION_OVERDUE = "rectification_overdue", _("Rectification overdue")

    class Severity(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RESOLVED = "resolved", _("Resolved")

    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    # Stable identity of what the flag is about, e.g. "community:990102001001".
    subject_key = models.CharField(_("subject key"), max_length=200)
    subject = models.CharField(_("subject"), max_length=200)
    # Where the flag belongs in the tree (the community, the department, or the area an
    # outside institution was counted in): flags are scoped by this organisation's path.
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="flags",
    )
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    figures = models.JSONField(_("figures"), default=dict)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    first_seen_at = models.DateTimeField(_("first seen"))
    last_seen_at = models.DateTimeField(_("last seen"))
    acknowledged_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution_note = models.TextField(_("resolution note"), blank=True)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        ordering = ["-last_seen_at", "-id"]
        constraints = [
            # The database itself refuses a second unresolved flag for the same situation.
            models.UniqueConstraint(
                fields=["kind", "subject_key"],
                condition=~models.Q(status="resolved"),
                name="flag_one_unresolved_per_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "kind"], name="flag_status_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"
