"""API of monthly monitoring reports and their entries. Thin."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from monitoring import selectors, services
from monitoring.filters import MonitoringReportFilter, parse_period
from monitoring.models import MonitoringReport
from monitoring.permissions import REPORT_FILE, REPORT_VIEW
from monitoring.serializers import (
    MonitoringReportListSerializer,
    MonitoringReportOpenSerializer,
    MonitoringReportSerializer,
    ReportEntrySerializer,
    ReportEntryWriteSerializer,
    ReportReasonSerializer,
)
from registry.api.base import portal_action


class MonitoringReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """A point's monthly report: opened pre-filled, corrected, submitted."""

    serializer_class = MonitoringReportSerializer
    filterset_class = MonitoringReportFilter
    permission_actions = {
        "list": REPORT_VIEW,
        "retrieve": REPORT_VIEW,
        "create": REPORT_FILE,
        "entries": REPORT_FILE,
        "entry": REPORT_FILE,
        "submit": REPORT_FILE,
        "correct": REPORT_FILE,
    }

    def get_serializer_class(self):
        return (
            MonitoringReportListSerializer if self.action == "list" else MonitoringReportSerializer
        )

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MonitoringReport.objects.none()
        return selectors.report_list(user=self.request.user, filters=self.request.query_params)

    def get_object(self):
        return selectors.report_get(
            user=self.request.user, pk=self.kwargs["pk"], action=portal_action(self)
        )

    def _answer(self, report, code=status.HTTP_200_OK):
        report = selectors.report_get(user=self.request.user, pk=report.pk)
        return Response(MonitoringReportSerializer(report).data, status=code)

    @extend_schema(
        request=MonitoringReportOpenSerializer, responses={201: MonitoringReportSerializer}
    )
    def create(self, request):
        serializer = MonitoringReportOpenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.monitoring_report_open(
            actor=request.user,
            community=serializer.validated_data["community"],
            period=parse_period(serializer.validated_data["period"], "period"),
        )
        return self._answer(report, status.HTTP_201_CREATED)

    @extend_schema(request=ReportEntryWriteSerializer, responses={201: ReportEntrySerializer})
    @action(detail=True, methods=["post"])
    def entries(self, request, pk=None):
        """Add what came by other channels (only while the report is a draft)."""
        report = self.get_object()
        serializer = ReportEntryWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = services.report_entry_add(
            actor=request.user, report=report, **serializer.validated_data
        )
        return Response(ReportEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReportEntryWriteSerializer, responses={200: ReportEntrySerializer})
    @action(
        detail=True,
        methods=["patch", "delete"],
        url_path=r"entries/(?P<entry_id>\d+)",
        url_name="entry",
    )
    def entry(self, request, pk=None, entry_id=None):
        report = self.get_object()
        entry = selectors.entry_get(report=report, pk=entry_id)
        if request.method == "DELETE":
            services.report_entry_delete(actor=request.user, report=report, entry=entry)
            return Response(status=status.HTTP_204_NO_CONTENT)
        serializer = ReportEntryWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        entry = services.report_entry_update(
            actor=request.user, report=report, entry=entry, **serializer.validated_data
        )
        return Response(ReportEntrySerializer(entry).data)

    @extend_schema(request=None, responses=MonitoringReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        report = services.monitoring_report_submit(actor=request.user, report=self.get_object())
        return self._answer(report)

    @extend_schema(request=ReportReasonSerializer, responses={201: MonitoringReportSerializer})
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        """A correction of a submitted report: a new draft version; the old one is kept."""
        serializer = ReportReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        correction = services.monitoring_report_correct(
            actor=request.user, report=self.get_object(), reason=serializer.validated_data["reason"]
        )
        return self._answer(correction, status.HTTP_201_CREATED)
