"""The hub's lists as Excel downloads: applications, work items, dispatches, assignments;
and the list import as a background job when it is big (registry/imports.py).

Each is the list's own selector and filters (registry/exports.py); the columns are read
with ``values_list`` and turned into cells here. Registered from RegistryConfig.ready().
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from registry import exports, selectors
from registry.excel import Column
from registry.models import Application, Assignment, Frequency, ListKind, WorkItem

APPLICATION_COLUMNS = [
    Column("id", _("Number"), 8),
    Column("title", _("Title"), 36),
    Column("department", _("Department"), 18),
    Column("jurisdiction", _("Reviewed by"), 16),
    Column("list_kind", _("List"), 14),
    Column("frequency", _("Frequency"), 10),
    Column("hours", _("Hours per occurrence"), 10),
    Column("state", _("State"), 12),
    Column("created_by", _("Drafted by"), 12),
    Column("created_at", _("Created at"), 17),
    Column("submitted_at", _("Submitted at"), 17),
    Column("decided_at", _("Decided at"), 17),
    Column("admission_number", _("Admission number"), 18),
]
WORK_ITEM_COLUMNS = [
    Column("admission_number", _("Admission number"), 18),
    Column("title", _("Title"), 36),
    Column("list_kind", _("List"), 14),
    Column("department", _("Responsible department"), 18),
    Column("jurisdiction", _("List of"), 16),
    Column("frequency", _("Frequency"), 10),
    Column("hours", _("Hours per occurrence"), 10),
    Column("status", _("Status"), 10),
    Column("valid_from", _("Valid from"), 12),
    Column("valid_until", _("Valid until"), 12),
    Column("legal_basis", _("Legal basis"), 36),
]
DISPATCH_COLUMNS = [
    Column("id", _("Number"), 8),
    Column("title", _("Title"), 36),
    Column("department", _("Department"), 18),
    Column("work_item", _("Admission number"), 18),
    Column("emergency", _("Emergency task"), 8),
    Column("due_date", _("Due date"), 12),
    Column("lead", _("Working days given"), 10),
    Column("hours", _("Hours per community"), 10),
    Column("communities", _("Communities"), 10),
    Column("created_by", _("Dispatched by"), 12),
    Column("created_at", _("Dispatched at"), 17),
    Column("ratified_at", _("Ratified at"), 17),
]
ASSIGNMENT_COLUMNS = [
    Column("id", _("Number"), 8),
    Column("title", _("Task"), 36),
    Column("community_code", _("Community code"), 14),
    Column("community", _("Community"), 16),
    Column("department", _("Department"), 18),
    Column("work_item", _("Admission number"), 18),
    Column("emergency", _("Emergency task"), 8),
    Column("due_date", _("Due date"), 12),
    Column("hours", _("Hours"), 8),
    Column("state", _("State"), 10),
    Column("refusal_reason", _("Reason for refusal"), 16),
    Column("created_at", _("Received at"), 17),
    Column("responded_at", _("Answered at"), 17),
]


def _applications(user, filters):
    return selectors.application_list(user=user, filters=filters).order_by("-created_at", "-id")


def _application_cells():
    kind, frequency = (
        exports.choice_label(ListKind.choices),
        exports.choice_label(Frequency.choices),
    )
    state = exports.choice_label(Application.State.choices)

    def cells(row):
        (pk, title, department, jurisdiction, list_kind, freq, hours, st, name, username,
         created, submitted, decided, number) = row  # fmt: skip
        return [
            pk, title, department, jurisdiction, kind(list_kind), frequency(freq), hours,
            state(st), exports.person(name, username), created, submitted, decided, number or "",
        ]  # fmt: skip

    return cells


def _work_items(user, filters):
    return selectors.work_item_list(user=user, filters=filters).order_by("admission_number")


def _work_item_cells():
    kind, frequency = (
        exports.choice_label(ListKind.choices),
        exports.choice_label(Frequency.choices),
    )
    status = exports.choice_label(WorkItem.Status.choices)

    def cells(row):
        number, title, list_kind, department, jurisdiction, freq, hours, st, start, end, basis = row
        return [
            number, title, kind(list_kind), department, jurisdiction, frequency(freq), hours,
            status(st), start, end, basis,
        ]  # fmt: skip

    return cells


def _dispatches(user, filters):
    return selectors.dispatch_list(user=user, filters=filters).order_by("-created_at", "-id")


def _dispatch_cells(row):
    (pk, title, department, number, emergency, due, lead, hours, communities, name, username,
     created, ratified) = row  # fmt: skip
    return [
        pk, title, department, number or "", exports.yes_no(emergency), due, lead, hours,
        communities, exports.person(name, username), created, ratified,
    ]  # fmt: skip


def _assignments(user, filters):
    return selectors.inbox_order(selectors.assignment_list(user=user, filters=filters))


def _assignment_cells():
    state = exports.choice_label(Assignment.State.choices)
    reason = exports.choice_label(Assignment.RefusalReason.choices)

    def cells(row):
        (pk, title, code, community, department, number, emergency, due, hours, st, why,
         created, responded) = row  # fmt: skip
        return [
            pk, title, code, community, department, number or "", exports.yes_no(emergency),
            due, hours, state(st), reason(why), created, responded,
        ]  # fmt: skip

    return cells


def register() -> None:
    exports.register(
        exports.ListExport(
            name="applications",
            title=_("Applications"),
            actions=("application.view",),
            rows=_applications,
            fields=(
                "id",
                "title",
                "department__name",
                "jurisdiction__name",
                "list_kind",
                "frequency",
                "hours_per_occurrence",
                "state",
                "created_by__display_name",
                "created_by__username",
                "created_at",
                "submitted_at",
                "decided_at",
                "work_item__admission_number",
            ),
            columns=APPLICATION_COLUMNS,
            cells=_application_cells(),
            page_url_name="applications",
        )
    )
    exports.register(
        exports.ListExport(
            name="work-items",
            title=_("Work items"),
            actions=("work_item.view",),
            rows=_work_items,
            fields=(
                "admission_number",
                "title",
                "list_kind",
                "department__name",
                "jurisdiction__name",
                "frequency",
                "hours_per_occurrence",
                "status",
                "valid_from",
                "valid_until",
                "legal_basis",
            ),
            columns=WORK_ITEM_COLUMNS,
            cells=_work_item_cells(),
            page_url_name="work-items",
        )
    )
    exports.register(
        exports.ListExport(
            name="dispatches",
            title=_("Dispatches"),
            actions=("dispatch.view",),
            rows=_dispatches,
            fields=(
                "id",
                "title",
                "department__name",
                "work_item__admission_number",
                "emergency",
                "due_date",
                "lead_working_days",
                "hours_per_community",
                "community_count",
                "created_by__display_name",
                "created_by__username",
                "created_at",
                "ratified_at",
            ),
            columns=DISPATCH_COLUMNS,
            cells=_dispatch_cells,
            page_url_name="dispatch-index",
        )
    )
    exports.register(
        exports.ListExport(
            name="assignments",
            title=_("Assignments"),
            actions=("assignment.view_community", "assignment.view_department"),
            rows=_assignments,
            fields=(
                "id",
                "dispatch__title",
                "community__code",
                "community__name",
                "department__name",
                "work_item__admission_number",
                "emergency",
                "due_date",
                "hours",
                "state",
                "refusal_reason",
                "created_at",
                "responded_at",
            ),
            columns=ASSIGNMENT_COLUMNS,
            cells=_assignment_cells(),
            page_url_name="inbox",
        )
    )


def _import_work_items(owner, area, upload) -> dict:
    from django.utils.translation import gettext

    from registry import services

    items = services.work_items_import(actor=owner, jurisdiction=area, upload=upload)
    return {
        "created": len(items),
        "summary": gettext("%(n)s work items imported.") % {"n": len(items)},
    }


def register_imports() -> None:
    from registry import imports

    imports.register(
        imports.ListImport(
            name="work-items",
            label=_("List import"),
            action="work_item.manage",
            run=_import_work_items,
            page_url_name="work-items",
        )
    )
