"""GET /api/v1/dashboard/: the supervisors' dashboard as JSON (api-v1.md, "Dashboards and
public figures"). Each registered section answers under its key (``lists``,
``admission``, ``assignments``, ``refusals``, ``offplatform``, ``flags``, ``clues``,
``plaques``, ``certificates``, ``evaluation``) with ``period`` and ``baseline``, counted
through the same selectors and filters as the list pages its links open."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from registry.forms.dashboard import dashboard_request
from registry.selectors import dashboard as board

SECTION_KEYS = (
    "lists",
    "admission",
    "assignments",
    "refusals",
    "offplatform",
    "flags",
    "clues",
    "plaques",
    "certificates",
    "evaluation",
)


class PeriodSerializer(serializers.Serializer):
    # "from" is a keyword: the field is named in the dict the view returns.
    until = serializers.DateField()
    label = serializers.CharField(allow_blank=True)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField()
        return fields


class DashboardSerializer(serializers.Serializer):
    """The documented shape; each section is ``{"heading", "available", "note",
    "period": figures, "baseline": figures}``, figures being ``{"available", "note",
    "totals", "labels", "links", "tables"}``."""

    area = serializers.CharField()
    area_name = serializers.CharField()
    period = PeriodSerializer()
    baseline = PeriodSerializer()
    baseline_kind = serializers.ChoiceField(choices=["saved", "last_year", "custom"])
    minimum_events = serializers.IntegerField()

    def get_fields(self):
        fields = super().get_fields()
        for key in SECTION_KEYS:
            fields[key] = serializers.DictField(required=False)
        return fields


DATE_PARAMETERS = [
    OpenApiParameter(
        "area", OpenApiTypes.STR, description="Area code (default: your jurisdiction)"
    ),
    OpenApiParameter("from", OpenApiTypes.DATE, description="First day of the period"),
    OpenApiParameter("until", OpenApiTypes.DATE, description="Last day of the period"),
    OpenApiParameter(
        "period", OpenApiTypes.STR, enum=["month", "quarter", "year"], description="A preset"
    ),
    OpenApiParameter("baseline_from", OpenApiTypes.DATE),
    OpenApiParameter("baseline_until", OpenApiTypes.DATE),
    OpenApiParameter(
        "baseline",
        OpenApiTypes.STR,
        enum=["saved", "last_year"],
        description="The area's saved baseline (default when there is one) or last year",
    ),
]


class DashboardView(APIView):
    """Supervisors and reviewers: the figures of an area they cover."""

    permission_action = "dashboard.view"

    @extend_schema(parameters=DATE_PARAMETERS, responses=DashboardSerializer)
    def get(self, request):
        query = dashboard_request(user=request.user, data=request.query_params)
        figures = board.dashboard_figures(
            user=request.user,
            area=query.area,
            period=query.period,
            baseline=query.baseline,
            params=query.params,
        )
        body = {
            "area": query.area.code,
            "area_name": query.area.name,
            "period": query.period.as_json(),
            "baseline": {**query.baseline.as_json(), "label": query.baseline_name},
            "baseline_kind": query.baseline_kind,
            "minimum_events": board.min_events(),
        }
        for section, result, baseline in figures:
            body[section.key] = {
                "heading": str(section.heading),
                "available": result["available"],
                "note": result["note"],
                "period": result,
                "baseline": baseline,
            }
        return Response(body)
