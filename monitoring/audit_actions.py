"""The audit actions of monitoring, defined in the hub's one list (registry/audit_actions.py)."""

from django.utils.translation import gettext_lazy as _

from registry.audit_actions import define

OFFPLATFORM_REPORT = define("offplatform.report", _("Off-platform work reported"))
define("offplatform_report.edit", _("Off-platform report corrected"))
define("offplatform_report.withdraw", _("Off-platform report withdrawn"))
FLAG_ACKNOWLEDGE = define("flag.acknowledge", _("Flag acknowledged"))
FLAG_RESOLVE = define("flag.resolve", _("Flag resolved"))

# --- Monitoring points and their monthly reports -------------------------------------------
MONITORING_POINT_DESIGNATE = define(
    "monitoring_point.designate", _("Community designated a monitoring point")
)
MONITORING_POINT_END = define("monitoring_point.end", _("Monitoring point designation ended"))
MONITORING_REPORT_OPEN = define("monitoring_report.open", _("Monthly monitoring report opened"))
MONITORING_REPORT_ENTRY_ADD = define(
    "monitoring_report.entry_add", _("Entry added to a monthly monitoring report")
)
MONITORING_REPORT_ENTRY_UPDATE = define(
    "monitoring_report.entry_update", _("Entry of a monthly monitoring report corrected")
)
MONITORING_REPORT_ENTRY_DELETE = define(
    "monitoring_report.entry_delete", _("Entry deleted from a monthly monitoring report")
)
# One per transition of the report machine (services.reports.MONITORING_REPORT).
MONITORING_REPORT_SUBMIT = define(
    "monitoring_report.submit", _("Monthly monitoring report submitted")
)
MONITORING_REPORT_CORRECT = define(
    "monitoring_report.correct", _("Correction of a monthly monitoring report opened")
)

# --- Clues and rectification notices --------------------------------------------------------
CLUE_RAISE = define("clue.raise", _("Clue raised"))
# One per transition of the clue machine (services.clues.CLUE), named by for_transition.
define("clue.analyse", _("Clue analysed"))
define("clue.verify", _("Clue verified on site"))
define("clue.send-notice", _("Rectification notice sent"))
define("clue.respond", _("Rectification measures reported by the department"))
define("clue.request-extension", _("More time asked for on a rectification notice"))
define("clue.grant-extension", _("More time granted on a rectification notice"))
define("clue.refuse-extension", _("More time refused on a rectification notice"))
define("clue.close", _("Clue closed after checking the rectification"))
define("clue.dismiss", _("Clue dismissed"))
define("clue.reopen", _("Clue reopened"))

# --- Reverse evaluation (反向评价) -----------------------------------------------------------
EVALUATION_ROUND_OPEN = define("evaluation_round.open", _("Evaluation round opened"))
# One per transition of the round machine (services.evaluation.ROUND), by for_transition.
define("evaluation_round.close", _("Evaluation round closed early"))
define("evaluation_round.expire", _("Evaluation round closed after its closing date"))
EVALUATION_RESPONSE_SUBMIT = define(
    "evaluation_response.submit", _("Evaluation response submitted or replaced")
)
EVALUATION_AUTHORS_VIEW = define(
    "evaluation.authors_view", _("Authors of evaluation comments shown, with a reason")
)
