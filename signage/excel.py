"""The census (挂牌清理摸底) and the registry as Excel workbooks, through registry.excel.

Reading never writes: ``read_census`` returns clean rows or row-level errors in the active
language, and the import service writes only when every row is clean.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

from registry.errors import InvalidInput
from registry.excel import XLSX_CONTENT_TYPE, Column, Sheet, load_rows, workbook_bytes
from registry.models import Organisation, WorkItem
from signage.models import Kind, Placement, Plaque

__all__ = ["XLSX_CONTENT_TYPE", "census_template", "read_census", "registry_workbook"]


CENSUS_COLUMNS = [
    Column("community", gettext_lazy("Community code"), 16, ("社区编码", "村社区编码", "编码")),
    Column("community_name", gettext_lazy("Community"), 14, ("社区名称", "村（社区）")),
    Column("text", gettext_lazy("Text on the sign"), 30, ("牌匾名称", "牌子名称", "名称")),
    Column("kind", gettext_lazy("Kind"), 12, ("类别", "牌匾类别")),
    Column("placement", gettext_lazy("Placement"), 10, ("位置", "室内外")),
    Column("issuer", gettext_lazy("Department code"), 16, ("要求挂牌部门编码", "部门编码")),
    Column("location", gettext_lazy("Where it hangs"), 20, ("悬挂位置", "挂牌位置")),
    Column("installed_on", gettext_lazy("Up since"), 12, ("挂牌日期", "挂牌时间")),
    Column("work_item", gettext_lazy("Admission number"), 18, ("准入编号",)),
]
REQUIRED = {"community", "text", "kind", "placement", "installed_on"}
REGISTRY_COLUMNS = [
    *CENSUS_COLUMNS,
    Column("status", gettext_lazy("Status"), 8),
    Column("within_standard", gettext_lazy("Within the standard"), 10),
    Column("why", gettext_lazy("Why beyond the standard"), 30),
    Column("removed_on", gettext_lazy("Removed on"), 12),
    Column("removal_reason", gettext_lazy("Reason for removal"), 30),
]
KIND_ALIASES = {
    "机构牌": Kind.ORGANISATION,
    "机构": Kind.ORGANISATION,
    "功能室门牌": Kind.FUNCTION_ROOM,
    "功能室牌": Kind.FUNCTION_ROOM,
    "门牌": Kind.FUNCTION_ROOM,
    "功能室": Kind.FUNCTION_ROOM,
    "制度牌": Kind.RULES,
    "制度": Kind.RULES,
    "宣传牌": Kind.PUBLICITY,
    "宣传": Kind.PUBLICITY,
    "其他": Kind.OTHER,
}
PLACEMENT_ALIASES = {
    "室外": Placement.EXTERIOR,
    "外": Placement.EXTERIOR,
    "室内": Placement.INTERIOR,
}


def _sheet(title: str, columns: list[Column]) -> tuple[Workbook, Any]:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = re.sub(r"[\[\]:*?/\\]", "", title)[:31] or "sheet"
    sheet.append([str(c.header) for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = column.width
    sheet.freeze_panes = "A2"
    return workbook, sheet


def _bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def census_template(communities: Iterable[Organisation]) -> bytes:
    """A census workbook to fill in: one example row per community (code and name filled),
    drop-down lists for kind and placement."""
    workbook, sheet = _sheet(_("Plaque census"), CENSUS_COLUMNS)
    kinds = DataValidation(type="list", formula1='"' + ",".join(str(k.label) for k in Kind) + '"')
    placements = DataValidation(
        type="list", formula1='"' + ",".join(str(p.label) for p in Placement) + '"'
    )
    sheet.add_data_validation(kinds)
    sheet.add_data_validation(placements)
    kinds.add("D2:D5000")
    placements.add("E2:E5000")
    for community in communities:
        sheet.append([community.code, community.name, "", "", "", "", "", "", ""])
    return _bytes(workbook)


def registry_workbook(signs: Iterable[Plaque], *, title: str) -> bytes:
    """An area's registry, up and removed, one sign per row; the first columns re-import.
    Streamed through the Excel kit (constant memory; cells that would start a formula are
    written as text)."""
    yes, no = _("Yes"), _("No")
    rows = (
        (
            sign.community.code,
            sign.community.name,
            sign.text,
            sign.get_kind_display(),
            sign.get_placement_display(),
            sign.issuer.code if sign.issuer_id else "",
            sign.location,
            sign.installed_on,
            sign.work_item.admission_number if sign.work_item_id else "",
            sign.get_status_display(),
            yes if sign.within_standard else no,
            str(sign.why_label),
            sign.removed_on,
            sign.removal_reason,
        )
        for sign in signs
    )
    return workbook_bytes(Sheet(title, REGISTRY_COLUMNS, rows))


# --- Reading the census ------------------------------------------------------------------


@dataclass
class ParsedRow:
    row: int
    values: dict[str, Any]


@dataclass
class ParseResult:
    rows: list[ParsedRow]
    errors: list[dict[str, Any]]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _date(value: Any) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value).strip().replace("/", "-").replace(".", "-"))


def _aliases(columns: list[Column]) -> dict[str, str]:
    aliases: dict[str, str] = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for column in columns:
                aliases[str(column.header).strip().lower()] = column.key
    for column in columns:
        aliases[column.key] = column.key
        aliases.update({alias.lower(): column.key for alias in column.aliases})
    return aliases


def _choices(choices, extra: dict[str, str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for value, label in choices:
                found[str(label).strip().lower()] = value
                found[str(value)] = value
    found.update(extra)
    return found


def read_census(upload, *, area: Organisation, today: datetime.date) -> ParseResult:
    """Check every row of a census workbook for ``area``; nothing is written here."""
    raw_rows = load_rows(upload)
    aliases = _aliases(CENSUS_COLUMNS)
    header = [aliases.get(_text(cell).lower()) for cell in raw_rows[0]]
    missing = [c for c in CENSUS_COLUMNS if c.key in REQUIRED and c.key not in header]
    if missing:
        raise InvalidInput(
            _("The first row must name the columns; missing: %(columns)s")
            % {"columns": "、".join(str(c.header) for c in missing)},
            code="missing_columns",
        )
    data = [
        (number, dict(zip(header, cells, strict=False)))
        for number, cells in enumerate(raw_rows[1:], start=2)
        if _row_has_more_than_names(header, cells)
    ]
    codes = {_text(cells.get("community")) for _n, cells in data} | {
        _text(cells.get("issuer")) for _n, cells in data
    }
    organisations = {
        o.code: o
        for o in Organisation.objects.filter(code__in=codes - {""}).only(
            "pk", "code", "name", "kind", "path"
        )
    }
    numbers = {_text(cells.get("work_item")) for _n, cells in data} - {""}
    items = {i.admission_number: i for i in WorkItem.objects.filter(admission_number__in=numbers)}
    kinds = _choices(Kind.choices, KIND_ALIASES)
    placements = _choices(Placement.choices, PLACEMENT_ALIASES)
    rows: list[ParsedRow] = []
    errors: list[dict[str, Any]] = []

    def error(number: int, key: str, message: str) -> None:
        errors.append({"row": number, "column": key, "message": message})

    for number, cells in data:
        values: dict[str, Any] = {}
        code = _text(cells.get("community"))
        community = organisations.get(code)
        if not code:
            error(number, "community", _("The community code is missing."))
        elif community is None or community.kind != Organisation.Kind.COMMUNITY:
            error(number, "community", _("No community has the code %(code)s.") % {"code": code})
        elif not community.path.startswith(area.path):
            error(
                number,
                "community",
                _("%(code)s is outside %(area)s.") % {"code": code, "area": area.name},
            )
        else:
            values["community"] = community
        values["text"] = _text(cells.get("text"))
        if not values["text"]:
            error(number, "text", _("The text on the sign is missing."))
        elif len(values["text"]) > 200:
            error(number, "text", _("At most %(n)s characters.") % {"n": 200})
        kind_text = _text(cells.get("kind"))
        values["kind"] = kinds.get(kind_text.lower())
        if values["kind"] is None:
            error(number, "kind", _("Unknown kind “%(value)s”.") % {"value": kind_text})
        placement_text = _text(cells.get("placement"))
        values["placement"] = placements.get(placement_text.lower())
        if values["placement"] is None:
            error(
                number,
                "placement",
                _("Unknown placement “%(value)s”: write 室外 or 室内.") % {"value": placement_text},
            )
        issuer_code = _text(cells.get("issuer"))
        values["issuer"] = None
        if issuer_code:
            issuer = organisations.get(issuer_code)
            if issuer is None or issuer.kind != Organisation.Kind.DEPARTMENT:
                error(
                    number,
                    "issuer",
                    _("No department has the code %(code)s.") % {"code": issuer_code},
                )
            values["issuer"] = issuer
        values["location"] = _text(cells.get("location"))[:200]
        try:
            values["installed_on"] = _date(cells.get("installed_on"))
        except (ValueError, TypeError):
            values["installed_on"] = None
            error(
                number,
                "installed_on",
                _("“%(value)s” is not a date (YYYY-MM-DD).")
                % {"value": _text(cells.get("installed_on"))},
            )
        else:
            if values["installed_on"] is None:
                error(number, "installed_on", _("The date the sign went up is missing."))
            elif values["installed_on"] > today:
                error(number, "installed_on", _("The date cannot be in the future."))
        number_text = _text(cells.get("work_item"))
        values["work_item"] = None
        if number_text:
            values["work_item"] = items.get(number_text)
            if values["work_item"] is None:
                error(
                    number,
                    "work_item",
                    _("No work item has the admission number %(number)s.")
                    % {"number": number_text},
                )
        rows.append(ParsedRow(row=number, values=values))
    if not rows and not errors:
        raise InvalidInput(_("The workbook has no rows to import."), code="empty_file")
    return ParseResult(rows=rows, errors=errors)


def _row_has_more_than_names(header: list, cells: tuple) -> bool:
    """A template row with only the community's code and name filled in is not a sign."""
    return any(
        _text(cell)
        for key, cell in zip(header, cells, strict=False)
        if key not in {"community", "community_name"}
    )
