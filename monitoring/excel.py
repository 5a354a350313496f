"""The monthly monitoring reports as an Excel workbook: its columns and what a cell holds.
The file itself (write-only, bold frozen headers, dates as dates, formula-looking text as
text) is the hub's Excel kit, registry/excel.py."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy

from monitoring.models import ReportEntry
from registry import excel
from registry.excel import XLSX_CONTENT_TYPE, Column

__all__ = ["REPORT_COLUMNS", "XLSX_CONTENT_TYPE", "reports_workbook"]

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
