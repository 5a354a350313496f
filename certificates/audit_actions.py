"""The audit actions of certificates, defined in the hub's one list (registry/audit_actions.py)."""

from django.utils.translation import gettext_lazy as _

from registry.audit_actions import define

CERTIFICATE_ISSUE = define("certificate.issue", _("Certificate issued"))
CERTIFICATE_WITHDRAW = define("certificate.withdraw", _("Issued certificate withdrawn"))
CERTIFICATE_REFUSE = define("certificate.refuse", _("Certificate refused (refusal notice)"))
CERTIFICATE_TYPE_CREATE = define("certificate_type.create", _("Certificate type added"))
CERTIFICATE_TYPE_UPDATE = define("certificate_type.update", _("Certificate type changed"))
CERTIFICATE_TYPE_IMPORT = define(
    "certificate_type.import", _("Certificate type imported from Excel")
)
CERTIFICATE_TYPE_PROPOSE = define("certificate_type.propose", _("Certificate type proposed"))
CERTIFICATE_TYPE_PROPOSAL_UPDATE = define(
    "certificate_type.proposal_update", _("Certificate type proposal edited")
)
CERTIFICATE_TYPE_ADMIT = define("certificate_type.admit", _("Certificate type admitted"))
CERTIFICATE_TYPE_RENEW = define("certificate_type.renew", _("Certificate type renewed"))
