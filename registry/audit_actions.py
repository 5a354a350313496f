"""Every action the audit log records, by name, with what it means.

An entry's ``action`` is a stable name (it is hashed into the chain and read by auditors,
so a name is never renamed or reused); this module is the one list of them. The hub
defines its own here; another app defines its own in its ``audit_actions`` module with
``define`` (the hub never names them). ``registry.audit.audit_record`` refuses a name that
was never defined, so a typo fails in the tests rather than writing an unreadable entry.

Services pass the constants (``audit_actions.MEMBERSHIP_GRANT``); a machine whose action
is data (a transition's ``action``) names its entry with ``for_transition(prefix, action)``,
which returns the same constant and raises on an action the list does not hold.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

_MEANINGS: dict[str, str | Promise] = {}


def define(name: str, meaning: str | Promise) -> str:
    """Add an action to the list (idempotent); returns the name, to bind as a constant."""
    _MEANINGS[name] = meaning
    return name


def is_defined(name: str) -> bool:
    return name in _MEANINGS


def meaning(name: str) -> str | Promise:
    """The action in words (the name itself for an entry older than the list)."""
    return _MEANINGS.get(name, name)


def choices() -> list[tuple[str, str | Promise]]:
    return sorted(_MEANINGS.items())


def for_transition(prefix: str, action: str) -> str:
    """The defined name of a machine's transition, e.g. ("assignment", "refuse")."""
    name = f"{prefix}.{action}"
    if name not in _MEANINGS:
        raise KeyError(f"audit action {name!r} is not defined in an audit_actions module")
    return name


# --- Organisations, users, memberships ----------------------------------------------------
ORGANISATION_CREATE = define("organisation.create", _("Organisation created"))
ORGANISATION_UPDATE = define("organisation.update", _("Organisation changed"))
USER_CREATE = define("user.create", _("User created"))
USER_UPDATE = define("user.update", _("User changed (name, e-mail, active, staff)"))
USER_PASSWORD_SET = define("user.password_set", _("User's password set by an administrator"))
MEMBERSHIP_GRANT = define("membership.grant", _("Role granted"))
MEMBERSHIP_REVOKE = define("membership.revoke", _("Role revoked"))
USER_DEACTIVATE = define("user.deactivate", _("User left (离任): deactivated, roles ended"))
USER_PASSWORD_CHANGE = define("user.password_change", _("User chose their own password"))
# The organisation tree imported from the official division codes (one entry per import).
DIVISION_IMPORT = define("division.import", _("Division codes imported"))
# A background job started (a big Excel export or import): who asked for what, filters too.
JOB_START = define("job.start", _("Background job started (Excel export or import)"))

# --- The holiday calendar (days that override the holiday package) ------------------------
CALENDAR_SET = define("calendar.set", _("Holiday or working day entered in the calendar"))
CALENDAR_DELETE = define("calendar.delete", _("Calendar day removed"))

# --- Deployment ------------------------------------------------------------------------------
DEMO_ALLOWED_IN_PRODUCTION = define(
    "demo.allowed_in_production", _("Demo logins allowed on a production server")
)

# --- Admission review (one per application transition) ------------------------------------
APPLICATION_CREATE = define("application.create", _("Application drafted"))
APPLICATION_UPDATE = define("application.update", _("Application edited"))
define("application.submit", _("Application submitted"))
define("application.withdraw", _("Application withdrawn"))
define("application.start-review", _("Review started"))
define("application.return", _("Application returned for changes"))
define("application.require-hearing", _("Hearing required"))
define("application.record-hearing", _("Hearing recorded"))
define("application.approve", _("Application approved"))
define("application.reject", _("Application rejected"))

# --- Work items on the lists --------------------------------------------------------------
WORK_ITEM_ADMIT = define("work_item.admit", _("Work item admitted to a list"))
WORK_ITEM_RENEW = define("work_item.renew", _("Work item renewed"))
WORK_ITEM_EXPIRE = define("work_item.expire", _("Work item expired"))
WORK_ITEM_IMPORT = define("work_item.import", _("Work item imported from Excel"))
define("work_item.suspend", _("Work item suspended"))
define("work_item.reinstate", _("Work item reinstated"))
define("work_item.revoke", _("Work item revoked"))

# --- Dispatch ------------------------------------------------------------------------------
DISPATCH_CREATE = define("dispatch.create", _("Task dispatched to communities"))
DISPATCH_RATIFY = define("dispatch.ratify", _("Emergency task ratified"))
DISPATCH_REFUSE_RATIFICATION = define(
    "dispatch.refuse_ratification", _("Emergency task not ratified")
)
define("dispatch.recall", _("Task recalled from the communities"))
define("dispatch.amend-due-date", _("Task given a later due date"))
define("assignment.accept", _("Community accepted a task"))
define("assignment.complete", _("Community completed a task"))
define("assignment.refuse", _("Community refused a task"))
# Written once per recall on the dispatch ("dispatch.recall"); named so the machine's every
# transition reads as words.
define("assignment.withdraw", _("Task withdrawn from a community (the department's recall)"))

# --- The supervisors' dashboard ------------------------------------------------------------
DASHBOARD_BASELINE_SAVE = define(
    "dashboard.baseline_save", _("Dashboard baseline period saved for an area")
)
