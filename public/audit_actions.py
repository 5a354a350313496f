"""The audit actions of the public portal, defined in the hub's one list
(registry/audit_actions.py)."""

from django.utils.translation import gettext_lazy as _

from registry.audit_actions import define

COMPLAINT_RECEIVE = define("complaint.receive", _("Complaint or suggestion received"))
# One per transition of the complaint machine (services.COMPLAINT).
COMPLAINT_ANSWER = define("complaint.answer", _("Complaint or suggestion answered"))
COMPLAINT_CLOSE = define("complaint.close", _("Complaint or suggestion closed"))
