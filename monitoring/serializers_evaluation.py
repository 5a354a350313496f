"""The reverse evaluation's (反向评价) JSON: rounds, the form, responses and results
(``/api/v1/evaluation-rounds/``; api-v1.md "Reverse evaluation"). Apart from
monitoring/serializers.py, which holds the other monitoring endpoints'."""

from __future__ import annotations

from rest_framework import serializers

from monitoring.models import (
    Dimension,
    EvaluationRound,
)
from monitoring.permissions import REPORTER_VIEW
from registry import limits, permissions
from registry.models import Organisation
from registry.serializers.organisations import OrganisationCodeField


def reporter_visible(context: dict, organisation: Organisation) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    return bool(user) and permissions.may(user, REPORTER_VIEW, organisation)


class EvaluationRoundWriteSerializer(serializers.Serializer):
    area = OrganisationCodeField(queryset=Organisation.objects.filter(kind=Organisation.Kind.AREA))
    title = serializers.CharField(max_length=limits.SHORT_TEXT)
    period_from = serializers.DateField()
    period_until = serializers.DateField()
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()


class EvaluationRoundSerializer(serializers.ModelSerializer):
    area = serializers.CharField(source="area.code")
    area_name = serializers.CharField(source="area.name")
    responses = serializers.SerializerMethodField()

    class Meta:
        model = EvaluationRound
        fields = [
            "id",
            "area",
            "area_name",
            "title",
            "period_from",
            "period_until",
            "opens_on",
            "closes_on",
            "state",
            "responses",
            "created_at",
            "closed_at",
        ]

    def get_responses(self, obj) -> int:
        """How many communities have answered (a count, never who)."""
        count = getattr(obj, "response_count", None)
        return obj.responses.count() if count is None else count


class EvaluationDimensionSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    score_1 = serializers.CharField(help_text="What a 1 means.")
    score_5 = serializers.CharField(help_text="What a 5 means.")


class EvaluationFormDepartmentSerializer(serializers.Serializer):
    department = serializers.CharField(help_text="The department's code.")
    department_name = serializers.CharField()
    dispatched = serializers.BooleanField(
        help_text="True when it dispatched to the community in the period; false when the "
        "community added it."
    )
    scores = serializers.DictField(
        child=serializers.IntegerField(), help_text="The community's current answer."
    )
    comment = serializers.CharField(allow_blank=True)


class EvaluationFormSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    community = serializers.CharField()
    accepting = serializers.BooleanField()
    closes_on = serializers.DateField()
    answered = serializers.BooleanField()
    dimensions = EvaluationDimensionSerializer(many=True)
    departments = EvaluationFormDepartmentSerializer(many=True)
    addable = serializers.ListField(
        child=serializers.CharField(), help_text="Codes of departments the community may add."
    )


class EvaluationRatingInSerializer(serializers.Serializer):
    department = serializers.CharField(max_length=40)
    dimension = serializers.ChoiceField(choices=Dimension.choices)
    score = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=limits.NOTE_TEXT
    )


class EvaluationResponseWriteSerializer(serializers.Serializer):
    community = OrganisationCodeField(
        queryset=Organisation.objects.filter(kind=Organisation.Kind.COMMUNITY)
    )
    ratings = EvaluationRatingInSerializer(many=True, max_length=limits.MAX_ENTRIES)


class EvaluationResponseSerializer(serializers.Serializer):
    """What the community gets back: its own answer, nobody else's."""

    round = serializers.IntegerField()
    community = serializers.CharField()
    version = serializers.IntegerField()
    submitted_at = serializers.DateTimeField()
    ratings = EvaluationRatingInSerializer(many=True)


class EvaluationScoresSerializer(serializers.Serializer):
    meetings_documents = serializers.FloatField(allow_null=True)
    inspections = serializers.FloatField(allow_null=True)
    ledgers_materials = serializers.FloatField(allow_null=True)
    whistle_response = serializers.FloatField(allow_null=True)


class EvaluationCountsSerializer(serializers.Serializer):
    meetings_documents = serializers.IntegerField()
    inspections = serializers.IntegerField()
    ledgers_materials = serializers.IntegerField()
    whistle_response = serializers.IntegerField()


class EvaluationFactsSerializer(serializers.Serializer):
    refusal_rate = serializers.FloatField(allow_null=True)
    median_lead_working_days = serializers.FloatField(allow_null=True)
    emergency_share = serializers.FloatField(allow_null=True)
    offplatform_reports = serializers.IntegerField()
    overdue_rectifications = serializers.IntegerField()


class EvaluationTrendSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    title = serializers.CharField()
    period_from = serializers.DateField()
    responses = serializers.IntegerField()
    overall = serializers.FloatField(allow_null=True)


class EvaluationResultSerializer(serializers.Serializer):
    department = serializers.CharField()
    department_name = serializers.CharField()
    responses = serializers.IntegerField()
    scores = EvaluationScoresSerializer(allow_null=True, help_text="Null below the minimum.")
    counts = EvaluationCountsSerializer(allow_null=True)
    overall = serializers.FloatField(allow_null=True)
    rank = serializers.IntegerField(allow_null=True, help_text="Null below the minimum.")
    facts = EvaluationFactsSerializer()
    trend = EvaluationTrendSerializer(many=True)


class EvaluationResultsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    minimum_responses = serializers.IntegerField()
    results = EvaluationResultSerializer(many=True)
