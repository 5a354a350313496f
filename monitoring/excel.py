"""The monthly monitoring reports as an Excel workbook: its columns and what a cell holds.
The file itself (write-only, bold frozen headers, dates as dates, formula-looking text as
text) is the hub's Excel kit, registry/excel.py."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy

from monitoring.models import Dimension, ReportEntry
from registry import excel
from registry.excel import XLSX_CONTENT_TYPE, Column

__all__ = [
    "EVALUATION_COLUMNS",
    "REPORT_COLUMNS",
    "XLSX_CONTENT_TYPE",
    "evaluation_workbook",
    "reports_workbook",
]

DIMENSION_CODES = [code for code, _label in Dimension.choices]

REPORT_COLUMNS = [
    Column("period", gettext_lazy("Month"), 10),
    Column("community", gettext_lazy("Community"), 18),
    Column("version", gettext_lazy("Version"), 8),
    Column("state", gettext_lazy("State"), 10),
    Column("department", gettext_lazy("Department"), 18),
    Column("title", gettext_lazy("What was demanded"), 36),
    Column("channel", gettext_lazy("Channel"), 12),
    Column("demanded_on", gettext_lazy("Demanded on"), 12),
    Column("due_date", gettext_lazy("Due date"), 12),
    Column("hours", gettext_lazy("Hours"), 8),
    Column("households", gettext_lazy("Households or questions"), 10),
    Column("cadres_involved", gettext_lazy("Cadres involved"), 10),
    Column("note", gettext_lazy("Note"), 30),
]


def reports_workbook(entries: Iterable[ReportEntry], *, title: str) -> bytes:
    """Every entry given, one row each (streamed: pass an iterator). No reporter's name."""
    rows = (
        [
            entry.report.period_label,
            entry.report.community.name,
            entry.report.version,
            entry.report.get_state_display(),
            entry.department.name if entry.department else "",
            entry.title,
            entry.get_channel_display(),
            entry.demanded_on,
            entry.due_date,
            float(entry.hours) if entry.hours is not None else None,
            entry.households,
            entry.cadres_involved,
            entry.note,
        ]
        for entry in entries
    )
    return excel.workbook_bytes(excel.Sheet(title, REPORT_COLUMNS, rows))


# The reverse evaluation's results: one row per department, aggregates only (no single
# answer, comment, community or author), the measured facts beside the scores.
EVALUATION_COLUMNS = [
    Column("rank", gettext_lazy("Rank"), 6),
    Column("department", gettext_lazy("Department"), 20),
    Column("responses", gettext_lazy("Responses"), 8),
    Column("meetings_documents", gettext_lazy("Meetings and documents"), 10),
    Column("inspections", gettext_lazy("Inspections, checks and assessments"), 10),
    Column("ledgers_materials", gettext_lazy("Ledgers and materials"), 10),
    Column("whistle_response", gettext_lazy("Response when called"), 10),
    Column("overall", gettext_lazy("Overall"), 8),
    Column("refusal_rate", gettext_lazy("Refusal rate"), 10),
    Column("median_lead_working_days", gettext_lazy("Median lead (working days)"), 12),
    Column("emergency_share", gettext_lazy("Emergency share"), 10),
    Column("offplatform_reports", gettext_lazy("Off-platform reports"), 10),
    Column("overdue_rectifications", gettext_lazy("Overdue rectifications"), 10),
]


def evaluation_workbook(results, *, title: str) -> bytes:
    """``results`` are selectors.evaluation.DepartmentResult rows; below the minimum the
    score cells stay empty and the rank says so."""
    below = str(gettext_lazy("below the minimum"))
    rows = (
        [
            result.rank if result.rank is not None else below,
            result.department.name,
            result.responses,
            *[(result.scores or {}).get(code) for code in DIMENSION_CODES],
            result.overall,
            result.facts["refusal_rate"],
            result.facts["median_lead_working_days"],
            result.facts["emergency_share"],
            result.facts["offplatform_reports"],
            result.facts["overdue_rectifications"],
        ]
        for result in results
    )
    return excel.workbook_bytes(excel.Sheet(title, EVALUATION_COLUMNS, rows))
