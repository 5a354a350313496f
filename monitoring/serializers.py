from __future__ import annotations

from decimal import Decimal
from functools import cached_property

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from monitoring import flags as flag_rules
from monitoring import selectors, services
from monitoring.models import (
    Clue,
    Flag,
    MonitoringPoint,
    MonitoringReport,
    NoticeExtension,
    OffPlatformReport,
    RectificationNotice,
    ReportEntry,
)
from monitoring.permissions import REPORTER_VIEW
from registry import limits, permissions
from registry.models import Organisation
from registry.serializers.organisations import OrganisationCodeField


def reporter_visible(context: dict, organisation: Organisation) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    return bool(user) and permissions.may(user, REPORTER_VIEW, organisation)


class OffPlatformReportWriteSerializer(serializers.Serializer):
    community = OrganisationCodeField(
        queryset=Organisation.objects.filter(kind=Organisation.Kind.COMMUNITY)
    )
    department = OrganisationCodeField(
        queryset=Organisation.objects.filter(
            kind__in=[Organisation.Kind.DEPARTMENT, Organisation.Kind.AREA]
        ),
        allow_null=True,
        help_text="A department, the community's street office (its area's code), or null "
        "for “other / not sure” (其他/不清楚).",
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
    evidence = serializers.FileField(
        required=False,
        help_text="A screenshot or photo, JPEG or PNG (by content), size- and pixel-limited; "
        "stored re-encoded without EXIF.",
    )


class OffPlatformReportUpdateSerializer(OffPlatformReportWriteSerializer):
    """A correction: any of the fields, the community excepted (PATCH)."""

    community = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False

    def to_internal_value(self, data):
        # Only what was sent changes: no defaults for the fields left out.
        values = super().to_internal_value(data)
        return {name: value for name, value in values.items() if name in data}


class OffPlatformReportSerializer(serializers.ModelSerializer):
    community = serializers.CharField(source="community.code")
    community_name = serializers.CharField(source="community.name")
    department = serializers.CharField(source="department.code", allow_null=True)
    department_name = serializers.CharField(source="department.name", allow_null=True)
    reported_by = serializers.CharField(source="reported_by.__str__")

    has_evidence = serializers.SerializerMethodField()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # Reporter protection: the department concerned never learns who reported it, and
        # never gets the evidence (a screenshot shows names).
        if not reporter_visible(self.context, instance.community):
            data.pop("reported_by", None)
            data.pop("has_evidence", None)
        return data

    def get_has_evidence(self, report: OffPlatformReport) -> bool:
        return bool(report.evidence)

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
            "state",
            "has_evidence",
            "reported_by",
            "created_at",
        ]


class FlagSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.code")
    organisation_name = serializers.CharField(source="organisation.name")
    summary = serializers.SerializerMethodField()
    subject_url = serializers.SerializerMethodField()

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
            "subject_url",
            "status",
            "first_seen_at",
            "last_seen_at",
            "acknowledged_at",
            "resolved_at",
            "resolution_note",
        ]

    def get_subject_url(self, flag: Flag) -> str:
        """The page where the subject is dealt with ("" when there is none)."""
        return flag_rules.subject_url(flag)

    def get_summary(self, flag: Flag) -> str:
        return flag_rules.describe(flag)


class FlagResolveSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=4000)


# --- Monitoring points -------------------------------------------------------------------


