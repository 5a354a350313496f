"""The one Excel kit: reading an uploaded workbook and writing one, for every app.

The apps keep only their column tables and what their cells mean (registry/lists_excel.py,
certificates/excel.py); everything about the file itself is here:

Reading (``load_rows``, ``header_keys``, ``data_rows``, ``RowErrors`` and the cell
converters): a size and a row limit, a clear 400 for anything that is not a workbook,
headers matched in Chinese, English or a bureau's own wording, and errors per row and
column so an import can refuse the whole file and say where. Reading never writes.
Before openpyxl sees the file, ``check_workbook`` walks its XML as a stream (defusedxml,
no DTD, no entities): the unpacked size, the columns of each row and the cells in all are
counted while reading and the file is refused with a 400 as soon as one is over its
limit, so a 56 kB file holding one row of a million cells costs the worker next to
nothing (openpyxl itself builds each row whole before handing it over).

Writing (``write_workbook`` to a file, ``workbook_bytes`` in memory for small ones;
``stream_rows`` feeds a queryset's ``values_list`` in chunks): openpyxl's write-only
mode, so an export streams its rows instead of holding a sheet of cell objects; a bold
header row of the columns' (Chinese) headers, frozen; the columns' widths; dates as real
dates; and every text that starts with ``= + - @``, a tab or a carriage return written
as text (with Excel's quote prefix), so a title someone typed as ``=HYPERLINK(...)``
never comes alive as a formula when a reviewer opens the export (CSV/formula injection).
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from registry.errors import InvalidInput

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
# Read while streaming the sheet's XML, before openpyxl builds a row.
MAX_IMPORT_COLUMNS = 100
MAX_IMPORT_CELLS = 200_000
# The unpacked XML of every part together (a zip bomb is refused before it is inflated).
MAX_IMPORT_UNPACKED_BYTES = 80 * 1024 * 1024
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
# What a spreadsheet would start a formula (or a DDE call) with.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# How several values share one cell: Chinese and Western commas, 、, semicolons, newlines.
LIST_SEPARATORS = re.compile(r"[,，、;；\n]+")


@dataclass(frozen=True)
class Column:
    key: str
    header: Any  # lazy translation: the header in the active language
    width: int = 16
    # Other headers found in bureaus' own spreadsheets, accepted on import.
    aliases: tuple[str, ...] = ()


# --- Reading --------------------------------------------------------------------------------


def load_rows(upload) -> list[tuple]:
    """The first sheet's rows of an uploaded .xlsx, or a clear 400 for anything else:
    too large, not a workbook, too many rows, empty."""
    if getattr(upload, "size", 0) > MAX_IMPORT_BYTES:
        raise InvalidInput(
            _("The file is larger than %(mb)s MB.") % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)},
            code="file_too_large",
        )
    check_workbook(upload)
    try:
        # data_only: a formula cell gives its last computed value, never the formula.
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


_SPREADSHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _unsafe() -> InvalidInput:
    return InvalidInput(
        _("The file contains XML declarations (a DTD or entities) that are not allowed."),
        code="unsafe_file",
    )


def check_workbook(upload) -> int:
    """Refuse, while streaming the file's XML, a workbook that is not safe or too big to
    read: a DTD or an XML entity anywhere, more unpacked XML than MAX_IMPORT_UNPACKED_BYTES,
    a row of more than MAX_IMPORT_COLUMNS cells, more than MAX_IMPORT_CELLS cells in a
    sheet. Each element is dropped once counted, so memory stays flat whatever the file
    says. Returns the number of rows of the longest sheet (0 for a file that is not a zip
    at all: that is left for openpyxl to refuse with the house's message)."""
    rows = 0
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError, ValueError):
        _rewind(upload)
        return rows
    try:
        parts = [i for i in archive.infolist() if i.filename.endswith((".xml", ".rels"))]
        if sum(i.file_size for i in parts) > MAX_IMPORT_UNPACKED_BYTES:
            raise InvalidInput(
                _("The file unpacks to more than %(mb)s MB.")
                % {"mb": MAX_IMPORT_UNPACKED_BYTES // (1024 * 1024)},
                code="file_too_large",
            )
        for info in parts:
            with archive.open(info) as stream:
                if info.filename.startswith("xl/worksheets/"):
                    rows = max(rows, _count_cells(stream))
                else:
                    for _event, element in iterparse(stream, forbid_dtd=True):
                        element.clear()
    except DefusedXmlException as exc:
        raise _unsafe() from exc
    except (zipfile.BadZipFile, OSError, ValueError, SyntaxError):
        pass  # unreadable: openpyxl refuses it with the house's message
    finally:
        archive.close()
        _rewind(upload)
    return rows


def count_rows(upload) -> int:
    """The rows of an uploaded workbook (header included), checked as ``check_workbook``
    does; more than an import takes is a 400 here already."""
    rows = check_workbook(upload)
    if rows > MAX_IMPORT_ROWS + 1:
        raise InvalidInput(
            _("At most %(n)s rows can be imported at once.") % {"n": MAX_IMPORT_ROWS},
            code="too_many_rows",
        )
    return rows


def _count_cells(stream) -> int:
    cell, row = f"{_SPREADSHEET_NS}c", f"{_SPREADSHEET_NS}row"
    in_row = total = rows = 0
    for _event, element in iterparse(stream, events=("end",), forbid_dtd=True):
        if element.tag == cell:
            in_row += 1
            total += 1
            element.clear()
            if in_row > MAX_IMPORT_COLUMNS:
                raise InvalidInput(
                    _("A row has more than %(n)s columns.") % {"n": MAX_IMPORT_COLUMNS},
                    code="too_many_columns",
                )
            if total > MAX_IMPORT_CELLS:
                raise InvalidInput(
                    _("The sheet has more than %(n)s cells.") % {"n": MAX_IMPORT_CELLS},
                    code="too_many_cells",
                )
        elif element.tag == row:
            in_row = 0
            rows += 1
            element.clear()
    return rows


def _rewind(upload) -> None:
    if hasattr(upload, "seek"):
        upload.seek(0)


def header_aliases(columns: Sequence[Column]) -> dict[str, str]:
    """Header text (Chinese or English, any case, or a known alias) -> column key."""
    aliases: dict[str, str] = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for column in columns:
                aliases[str(column.header).strip().lower()] = column.key
    for column in columns:
        aliases[column.key] = column.key
        aliases.update({alias.lower(): column.key for alias in column.aliases})
    return aliases


def header_keys(
    header_row: Sequence[Any], columns: Sequence[Column], required: Iterable[str]
) -> list[str | None]:
    """The column key of each cell of the first row (None: a column nobody reads);
    a 400 naming the required columns the row lacks."""
    aliases = header_aliases(columns)
    keys = [aliases.get(text(cell).lower()) for cell in header_row]
    required = set(required)
    missing = [c for c in columns if c.key in required and c.key not in keys]
    if missing:
        raise InvalidInput(
            _("The first row must name the columns; missing: %(columns)s")
            % {"columns": "、".join(str(c.header) for c in missing)},
            code="missing_columns",
        )
    return keys


def data_rows(rows: Sequence[tuple], keys: Sequence[str | None]) -> list[tuple[int, dict]]:
    """(row number as Excel shows it, {key: cell}) for every row after the header that
    holds anything."""
    return [
        (number, dict(zip(keys, cells, strict=False)))
        for number, cells in enumerate(rows[1:], start=2)
        if any(text(c) for c in cells)
    ]


def choice_aliases(choices, extra: dict[str, str]) -> dict[str, str]:
    """A choice's label (Chinese or English, any case) or value -> value, plus ``extra``."""
    aliases: dict[str, str] = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for value, label in choices:
                aliases[str(label).strip().lower()] = value
                aliases[str(value).lower()] = value
    aliases.update(extra)
    return aliases


@dataclass
class RowErrors:
    """The errors of an import, each tied to a row and a column key."""

    items: list[dict[str, Any]] = field(default_factory=list)

    def add(self, row: int, column: str, message: str) -> None:
        self.items.append({"row": row, "column": column, "message": message})

    def __bool__(self) -> bool:
        return bool(self.items)

    def date(self, row: int, cells: dict, key: str) -> datetime.date | None:
        """The cell ``key`` as a date, or None with the error recorded."""
        try:
            return date(cells.get(key))
        except (ValueError, TypeError):
            self.add(
                row,
                key,
                _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": text(cells.get(key))},
            )
            return None


def require_rows(rows: Sequence, errors: RowErrors) -> None:
    if not rows and not errors:
        raise InvalidInput(_("The workbook has no rows to import."), code="empty_file")


def text(value: Any) -> str:
    """A cell as trimmed text (a whole number typed in Excel reads back without ".0")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def split(value: Any) -> list[str]:
    """The values of a cell that holds several (``a、b, c``)."""
    return [part.strip() for part in LIST_SEPARATORS.split(text(value)) if part.strip()]


def decimal(value: Any) -> Decimal:
    """A non-negative number (empty = 0); raises InvalidOperation otherwise."""
    if value in (None, ""):
        return Decimal("0")
    number = Decimal(str(value).strip())
    if number < 0 or not number.is_finite():
        raise InvalidOperation
    return number


def integer(value: Any) -> int:
    number = decimal(value)
    if number != number.to_integral_value():
        raise InvalidOperation
    return int(number)


def date(value: Any) -> datetime.date | None:
    """A date cell, or text as YYYY-MM-DD or YYYY/MM/DD (empty = None); raises ValueError."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value).strip().replace("/", "-"))


# --- Writing --------------------------------------------------------------------------------


@dataclass
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]


