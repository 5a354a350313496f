"""The catalogue and the register as Excel workbooks: their columns and what the cells
mean. The file itself (limits, headers, safe cells, write-only export) is the hub's
Excel kit, registry/excel.py.

Reading never writes: ``read_catalogue`` returns clean rows or row-level errors, and the
import service writes only when every row is clean.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certificates import search
from certificates.models import CertificateIssuance, CertificateType
from registry import excel
from registry.excel import XLSX_CONTENT_TYPE, Column

__all__ = ["XLSX_CONTENT_TYPE", "catalogue_workbook", "read_catalogue", "register_workbook"]

Status = CertificateType.Status


CATALOGUE_COLUMNS = [
    Column("name", gettext_lazy("Certificate"), 28, ("证明名称", "证明事项", "名称", "事项名称")),
    Column("status", gettext_lazy("Status"), 12, ("类别", "状态", "是否保留")),
    # Exported for the reader; an import goes into the area it is made for.
    Column("jurisdiction", gettext_lazy("Catalogue of"), 14, ("所属区域", "发布区域")),
    Column(
        "verification",
        gettext_lazy("What the committee verifies"),
        36,
        ("核实内容", "核查内容", "出具条件"),
    ),
    Column("materials", gettext_lazy("What the resident brings"), 30, ("所需材料", "申请材料")),
    Column(
        "redirect",
        gettext_lazy("Where to go instead"),
        36,
        ("替代途径", "办理途径", "取消后的办理方式", "去向"),
    ),
    Column("legal_basis", gettext_lazy("Legal basis"), 36, ("依据", "法律依据", "设定依据")),
    Column("effective_from", gettext_lazy("Effective from"), 12, ("生效日期", "起始日期")),
    Column("effective_until", gettext_lazy("Effective until"), 12, ("失效日期", "截止日期")),
    Column("synonyms", gettext_lazy("Other names"), 28, ("其他叫法", "别名", "同义词")),
]
READ_ONLY_KEYS = {"jurisdiction"}
STATUS_ALIASES = {
    "保留": Status.RETAINED,
    "保留事项": Status.RETAINED,
    "可出具": Status.RETAINED,
    "可以出具": Status.RETAINED,
    "取消": Status.PROHIBITED,
    "取消事项": Status.PROHIBITED,
    "禁止": Status.PROHIBITED,
    "不出具": Status.PROHIBITED,
    "不应出具": Status.PROHIBITED,
    "不予出具": Status.PROHIBITED,
}

REGISTER_COLUMNS = [
    Column("serial_number", gettext_lazy("Serial number"), 12),
    Column("issued_on", gettext_lazy("Issued on"), 12),
    Column("certificate_type", gettext_lazy("Certificate"), 24),
    Column("applicant_name", gettext_lazy("Applicant"), 12),
    Column("applicant_id_masked", gettext_lazy("ID number (masked)"), 22),
    Column("purpose", gettext_lazy("Purpose"), 24),
    Column("requested_by", gettext_lazy("Asked for by"), 24),
    Column("issued_by", gettext_lazy("Issued by"), 12),
    Column("community", gettext_lazy("Community"), 16),
]


def catalogue_workbook(types: Iterable[CertificateType], *, title: str) -> bytes:
    """The catalogue as .xlsx, one type per row; it imports back unchanged."""
    rows = (
        [
            certificate_type.name,
            certificate_type.get_status_display(),
            certificate_type.jurisdiction_label,
            certificate_type.verification,
            certificate_type.materials,
            certificate_type.redirect,
            certificate_type.legal_basis,
            certificate_type.effective_from,
            certificate_type.effective_until,
            "、".join(certificate_type.synonyms or []),
        ]
        for certificate_type in types
    )
    return excel.workbook_bytes(excel.Sheet(title, CATALOGUE_COLUMNS, rows))


def register_workbook(issuances: Iterable[CertificateIssuance], *, title: str) -> bytes:
    """The issuance register as .xlsx (ID numbers masked, as stored)."""
    rows = (
        [
            issuance.serial_number,
            issuance.issued_on,
            issuance.certificate_type.name,
            issuance.applicant_name,
            issuance.applicant_id_masked,
            issuance.purpose,
            issuance.requested_by,
            str(issuance.issued_by),
            issuance.community.name,
        ]
        for issuance in issuances
    )
    return excel.workbook_bytes(excel.Sheet(title, REGISTER_COLUMNS, rows))


# --- Reading an import --------------------------------------------------------------------


@dataclass
class ParsedRow:
    row: int
    values: dict[str, Any]


@dataclass
class ParseResult:
    rows: list[ParsedRow]
    errors: list[dict[str, Any]]


def read_catalogue(upload) -> ParseResult:
    """Validate every row of a catalogue workbook on its own; nothing is written here."""
    raw_rows = excel.load_rows(upload)
    header = excel.header_keys(raw_rows[0], CATALOGUE_COLUMNS, {"name", "status"})
    statuses = excel.choice_aliases(Status.choices, STATUS_ALIASES)
    rows: list[ParsedRow] = []
    errors = excel.RowErrors()
    error = errors.add
    seen: dict[str, int] = {}

    for number, cell in excel.data_rows(raw_rows, header):
        values: dict[str, Any] = {}
        name = " ".join(excel.text(cell.get("name")).split())
        if not name:
            error(number, "name", _("The name is missing."))
        elif len(name) > 100:
            error(number, "name", _("A certificate's name has at most 100 characters."))
        elif name in seen:
            error(
                number,
                "name",
                _("“%(name)s” is already on row %(row)s.") % {"name": name, "row": seen[name]},
            )
        else:
            seen[name] = number
        values["name"] = name
        status_text = excel.text(cell.get("status"))
        status = statuses.get(status_text.lower())
        if status is None:
            error(
                number,
                "status",
                _("Unknown status “%(value)s”: write 保留 (may be issued) or 取消 (must not).")
                % {"value": status_text},
            )
        values["status"] = status
        for key in ("verification", "materials", "redirect", "legal_basis"):
            values[key] = excel.text(cell.get(key))
        if status == Status.RETAINED and not values["verification"]:
            error(number, "verification", _("Say what the committee verifies before issuing it."))
        if status == Status.PROHIBITED and not values["redirect"]:
            error(
                number, "redirect", _("Say where the resident goes instead, or why none is needed.")
            )
        for key in ("effective_from", "effective_until"):
            values[key] = errors.date(number, cell, key)
        if (
            values["effective_from"]
            and values["effective_until"]
            and values["effective_until"] < values["effective_from"]
        ):
            error(number, "effective_until", _("It stops being effective before it starts."))
        values["synonyms"] = search.clean_synonyms(excel.text(cell.get("synonyms")), name=name)
        rows.append(ParsedRow(row=number, values=values))
    excel.require_rows(rows, errors)
    return ParseResult(rows=rows, errors=errors.items)
