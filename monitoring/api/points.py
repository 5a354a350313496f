"""API of monitoring points. Thin."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from monitoring import selectors, services
from monitoring.filters import MonitoringPointFilter
from monitoring.models import MonitoringPoint
from monitoring.permissions import POINT_VIEW
from monitoring.serializers import MonitoringPointSerializer, MonitoringPointWriteSerializer


class MonitoringPointViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Designated monitoring points with their period (rotation keeps the history)."""

    serializer_class = MonitoringPointSerializer
    filterset_class = MonitoringPointFilter
    # Designation is checked in the service: reviewers of the area, or the administrator.
    permission_actions = {"list": POINT_VIEW, "create": "authenticated"}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MonitoringPoint.objects.none()
        return selectors.point_list(
            user=self.request.user, filters=self.request.query_params
        ).order_by("community__path", "-id")

    @extend_schema(
        request=MonitoringPointWriteSerializer, responses={201: MonitoringPointSerializer}
    )
    def create(self, request):
        serializer = MonitoringPointWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        point = services.monitoring_point_designate(
            actor=request.user,
            community=data["community"],
            designated_from=data["from"],
            designated_until=data.get("until"),
        )
        return Response(MonitoringPointSerializer(point).data, status=status.HTTP_201_CREATED)
