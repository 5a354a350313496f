"""Lists as Excel workbooks: the columns, writing a published list, reading an import.

What a list's cells mean lives here; the file itself (limits, headers, safe cells) is the
kit's (registry/excel.py). Reading never writes to the database: it returns clean rows or
row-level errors, and the import service (services/lists.py) writes only when every row
is clean.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry import excel
from registry.excel import Column
from registry.models import Frequency, ListKind, Organisation, WorkItem

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


def list_workbook(items: Iterable[WorkItem], *, title: str) -> bytes:
    """A published list as an .xlsx file, one row per item (it imports back)."""
    rows = (
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
        for item in items
    )
    return excel.workbook_bytes(excel.Sheet(title or "list", COLUMNS, rows))


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


def read_import(upload, *, jurisdiction: Organisation) -> ParseResult:
    """Validate every row of an uploaded workbook; nothing is written here."""
    raw_rows = excel.load_rows(upload)
    header = excel.header_keys(raw_rows[0], COLUMNS, REQUIRED_KEYS)
    kinds = excel.choice_aliases(ListKind.choices, LIST_KIND_ALIASES)
    frequencies = excel.choice_aliases(Frequency.choices, FREQUENCY_ALIASES)
    data_rows = excel.data_rows(raw_rows, header)
    # Every code the file names, resolved in one query.
    codes = set()
    for _number, cells in data_rows:
        codes.update(excel.split(cells.get("scope")))
        if excel.text(cells.get("department")):
            codes.add(excel.text(cells.get("department")))
    organisations = {o.code: o for o in Organisation.objects.filter(code__in=codes)}

    rows: list[ParsedRow] = []
    errors = excel.RowErrors()
    error = errors.add

    for number, cells in data_rows:
        values: dict[str, Any] = {}
        parsed = ParsedRow(row=number, values=values)
        values["title"] = excel.text(cells.get("title"))[:200]
        if not values["title"]:
            error(number, "title", _("The title is missing."))
        kind = kinds.get(excel.text(cells.get("list_kind")).lower())
        if kind is None:
            error(
                number,
                "list_kind",
                _("Unknown list “%(value)s”.") % {"value": excel.text(cells.get("list_kind"))},
            )
        values["list_kind"] = kind
        department_code = excel.text(cells.get("department"))
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
        for code in excel.split(cells.get("scope")):
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
        frequency_text = excel.text(cells.get("frequency"))
        values["frequency"] = frequencies.get(frequency_text.lower(), "") if frequency_text else ""
        if frequency_text and not values["frequency"]:
            error(
                number, "frequency", _("Unknown frequency “%(value)s”.") % {"value": frequency_text}
            )
        if not values["frequency"] and kind in (ListKind.DUTY, ListKind.ASSIST):
            values["frequency"] = Frequency.YEARLY
        for key, convert in (
            ("hours_per_occurrence", excel.decimal),
            ("funding_per_community", excel.decimal),
            ("households_per_occurrence", excel.integer),
            ("ledgers", excel.integer),
        ):
            try:
                values[key] = convert(cells.get(key))
            except (InvalidOperation, ValueError, TypeError):
                error(
                    number,
                    key,
                    _("“%(value)s” is not a non-negative number.")
                    % {"value": excel.text(cells.get(key))},
                )
        for key in ("valid_from", "valid_until"):
            values[key] = errors.date(number, cells, key)
        if (
            values.get("valid_from")
            and values.get("valid_until")
            and values["valid_until"] < values["valid_from"]
        ):
            error(number, "valid_until", _("The validity ends before it starts."))
        values["data_fields"] = [f[:100] for f in excel.split(cells.get("data_fields"))]
        values["legal_basis"] = excel.text(cells.get("legal_basis"))
        values["description"] = excel.text(cells.get("description"))
        rows.append(parsed)
    excel.require_rows(rows, errors)
    return ParseResult(rows=rows, errors=errors.items)