class MonitoringPointSerializer(serializers.ModelSerializer):
    community = serializers.CharField(source="community.code")
    community_name = serializers.CharField(source="community.name")
    from_ = serializers.DateField(source="designated_from")
    until = serializers.DateField(source="designated_until", allow_null=True)

    class Meta:
        model = MonitoringPoint
        fields = ["id", "community", "community_name", "from_", "until"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["from"] = data.pop("from_")
        return data


class MonitoringPointWriteSerializer(serializers.Serializer):
    community = OrganisationCodeField(
        queryset=Organisation.objects.filter(kind=Organisation.Kind.COMMUNITY)
    )
    until = serializers.DateField(required=False, allow_null=True, default=None)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField()  # "from" is a keyword in Python
        return fields


# --- Monthly reports -----------------------------------------------------------------------


class ReportEntrySerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.code")
    department_name = serializers.CharField(source="department.name")

    class Meta:
        model = ReportEntry
        fields = [
            "id",
            "source",
            "department",
            "department_name",
            "title",
            "channel",
            "demanded_on",
            "due_date",
            "hours",
            "households",
            "cadres_involved",
            "note",
        ]


class ReportEntryWriteSerializer(serializers.Serializer):
    department = OrganisationCodeField(
        queryset=Organisation.objects.filter(kind=Organisation.Kind.DEPARTMENT)
    )
    title = serializers.CharField(max_length=200)
    channel = serializers.ChoiceField(choices=ReportEntry.Channel.choices)
    demanded_on = serializers.DateField()
    due_date = serializers.DateField(required=False, allow_null=True)
    hours = serializers.DecimalField(
        max_digits=7, decimal_places=2, min_value=Decimal("0"), required=False, allow_null=True
    )
    households = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    cadres_involved = serializers.IntegerField(
        min_value=0, max_value=999, required=False, allow_null=True
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class MonitoringReportSerializer(serializers.ModelSerializer):
    community = serializers.CharField(source="community.code")
    community_name = serializers.CharField(source="community.name")
    period = serializers.CharField(source="period_label")
    entries = ReportEntrySerializer(many=True, read_only=True)
    previous = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = MonitoringReport
        fields = [
            "id",
            "community",
            "community_name",
            "period",
            "version",
            "previous",
            "state",
            "due_date",
            "submitted_at",
            "correction_reason",
            "entries",
        ]


class MonitoringReportListSerializer(MonitoringReportSerializer):
    entry_count = serializers.IntegerField(read_only=True)
    hours_total = serializers.DecimalField(
        max_digits=12, decimal_places=2, read_only=True, allow_null=True
    )

    class Meta(MonitoringReportSerializer.Meta):
        fields = [f for f in MonitoringReportSerializer.Meta.fields if f != "entries"] + [
            "entry_count",
            "hours_total",
        ]


class MonitoringReportOpenSerializer(serializers.Serializer):
    community = OrganisationCodeField(
        queryset=Organisation.objects.filter(kind=Organisation.Kind.COMMUNITY)
    )
    period = serializers.RegexField(r"^\d{4}-\d{2}$")


class ReportReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


# --- Clues and notices ---------------------------------------------------------------------


class NoticeExtensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = NoticeExtension
        fields = ["id", "state", "reason", "old_due_date", "new_due_date", "decision_reason"]


class NoticeSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.code")
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    notice_url = serializers.SerializerMethodField()
    extensions = NoticeExtensionSerializer(many=True, read_only=True)

    class Meta:
        model = RectificationNotice
        fields = [
            "id",
            "number",
            "jurisdiction",
            "department",
            "findings",
            "requirements",
            "due_working_days",
            "sent_on",
            "due_date",
            "state",
            "escalation",
            "measures",
            "responded_at",
            "notice_url",
            "extensions",
        ]

    def get_notice_url(self, notice: RectificationNotice) -> str:
        from django.urls import reverse

        path = reverse("notice-print", args=[notice.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class ClueHistorySerializer(serializers.Serializer):
    action = serializers.CharField()
    to = serializers.CharField(source="to_state")
    at = serializers.DateTimeField()
    reason = serializers.CharField()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["from"] = instance.from_state or None
        data["actor"] = instance.actor.username
        data["actor_name"] = str(instance.actor)
        return data


class ClueSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.code")
    department_name = serializers.CharField(source="department.name")
    community = serializers.CharField(source="community.code", allow_null=True, default=None)
    reported_by = serializers.CharField(source="reported_by.__str__")
    notice = serializers.SerializerMethodField()

    class Meta:
        model = Clue
        fields = [
            "id",
            "state",
            "department",
            "department_name",
            "community",
            "summary",
            "details",
            "flag",
            "report_entry",
            "figures",
            "reported_by",
            "created_at",
            "analysis_note",
            "visited_on",
            "findings",
            "checked_on",
            "notice",
        ]

    @extend_schema_field(NoticeSerializer(allow_null=True))
    def get_notice(self, clue: Clue):
        live = getattr(clue, "live_notices", None)
        # The list's prefetch is an empty list for a clue no notice was sent on yet.
        notice = services.current_notice(clue) if live is None else (live[0] if live else None)
        return self._notice_serializer.to_representation(notice) if notice else None

    @cached_property
    def _notice_serializer(self) -> NoticeSerializer:
        # One for the whole list (a list reuses this serializer for every row): building a
        # ModelSerializer's fields per row was two thirds of a province's clue page.
        return NoticeSerializer(context=self.context)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        user = getattr(self.context.get("request"), "user", None)
        if not (user and selectors.may_see_reporter(user, instance)):
            data.pop("reported_by", None)
        return data


class ClueDetailSerializer(ClueSerializer):
    history = serializers.SerializerMethodField()

    class Meta(ClueSerializer.Meta):
        fields = [*ClueSerializer.Meta.fields, "history"]

    @extend_schema_field(ClueHistorySerializer(many=True))
    def get_history(self, clue: Clue):
        rows = ClueHistorySerializer(clue.transitions.all(), many=True).data
        user = getattr(self.context.get("request"), "user", None)
        if not (user and selectors.may_see_reporter(user, clue)):
            # The first step's actor is the reporter: hidden from the department.
            for row in rows:
                if row["action"] == "report":
                    row["actor"] = row["actor_name"] = None
        return rows


class ClueWriteSerializer(serializers.Serializer):
    department = OrganisationCodeField(
        queryset=Organisation.objects.filter(kind=Organisation.Kind.DEPARTMENT)
    )
    community = OrganisationCodeField(
        queryset=Organisation.objects.filter(kind=Organisation.Kind.COMMUNITY),
        required=False,
        allow_null=True,
        default=None,
    )
    summary = serializers.CharField(max_length=200)
    details = serializers.CharField(required=False, allow_blank=True, default="")
    flag = serializers.IntegerField(required=False, allow_null=True, default=None)
    report_entry = serializers.IntegerField(required=False, allow_null=True, default=None)


class ClueActionSerializer(serializers.Serializer):
    """Every action's fields; each action's service says which it needs."""

    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    visited_on = serializers.DateField(required=False)
    findings = serializers.CharField(required=False, allow_blank=True, max_length=8000)
    requirements = serializers.CharField(required=False, allow_blank=True, max_length=8000)
    due_working_days = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=60
    )
    measures = serializers.CharField(required=False, allow_blank=True, max_length=8000)
    new_due_date = serializers.DateField(required=False)
    checked_on = serializers.DateField(required=False)

    REQUIRED = {
        "verify": ["visited_on", "findings"],
        "send-notice": ["requirements"],
        "respond": ["measures"],
        "request-extension": ["reason", "new_due_date"],
        "close": ["checked_on", "reason"],
    }

    def validate(self, attrs):
        action = self.context.get("action")
        missing = {
            name: [serializers.Field.default_error_messages["required"]]
            for name in self.REQUIRED.get(action, [])
            if attrs.get(name) in (None, "")
        }
        if missing:
            raise serializers.ValidationError(missing)
        return attrs
