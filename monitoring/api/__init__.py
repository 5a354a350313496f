"""Monitoring's API views, one module per domain."""

from monitoring.api.clues import ClueViewSet
from monitoring.api.evaluation import EvaluationRoundViewSet
from monitoring.api.flags import FlagViewSet
from monitoring.api.offplatform import OffPlatformReportViewSet
from monitoring.api.points import MonitoringPointViewSet
from monitoring.api.reports import MonitoringReportViewSet

__all__ = [
    "ClueViewSet",
    "EvaluationRoundViewSet",
    "FlagViewSet",
    "MonitoringPointViewSet",
    "MonitoringReportViewSet",
    "OffPlatformReportViewSet",
]
