"""Certificates (证明事项): the catalogue of types, each community's issuance register, and
the refusals of prohibited types that count against the institution that asked for them."""

from __future__ import annotations

import datetime
import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from registry.models import Application, Organisation, User, path_prefixes


class CertificateTypeQuerySet(models.QuerySet):
    def effective_on(self, day: datetime.date) -> CertificateTypeQuerySet:
        return self.filter(
            Q(effective_from__isnull=True) | Q(effective_from__lte=day),
            Q(effective_until__isnull=True) | Q(effective_until__gte=day),
        )

    def applying_to(self, organisation: Organisation) -> CertificateTypeQuerySet:
        """National types and those of the organisation's area or any area above it."""
        return self.filter(
            Q(jurisdiction__isnull=True)
            | Q(jurisdiction__path__in=path_prefixes(organisation.path))
        )


class CertificateType(models.Model):
    """One kind of certificate a resident may be asked for, and what the community does.

    Retained (保留): the community may issue it, after verifying what ``verification`` says,
    from what the resident brings (``materials``). Prohibited (不应出具): the community must
    not, and ``redirect`` tells the resident where to go instead or why none is needed.
    A type without a jurisdiction is national and applies everywhere; an area's types apply
    to every community under it (a city may prohibit more than the national batch).
    """

    class Status(models.TextChoices):
        RETAINED = "retained", _("May be issued")
        PROHIBITED = "prohibited", _("Must not be issued")

    name = models.CharField(_("name"), max_length=100)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    jurisdiction = models.ForeignKey(
        Organisation,
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="certificate_types",
        null=True,
        blank=True,
        limit_choices_to={"kind": Organisation.Kind.AREA},
        help_text=_("Empty for the national catalogue, which applies everywhere."),
    )
    verification = models.TextField(_("what the committee verifies"), blank=True)
    materials = models.TextField(_("what the resident brings"), blank=True)
    redirect = models.TextField(_("where to go instead, or why none is needed"), blank=True)
    legal_basis = models.TextField(_("legal basis or source document"), blank=True)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_until = models.DateField(_("effective until"), null=True, blank=True)
    synonyms = models.JSONField(_("other names"), default=list, blank=True)
    # Computed by the services from name and synonyms (certificates.search).
    initials = models.CharField(_("pinyin initials"), max_length=100, blank=True, editable=False)
    search_text = models.TextField(blank=True, editable=False)
    # Position in the national first batch (民发〔2020〕20号), for its order on the list.
    national_seq = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    application = models.ForeignKey(
        Application,
        verbose_name=_("admission application"),
        on_delete=models.PROTECT,
        related_name="certificate_types",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CertificateTypeQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate type")
        verbose_name_plural = _("certificate types")
        ordering = ["status", "national_seq", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "name"], name="certificate_type_unique_in_area"
            ),
            # NULLs are distinct in a unique index: the national catalogue needs its own.
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(jurisdiction__isnull=True),
                name="certificate_type_unique_national",
            ),
            models.CheckConstraint(
                condition=Q(effective_from__isnull=True)
                | Q(effective_until__isnull=True)
                | Q(effective_until__gte=models.F("effective_from")),
                name="certificate_type_dates_in_order",
            ),
        ]
        indexes = [models.Index(fields=["status", "jurisdiction"], name="certificate_type_status")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_prohibited(self) -> bool:
        return self.status == self.Status.PROHIBITED

    def is_effective_on(self, day: datetime.date) -> bool:
        return (self.effective_from is None or self.effective_from <= day) and (
            self.effective_until is None or day <= self.effective_until
        )

    def applies_to(self, organisation: Organisation) -> bool:
        return self.jurisdiction_id is None or organisation.path.startswith(self.jurisdiction.path)

    @property
    def jurisdiction_label(self) -> str:
        return self.jurisdiction.name if self.jurisdiction_id else str(_("Nationwide"))


class CertificateTypeProposal(models.Model):
    """What a department proposes to retain, beside its admission application.

    The application carries the name (its title), legal basis, scope and the review; this
    row carries what only a certificate needs. Approval turns both into a CertificateType.
    """

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="certificate_proposal"
    )
    verification = models.TextField(_("what the committee verifies"))
    materials = models.TextField(_("what the resident brings"), blank=True)
    synonyms = models.JSONField(_("other names"), default=list, blank=True)

    class Meta:
        verbose_name = _("certificate type proposal")
        verbose_name_plural = _("certificate type proposals")

    def __str__(self) -> str:
        return self.application.title


