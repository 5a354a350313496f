"""The National Bureau of Statistics' 统计用区划和城乡划分代码, read and compared with the tree.

The file, as bureaus receive it: CSV (UTF-8 or GB18030) or .xlsx, a header row
``统计用区划代码,名称,级别,城乡分类代码`` (or ``code,name,level,type``), one row per division:

- the 12-digit code; its first 2/4/6/9/12 digits are the province / city / county /
  township / village-level code, so the parent is implied by the code;
- the level, 1 (province) to 5 (居委会/村委会);
- for level 5 the 城乡分类代码 111/112/121/122/123 (urban) or 210/220 (rural).

The tree stores each division by its short code (``32``, ``3201``, ``320102``,
``320102001``, ``320102001001``), the scheme the demo and the benchmark already use, so
their shorter codes keep working. Reading and planning write nothing: ``plan()`` says what
applying the file would change (added, renamed, moved, abolished), the service applies it.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from registry.errors import InvalidInput
from registry.models import Organisation

MAX_ROWS = 200_000
MAX_BYTES = 40 * 1024 * 1024
# Digits of the short code at each level, and the organisation level it becomes.
SHORT_LENGTH = {1: 2, 2: 4, 3: 6, 4: 9, 5: 12}
AREA_LEVEL = {
    1: Organisation.Level.PROVINCE,
    2: Organisation.Level.CITY,
    3: Organisation.Level.DISTRICT,
    4: Organisation.Level.STREET,
}
URBAN_TYPES = {"111", "112", "121", "122", "123"}
RURAL_TYPES = {"210", "220"}
HEADERS = {
    "统计用区划代码": "code",
    "区划代码": "code",
    "代码": "code",
    "code": "code",
    "名称": "name",
    "name": "name",
    "级别": "level",
    "层级": "level",
    "level": "level",
    "城乡分类代码": "type",
    "城乡分类": "type",
    "type": "type",
}
_CODE = re.compile(r"^\d{12}$")


@dataclass(frozen=True)
class DivisionRow:
    line: int
    full_code: str
    code: str  # the short code the tree stores
    name: str
    level: int  # 1..5
    type_code: str

    @property
    def parent_code(self) -> str | None:
        return self.code[: SHORT_LENGTH[self.level - 1]] if self.level > 1 else None

    @property
    def kind(self) -> str:
        return Organisation.Kind.COMMUNITY if self.level == 5 else Organisation.Kind.AREA

    @property
    def org_level(self) -> str:
        if self.level < 5:
            return AREA_LEVEL[self.level]
        # The name says it first (村委会 / 居委会 / 社区), the classification otherwise.
        if self.name.endswith(("村委会", "村民委员会")):
            return Organisation.Level.VILLAGE
        if self.name.endswith(("居委会", "居民委员会", "社区")):
            return Organisation.Level.COMMUNITY
        return (
            Organisation.Level.VILLAGE
            if self.type_code in RURAL_TYPES
            else Organisation.Level.COMMUNITY
        )


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput(_("The file is neither UTF-8 nor GB18030 text."), code="unreadable_file")


def _raw_rows(data: bytes) -> list[list[str]]:
    if data[:2] == b"PK":  # an .xlsx is a zip archive
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
            rows = sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2)
            return [["" if cell is None else str(cell).strip() for cell in row] for row in rows]
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError, TypeError) as exc:
            raise InvalidInput(
                _("The file could not be read. Upload a CSV file or an Excel workbook (.xlsx)."),
                code="unreadable_file",
            ) from exc
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]


def parse(data: bytes) -> list[DivisionRow]:
    """Every row of the file, or InvalidInput with ``rows`` naming each bad one."""
    if len(data) > MAX_BYTES:
        raise InvalidInput(
            _("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)},
            code="file_too_large",
        )
    raw = [row for row in _raw_rows(data) if any(row)]
    if not raw:
        raise InvalidInput(_("The file is empty."), code="empty_file")
    if len(raw) > MAX_ROWS + 1:
        raise InvalidInput(
            _("At most %(n)s rows can be imported at once.") % {"n": MAX_ROWS},
            code="too_many_rows",
        )
    columns = [HEADERS.get(cell.strip().lower()) for cell in raw[0]]
    if not {"code", "name", "level"} <= set(columns):
        raise InvalidInput(
            _("The first row must name the columns 统计用区划代码, 名称, 级别 and 城乡分类代码."),
            code="bad_header",
        )
    index = {key: columns.index(key) for key in ("code", "name", "level", "type") if key in columns}
    rows, errors, seen = [], [], {}

    def error(line: int, column: str, message: str) -> None:
        errors.append({"row": line, "column": column, "message": message})

    for line, cells in enumerate(raw[1:], start=2):
        value = {key: cells[i] if i < len(cells) else "" for key, i in index.items()}
        code, name, type_code = value["code"], value["name"], value.get("type", "")
        try:
            level = int(value["level"])
        except ValueError:
            level = 0
        if level not in SHORT_LENGTH:
            error(line, "级别", _("The level must be 1 to 5."))
            continue
        if not _CODE.match(code):
            error(line, "统计用区划代码", _("The code must have 12 digits."))
            continue
        short = code[: SHORT_LENGTH[level]]
        if level < 5 and code[SHORT_LENGTH[level] :].strip("0"):
            error(
                line,
                "统计用区划代码",
                _("A level %(level)s code ends in %(n)s zeros.")
                % {"level": level, "n": 12 - SHORT_LENGTH[level]},
            )
            continue
        if not name or len(name) > 100:
            error(line, "名称", _("The name is missing or longer than 100 characters."))
            continue
        if level == 5 and type_code not in URBAN_TYPES | RURAL_TYPES:
            error(line, "城乡分类代码", _("Level 5 needs a classification code (111 to 220)."))
            continue
        if short in seen:
            error(
                line, "统计用区划代码", _("The code is also on row %(row)s.") % {"row": seen[short]}
            )
            continue
        seen[short] = line
        rows.append(DivisionRow(line, code, short, name, level, type_code))
    if not errors and not rows:
        raise InvalidInput(_("The file lists no divisions."), code="empty_file")
    if errors:
        raise _row_errors(errors)
    return sorted(rows, key=lambda row: (row.level, row.code))


def _row_errors(errors: list[dict]) -> InvalidInput:
    return InvalidInput(
        _("%(n)s problems in the file; nothing was imported.") % {"n": len(errors)},
        code="import_rows_invalid",
        rows=errors[:500],
    )


@dataclass(frozen=True)
class Existing:
    id: int
    code: str
    name: str
    parent_id: int | None
    level: str
    kind: str
    is_active: bool
    path: str


@dataclass
class Plan:
    """What applying the file changes; every list holds plain data for the preview."""

    rows: list[DivisionRow]
    parent_id: int | None
    # file code -> id of the organisation it is (an existing one, kept with its history)
    identity: dict[str, int] = field(default_factory=dict)
    added: list[dict] = field(default_factory=list)
    renamed: list[dict] = field(default_factory=list)
    moved: list[dict] = field(default_factory=list)
    abolished: list[dict] = field(default_factory=list)
    reopened: list[dict] = field(default_factory=list)
    # existing organisations whose code, parent, level or kind changes (besides renames)
    updated: int = 0
    # file code -> id of the parent it hangs under (None: a parent the file adds)
    parent_of: dict[str, int | None] = field(default_factory=dict)

    @property
    def changes(self) -> int:
        return (
            len(self.added)
            + len(self.renamed)
            + len(self.moved)
            + len(self.abolished)
            + len(self.reopened)
            + self.updated
        )

    def summary(self) -> dict:
        return {
            "rows": len(self.rows),
            "added": self.added,
            "renamed": self.renamed,
            "moved": self.moved,
            "abolished": self.abolished,
            "reopened": self.reopened,
            "updated": self.updated,
        }


def existing_tree() -> dict[int, Existing]:
    """Every area and community, in one query (departments are not divisions)."""
    rows = Organisation.objects.exclude(kind=Organisation.Kind.DEPARTMENT).values_list(
        "id", "code", "name", "parent_id", "level", "kind", "is_active", "path"
    )
    return {row[0]: Existing(*row) for row in rows}


def plan(rows: list[DivisionRow], *, parent: Organisation | None = None) -> Plan:
    """Compare the file with the tree: what would be added, renamed, moved, abolished.

    An organisation keeps its identity through a new code when the code it had is gone
    from the file and a new code of the same level and name appears: under the same
    parent (renumbered), or elsewhere if that name is unique there (moved, 行政区划调整).
    Its subtree goes with it. Abolished are the active ones under the file's top level that
    the file no longer lists. ``parent`` attaches the file's top level under that area.
    """
    tree = existing_tree()
    by_code = {org.code: org for org in tree.values()}
    children: dict[int | None, list[Existing]] = defaultdict(list)
    for org in tree.values():
        children[org.parent_id].append(org)
    top_level = rows[0].level
    result = Plan(rows=rows, parent_id=parent.pk if parent else None)
    errors: list[dict] = []
    file_codes = {row.code for row in rows}

    # Where the file's top level hangs: the named parent, or the one its codes imply.
    def anchor(row: DivisionRow) -> int | None:
        if parent is not None:
            return parent.pk
        if row.parent_code is None:
            return None
        existing = by_code.get(row.parent_code)
        if existing is None and row.code in by_code:
            # Already in the tree under a parent without an official code (a demo city
            # at the root, say): it stays where it is.
            return by_code[row.code].parent_id
        if existing is None or existing.kind != Organisation.Kind.AREA:
            errors.append(
                {
                    "row": row.line,
                    "column": "统计用区划代码",
                    "message": _(
                        "Its parent %(code)s is neither in the file nor in the tree "
                        "(use --parent to attach the file under an existing area)."
                    )
                    % {"code": row.parent_code},
                }
            )
            return None
        return existing.id

    # The scope: the file's top-level divisions as they are in the tree now, and under them.
    scope_paths = [
        by_code[row.code].path for row in rows if row.level == top_level and row.code in by_code
    ]
    in_scope = (
        {org.id for org in tree.values() if any(org.path.startswith(path) for path in scope_paths)}
        if scope_paths
        else set()
    )
    gone = {org.id for org in tree.values() if org.id in in_scope and org.code not in file_codes}
    gone_by_name: dict[tuple[str, str], list[int]] = defaultdict(list)
    for org_id in gone:
        org = tree[org_id]
        gone_by_name[(org.kind, org.name)].append(org_id)

    parent_of: dict[str, int | None] = {}  # file code -> parent's id (None: new parent)
    claimed: set[int] = set()
    for row in rows:
        if row.level == top_level:
            parent_id = anchor(row)
        else:
            parent_id = result.identity.get(row.parent_code)
            if row.parent_code not in file_codes:
                errors.append(
                    {
                        "row": row.line,
                        "column": "统计用区划代码",
                        "message": _("Its parent %(code)s is not in the file.")
                        % {"code": row.parent_code},
                    }
                )
                continue
        parent_of[row.code] = parent_id
        existing = by_code.get(row.code)
        if existing is not None and existing.kind == Organisation.Kind.DEPARTMENT:
            errors.append(
                {
                    "row": row.line,
                    "column": "统计用区划代码",
                    "message": _("The code %(code)s belongs to a department.") % {"code": row.code},
                }
            )
            continue
        if existing is None:
            # Renumbered under the same parent, or moved: a gone one of the same name.
            same_parent = [
                org_id
                for org_id in gone_by_name.get((row.kind, row.name), [])
                if org_id not in claimed and tree[org_id].parent_id == parent_id and parent_id
            ]
            anywhere = [
                org_id
                for org_id in gone_by_name.get((row.kind, row.name), [])
                if org_id not in claimed
            ]
            match = (
                same_parent[0]
                if len(same_parent) == 1
                else (anywhere[0] if len(anywhere) == 1 and not same_parent else None)
            )
            if match is not None:
                existing = tree[match]
                claimed.add(match)
        if existing is None:
            result.added.append(
                {
                    "code": row.code,
                    "name": row.name,
                    "level": row.org_level,
                    "parent": row.parent_code,
                }
            )
            continue
        result.identity[row.code] = existing.id
        if existing.name != row.name:
            result.renamed.append({"code": row.code, "old": existing.name, "new": row.name})
        parent_is_new = row.level != top_level and parent_id is None
        if parent_is_new or existing.parent_id != parent_id:
            old_parent = tree.get(existing.parent_id)
            result.moved.append(
                {
                    "code": row.code,
                    "old_code": existing.code,
                    "name": row.name,
                    "from": old_parent.name if old_parent else "",
                    "to": row.parent_code or (parent.name if parent else ""),
                }
            )
        elif (
            existing.code != row.code
            or existing.level != row.org_level
            or existing.kind != row.kind
        ):
            result.updated += 1
        if not existing.is_active:
            result.reopened.append({"code": row.code, "name": row.name})
    if errors:
        raise _row_errors(errors)
    kept = set(result.identity.values())
    for org_id in sorted(gone - kept, key=lambda i: tree[i].path):
        org = tree[org_id]
        if org.is_active:
            result.abolished.append({"code": org.code, "name": org.name, "id": org.id})
    # The moved list names the new parent by name where the tree knows it.
    names = {row.code: row.name for row in rows}
    for move in result.moved:
        move["to"] = names.get(
            move["to"], by_code[move["to"]].name if move["to"] in by_code else move["to"]
        )
    result.parent_of = parent_of
    return result
