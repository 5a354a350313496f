"""Serializers for dispatches and assignments (the community inbox)."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from registry import limits
from registry.models import Assignment, Dispatch, Organisation
from registry.serializers.organisations import OrganisationCodeField, OrganisationCodesField
from registry.workdays import working_days_between


class DispatchCreateSerializer(serializers.Serializer):
    work_item = serializers.CharField(allow_null=True, required=False, default=None, max_length=40)
    title = serializers.CharField(max_length=200)
    instructions = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=limits.LONG_TEXT
    )
    materials = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=limits.LONG_TEXT
    )
    communities = OrganisationCodesField(
        required=False,
        default=list,
        queryset=Organisation.objects.filter(kind=Organisation.Kind.COMMUNITY),
    )
    areas = OrganisationCodesField(
        required=False,
        default=list,
        queryset=Organisation.objects.filter(kind=Organisation.Kind.AREA),
        help_text="Every community under these areas is a target too.",
    )
    due_date = serializers.DateField()
    hours_per_community = serializers.DecimalField(
        max_digits=7, decimal_places=2, min_value=Decimal("0"), max_value=Decimal("10000")
    )
    households_per_community = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0)
    emergency = serializers.BooleanField(default=False)
    justification = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=limits.LONG_TEXT
    )
    department = OrganisationCodeField(
        required=False,
        allow_null=True,
        default=None,
        queryset=Organisation.objects.filter(kind=Organisation.Kind.DEPARTMENT),
    )


class DispatchSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.code")
    department_name = serializers.CharField(source="department.name")
    work_item = serializers.CharField(
        source="work_item.admission_number", allow_null=True, default=None
    )
    assignments = serializers.IntegerField(source="community_count")
    state_counts = serializers.SerializerMethodField()
    ratified = serializers.SerializerMethodField()
    ratification = serializers.SerializerMethodField()
    recalled = serializers.SerializerMethodField()

    class Meta:
        model = Dispatch
        fields = [
            "id",
            "department",
            "department_name",
            "work_item",
            "title",
            "instructions",
            "materials",
            "due_date",
            "hours_per_community",
            "households_per_community",
            "lead_working_days",
            "emergency",
            "justification",
            "ratified",
            "ratified_at",
            "ratification",
            "ratification_refused_at",
            "ratification_note",
            "recalled",
            "recalled_at",
            "recall_reason",
            "assignments",
            "state_counts",
            "created_at",
        ]

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_state_counts(self, dispatch: Dispatch) -> dict[str, int]:
        return self.context.get("state_counts", {}).get(dispatch.pk, {})

    def get_ratified(self, dispatch: Dispatch) -> bool | None:
        return dispatch.ratified_at is not None if dispatch.emergency else None

    @extend_schema_field(
        serializers.ChoiceField(choices=["awaiting", "ratified", "refused"], allow_null=True)
    )
    def get_ratification(self, dispatch: Dispatch) -> str | None:
        """An emergency task's decision: awaiting, ratified or refused (不予追认)."""
        if not dispatch.emergency:
            return None
        if dispatch.ratified_at is not None:
            return "ratified"
        return "refused" if dispatch.ratification_refused_at is not None else "awaiting"

    def get_recalled(self, dispatch: Dispatch) -> bool:
        return dispatch.recalled_at is not None


class AssignmentSerializer(serializers.ModelSerializer):
    community = serializers.CharField(source="community.code")
    community_name = serializers.CharField(source="community.name")
    department = serializers.CharField(source="department.code")
    department_name = serializers.CharField(source="department.name")
    work_item = serializers.CharField(
        source="work_item.admission_number", allow_null=True, default=None
    )
    verify_url = serializers.SerializerMethodField()
    title = serializers.CharField(source="dispatch.title")
    instructions = serializers.CharField(source="dispatch.instructions")
    materials = serializers.CharField(source="dispatch.materials")
    households = serializers.IntegerField(source="dispatch.households_per_community")
    working_days_left = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = [
            "id",
            "community",
            "community_name",
            "department",
            "department_name",
            "work_item",
            "verify_url",
            "emergency",
            "title",
            "instructions",
            "materials",
            "due_date",
            "working_days_left",
            "hours",
            "households",
            "state",
            "refusal_reason",
            "note",
            "created_at",
            "responded_at",
        ]

    def get_verify_url(self, assignment: Assignment) -> str | None:
        if not assignment.work_item_id:
            return None
        number = assignment.work_item.admission_number
        return f"{reverse('verify')}?number={number}"

    def get_working_days_left(self, assignment: Assignment) -> int:
        today = timezone.localdate()
        if assignment.due_date < today:
            return -working_days_between(assignment.due_date, today)
        return working_days_between(today, assignment.due_date)


class RespondSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class RefuseSerializer(RespondSerializer):
    reason_code = serializers.ChoiceField(choices=Assignment.RefusalReason.choices)


class RatifySerializer(serializers.Serializer):
    """The reviewer's opinion on an emergency task: ``reason`` (the contract's name; ``note``
    is its older alias). Required when refusing, which the service checks (a 400 naming
    ``reason``)."""

    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)

    def opinion(self) -> str:
        return self.validated_data["reason"] or self.validated_data["note"]


class RecallSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=limits.NOTE_TEXT, allow_blank=True)


class AmendDueDateSerializer(serializers.Serializer):
    due_date = serializers.DateField()
    reason = serializers.CharField(max_length=limits.NOTE_TEXT, allow_blank=True)
