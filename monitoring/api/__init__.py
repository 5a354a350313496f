"""Monitoring's API views, one module per domain."""

from monitoring.api.clues import ClueViewSet
from monitoring.api.flags import FlagViewSet
from monitoring.api.offplatform import OffPlatformReportViewSet
from monitoring.api.points import MonitoringPointViewSet
from monitoring.api.reports import MonitoringReportViewSet

__all__ = [
    "ClueViewSet",
    "FlagViewSet",
    "MonitoringPointViewSet",
    "MonitoringReportViewSet",
    "OffPlatformReportViewSet",
]
