"""Serializers for certificates: shapes and input types only; the services decide.

No serializer has a field that could carry an ID number out: the write serializer's
``applicant_id_number`` is write-only, and the read ones know only the masked form.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from certificates.models import (
    CertificateIssuance,
    CertificateRefusal,
    CertificateType,
    CertificateTypeProposal,
)
from registry import limits
from registry.models import Organisation
from registry.serializers.organisations import OrganisationCodeField, OrganisationCodesField


class StrictCharField(serializers.CharField):
    """A string, and only a string: 123 or true is a client bug, not a name."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


class CertificateTypeSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")
    jurisdiction = serializers.CharField(source="jurisdiction.code", allow_null=True, default=None)
    jurisdiction_name = serializers.CharField(source="jurisdiction_label")
    url = serializers.SerializerMethodField()

    class Meta:
        model = CertificateType
        fields = [
            "id",
            "name",
            "status",
            "status_label",
            "jurisdiction",
            "jurisdiction_name",
            "verification",
            "materials",
            "redirect",
            "legal_basis",
            "effective_from",
            "effective_until",
            "synonyms",
            "initials",
            "url",
        ]

    @extend_schema_field(serializers.URLField())
    def get_url(self, certificate_type: CertificateType) -> str:
        """The type's public page (the target of the QR code on refusal notices)."""
        return _absolute(
            self.context.get("request"),
            reverse("certificate-type-page", args=[certificate_type.pk]),
        )


class CertificateTypeQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    status = serializers.ChoiceField(
        choices=CertificateType.Status.choices, required=False, allow_blank=True, default=""
    )
    area = OrganisationCodeField(
        queryset=Organisation.objects.filter(kind=Organisation.Kind.AREA), required=False
    )


class CatalogueImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    types = CertificateTypeSerializer(many=True)


