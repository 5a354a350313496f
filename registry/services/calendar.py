"""Writes to the holiday calendar: one day at a time (the admin) or a year's sheet.

Each change is audited, and after commit every process drops its cached calendar
(``workdays.calendar_changed``), so deadlines computed from then on follow the table.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from registry import audit_actions, excel, workdays
from registry.audit import audit_record, snapshot
from registry.errors import InvalidInput
from registry.models import CalendarDay, User
from registry.services.common import full_clean, require

CALENDAR_AUDIT_FIELDS = ["day", "kind", "name"]
# The sheet: 日期, 类型 (放假/休息 or 上班/调休上班), 名称. English headers accepted.
_HEADERS = {
    "日期": "day",
    "date": "day",
    "类型": "kind",
    "type": "kind",
    "kind": "kind",
    "名称": "name",
    "节日": "name",
    "name": "name",
}
_KINDS = {
    "放假": CalendarDay.Kind.HOLIDAY,
    "休息": CalendarDay.Kind.HOLIDAY,
    "假日": CalendarDay.Kind.HOLIDAY,
    "holiday": CalendarDay.Kind.HOLIDAY,
    "上班": CalendarDay.Kind.WORKDAY,
    "调休上班": CalendarDay.Kind.WORKDAY,
    "补班": CalendarDay.Kind.WORKDAY,
    "workday": CalendarDay.Kind.WORKDAY,
}


@transaction.atomic
def calendar_day_set(*, actor: User, day: datetime.date, kind: str, name: str = "") -> CalendarDay:
    """Declare ``day`` a holiday or an adjusted working day (replacing what was there)."""
    require(actor, "calendar.manage")
    entry = CalendarDay.objects.select_for_update().filter(day=day).first()
    before = snapshot(entry, CALENDAR_AUDIT_FIELDS) if entry else None
    entry = entry or CalendarDay(day=day)
    entry.kind, entry.name = kind, name
    full_clean(entry, exclude=["day"] if entry.pk else [])
    entry.save()
    audit_record(
        actor=actor,
        action=audit_actions.CALENDAR_SET,
        obj=entry,
        before=before,
        after=snapshot(entry, CALENDAR_AUDIT_FIELDS),
    )
    transaction.on_commit(workdays.calendar_changed)
    return entry


@transaction.atomic
def calendar_day_delete(*, actor: User, entry: CalendarDay) -> None:
    """Remove a day from the table: the package (or Monday-Friday) decides it again."""
    require(actor, "calendar.manage")
    entry = CalendarDay.objects.select_for_update().get(pk=entry.pk)
    audit_record(
        actor=actor,
        action=audit_actions.CALENDAR_DELETE,
        obj=entry,
        before=snapshot(entry, CALENDAR_AUDIT_FIELDS),
    )
    entry.delete()
    transaction.on_commit(workdays.calendar_changed)


def _parse_sheet(upload) -> list[tuple[datetime.date, str, str]]:
    rows = excel.load_rows(upload)
    columns = [_HEADERS.get(str(cell or "").strip().lower()) for cell in rows[0]]
    if "day" not in columns or "kind" not in columns:
        raise InvalidInput(
            _("The first row must name the columns 日期, 类型 and 名称."), code="bad_header"
        )
    parsed, errors, seen = [], [], set()
    for number, raw in enumerate(rows[1:], start=2):
        values = {key: raw[index] for index, key in enumerate(columns) if key and index < len(raw)}
        if all(value in (None, "") for value in values.values()):
            continue
        try:
            day = excel.date(values.get("day"))
            if day is None:
                raise ValueError
        except (ValueError, TypeError):
            errors.append({"row": number, "column": "日期", "message": _("Not a date.")})
            continue
        kind = _KINDS.get(str(values.get("kind") or "").strip().lower())
        if kind is None:
            errors.append(
                {"row": number, "column": "类型", "message": _("Write 放假 or 上班 (调休).")}
            )
            continue
        if day in seen:
            errors.append({"row": number, "column": "日期", "message": _("This date is twice.")})
            continue
        seen.add(day)
        parsed.append((day, kind, str(values.get("name") or "").strip()[:50]))
    if errors:
        raise InvalidInput(
            _("%(n)s problems in the file; nothing was imported.") % {"n": len(errors)},
            code="import_rows_invalid",
            rows=errors,
        )
    if not parsed:
        raise InvalidInput(_("The sheet lists no days."), code="empty_file")
    return parsed


@transaction.atomic
def calendar_import(*, actor: User, upload) -> int:
    """A year's schedule from the State Council's notice as a sheet (日期, 类型, 名称):
    all rows or none; re-importing the same sheet changes nothing. Returns days changed."""
    require(actor, "calendar.manage")
    rows = _parse_sheet(upload)
    existing = {
        entry.day: entry
        for entry in CalendarDay.objects.select_for_update().filter(day__in=[r[0] for r in rows])
    }
    changed = 0
    for day, kind, name in rows:
        entry = existing.get(day)
        if entry and (entry.kind, entry.name) == (kind, name):
            continue
        calendar_day_set(actor=actor, day=day, kind=kind, name=name)
        changed += 1
    return changed