class IssuanceSequence(models.Model):
    """The last serial used per community and year; locked to hand out the next one."""

    community = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "year"], name="issuance_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.community_id}-{self.year}: {self.last_value}"


class Applicant(models.Model):
    """Who asked, and for whom: the ID number only masked and hashed, never in clear."""

    applicant_name = models.CharField(pgettext_lazy("person", "applicant's name"), max_length=50)
    applicant_id_masked = models.CharField(_("ID number (masked)"), max_length=18)
    applicant_id_hash = models.CharField(max_length=64, editable=False)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    requested_by = models.CharField(_("institution that asked for it"), max_length=200)

    class Meta:
        abstract = True


# A verification code is typed by a bank clerk from paper: no 0/O, 1/I/L look-alikes.
VERIFICATION_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
VERIFICATION_LENGTH = 12


def new_verification_code() -> str:
    return "".join(secrets.choice(VERIFICATION_ALPHABET) for _ in range(VERIFICATION_LENGTH))


class CertificateIssuance(Applicant):
    """One line of a community's issuance register (出具登记), also its seal-use record.

    ``facts`` is what the committee certifies, as the cadre wrote it; the printed sheet
    states it after the type's own wording. ``verification_code`` is printed (with a QR
    code) so that whoever receives the paper can check it on the public page; a withdrawn
    certificate is shown there as withdrawn. ``request_token`` makes a resubmitted issue
    form (a reload) return the same line instead of a second one.
    """

    community = models.ForeignKey(
        Organisation,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="certificate_issuances",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial"))
    certificate_type = models.ForeignKey(
        CertificateType,
        verbose_name=_("certificate type"),
        on_delete=models.PROTECT,
        related_name="issuances",
    )
    issued_by = models.ForeignKey(
        User, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    issued_on = models.DateField(_("issued on"))
    facts = models.TextField(_("facts certified"), blank=True)
    verification_code = models.CharField(
        _("verification code"),
        max_length=16,
        unique=True,
        default=new_verification_code,
        editable=False,
    )
    request_token = models.CharField(max_length=32, blank=True, editable=False)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True, editable=False)
    withdrawal_reason = models.CharField(
        _("reason for the withdrawal"), max_length=200, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("certificate issuance")
        verbose_name_plural = _("certificate issuances")
        ordering = ["community", "-year", "-serial"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "year", "serial"], name="issuance_serial_unique"
            ),
            models.UniqueConstraint(
                fields=["community", "request_token"],
                condition=~Q(request_token=""),
                name="issuance_request_once",
            ),
        ]
        indexes = [
            models.Index(fields=["applicant_id_hash"], name="issuance_applicant"),
            # An area's register newest first (-issued_on, -id): a page read in the
            # index's order stops after its rows; on issued_on alone it read and sorted
            # the whole day's issuances of a province (about 700) for each page.
            models.Index(fields=["issued_on", "id"], name="issuance_issued_on_id"),
        ]

    def __str__(self) -> str:
        return f"{self.serial_number} {self.certificate_type}"

    @property
    def serial_number(self) -> str:
        return f"{self.year}-{self.serial:04d}"

    @property
    def is_valid(self) -> bool:
        return self.withdrawn_on is None

    @property
    def verification_code_display(self) -> str:
        """In groups of four, as printed: 'ABCD-EFGH-JKMN'."""
        code = self.verification_code
        return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


class CertificateRefusal(Applicant):
    """A request for a prohibited type that the community refused, with a printable notice.

    Counted against ``requested_by`` for the "prohibited certificate demand" flag. The same
    request refused twice on one day (a retry) is one refusal.
    """

    community = models.ForeignKey(
        Organisation,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="certificate_refusals",
    )
    certificate_type = models.ForeignKey(
        CertificateType,
        verbose_name=_("certificate type"),
        on_delete=models.PROTECT,
        related_name="refusals",
    )
    refused_by = models.ForeignKey(
        User, verbose_name=_("refused by"), on_delete=models.PROTECT, related_name="+"
    )
    refused_on = models.DateField(_("refused on"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("certificate refusal")
        verbose_name_plural = _("certificate refusals")
        ordering = ["-refused_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "community",
                    "certificate_type",
                    "applicant_id_hash",
                    "requested_by",
                    "refused_on",
                ],
                name="refusal_once_a_day",
            )
        ]
        indexes = [
            models.Index(fields=["refused_on", "requested_by"], name="refusal_demand"),
        ]

    def __str__(self) -> str:
        return f"{self.certificate_type} · {self.requested_by}"