class CertificateTypeField(serializers.PrimaryKeyRelatedField):
    default_error_messages = {
        "does_not_exist": _("No certificate type has the id {pk_value}."),
        "incorrect_type": _("A certificate type is given by its id, a number."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", CertificateType.objects.select_related("jurisdiction"))
        super().__init__(**kwargs)


class IssuanceWriteSerializer(serializers.Serializer):
    community = OrganisationCodeField()
    certificate_type = CertificateTypeField()
    applicant_name = StrictCharField(max_length=50)
    applicant_id_number = StrictCharField(max_length=32, write_only=True)
    purpose = StrictCharField(max_length=200)
    requested_by = StrictCharField(max_length=200)


class IssuanceSerializer(serializers.ModelSerializer):
    community = serializers.CharField(source="community.code")
    community_name = serializers.CharField(source="community.name")
    certificate_type_name = serializers.CharField(source="certificate_type.name")
    issued_by = serializers.CharField(source="issued_by.username")
    issued_by_name = serializers.CharField(source="issued_by.__str__")
    print_url = serializers.SerializerMethodField()

    class Meta:
        model = CertificateIssuance
        fields = [
            "id",
            "serial_number",
            "community",
            "community_name",
            "year",
            "certificate_type",
            "certificate_type_name",
            "applicant_name",
            "applicant_id_masked",
            "purpose",
            "requested_by",
            "issued_by",
            "issued_by_name",
            "issued_on",
            "print_url",
        ]

    @extend_schema_field(serializers.URLField())
    def get_print_url(self, issuance: CertificateIssuance) -> str:
        return _absolute(
            self.context.get("request"), reverse("certificate-issuance-print", args=[issuance.pk])
        )


class IssuanceVerificationSerializer(serializers.Serializer):
    """The public check of a printed certificate: no personal data."""

    valid = serializers.BooleanField()
    certificate_type = serializers.CharField(allow_null=True)
    community = serializers.CharField(allow_null=True)
    issued_on = serializers.DateField(allow_null=True)
    serial_number = serializers.CharField(allow_null=True)


class RefusalSerializer(serializers.ModelSerializer):
    community = serializers.CharField(source="community.code")
    community_name = serializers.CharField(source="community.name")
    certificate_type_name = serializers.CharField(source="certificate_type.name")
    redirect = serializers.CharField(source="certificate_type.redirect")
    refused_by = serializers.CharField(source="refused_by.username")
    notice_url = serializers.SerializerMethodField()

    class Meta:
        model = CertificateRefusal
        fields = [
            "id",
            "community",
            "community_name",
            "certificate_type",
            "certificate_type_name",
            "redirect",
            "applicant_name",
            "applicant_id_masked",
            "purpose",
            "requested_by",
            "refused_by",
            "refused_on",
            "notice_url",
        ]

    @extend_schema_field(serializers.URLField())
    def get_notice_url(self, refusal: CertificateRefusal) -> str:
        return _absolute(
            self.context.get("request"), reverse("certificate-refusal-notice", args=[refusal.pk])
        )


class DemandSerializer(serializers.Serializer):
    requested_by = serializers.CharField()
    refusals = serializers.IntegerField()
    communities = serializers.IntegerField()
    last_on = serializers.DateField()


class ProposalWriteSerializer(serializers.Serializer):
    department = OrganisationCodeField(
        queryset=Organisation.objects.filter(kind=Organisation.Kind.DEPARTMENT)
    )
    name = StrictCharField(max_length=100)
    legal_basis = StrictCharField(max_length=limits.LONG_TEXT)
    verification = StrictCharField(max_length=limits.LONG_TEXT)
    materials = StrictCharField(
        required=False, allow_blank=True, default="", max_length=limits.LONG_TEXT
    )
    synonyms = serializers.ListField(
        child=StrictCharField(max_length=100), max_length=50, default=list
    )
    description = StrictCharField(
        required=False, allow_blank=True, default="", max_length=limits.LONG_TEXT
    )
    scope = OrganisationCodesField(required=False)
    valid_months = serializers.IntegerField(min_value=1, max_value=120, required=False)
    submit = serializers.BooleanField(default=False)


class ProposalUpdateSerializer(serializers.Serializer):
    name = StrictCharField(max_length=100, required=False)
    legal_basis = StrictCharField(required=False, max_length=limits.LONG_TEXT)
    description = StrictCharField(required=False, allow_blank=True, max_length=limits.LONG_TEXT)
    verification = StrictCharField(required=False, max_length=limits.LONG_TEXT)
    materials = StrictCharField(required=False, allow_blank=True, max_length=limits.LONG_TEXT)
    synonyms = serializers.ListField(
        child=StrictCharField(max_length=100), max_length=50, required=False
    )


class ProposalSerializer(serializers.ModelSerializer):
    """A proposal with its application's state and checks; decide on it through
    /api/v1/applications/<application>/…"""

    application = serializers.IntegerField(source="application_id")
    state = serializers.CharField(source="application.state")
    name = serializers.CharField(source="application.title")
    legal_basis = serializers.CharField(source="application.legal_basis")
    description = serializers.CharField(source="application.description")
    department = serializers.CharField(source="application.department.code")
    department_name = serializers.CharField(source="application.department.name")
    jurisdiction = serializers.CharField(source="application.jurisdiction.code")
    checks = serializers.JSONField(source="application.checks")
    certificate_type = serializers.SerializerMethodField()
    application_url = serializers.SerializerMethodField()

    class Meta:
        model = CertificateTypeProposal
        fields = [
            "application",
            "state",
            "name",
            "department",
            "department_name",
            "jurisdiction",
            "legal_basis",
            "description",
            "verification",
            "materials",
            "synonyms",
            "checks",
            "certificate_type",
            "application_url",
        ]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_certificate_type(self, proposal: CertificateTypeProposal) -> int | None:
        """The retained type the approval admitted (null until then)."""
        admitted = list(proposal.application.certificate_types.all())
        return admitted[0].pk if admitted else None

    @extend_schema_field(serializers.URLField())
    def get_application_url(self, proposal: CertificateTypeProposal) -> str:
        return _absolute(
            self.context.get("request"),
            reverse("application-detail", args=[proposal.application_id]),
        )
