"""The shared Excel kit (registry/excel.py) with real .xlsx files: what every export and
import of the portal gets, whichever app's columns it carries."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook, load_workbook

from certificates.excel import register_workbook
from registry import excel, selectors, services
from registry.errors import InvalidInput
from registry.lists_excel import list_workbook
from registry.models import ListKind
from tests.certificates.helpers import retained_type
from tests.factories import WorkItemFactory

COLUMNS = [
    excel.Column("title", "标题", 30, ("事项名称",)),
    excel.Column("day", "日期", 12),
    excel.Column("count", "数量", 8),
]
FORMULA_LOOKING = [
    '=HYPERLINK("http://evil.example/","点我")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1",
    "\r=1",
]


def _sheet_xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


def _upload(rows: list[list], name: str = "x.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_a_formula_looking_cell_is_written_as_text():
    content = excel.workbook_bytes(
        excel.Sheet("清单", COLUMNS, ([value, None, 1] for value in FORMULA_LOOKING))
    )

    # No formula at all in the file: Excel has nothing to evaluate when it opens it.
    assert "<f>" not in _sheet_xml(content)
    sheet = load_workbook(io.BytesIO(content)).active
    for row, value in enumerate(FORMULA_LOOKING, start=2):
        cell = sheet.cell(row=row, column=1)
        # (XML reads a stored carriage return back as a newline.)
        assert cell.value == value.replace("\r", "\n")
        assert cell.data_type == "s"
        assert cell.quotePrefix  # editing it in Excel keeps it text
    # Numbers stay numbers: a negative count is not a "-" string.
    assert sheet["C2"].data_type == "n"


def test_a_workbook_has_frozen_bold_headers_widths_and_real_dates():
    day = datetime.date(2026, 3, 1)
    content = excel.workbook_bytes(excel.Sheet("清单:2026/3", COLUMNS, [["走访", day, -4]]))

    book = load_workbook(io.BytesIO(content))
    sheet = book.active
    assert sheet.title == "清单20263"  # characters a sheet name may not hold are dropped
    assert [c.value for c in sheet[1]] == ["标题", "日期", "数量"]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == 30
    assert sheet["B2"].is_date and sheet["B2"].value.date() == day
    assert sheet["B2"].number_format == excel.DATE_FORMAT
    assert sheet["C2"].value == -4


def test_a_published_list_export_keeps_a_formula_title_as_text(world):
    WorkItemFactory(
        jurisdiction=world.a.district,
        department=world.a.department,
        title='=HYPERLINK("http://evil.example/","清单")',
        description="@cmd",
    )
    items = selectors.published_list(jurisdiction=world.a.district, list_kind=ListKind.ASSIST)
    with translation.override("zh-hans"):
        content = list_workbook(items, title="协助清单")

    assert "<f>" not in _sheet_xml(content)
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A1"].value == "准入编号"  # Chinese headers
    assert sheet["B2"].value == '=HYPERLINK("http://evil.example/","清单")'
    assert sheet["B2"].data_type == "s"
    assert isinstance(sheet["N2"].value, datetime.datetime)  # valid from, a real date
    assert sheet.freeze_panes == "A2"


def test_the_certificate_register_export_uses_the_same_kit(world):
    residence = retained_type(world)
    from certificates import services as certificate_services

    certificate_services.certificate_issue(
        actor=world.a.cadre,
        community=world.a.community,
        certificate_type=residence,
        applicant_name="张三",
        applicant_id_number="11010519491231002X",
        purpose="=1+1",
        requested_by="-银行",
    )
    from certificates.models import CertificateIssuance

    issuances = CertificateIssuance.objects.select_related(
        "certificate_type", "community", "issued_by"
    )
    content = register_workbook(issuances, title="出具登记")

    assert "<f>" not in _sheet_xml(content)
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["F2"].value == "=1+1" and sheet["F2"].data_type == "s"
    assert sheet["G2"].value == "-银行"
    assert sheet["B2"].is_date
    assert sheet.freeze_panes == "A2"


def test_an_exported_formula_looking_text_reads_back_as_the_same_text():
    content = excel.workbook_bytes(excel.Sheet("s", COLUMNS, [["=1+1", None, None]]))

    rows = excel.load_rows(SimpleUploadedFile("e.xlsx", content))
    assert rows[1][0] == "=1+1"


def test_a_real_formula_in_an_upload_is_never_read_as_its_formula():
    # openpyxl writes no cached value: reading gives that value (none), not "=1+1".
    rows = excel.load_rows(_upload([["标题"], ["=1+1"]]))
    assert rows[1][0] is None


def test_headers_are_matched_in_chinese_english_or_an_alias_and_required_ones_named():
    keys = excel.header_keys(["事项名称", "DAY", "随便"], COLUMNS, {"title"})
    assert keys == ["title", "day", None]
    with pytest.raises(InvalidInput) as err:
        excel.header_keys(["随便"], COLUMNS, {"title"})
    assert err.value.code == "missing_columns"
    assert "标题" in str(err.value.message)


def test_blank_rows_are_skipped_and_rows_keep_their_excel_numbers():
    rows = [("标题", "日期"), ("甲", None), (None, "  "), ("乙", "2026-01-02")]
    assert excel.data_rows(rows, ["title", "day"]) == [
        (2, {"title": "甲", "day": None}),
        (4, {"title": "乙", "day": "2026-01-02"}),
    ]


def test_cells_convert_or_refuse():
    assert excel.text(3.0) == "3" and excel.text("  a ") == "a"
    assert excel.split("a、b，c;d") == ["a", "b", "c", "d"]
    assert excel.date("2026/01/02") == datetime.date(2026, 1, 2)
    assert excel.integer("") == 0
    with pytest.raises(ArithmeticError):
        excel.integer(-1)
    with pytest.raises(ArithmeticError):
        excel.integer("2.5")
    with pytest.raises(ValueError):
        excel.date("明天")


def test_a_file_over_the_size_limit_is_refused_before_it_is_opened(monkeypatch):
    monkeypatch.setattr(excel, "MAX_IMPORT_BYTES", 10)
    with pytest.raises(InvalidInput) as err:
        excel.load_rows(_upload([["标题"], ["甲"]]))
    assert err.value.code == "file_too_large"


def test_too_many_rows_are_refused(monkeypatch):
    monkeypatch.setattr(excel, "MAX_IMPORT_ROWS", 2)
    with pytest.raises(InvalidInput) as err:
        excel.load_rows(_upload([["标题"], ["甲"], ["乙"], ["丙"]]))
    assert err.value.code == "too_many_rows"


def test_an_import_names_the_row_and_column_of_each_error(world):
    with pytest.raises(InvalidInput) as err:
        services.work_items_import(
            actor=world.a.reviewer,
            jurisdiction=world.a.district,
            upload=_upload([["事项名称", "清单类型"], ["", "协助"], ["走访", "不存在"]]),
        )
    rows = err.value.extra["rows"]
    assert {"row": 2, "column": "title"} in [{k: r[k] for k in ("row", "column")} for r in rows]
    assert {"row": 3, "column": "list_kind"} in [{k: r[k] for k in ("row", "column")} for r in rows]
