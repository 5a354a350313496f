"""API views of monitoring: off-platform reports and flags. Thin."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from monitoring import selectors, services
from monitoring.filters import OffPlatformReportFilter
from monitoring.models import OffPlatformReport
from monitoring.serializers import (
    OffPlatformReportSerializer,
    OffPlatformReportWriteSerializer,
)
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
    }
    export = export_action("offplatform-reports")

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
