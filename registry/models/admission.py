"""Lists, work items and the admission review that admits them."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.models.organisations import Organisation, User


class ListKind(models.TextChoices):
    DUTY = "duty", _("Duties performed by law")  # 依法履行职责事项
    ASSIST = "assist", _("Assisting government by law")  # 依法协助政府工作事项
    NEGATIVE = "negative", _("Must not be borne by communities")  # 负面清单


# An application asks for the duty or the assist list; the negative list is the reviewers'.
APPLICATION_LIST_KINDS = [
    (ListKind.DUTY.value, ListKind.DUTY.label),
    (ListKind.ASSIST.value, ListKind.ASSIST.label),
]


class Frequency(models.TextChoices):
    ONCE = "once", _("Once")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


OCCURRENCES_PER_YEAR = {
    Frequency.ONCE: 1,
    Frequency.WEEKLY: 52,
    Frequency.MONTHLY: 12,
    Frequency.QUARTERLY: 4,
    Frequency.YEARLY: 1,
}


class Burden(models.Model):
    """What a work item asks of each community: shared by applications and items."""

    frequency = models.CharField(_("frequency"), max_length=16, choices=Frequency.choices)
    hours_per_occurrence = models.DecimalField(
        _("hours per occurrence"),
        max_digits=7,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    households_per_occurrence = models.PositiveIntegerField(
        _("households to visit per occurrence"), default=0
    )
    ledgers = models.PositiveIntegerField(_("ledgers to keep"), default=0)
    data_fields = models.JSONField(_("data fields collected"), default=list, blank=True)
    funding_per_community = models.DecimalField(
        _("yearly funding per community (yuan)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        abstract = True

    @property
    def yearly_hours_per_community(self) -> Decimal:
        if not self.frequency:
            return Decimal("0")
        return OCCURRENCES_PER_YEAR[Frequency(self.frequency)] * (
            self.hours_per_occurrence or Decimal("0")
        )


class WorkItem(Burden):
    """An entry on a jurisdiction's list. Duty and assist items carry an admission number."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    admission_number = models.CharField(
        _("admission number"), max_length=40, unique=True, null=True, blank=True
    )
    jurisdiction = models.ForeignKey(
        Organisation,
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="work_items",
        limit_choices_to={"kind": Organisation.Kind.AREA},
    )
    list_kind = models.CharField(_("list"), max_length=16, choices=ListKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    department = models.ForeignKey(
        Organisation,
        verbose_name=_("responsible department"),
        on_delete=models.PROTECT,
        related_name="responsible_items",
        null=True,
        blank=True,
        limit_choices_to={"kind": Organisation.Kind.DEPARTMENT},
    )
    legal_basis = models.TextField(_("legal basis"), blank=True)
    scope = models.ManyToManyField(
        Organisation, verbose_name=_("scope"), related_name="scoped_items", blank=True
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    status_reason = models.TextField(_("reason for the status"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Row versions: the published list as of any past date is rebuilt from these.
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("work item")
        verbose_name_plural = _("work items")
        ordering = ["jurisdiction__path", "list_kind", "admission_number", "id"]
        indexes = [
            models.Index(fields=["jurisdiction", "list_kind", "status"], name="item_list"),
            models.Index(fields=["department", "status"], name="item_department"),
            models.Index(fields=["status", "valid_until"], name="item_validity"),
        ]

    def __str__(self) -> str:
        return f"{self.admission_number} {self.title}" if self.admission_number else self.title

    def is_active_on(self, day: datetime.date) -> bool:
        return (
            self.status == self.Status.ACTIVE
            and (self.valid_from is None or self.valid_from <= day)
            and (self.valid_until is None or day <= self.valid_until)
        )


class AdmissionSequence(models.Model):
    """The last admission number used per jurisdiction and year; locked to allocate the next."""

    jurisdiction = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "year"], name="admission_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id}-{self.year}: {self.last_value}"


class Application(Burden):
    """A department's request to add (or renew) a work item on a list."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        HEARING = "hearing", _("Hearing")
        # The hearing is recorded: only now may the reviewer decide (brief: "Admission review").
        HEARING_HELD = "hearing_held", _("Hearing held")
        RETURNED = "returned", _("Returned for changes")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    department = models.ForeignKey(
        Organisation,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    jurisdiction = models.ForeignKey(
        Organisation,
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="jurisdiction_applications",
        help_text=_("The area whose admission office decides: the department's own area."),
    )
    created_by = models.ForeignKey(
        User, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    # What approval admits: "work_item" here in the hub, or a subject another app registers
    # (services.admission.admission_subject_register), such as a retained certificate type.
    subject = models.CharField(_("subject"), max_length=32, default="work_item")
    renewal_of = models.ForeignKey(
        WorkItem,
        verbose_name=_("renews"),
        on_delete=models.PROTECT,
        related_name="renewal_applications",
        null=True,
        blank=True,
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    list_kind = models.CharField(
        _("list"),
        max_length=16,
        choices=APPLICATION_LIST_KINDS,
        blank=True,  # only work-item applications name a list
    )
    legal_basis = models.TextField(_("legal basis"))
    scope = models.ManyToManyField(
        Organisation, verbose_name=_("scope"), related_name="scoped_applications"
    )
    valid_months = models.PositiveSmallIntegerField(
        _("validity requested (months)"), default=36, validators=[MinValueValidator(1)]
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.DRAFT, db_index=True
    )
    checks = models.JSONField(_("submission checks"), default=dict, blank=True)
    hearing_required = models.BooleanField(_("hearing required"), default=False)
    work_item = models.ForeignKey(
        WorkItem,
        verbose_name=_("work item"),
        on_delete=models.PROTECT,
        related_name="applications",
        null=True,
        blank=True,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("admission application")
        verbose_name_plural = _("admission applications")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "submitted_at"], name="application_queue"),
            models.Index(fields=["department", "state"], name="application_department"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def max_valid_months(self) -> int:
        return settings.PORTAL["ADMISSION_MAX_MONTHS"]


class ApplicationTransition(models.Model):
    """One step of an application's history: who moved it from where to where, and why."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="transitions"
    )
    action = models.CharField(_("action"), max_length=32)
    # Blank for the first entry, the application's creation.
    from_state = models.CharField(
        _("from"), max_length=16, choices=Application.State.choices, blank=True
    )
    to_state = models.CharField(_("to"), max_length=16, choices=Application.State.choices)
    actor = models.ForeignKey(User, verbose_name=_("actor"), on_delete=models.PROTECT)
    at = models.DateTimeField(_("time"))
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("application transition")
        verbose_name_plural = _("application history")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_state} -> {self.to_state}"


class Hearing(models.Model):
    """The hearing (听证) on an application: scheduled when required, then recorded."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="hearing"
    )
    scheduled_on = models.DateField(_("scheduled for"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")

    def __str__(self) -> str:
        return f"{self.application} @ {self.held_on}"

    @property
    def is_recorded(self) -> bool:
        return self.held_on is not None


class HearingParticipant(models.Model):
    class Opinion(models.TextChoices):
        FOR = "for", _("For")
        AGAINST = "against", _("Against")
        ABSTAIN = "abstain", _("Abstain")

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="participants")
    name = models.CharField(_("name"), max_length=100)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    opinion = models.CharField(_("opinion"), max_length=16, choices=Opinion.choices)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("hearing participant")
        verbose_name_plural = _("hearing participants")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name
