"""The public figures' JSON (``GET /api/v1/public/figures/``)."""

from __future__ import annotations

from rest_framework import serializers


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
    baseline = serializers.IntegerField(help_text="The baseline period (the previous year).")
    change_percent = serializers.FloatField(
        allow_null=True, help_text="(value - baseline) / baseline in per cent; null at 0."
    )


class PublicFiguresSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    period = FiguresPeriodSerializer()
    baseline = FiguresPeriodSerializer()
    computed_at = serializers.DateTimeField()
    figures = FigureSerializer(many=True)
