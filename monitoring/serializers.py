from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from monitoring import flags as flag_rules
from monitoring.models import Flag, OffPlatformReport
from registry import limits
from registry.models import Organisation
from registry.serializers.organisations import OrganisationCodeField


class OffPlatformReportWriteSerializer(serializers.Serializer):
    community = OrganisationCodeField(
        queryset=Organisation.objects.filter(kind=Organisation.Kind.COMMUNITY)
    )
    department = OrganisationCodeField(
        queryset=Organisation.objects.filter(kind=Organisation.Kind.DEPARTMENT)
    )
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=limits.LONG_TEXT
    )
    channel = serializers.ChoiceField(choices=OffPlatformReport.Channel.choices)
    received_on = serializers.DateField()
    due_date = serializers.DateField(required=False, allow_null=True, default=None)
    hours = serializers.DecimalField(
        max_digits=7,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        allow_null=True,
        default=None,
    )


class OffPlatformReportSerializer(serializers.ModelSerializer):
    community = serializers.CharField(source="community.code")
    community_name = serializers.CharField(source="community.name")
    department = serializers.CharField(source="department.code")
    department_name = serializers.CharField(source="department.name")
    reported_by = serializers.CharField(source="reported_by.__str__")

    class Meta:
        model = OffPlatformReport
        fields = [
            "id",
            "community",
            "community_name",
            "department",
            "department_name",
            "title",
            "description",
            "channel",
            "received_on",
            "due_date",
            "hours",
            "reported_by",
            "created_at",
        ]


class FlagSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.code")
    organisation_name = serializers.CharField(source="organisation.name")
    summary = serializers.SerializerMethodField()

    class Meta:
        model = Flag
        fields = [
            "id",
            "kind",
            "subject",
            "subject_key",
            "organisation",
            "organisation_name",
            "severity",
            "figures",
            "summary",
            "status",
            "first_seen_at",
            "last_seen_at",
            "acknowledged_at",
            "resolved_at",
            "resolution_note",
        ]

    def get_summary(self, flag: Flag) -> str:
        return flag_rules.describe(flag)


class FlagResolveSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=4000)
