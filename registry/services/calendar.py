"""Writes to the holiday calendar: one day at a time (the admin) or a year's sheet.

Each change is audited, and after commit every process drops its cached calendar
(``workdays.calendar_changed``), so deadlines computed from then on follow the table.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core import signing
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


CalendarRow = tuple[datetime.date, str, str]


@dataclass
class CalendarPlan:
    """What importing a sheet would do, shown before anything changes."""

    rows: list[CalendarRow]
    added: list[CalendarRow] = field(default_factory=list)
    # (the new row, the kind and name the table holds today)
    changed: list[tuple[CalendarRow, str, str]] = field(default_factory=list)
    unchanged: int = 0

    @property
    def years(self) -> list[int]:
        return sorted({day.year for day, _kind, _name in self.rows})

    def signed(self) -> str:
        """The parsed rows, signed, for the page's confirmation step: the file need not be
        uploaded twice nor kept anywhere, and a tampered plan is refused."""
        return signing.dumps(
            [[day.isoformat(), kind, name] for day, kind, name in self.rows], salt=_PLAN_SALT
        )


_PLAN_SALT = "registry.calendar.import"
# A plan shown in the morning and confirmed after lunch is still fine; one from last week is not.
PLAN_MAX_AGE_SECONDS = 6 * 3600


def _plan(rows: list[CalendarRow], *, lock: bool = False) -> CalendarPlan:
    existing = CalendarDay.objects.filter(day__in=[row[0] for row in rows])
    if lock:
        existing = existing.select_for_update()
    today = {entry.day: entry for entry in existing}
    plan = CalendarPlan(rows=rows)
    for row in rows:
        entry = today.get(row[0])
        if entry is None:
            plan.added.append(row)
        elif (entry.kind, entry.name) != row[1:]:
            plan.changed.append((row, entry.kind, entry.name))
        else:
            plan.unchanged += 1
    return plan


def calendar_import_preview(*, actor: User, upload) -> CalendarPlan:
    """Read a sheet (日期, 类型, 名称) and say what importing it would add and change."""
    require(actor, "calendar.manage")
    return _plan(_parse_sheet(upload))


def calendar_plan_load(signed: str) -> list[CalendarRow]:
    """The rows of a plan this portal signed (``CalendarPlan.signed``), or a clear 400."""
    try:
        raw = signing.loads(signed, salt=_PLAN_SALT, max_age=PLAN_MAX_AGE_SECONDS)
        return [(datetime.date.fromisoformat(day), kind, name) for day, kind, name in raw]
    except signing.SignatureExpired as exc:
        raise InvalidInput(
            _("This preview is too old; choose the file again."), code="plan_expired"
        ) from exc
    except (signing.BadSignature, TypeError, ValueError) as exc:
        raise InvalidInput(
            _("This preview cannot be read; choose the file again."), code="bad_plan"
        ) from exc


@transaction.atomic
def calendar_apply(*, actor: User, rows: list[CalendarRow]) -> CalendarPlan:
    """Write the rows that differ from the table (each through calendar_day_set: audited,
    every process reloads the calendar after commit). Returns what was done."""
    require(actor, "calendar.manage")
    plan = _plan(rows, lock=True)
    for day, kind, name in [*plan.added, *(row for row, _k, _n in plan.changed)]:
        calendar_day_set(actor=actor, day=day, kind=kind, name=name)
    return plan


def calendar_import(*, actor: User, upload) -> int:
    """A year's schedule from the State Council's notice as a sheet (日期, 类型, 名称):
    all rows or none; re-importing the same sheet changes nothing. Returns days changed."""
    require(actor, "calendar.manage")
    plan = calendar_apply(actor=actor, rows=_parse_sheet(upload))
    return len(plan.added) + len(plan.changed)


def calendar_template() -> bytes:
    """An empty sheet with the three columns and two example rows, to fill from the notice."""
    return excel.workbook_bytes(
        excel.Sheet(
            title=_("Holiday calendar"),
            columns=TEMPLATE_COLUMNS,
            rows=[
                (datetime.date(2027, 10, 1), "放假", "国庆节"),
                (datetime.date(2027, 10, 9), "上班", "国庆节调休"),
            ],
        )
    )


TEMPLATE_COLUMNS = [
    excel.Column("day", "日期", 14),
    excel.Column("kind", "类型", 10),
    excel.Column("name", "名称", 20),
]
