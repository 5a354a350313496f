"""Every change of state in the registry, one function each: atomic, permission-checked,
audited. Import them from here (``from registry import services``)."""

from registry.services.accounts import accounts_import, user_deactivate, user_password_changed
from registry.services.admission import (
    APPLICATION,
    application_approve,
    application_create,
    application_reject,
    application_return,
    application_start_review,
    application_submit,
    application_update,
    application_withdraw,
    funding_missing,
)
from registry.services.calendar import (
    calendar_apply,
    calendar_day_delete,
    calendar_day_set,
    calendar_import,
    calendar_import_preview,
    calendar_plan_load,
)
from registry.services.dashboard import dashboard_baseline_save
from registry.services.dispatch import (
    ASSIGNMENT,
    ASSIGNMENT_ACTIONS,
    assignment_respond,
    dispatch_create,
)
from registry.services.dispatch_corrections import (
    DISPATCH,
    DISPATCH_ACTIONS,
    dispatch_amend_due_date,
    dispatch_recall,
)
from registry.services.divisions import (
    division_import_apply,
    division_import_preview,
    division_import_start,
)
from registry.services.hearings import application_record_hearing, application_require_hearing
from registry.services.jobs import job_run, job_start, jobs_clean
from registry.services.lists import work_items_import
from registry.services.notifications import notifications_email, notify_organisations
from registry.services.organisations import (
    EDITABLE_ORGANISATION_FIELDS,
    EDITABLE_USER_FIELDS,
    SUPERUSER_ONLY_USER_FIELDS,
    membership_grant,
    membership_revoke,
    organisation_create,
    organisation_update,
    user_create,
    user_set_password,
    user_update,
)
from registry.services.ratification import (
    EMERGENCY_RATIFICATION,
    dispatch_ratify,
    dispatch_refuse_ratification,
)
from registry.services.work_items import (
    WORK_ITEM,
    WORK_ITEM_ACTIONS,
    work_item_change_status,
    work_items_expire,
)

__all__ = [
    "APPLICATION",
    "ASSIGNMENT",
    "ASSIGNMENT_ACTIONS",
    "DISPATCH",
    "DISPATCH_ACTIONS",
    "EDITABLE_ORGANISATION_FIELDS",
    "EDITABLE_USER_FIELDS",
    "EMERGENCY_RATIFICATION",
    "SUPERUSER_ONLY_USER_FIELDS",
    "WORK_ITEM",
    "WORK_ITEM_ACTIONS",
    "accounts_import",
    "application_approve",
    "application_create",
    "application_record_hearing",
    "application_reject",
    "application_require_hearing",
    "application_return",
    "application_start_review",
    "application_submit",
    "application_update",
    "application_withdraw",
    "assignment_respond",
    "calendar_apply",
    "calendar_day_delete",
    "calendar_day_set",
    "calendar_import",
    "calendar_import_preview",
    "calendar_plan_load",
    "dashboard_baseline_save",
    "dispatch_amend_due_date",
    "dispatch_create",
    "dispatch_ratify",
    "dispatch_recall",
    "dispatch_refuse_ratification",
    "division_import_apply",
    "division_import_preview",
    "division_import_start",
    "funding_missing",
    "job_run",
    "job_start",
    "jobs_clean",
    "membership_grant",
    "membership_revoke",
    "notifications_email",
    "notify_organisations",
    "organisation_create",
    "organisation_update",
    "user_create",
    "user_deactivate",
    "user_password_changed",
    "user_set_password",
    "user_update",
    "work_item_change_status",
    "work_items_expire",
    "work_items_import",
]
