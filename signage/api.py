"""API views for plaques and standards. Thin: selectors read, services write."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from registry.api.base import JSONParser
from registry.api.jobs import export_action
from registry.excel import xlsx_response
from signage import excel, selectors, services
from signage.filters import PlaqueFilter, StandardFilter
from signage.models import Plaque, PlaqueStandard
from signage.permissions import CENSUS, EDIT, READ, STANDARD_MANAGE, STANDARD_VIEW, VIEW
from signage.serializers import (
    CensusRequestSerializer,
    CensusResultSerializer,
    ExportQuerySerializer,
    PlaqueSerializer,
    PlaqueWriteSerializer,
    RemoveSerializer,
    StandardSerializer,
    StandardWriteSerializer,
    SummaryQuerySerializer,
    SummaryRowSerializer,
    TrendQuerySerializer,
    TrendRowSerializer,
)


class PlaqueViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The registry: a cadre keeps their community's; reviewers and supervisors read their
    area's; department staff read the signs their department asked for."""

    serializer_class = PlaqueSerializer
    filterset_class = PlaqueFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    permission_actions = {
        "list": READ,
        "retrieve": READ,
        "create": EDIT,
        "remove": EDIT,
        "summary": VIEW,
        "trend": VIEW,
        "export": VIEW,
        "census": CENSUS,
        "census_template": CENSUS,
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Plaque.objects.none()
        return selectors.plaque_list(user=self.request.user)

    def filter_queryset(self, queryset):
        # The selector filters (the one filter path); DjangoFilterBackend would do it twice.
        return selectors.plaque_list(user=self.request.user, filters=self.request.query_params)

    def get_object(self):
        return selectors.plaque_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(
        request={
            "application/json": PlaqueWriteSerializer,
            "multipart/form-data": PlaqueWriteSerializer,
        },
        responses={201: PlaqueSerializer},
    )
    def create(self, request):
        """Record a sign (the community's cadre); with a photo, send multipart/form-data."""
        serializer = PlaqueWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sign = services.plaque_create(actor=request.user, **serializer.validated_data)
        return Response(
            PlaqueSerializer(sign, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request={"application/json": RemoveSerializer, "multipart/form-data": RemoveSerializer},
        responses={
            200: PlaqueSerializer,
            409: OpenApiResponse(description="illegal_transition: already removed"),
        },
    )
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        """Record the removal (摘牌) with date, reason and a photo of the bare wall."""
        sign = self.get_object()
        serializer = RemoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sign = services.plaque_remove(actor=request.user, plaque=sign, **serializer.validated_data)
        return Response(PlaqueSerializer(sign, context={"request": request}).data)

    @extend_schema(
        parameters=[OpenApiParameter("area", str), OpenApiParameter("on", OpenApiTypes.DATE)],
        responses={200: SummaryRowSerializer(many=True)},
    )
    @action(detail=False, methods=["get"])
    def summary(self, request):
        """Per community: signs up on a date, exterior, interior, excess, removed this year;
        ``totals`` sums them over every community the page covers."""
        query = SummaryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        area, on = query.validated_data.get("area"), query.validated_data.get("on")
        rows = selectors.plaque_summary(user=request.user, area=area, on=on)
        page = self.paginate_queryset(rows)
        response = self.get_paginated_response(SummaryRowSerializer(page, many=True).data)
        response.data["totals"] = selectors.plaque_totals(user=request.user, area=area, on=on)
        response.data["on"] = (on or timezone.localdate()).isoformat()
        return response

    @extend_schema(
        parameters=[OpenApiParameter("area", str), OpenApiParameter("months", int)],
        responses={200: TrendRowSerializer(many=True)},
    )
    # A handful of months, whole: not paginated (and the schema says so).
    @action(detail=False, methods=["get"], pagination_class=None)
    def trend(self, request):
        """Per month: signs put up, removed, and up at the end of the month."""
        query = TrendQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        trend = selectors.plaque_monthly_trend(
            user=request.user,
            area=query.validated_data.get("area"),
            months=query.validated_data["months"],
        )
        return Response(TrendRowSerializer(trend, many=True).data)

    # The registry (removed signs too), filtered like the list, as .xlsx, or a background
    # job (202) above EXPORT_INLINE_MAX_ROWS rows (signage/exports.py).
    export = export_action(
        "plaques", description="The registry, filtered like the list, removed signs too, as .xlsx."
    )

    @extend_schema(
        request={"multipart/form-data": CensusRequestSerializer},
        responses={201: CensusResultSerializer},
    )
    @action(detail=False, methods=["post"], parser_classes=[MultiPartParser])
    def census(self, request):
        """Load a street's or district's census workbook: every row or none (400 lists the
        row errors and writes nothing)."""
        serializer = CensusRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = services.plaques_census_import(
            actor=request.user,
            area=serializer.validated_data["area"],
            upload=serializer.validated_data["file"],
        )
        excess = Plaque.objects.filter(pk__in=[s.pk for s in created], within_standard=False)
        return Response(
            {
                "created": len(created),
                "communities": len({s.community_id for s in created}),
                "excess": excess.count(),
            },
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        parameters=[OpenApiParameter("area", str)],
        responses={(200, excel.XLSX_CONTENT_TYPE): OpenApiTypes.BINARY},
    )
    @action(detail=False, methods=["get"], url_path="census-template")
    def census_template(self, request):
        """The census workbook to fill in, one line per community of the area."""
        query = ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        communities = selectors.plaque_communities(user=request.user).order_by("path")
        area = query.validated_data.get("area")
        if area is not None:
            communities = communities.filter(path__startswith=area.path)
        return xlsx_response(
            excel.census_template(communities.only("code", "name")[:5000]),
            f"{_('Plaque census')}.xlsx",
            fallback="plaques.xlsx",
        )


class PlaqueStandardViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The standard per jurisdiction: every role reads it, the area's reviewers set it."""

    serializer_class = StandardSerializer
    filterset_class = StandardFilter
    permission_actions = {
        "list": STANDARD_VIEW,
        "retrieve": STANDARD_VIEW,
        "create": STANDARD_MANAGE,
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PlaqueStandard.objects.none()
        return selectors.standard_list(user=self.request.user)

    def filter_queryset(self, queryset):
        return selectors.standard_list(user=self.request.user, filters=self.request.query_params)

    @extend_schema(
        request=StandardWriteSerializer,
        responses={
            201: StandardSerializer,
            422: OpenApiResponse(description="standard_looser: it loosens the one above"),
        },
    )
    def create(self, request):
        serializer = StandardWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        standard = services.plaque_standard_create(actor=request.user, **serializer.validated_data)
        return Response(StandardSerializer(standard).data, status=status.HTTP_201_CREATED)
