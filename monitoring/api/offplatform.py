"""API views of monitoring: off-platform reports and flags. Thin."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from monitoring import selectors, services
from monitoring.filters import OffPlatformReportFilter
from monitoring.models import OffPlatformReport
from monitoring.serializers import (
    OffPlatformReportSerializer,
    OffPlatformReportUpdateSerializer,
    OffPlatformReportWriteSerializer,
)
from registry.api.base import portal_action
from registry.api.jobs import export_action


class OffPlatformReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Demands that reached communities by WeChat, phone, paper or meeting."""

    serializer_class = OffPlatformReportSerializer
    filterset_class = OffPlatformReportFilter
    permission_actions = {
        "list": "authenticated",
        "export": "authenticated",
        "retrieve": "authenticated",
        "create": "offplatform.report",
        "partial_update": "offplatform.report",
        "withdraw": "offplatform.report",
    }
    export = export_action("offplatform-reports")
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return OffPlatformReport.objects.none()
        return selectors.offplatform_list(
            user=self.request.user, filters=self.request.query_params
        ).order_by("-received_on", "-id")

    @extend_schema(
        request=OffPlatformReportWriteSerializer, responses={201: OffPlatformReportSerializer}
    )
    def create(self, request):
        serializer = OffPlatformReportWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.offplatform_report_create(actor=request.user, **serializer.validated_data)
        return Response(
            OffPlatformReportSerializer(report, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    def get_object(self):
        return selectors.offplatform_get(
            user=self.request.user, pk=self.kwargs["pk"], action=portal_action(self)
        )

    def _fresh(self, request, report):
        fresh = selectors.offplatform_get(user=request.user, pk=report.pk)
        return Response(OffPlatformReportSerializer(fresh, context={"request": request}).data)

    @extend_schema(request=OffPlatformReportUpdateSerializer, responses=OffPlatformReportSerializer)
    def partial_update(self, request, pk=None):
        """The reporting community's cadre corrects the report (and may attach evidence)
        while no clue uses it (409 afterwards, or once withdrawn)."""
        report = self.get_object()
        serializer = OffPlatformReportUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.offplatform_report_update(
            actor=request.user, report=report, **serializer.validated_data
        )
        return self._fresh(request, report)

    @extend_schema(request=None, responses=OffPlatformReportSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """The reporting community's cadre withdraws the report while no clue uses it
        (409 afterwards, or twice): it counts nowhere any more."""
        report = services.offplatform_report_withdraw(actor=request.user, report=self.get_object())
        return self._fresh(request, report)