def sheet_title(title: str) -> str:
    """A valid sheet name: no []:*?/\\ and at most 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", "", str(title))[:31] or "sheet"


def _cell(sheet, value: Any) -> Any:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        # openpyxl would store "=..." as a formula: store it as text, quote-prefixed so
        # that editing the cell in Excel keeps it text.
        cell.data_type = "s"
        cell.quotePrefix = True
    elif isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            # Excel has no time zones: the local time, as the portal shows it.
            cell.value = timezone.localtime(value).replace(tzinfo=None)
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, datetime.date):
        cell.number_format = DATE_FORMAT
    return cell


def stream_rows(queryset, fields: Sequence[str], *, chunk_size: int = 2000) -> Iterator[tuple]:
    """A queryset's rows as tuples of ``fields``, read from the database ``chunk_size`` at a
    time (a server-side cursor on PostgreSQL): no model instances, and memory flat in the
    number of rows."""
    # A list's prefetches are for model rows; a values query has none to fill.
    rows = queryset.prefetch_related(None).values_list(*fields)
    return rows.iterator(chunk_size=chunk_size)


Progress = Callable[[int], None]


def workbook_bytes(*sheets: Sheet) -> bytes:
    """An .xlsx of the sheets, each with its columns' headers frozen on top (small files;
    exports of a list go through ``write_workbook`` into a file)."""
    buffer = io.BytesIO()
    write_workbook(buffer, *sheets)
    return buffer.getvalue()


def write_workbook(
    target, *sheets: Sheet, progress: Progress | None = None, every: int = 2000
) -> int:
    """Write an .xlsx of the sheets to ``target`` (a path or a binary file), each with its
    columns' headers frozen on top; ``progress(rows written)`` every ``every`` rows.
    Returns the number of data rows. Rows go to openpyxl's write-only sheet (a temporary
    file) as they come, so memory does not grow with them."""
    written = 0
    workbook = Workbook(write_only=True)
    header_font = Font(bold=True)
    header_alignment = Alignment(wrap_text=True, vertical="center")
    for spec in sheets:
        sheet = workbook.create_sheet(sheet_title(spec.title))
        # Write-only sheets take widths and panes before the first row, never after.
        for index, column in enumerate(spec.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        sheet.freeze_panes = "A2"
        header = []
        for column in spec.columns:
            cell = WriteOnlyCell(sheet, value=str(column.header))
            cell.font = header_font
            cell.alignment = header_alignment
            header.append(cell)
        sheet.append(header)
        for row in spec.rows:
            sheet.append([_cell(sheet, value) for value in row])
            written += 1
            if progress is not None and written % every == 0:
                progress(written)
    workbook.save(target)
    if progress is not None:
        progress(written)
    return written


# --- Downloads -------------------------------------------------------------------------------


def attachment(name: str, fallback: str = "export.xlsx") -> str:
    """A Content-Disposition for a download named ``name`` (Chinese, usually): RFC 6266's
    filename* for every browser, an ASCII ``fallback`` for old clients."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"


def xlsx_response(content: bytes, name: str, *, fallback: str = "export.xlsx") -> HttpResponse:
    """A workbook made in the request (``workbook_bytes``), as a download."""
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = attachment(name, fallback)
    return response
