"""Monitoring's pages, one module per domain; the URLconf imports them from here."""

from monitoring.views.clues import (
    clue_action,
    clue_board,
    clue_new,
    clue_page,
    clue_section,
    notice_index,
    notice_print,
    notice_section,
    notice_verify,
)
from monitoring.views.flags import (
    flag_acknowledge,
    flag_index,
    flag_recompute,
    flag_resolve,
    supervisor_section,
)
from monitoring.views.offplatform import offplatform_new, offplatform_reports, offplatform_section
from monitoring.views.reports import (
    entry_delete,
    entry_edit,
    entry_new,
    monthly_action,
    monthly_export,
    monthly_open,
    monthly_report,
    monthly_reports,
    monthly_section,
)

__all__ = [
    "clue_action",
    "clue_board",
    "clue_new",
    "clue_page",
    "clue_section",
    "entry_delete",
    "entry_edit",
    "entry_new",
    "flag_acknowledge",
    "flag_index",
    "flag_recompute",
    "flag_resolve",
    "monthly_action",
    "monthly_export",
    "monthly_open",
    "monthly_report",
    "monthly_reports",
    "monthly_section",
    "notice_index",
    "notice_print",
    "notice_section",
    "notice_verify",
    "offplatform_new",
    "offplatform_reports",
    "offplatform_section",
    "supervisor_section",
]
