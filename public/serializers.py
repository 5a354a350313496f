"""The public figures' JSON (``GET /api/v1/public/figures/``)."""

from __future__ import annotations

from rest_framework import serializers

from registry.api.dashboard import PeriodSerializer


class FiguresPeriodSerializer(serializers.Serializer):
    # "from" is a keyword: the field is named in the serializer's fields by hand below.
    until = serializers.DateField()

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField()
        return {"from": fields.pop("from"), **fields}


class FigureSerializer(serializers.Serializer):
    key = serializers.ChoiceField(
        choices=[
            "items_admitted",
            "items_refused",
            "tasks_refused",
            "certificates_cancelled",
            "signs_removed",
        ]
    )
    label = serializers.CharField()
    value = serializers.IntegerField(help_text="This year so far.")
    baseline = serializers.IntegerField(
        help_text="The baseline period's count (the bureau's saved baseline, else the same "
        "period last year)."
    )
    change_percent = serializers.FloatField(
        allow_null=True, help_text="(value - baseline) / baseline in per cent; null at 0."
    )


class PublicFiguresSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    period = FiguresPeriodSerializer()
    # The dashboard's shape: ``label`` is the saved baseline's name, "" for last year.
    baseline = PeriodSerializer()
    baseline_kind = serializers.ChoiceField(
        choices=["saved", "last_year"],
        help_text="saved: the baseline the bureau's supervisors saved on the dashboard; "
        "last_year: none is saved, the same period last year.",
    )
    computed_at = serializers.DateTimeField()
    figures = FigureSerializer(many=True)
