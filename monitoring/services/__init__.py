"""Monitoring's writes, one module per domain; ``from monitoring import services``."""

from monitoring.services.clues import (
    CLUE,
    clue_act,
    clue_analyse,
    clue_close,
    clue_decide_extension,
    clue_dismiss,
    clue_raise,
    clue_reopen,
    clue_request_extension,
    clue_respond,
    clue_send_notice,
    clue_verify,
    current_notice,
)
from monitoring.services.escalation import EscalationSummary, monitoring_escalate
from monitoring.services.flags import (
    FLAG,
    FlagRunSummary,
    flag_acknowledge,
    flag_resolve,
    flags_compute,
)
from monitoring.services.offplatform import offplatform_report_create
from monitoring.services.points import monitoring_point_designate, monitoring_point_end
from monitoring.services.reports import (
    MONITORING_REPORT,
    monitoring_report_correct,
    monitoring_report_open,
    monitoring_report_submit,
    prefill_rows,
    report_entry_add,
    report_entry_delete,
    report_entry_update,
)

__all__ = [
    "CLUE",
    "FLAG",
    "MONITORING_REPORT",
    "EscalationSummary",
    "FlagRunSummary",
    "clue_act",
    "clue_analyse",
    "clue_close",
    "clue_decide_extension",
    "clue_dismiss",
    "clue_raise",
    "clue_reopen",
    "clue_request_extension",
    "clue_respond",
    "clue_send_notice",
    "clue_verify",
    "current_notice",
    "flag_acknowledge",
    "flag_resolve",
    "flags_compute",
    "monitoring_escalate",
    "monitoring_point_designate",
    "monitoring_point_end",
    "monitoring_report_correct",
    "monitoring_report_open",
    "monitoring_report_submit",
    "offplatform_report_create",
    "prefill_rows",
    "report_entry_add",
    "report_entry_delete",
    "report_entry_update",
]
