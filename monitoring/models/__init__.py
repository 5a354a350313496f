"""Monitoring's models, one module per domain; import them from here."""

from monitoring.models.clues import (
    Clue,
    ClueTransition,
    NoticeExtension,
    NoticeSequence,
    RectificationNotice,
    ReminderLog,
)
from monitoring.models.evaluation import (
    DIMENSION_SCALE,
    Dimension,
    EvaluationRating,
    EvaluationResponse,
    EvaluationRound,
)
from monitoring.models.flags import Flag
from monitoring.models.points import MonitoringPoint
from monitoring.models.reports import MonitoringReport, OffPlatformReport, ReportEntry

__all__ = [
    "DIMENSION_SCALE",
    "Clue",
    "ClueTransition",
    "Dimension",
    "EvaluationRating",
    "EvaluationResponse",
    "EvaluationRound",
    "Flag",
    "MonitoringPoint",
    "MonitoringReport",
    "NoticeExtension",
    "NoticeSequence",
    "OffPlatformReport",
    "RectificationNotice",
    "ReminderLog",
    "ReportEntry",
]
