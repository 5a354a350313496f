"""The audit actions of monitoring, defined in the hub's one list (registry/audit_actions.py)."""

from django.utils.translation import gettext_lazy as _

from registry.audit_actions import define

OFFPLATFORM_REPORT = define("offplatform.report", _("Off-platform work reported"))
FLAG_ACKNOWLEDGE = define("flag.acknowledge", _("Flag acknowledged"))
FLAG_RESOLVE = define("flag.resolve", _("Flag resolved"))
