"""The audit actions of signage, defined in the hub's one list (registry/audit_actions.py)."""

from django.utils.translation import gettext_lazy as _

from registry.audit_actions import define

PLAQUE_CREATE = define("plaque.create", _("Sign recorded"))
PLAQUE_REMOVE = define("plaque.remove", _("Sign removed (摘牌)"))
PLAQUE_CENSUS_IMPORT = define("plaque.census_import", _("Plaque census loaded from Excel"))
PLAQUE_EXCESS_AFTER_ITEM_ENDED = define(
    "plaque.excess_after_item_ended", _("Signs beyond the standard: their work item ended")
)
PLAQUE_STANDARD_CREATE = define("plaque_standard.create", _("Plaque standard set"))
