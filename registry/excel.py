"""Lists as Excel workbooks: the columns, writing a published list, reading an import.

Reading never writes to the database: it returns clean rows or row-level errors, and the
import service (services/lists.py) writes only when every row is clean.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils.exceptions import InvalidFileException

from registry.errors import InvalidInput
from registry.models import Frequency, ListKind, Organisation, WorkItem

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SPLIT = re.compile(r"[,，、;；\n]+")


@dataclass(frozen=True)
class Column:
    key: str
    header: Any  # lazy translation: the header in the active language
    width: int = 16
    # Other headers found in bureaus' own spreadsheets, accepted on import.
    aliases: tuple[str, ...] = ()


COLUMNS = [
    Column("admission_number", gettext_lazy("Admission number"), 18, ("准入编号", "编号")),
    Column("title", gettext_lazy("Title"), 36, ("事项名称", "事项", "名称", "工作事项")),
    Column("list_kind", gettext_lazy("List"), 14, ("清单类型", "清单", "类别")),
    Column(
        "department", gettext_lazy("Responsible department code"), 16, ("责任部门编码", "部门编码")
    ),
    Column("department_name", gettext_lazy("Responsible department"), 18, ("责任部门",)),
    Column("legal_basis", gettext_lazy("Legal basis"), 36, ("法律依据", "依据")),
    Column("scope", gettext_lazy("Scope (codes)"), 24, ("适用范围（编码）", "适用范围", "范围")),
    Column("frequency", gettext_lazy("Frequency"), 10, ("频次", "频率")),
    Column("hours_per_occurrence", gettext_lazy("Hours per occurrence"), 10, ("每次工时", "工时")),
    Column(
        "households_per_occurrence",
        gettext_lazy("Households per occurrence"),
        10,
        ("每次入户数", "入户数"),
    ),
    Column("ledgers", gettext_lazy("Ledgers"), 8, ("台账数", "台账")),
    Column("data_fields", gettext_lazy("Data fields collected"), 24, ("采集数据项", "数据项")),
    Column(
        "funding_per_community",
        gettext_lazy("Yearly funding per community"),
        12,
        ("每社区年度经费", "经费"),
    ),
    Column("valid_from", gettext_lazy("Valid from"), 12, ("有效期起", "生效日期")),
    Column("valid_until", gettext_lazy("Valid until"), 12, ("有效期止", "失效日期")),
    Column("description", gettext_lazy("Description"), 36, ("事项说明", "说明", "备注")),
]
# Values bureaus write for list kinds and frequencies, besides the portal's own labels.
LIST_KIND_ALIASES = {
    "依法履行职责事项": ListKind.DUTY,
    "履行职责": ListKind.DUTY,
    "职责清单": ListKind.DUTY,
    "依法协助政府工作事项": ListKind.ASSIST,
    "协助": ListKind.ASSIST,
    "协助清单": ListKind.ASSIST,
    "负面清单": ListKind.NEGATIVE,
    "不应由社区承担事项": ListKind.NEGATIVE,
}
FREQUENCY_ALIASES = {
    "一次": Frequency.ONCE,
    "一次性": Frequency.ONCE,
    "每周": Frequency.WEEKLY,
    "每月": Frequency.MONTHLY,
    "每季度": Frequency.QUARTERLY,
    "每年": Frequency.YEARLY,
    "周": Frequency.WEEKLY,
    "月": Frequency.MONTHLY,
    "季度": Frequency.QUARTERLY,
    "年": Frequency.YEARLY,
}
# Columns an import reads (the number is assigned on import; names are looked up by code).
IMPORT_KEYS = [c.key for c in COLUMNS if c.key not in {"admission_number", "department_name"}]
REQUIRED_KEYS = {"title", "list_kind"}


def _header_aliases() -> dict[str, str]:
    """Header text (Chinese or English, any case) -> column key."""
    from django.utils import translation

    aliases: dict[str, str] = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for column in COLUMNS:
                aliases[str(column.header).strip().lower()] = column.key
    for column in COLUMNS:
        aliases[column.key] = column.key
        aliases.update({alias.lower(): column.key for alias in column.aliases})
    return aliases


def _choice_aliases(choices, extra: dict[str, str]) -> dict[str, str]:
    from django.utils import translation

    aliases: dict[str, str] = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for value, label in choices:
                aliases[str(label).strip().lower()] = value
                aliases[str(value).lower()] = value
    aliases.update(extra)
    return aliases


def list_workbook(items: Iterable[WorkItem], *, title: str) -> bytes:
    """A published list as an .xlsx file, one row per item."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31] or "list"
    sheet.append([str(c.header) for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = column.width
    for item in items:
        sheet.append(
            [
                item.admission_number or "",
                item.title,
                item.get_list_kind_display(),
                getattr(item.department, "code", "") if item.department_id else "",
                getattr(item, "department_name", "")
                or (item.department.name if item.department_id else ""),
                item.legal_basis,
                "、".join(getattr(item, "scope_codes", [])),
                item.get_frequency_display() if item.frequency else "",
                float(item.hours_per_occurrence or 0),
                item.households_per_occurrence,
                item.ledgers,
                "、".join(item.data_fields or []),
                float(item.funding_per_community or 0),
                item.valid_from,
                item.valid_until,
                item.description,
            ]
        )
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is written as text (stack.md)."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def table_workbook(headers: Iterable[Any], rows: Iterable[Iterable[Any]], *, title: str) -> bytes:
    """Any table as an .xlsx file, written row by row in write-only mode (constant memory
    for the rows themselves), formula-looking text kept as text. For other apps' exports."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31] or "sheet")
    sheet.append([str(h) for h in headers])
    for row in rows:
        sheet.append([_safe_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass
class ParsedRow:
    row: int
    values: dict[str, Any]
    scope: list[Organisation] = field(default_factory=list)
    department: Organisation | None = None


@dataclass
class ParseResult:
    rows: list[ParsedRow]
    errors: list[dict[str, Any]]

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _decimal(value: Any) -> Decimal:
    if value in (None, ""):
        return Decimal("0")
    number = Decimal(str(value).strip())
    if number < 0 or not number.is_finite():
        raise InvalidOperation
    return number


def _integer(value: Any) -> int:
    number = _decimal(value)
    if number != number.to_integral_value():
        raise InvalidOperation
    return int(number)


def _date(value: Any) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value).strip().replace("/", "-"))


def load_rows(upload) -> list[tuple]:
    """The first sheet's rows of an uploaded .xlsx, or a clear 400 for anything else:
    too large, not a workbook, too many rows, empty. Shared by every Excel import."""
    if getattr(upload, "size", 0) > MAX_IMPORT_BYTES:
        raise InvalidInput(
            _("The file is larger than %(mb)s MB.") % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)},
            code="file_too_large",
        )
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = list(sheet.iter_rows(values_only=True, max_row=MAX_IMPORT_ROWS + 2))
    except (
        InvalidFileException,
        zipfile.BadZipFile,
        KeyError,
        OSError,
        ValueError,
        IndexError,
        TypeError,
    ) as exc:
        raise InvalidInput(
            _("The file could not be read. Upload an Excel workbook (.xlsx)."),
            code="unreadable_file",
        ) from exc
    if len(rows) > MAX_IMPORT_ROWS + 1:
        raise InvalidInput(
            _("At most %(n)s rows can be imported at once.") % {"n": MAX_IMPORT_ROWS},
            code="too_many_rows",
        )
    if not rows:
        raise InvalidInput(_("The workbook is empty."), code="empty_file")

    return rows


def read_import(upload, *, jurisdiction: Organisation) -> ParseResult:
    """Validate every row of an uploaded workbook; nothing is written here."""
    raw_rows = load_rows(upload)

    aliases = _header_aliases()
    header = [aliases.get(_text(cell).lower()) for cell in raw_rows[0]]
    missing = [c for c in COLUMNS if c.key in REQUIRED_KEYS and c.key not in header]
    if missing:
        raise InvalidInput(
            _("The first row must name the columns; missing: %(columns)s")
            % {"columns": "、".join(str(c.header) for c in missing)},
            code="missing_columns",
        )

    kinds = _choice_aliases(ListKind.choices, LIST_KIND_ALIASES)
    frequencies = _choice_aliases(Frequency.choices, FREQUENCY_ALIASES)
    data_rows = [
        (number, dict(zip(header, cells, strict=False)))
        for number, cells in enumerate(raw_rows[1:], start=2)
        if any(_text(c) for c in cells)
    ]
    codes = set()
    for _number, cells in data_rows:
        codes.update(c for c in _SPLIT.split(_text(cells.get("scope"))) if c.strip())
        if _text(cells.get("department")):
            codes.add(_text(cells.get("department")))
    organisations = {o.code: o for o in Organisation.objects.filter(code__in=codes)}

    rows: list[ParsedRow] = []
    errors: list[dict[str, Any]] = []

    def error(number: int, key: str, message: str) -> None:
        errors.append({"row": number, "column": key, "message": message})

    for number, cells in data_rows:
        values: dict[str, Any] = {}
        parsed = ParsedRow(row=number, values=values)
        values["title"] = _text(cells.get("title"))[:200]
        if not values["title"]:
            error(number, "title", _("The title is missing."))
        kind = kinds.get(_text(cells.get("list_kind")).lower())
        if kind is None:
            error(
                number,
                "list_kind",
                _("Unknown list “%(value)s”.") % {"value": _text(cells.get("list_kind"))},
            )
        values["list_kind"] = kind
        department_code = _text(cells.get("department"))
        if department_code:
            department = organisations.get(department_code)
            if department is None or department.kind != Organisation.Kind.DEPARTMENT:
                error(
                    number,
                    "department",
                    _("No department has the code %(code)s.") % {"code": department_code},
                )
            parsed.department = department
        elif kind in (ListKind.DUTY, ListKind.ASSIST):
            error(number, "department", _("Duty and assist items need a responsible department."))
        for code in (c.strip() for c in _SPLIT.split(_text(cells.get("scope"))) if c.strip()):
            organisation = organisations.get(code)
            if organisation is None or organisation.kind == Organisation.Kind.DEPARTMENT:
                error(
                    number,
                    "scope",
                    _("No area or community has the code %(code)s.") % {"code": code},
                )
            elif not organisation.path.startswith(jurisdiction.path):
                error(
                    number,
                    "scope",
                    _("%(code)s is outside %(jurisdiction)s.")
                    % {"code": code, "jurisdiction": jurisdiction.name},
                )
            else:
                parsed.scope.append(organisation)
        frequency_text = _text(cells.get("frequency"))
        values["frequency"] = frequencies.get(frequency_text.lower(), "") if frequency_text else ""
        if frequency_text and not values["frequency"]:
            error(
                number, "frequency", _("Unknown frequency “%(value)s”.") % {"value": frequency_text}
            )
        if not values["frequency"] and kind in (ListKind.DUTY, ListKind.ASSIST):
            values["frequency"] = Frequency.YEARLY
        for key, convert in (
            ("hours_per_occurrence", _decimal),
            ("funding_per_community", _decimal),
            ("households_per_occurrence", _integer),
            ("ledgers", _integer),
        ):
            try:
                values[key] = convert(cells.get(key))
            except (InvalidOperation, ValueError, TypeError):
                error(
                    number,
                    key,
                    _("“%(value)s” is not a non-negative number.")
                    % {"value": _text(cells.get(key))},
                )
        for key in ("valid_from", "valid_until"):
            try:
                values[key] = _date(cells.get(key))
            except (ValueError, TypeError):
                error(
                    number,
                    key,
                    _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": _text(cells.get(key))},
                )
        if (
            values.get("valid_from")
            and values.get("valid_until")
            and values["valid_until"] < values["valid_from"]
        ):
            error(number, "valid_until", _("The validity ends before it starts."))
        values["data_fields"] = [
            f.strip()[:100] for f in _SPLIT.split(_text(cells.get("data_fields"))) if f.strip()
        ]
        values["legal_basis"] = _text(cells.get("legal_basis"))
        values["description"] = _text(cells.get("description"))
        rows.append(parsed)
    if not rows and not errors:
        raise InvalidInput(_("The workbook has no rows to import."), code="empty_file")
    return ParseResult(rows=rows, errors=errors)
