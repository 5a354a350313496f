"""Reading an uploaded workbook is bounded while it streams: XML entities and DTDs are
refused, and so are rows wider than MAX_IMPORT_COLUMNS and sheets of more than
MAX_IMPORT_CELLS cells, before openpyxl builds a row. Both import endpoints answer the
contract's 400 and write nothing."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from certificates.models import CertificateType
from registry import excel
from registry.errors import InvalidInput
from registry.models import AuditEntry, WorkItem

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
ENDPOINTS = ["/api/v1/work-items/import/", "/api/v1/certificate-types/import/"]


def _plain_workbook(rows=(("事项名称", "清单类型"), ("居民信息核对", "依法履行职责事项"))) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _replace(content: bytes, part: str, xml: str, more: dict | None = None) -> bytes:
    """The workbook with parts' XML replaced or added (a hand-crafted zip)."""
    parts = {part: xml, **(more or {})}
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = parts.pop(info.filename, None)
            target.writestr(info.filename, data.encode() if data else source.read(info.filename))
        for name, data in parts.items():
            target.writestr(name, data.encode())
    return out.getvalue()


def _with_shared_strings(content: bytes, strings_xml: str) -> bytes:
    """The workbook with a sharedStrings part that cell A1 reads, declared as Excel does."""
    source = zipfile.ZipFile(io.BytesIO(content))
    types = (
        source.read("[Content_Types].xml")
        .decode()
        .replace(
            "</Types>",
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        )
    )
    rels = (
        source.read("xl/_rels/workbook.xml.rels")
        .decode()
        .replace(
            "</Relationships>",
            '<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        )
    )
    sheet = (
        f'<?xml version="1.0"?><worksheet xmlns="{NS}"><sheetData>'
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'
    )
    return _replace(
        content,
        "xl/sharedStrings.xml",
        strings_xml,
        {
            "[Content_Types].xml": types,
            "xl/worksheets/sheet1.xml": sheet,
            "xl/_rels/workbook.xml.rels": rels,
        },
    )


ENTITY_SHEET = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE worksheet [<!ENTITY boom "爆爆爆爆爆爆爆爆爆爆">]>
<worksheet xmlns="{NS}"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&boom;</t></is></c></row>
</sheetData></worksheet>"""
ENTITY_STRINGS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<sst xmlns="{NS}" count="1" uniqueCount="1"><si><t>&b;</t></si></sst>"""


def with_entity(where: str) -> bytes:
    content = _plain_workbook()
    if where == "sheet":
        return _replace(content, "xl/worksheets/sheet1.xml", ENTITY_SHEET)
    return _with_shared_strings(content, ENTITY_STRINGS)


def test_a_workbook_with_plain_shared_strings_reads():
    plain = ENTITY_STRINGS.replace(ENTITY_STRINGS.split("\n")[1], "").replace("&b;", "居住证明")
    rows = excel.load_rows(upload(_with_shared_strings(_plain_workbook(), plain)))
    assert rows[0][0] == "居住证明"


def wide_row(cells: int) -> bytes:
    row = '<c t="n"><v>1</v></c>' * cells
    sheet = f'<?xml version="1.0"?><worksheet xmlns="{NS}"><sheetData><row r="1">{row}</row></sheetData></worksheet>'  # noqa: E501
    return _replace(_plain_workbook(), "xl/worksheets/sheet1.xml", sheet)


def many_cells(rows: int, per_row: int) -> bytes:
    row = '<c t="n"><v>1</v></c>' * per_row
    body = "".join(f'<row r="{n}">{row}</row>' for n in range(1, rows + 1))
    sheet = (
        f'<?xml version="1.0"?><worksheet xmlns="{NS}"><sheetData>{body}</sheetData></worksheet>'
    )
    return _replace(_plain_workbook(), "xl/worksheets/sheet1.xml", sheet)


def upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("x.xlsx", content, excel.XLSX_CONTENT_TYPE)


@pytest.mark.parametrize("where", ["sheet", "sharedStrings"])
def test_the_kit_refuses_an_entity_wherever_it_is(where):
    with pytest.raises(InvalidInput) as refused:
        excel.load_rows(upload(with_entity(where)))
    assert refused.value.code == "unsafe_file"


def test_a_million_cells_in_one_row_cost_next_to_nothing_and_are_refused():
    content = wide_row(1_000_000)
    assert len(content) < 100_000  # ~56 kB, as the probe's file
    tracemalloc.start()
    try:
        with pytest.raises(InvalidInput) as refused:
            excel.load_rows(upload(content))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert refused.value.code == "too_many_columns"
    assert "列" in str(refused.value.message) or "columns" in str(refused.value.message)
    assert peak < 20 * 1024 * 1024, peak


def test_too_many_cells_in_all_are_refused(monkeypatch):
    monkeypatch.setattr(excel, "MAX_IMPORT_CELLS", 1000)
    with pytest.raises(InvalidInput) as refused:
        excel.load_rows(upload(many_cells(rows=101, per_row=10)))
    assert refused.value.code == "too_many_cells"
    assert excel.load_rows(upload(many_cells(rows=100, per_row=10)))  # at the limit: read


def test_an_ordinary_workbook_still_reads():
    rows = excel.load_rows(upload(_plain_workbook()))
    assert rows[1] == ("居民信息核对", "依法履行职责事项")


@pytest.mark.parametrize("url", ENDPOINTS)
@pytest.mark.parametrize(
    "content, code",
    [
        (with_entity("sheet"), "unsafe_file"),
        (with_entity("sharedStrings"), "unsafe_file"),
        (wide_row(1_000_000), "too_many_columns"),
    ],
    ids=["entity-in-sheet", "entity-in-shared-strings", "million-cell-row"],
)
def test_both_import_endpoints_refuse_with_the_contracts_400_and_write_nothing(
    world, api_as, url, content, code
):
    before = (WorkItem.objects.count(), CertificateType.objects.count(), AuditEntry.objects.count())
    response = api_as(world.a.reviewer).post(
        url, {"jurisdiction": world.a.district.code, "file": upload(content)}, format="multipart"
    )
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body["code"] == code and body["detail"]
    after = (WorkItem.objects.count(), CertificateType.objects.count(), AuditEntry.objects.count())
    assert after == before
