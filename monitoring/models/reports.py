"""Monitoring: demands that reached communities off the platform, and computed flags."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models import Organisation, User


class OffPlatformReport(models.Model):
    """A demand a community received by WeChat, phone, paper or at a meeting."""

    class Channel(models.TextChoices):
        WECHAT = "wechat", _("WeChat")
        PHONE = "phone", _("Phone")
        PAPER = "paper", _("Paper document")
        MEETING = "meeting", _("Meeting")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        REPORTED = "reported", _("Reported")
        # The reporter took it back (a mistake) before any clue used it: it counts nowhere.
        WITHDRAWN = "withdrawn", _("Withdrawn")

    community = models.ForeignKey(
        Organisation,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="offplatform_reports",
    )
    # A department, the community's street office, or none: "其他/不清楚" (the cadre does
    # not know whose demand it was; it still counts for the community).
    department = models.ForeignKey(
        Organisation,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="offplatform_reports_against",
        null=True,
        blank=True,
    )
    title = models.CharField(_("what was demanded"), max_length=200)
    description = models.TextField(_("details"), blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    received_on = models.DateField(_("received on"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    hours = models.DecimalField(
        _("effort (hours)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    reported_by = models.ForeignKey(
        User, verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.REPORTED
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    # A screenshot of the WeChat message (or a photo of the paper): re-encoded JPEG without
    # metadata (registry/images.py), served only by a permission-checked view, never to
    # the department (it may show who reported).
    evidence = models.FileField(_("evidence"), upload_to="offplatform/", blank=True)

    class Meta:
        verbose_name = _("off-platform report")
        verbose_name_plural = _("off-platform reports")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["department", "received_on"], name="offplatform_department"),
            models.Index(fields=["community", "received_on"], name="offplatform_community"),
            # An area's list (a supervisor's province) newest first, read in order.
            models.Index(fields=["-received_on", "-id"], name="offplatform_newest"),
        ]

    def __str__(self) -> str:
        return self.title


class MonitoringReport(models.Model):
    """A monitoring point's monthly report (上报材料目录) of what was demanded of it.

    One live report per community and month; a correction after submission is a new
    version (the old one stays, marked superseded) so what was submitted is never lost.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        SUPERSEDED = "superseded", _("Superseded by a correction")

    community = models.ForeignKey(
        Organisation,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="monitoring_reports",
    )
    # The first day of the month reported on.
    period = models.DateField(_("month"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correction",
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT)
    due_date = models.DateField(_("due date"))
    created_by = models.ForeignKey(
        User, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    submitted_by = models.ForeignKey(
        User,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    correction_reason = models.TextField(_("reason for the correction"), blank=True)

    class Meta:
        verbose_name = _("monthly monitoring report")
        verbose_name_plural = _("monthly monitoring reports")
        ordering = ["-period", "community__path"]
        constraints = [
            # The database refuses a second live report for the same point and month.
            models.UniqueConstraint(
                fields=["community", "period"],
                condition=~models.Q(state="superseded"),
                name="monitoring_report_one_live",
            ),
            models.UniqueConstraint(
                fields=["community", "period", "version"], name="monitoring_report_version"
            ),
        ]
        indexes = [models.Index(fields=["period", "state"], name="monitoring_report_period")]

    def __str__(self) -> str:
        return f"{self.community} {self.period:%Y-%m} v{self.version}"

    @property
    def period_label(self) -> str:
        return f"{self.period:%Y-%m}"

    @property
    def is_editable(self) -> bool:
        return self.state == self.State.DRAFT


class ReportEntry(models.Model):
    """One demand in a monthly report: pre-filled from an assignment or an off-platform
    report (with a link to it), or added by the liaison."""

    class Source(models.TextChoices):
        ASSIGNMENT = "assignment", _("Task on the platform")
        OFFPLATFORM = "offplatform", _("Off-platform report")
        MANUAL = "manual", _("Added by the liaison")

    class Channel(models.TextChoices):
        PLATFORM = "platform", _("The platform")
        WECHAT = "wechat", _("WeChat")
        PHONE = "phone", _("Phone")
        PAPER = "paper", _("Paper document")
        MEETING = "meeting", _("Meeting")
        OTHER = "other", _("Other")

    report = models.ForeignKey(MonitoringReport, on_delete=models.CASCADE, related_name="entries")
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    assignment = models.ForeignKey(
        "registry.Assignment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    offplatform_report = models.ForeignKey(
        OffPlatformReport, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # None only for an off-platform report that named no department ("其他/不清楚").
    department = models.ForeignKey(
        Organisation,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    title = models.CharField(_("what was demanded"), max_length=200)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    demanded_on = models.DateField(_("demanded on"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    hours = models.DecimalField(
        _("hours"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    households = models.PositiveIntegerField(_("households or questions"), null=True, blank=True)
    cadres_involved = models.PositiveSmallIntegerField(_("cadres involved"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("report entry")
        verbose_name_plural = _("report entries")
        ordering = ["demanded_on", "id"]

    def __str__(self) -> str:
        return self.title
