"""Reviewer actions on whole lists: importing an existing list from Excel."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry import audit_actions, lists_excel
from registry.audit import audit_record
from registry.errors import InvalidInput
from registry.models import ListKind, Organisation, User, WorkItem
from registry.services.admission import validity_end
from registry.services.common import require
from registry.services.work_items import allocate_admission_number


@transaction.atomic
def work_items_import(*, actor: User, jurisdiction: Organisation, upload) -> list[WorkItem]:
    """Import every row of a list workbook, or nothing: any bad row refuses the whole file.

    Duty and assist items get admission numbers of the jurisdiction; negative-list entries
    get none. The refusal carries ``rows``: [{"row", "column", "message"}].
    """
    require(actor, "work_item.manage", jurisdiction)
    if jurisdiction.kind != Organisation.Kind.AREA:
        raise InvalidInput(_("Lists belong to an area."))
    parsed = lists_excel.read_import(upload, jurisdiction=jurisdiction)
    if parsed.errors:
        raise InvalidInput(
            _("%(n)s problems in the file; nothing was imported.") % {"n": len(parsed.errors)},
            code="import_rows_invalid",
            rows=parsed.errors,
        )
    today = timezone.localdate()
    default_until = validity_end(today, settings.PORTAL["ADMISSION_MAX_MONTHS"])
    created = []
    for row in parsed.rows:
        values = row.values
        admitted = values["list_kind"] != ListKind.NEGATIVE
        item = WorkItem.objects.create(
            admission_number=(
                allocate_admission_number(jurisdiction, today.year) if admitted else None
            ),
            jurisdiction=jurisdiction,
            department=row.department,
            valid_from=values.pop("valid_from") or (today if admitted else None),
            valid_until=values.pop("valid_until") or (default_until if admitted else None),
            **values,
        )
        item.scope.set(row.scope or [jurisdiction])
        audit_record(
            actor=actor,
            action=audit_actions.WORK_ITEM_IMPORT,
            obj=item,
            after={
                "admission_number": item.admission_number,
                "title": item.title,
                "list_kind": item.list_kind,
                "row": row.row,
            },
        )
        created.append(item)
    return created
