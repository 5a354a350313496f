"""Serializers for applications and work items: shapes and input types; services decide."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from registry import limits
from registry.models import (
    APPLICATION_LIST_KINDS,
    Application,
    Frequency,
    HearingParticipant,
    ListKind,
    Organisation,
    WorkItem,
)
from registry.serializers.organisations import OrganisationCodeField, OrganisationCodesField
from registry.services import admission


class WorkItemNumberField(serializers.SlugRelatedField):
    default_error_messages = {
        "does_not_exist": _("No work item has the admission number {value}."),
        "invalid": _("An admission number is a string."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", WorkItem.objects.exclude(admission_number=None))
        super().__init__(slug_field="admission_number", **kwargs)


class ApplicationWriteSerializer(serializers.Serializer):
    """What a department sends to create (POST) or change (PATCH) an application."""

    department = OrganisationCodeField(
        queryset=Organisation.objects.filter(kind=Organisation.Kind.DEPARTMENT)
    )
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=limits.LONG_TEXT
    )
    list_kind = serializers.ChoiceField(choices=APPLICATION_LIST_KINDS)
    legal_basis = serializers.CharField(max_length=limits.LONG_TEXT)
    scope = OrganisationCodesField()
    frequency = serializers.ChoiceField(choices=Frequency.choices)
    hours_per_occurrence = serializers.DecimalField(
        max_digits=7, decimal_places=2, min_value=Decimal("0"), max_value=Decimal("10000")
    )
    households_per_occurrence = serializers.IntegerField(
        min_value=0, max_value=1_000_000, default=0
    )
    ledgers = serializers.IntegerField(min_value=0, max_value=10_000, default=0)
    data_fields = serializers.ListField(
        child=serializers.CharField(max_length=100), max_length=limits.MAX_ENTRIES, default=list
    )
    funding_per_community = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0"), default=Decimal("0")
    )
    valid_months = serializers.IntegerField(min_value=1, max_value=120, required=False)
    renewal_of = WorkItemNumberField(required=False, allow_null=True)


class ApplicationUpdateSerializer(ApplicationWriteSerializer):
    department = None  # an application never changes department
    renewal_of = None


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=limits.NOTE_TEXT
    )


class ApproveSerializer(ReasonSerializer):
    valid_until = serializers.DateField(required=False, allow_null=True, default=None)
    # 费随事转: required (the service says so, 400) when the checks found the funding missing.
    funding_note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=limits.NOTE_TEXT
    )


class RequireHearingSerializer(ReasonSerializer):
    scheduled_on = serializers.DateField(required=False, allow_null=True, default=None)
    location = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class ParticipantSerializer(serializers.ModelSerializer):
    class Meta:
        model = HearingParticipant
        fields = ["name", "organisation", "opinion", "comment"]
        extra_kwargs = {"comment": {"max_length": limits.NOTE_TEXT}}


class RecordHearingSerializer(ReasonSerializer):
    held_on = serializers.DateField()
    participants = ParticipantSerializer(
        many=True, allow_empty=False, max_length=limits.MAX_ENTRIES
    )
    summary = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=limits.LONG_TEXT
    )
    location = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    # A held date before the planned date is refused (400 hearing_before_planned) unless
    # confirmed here.
    confirm_early = serializers.BooleanField(required=False, default=False)


class HistoryEntrySerializer(serializers.Serializer):
    action = serializers.CharField()
    # "from" is a Python keyword: declared as from_ and renamed in get_fields, so the
    # response and the schema both say "from" (null for the first transition).
    from_ = serializers.CharField(source="from_state", allow_blank=True, allow_null=True)
    to = serializers.CharField(source="to_state")
    actor = serializers.CharField(source="actor.username")
    actor_name = serializers.CharField(source="actor.__str__")
    at = serializers.DateTimeField()
    reason = serializers.CharField(allow_blank=True)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return {name: fields[name] for name in ["action", "from", *list(fields)[1:-1]]}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["from"] = data["from"] or None
        return data


class HearingSerializer(serializers.Serializer):
    scheduled_on = serializers.DateField(allow_null=True)
    location = serializers.CharField()
    held_on = serializers.DateField(allow_null=True)
    summary = serializers.CharField()
    participants = ParticipantSerializer(many=True)


class WorkItemBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = WorkItem
        fields = ["admission_number", "title", "status", "valid_from", "valid_until"]


class ApplicationListSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.code")
    department_name = serializers.CharField(source="department.name")
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    scope = serializers.SerializerMethodField()
    work_item = WorkItemBriefSerializer(allow_null=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "subject",
            "department",
            "department_name",
            "jurisdiction",
            "title",
            "list_kind",
            "state",
            "hearing_required",
            "scope",
            "work_item",
            "submitted_at",
            "decided_at",
            "created_at",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_scope(self, application: Application) -> list[str]:
        return sorted(org.code for org in application.scope.all())


class ApplicationSerializer(ApplicationListSerializer):
    """One application in full: checks, history, hearing, and what the reader may do next."""

    renewal_of = serializers.CharField(
        source="renewal_of.admission_number", allow_null=True, default=None
    )
    history = HistoryEntrySerializer(source="transitions", many=True)
    # Blank for subjects without a burden (a certificate type): the schema says so.
    frequency = serializers.ChoiceField(choices=Frequency.choices, allow_blank=True, read_only=True)
    hearing = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta(ApplicationListSerializer.Meta):
        fields = [
            *ApplicationListSerializer.Meta.fields,
            "description",
            "legal_basis",
            "frequency",
            "hours_per_occurrence",
            "households_per_occurrence",
            "ledgers",
            "data_fields",
            "funding_per_community",
            "valid_months",
            "renewal_of",
            "checks",
            "history",
            "hearing",
            "actions",
        ]

    @extend_schema_field(HearingSerializer(allow_null=True))
    def get_hearing(self, application: Application) -> dict | None:
        hearing = getattr(application, "hearing", None)
        return HearingSerializer(hearing).data if hearing else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, application: Application) -> list[str]:
        """The transitions the reader could attempt now (the service has the last word)."""
        request = self.context.get("request")
        if request is None:
            return []
        return [
            t.action for t in admission.APPLICATION.available_actions(request.user, application)
        ]


class WorkItemSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    jurisdiction_name = serializers.CharField(source="jurisdiction.name")
    department = serializers.CharField(source="department.code", allow_null=True, default=None)
    department_name = serializers.CharField(source="department.name", allow_null=True, default=None)
    scope = serializers.SerializerMethodField()
    frequency = serializers.ChoiceField(choices=Frequency.choices, allow_blank=True, read_only=True)

    class Meta:
        model = WorkItem
        fields = [
            "admission_number",
            "jurisdiction",
            "jurisdiction_name",
            "list_kind",
            "title",
            "description",
            "department",
            "department_name",
            "legal_basis",
            "scope",
            "frequency",
            "hours_per_occurrence",
            "households_per_occurrence",
            "ledgers",
            "data_fields",
            "funding_per_community",
            "valid_from",
            "valid_until",
            "status",
            "status_reason",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_scope(self, item: WorkItem) -> list[str]:
        return sorted(org.code for org in item.scope.all())


class VerificationSerializer(serializers.Serializer):
    number = serializers.CharField()
    valid = serializers.BooleanField()
    status = serializers.CharField(allow_null=True)
    title = serializers.CharField(allow_null=True)
    department = serializers.CharField(allow_null=True)
    jurisdiction = serializers.CharField(allow_null=True)
    valid_from = serializers.DateField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)


class ImportRequestSerializer(serializers.Serializer):
    jurisdiction = OrganisationCodeField(
        queryset=Organisation.objects.filter(kind=Organisation.Kind.AREA)
    )
    file = serializers.FileField()


class PublishedListQuerySerializer(serializers.Serializer):
    list_kind = serializers.ChoiceField(choices=ListKind.choices)
    as_of = serializers.DateField(required=False)


class PublishedItemSerializer(serializers.Serializer):
    """A list entry as published (also for past dates, rebuilt from history)."""

    admission_number = serializers.CharField(allow_null=True)
    title = serializers.CharField()
    list_kind = serializers.CharField()
    department_name = serializers.CharField()
    legal_basis = serializers.CharField()
    scope = serializers.ListField(child=serializers.CharField(), source="scope_codes")
    frequency = serializers.CharField()
    hours_per_occurrence = serializers.DecimalField(max_digits=7, decimal_places=2)
    valid_from = serializers.DateField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)
    status = serializers.CharField()
