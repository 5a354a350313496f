"""Importing and exporting lists as real .xlsx workbooks."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from registry import selectors, services
from registry.errors import InvalidInput, PermissionDenied
from registry.lists_excel import list_workbook
from registry.models import AuditEntry, ListKind, WorkItem
from tests.factories import WorkItemFactory

HEADER = [
    "事项名称",
    "清单类型",
    "责任部门编码",
    "法律依据",
    "适用范围（编码）",
    "频次",
    "每次工时",
    "每次入户数",
    "台账数",
    "采集数据项",
    "每社区年度经费",
    "有效期起",
    "有效期止",
    "事项说明",
]


def workbook(rows, header=HEADER) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("list.xlsx", buffer.getvalue())


def good_rows(world):
    return [
        [
            "居民基本信息登记",
            "依法协助政府工作事项",
            world.a.department.code,
            "《统计法》",
            world.a.street.code,
            "每年",
            4,
            0,
            1,
            "姓名、住址",
            1000,
            "2026-01-01",
            "2028-12-31",
            "",
        ],
        [
            "社区协助开展人口抽样调查",
            "assist",
            world.a.department.code,
            "《统计法》第七条",
            f"{world.a.community.code}、{world.a.community2.code}",
            "quarterly",
            2.5,
            10,
            0,
            "",
            0,
            None,
            None,
            "按季度",
        ],
        [
            "各类创建达标评比",
            "负面清单",
            None,
            "",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            "不应由社区承担",
        ],
    ]


def test_a_clean_workbook_imports_every_row(world):
    created = services.work_items_import(
        actor=world.a.reviewer, jurisdiction=world.a.district, upload=workbook(good_rows(world))
    )
    assert len(created) == 3
    first, second, negative = created
    assert first.admission_number.startswith(f"{world.a.district.code}-")
    assert first.data_fields == ["姓名", "住址"]
    assert set(second.scope.values_list("code", flat=True)) == {
        world.a.community.code,
        world.a.community2.code,
    }
    assert second.frequency == "quarterly"
    assert negative.list_kind == ListKind.NEGATIVE and negative.admission_number is None
    assert AuditEntry.objects.filter(action="work_item.import").count() == 3


def test_any_bad_row_imports_nothing_and_names_every_problem(world):
    rows = good_rows(world)
    rows[0][1] = "不知道"  # unknown list kind, row 2
    rows[1][4] = world.b.street.code  # outside the jurisdiction, row 3
    rows[1][6] = "两小时"  # not a number, row 3
    with pytest.raises(InvalidInput) as err:
        services.work_items_import(
            actor=world.a.reviewer, jurisdiction=world.a.district, upload=workbook(rows)
        )
    problems = {(p["row"], p["column"]) for p in err.value.extra["rows"]}
    assert problems == {(2, "list_kind"), (3, "scope"), (3, "hours_per_occurrence")}
    assert WorkItem.objects.count() == 0


@pytest.mark.parametrize(
    "content",
    [b"this is not a spreadsheet", b"PK\x03\x04broken zip", b""],
)
def test_a_broken_file_is_refused_clearly(world, content):
    with pytest.raises(InvalidInput) as err:
        services.work_items_import(
            actor=world.a.reviewer,
            jurisdiction=world.a.district,
            upload=SimpleUploadedFile("x.xlsx", content),
        )
    assert err.value.code == "unreadable_file"


def test_missing_title_column_is_refused(world):
    with pytest.raises(InvalidInput) as err:
        services.work_items_import(
            actor=world.a.reviewer,
            jurisdiction=world.a.district,
            upload=workbook([["x"]], header=["随便"]),
        )
    assert err.value.code == "missing_columns"


def test_only_a_reviewer_of_the_jurisdiction_imports(world):
    for user in (world.b.reviewer, world.a.department_staff, world.a.supervisor):
        with pytest.raises(PermissionDenied):
            services.work_items_import(
                actor=user, jurisdiction=world.a.district, upload=workbook(good_rows(world))
            )


def test_export_round_trips_through_import(world):
    WorkItemFactory(
        jurisdiction=world.a.district,
        department=world.a.department,
        title="出口事项",
        data_fields=["姓名"],
        scope=[world.a.street],
    )
    items = selectors.published_list(jurisdiction=world.a.district, list_kind=ListKind.ASSIST)
    data = list_workbook(items, title="协助清单")
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["B2"].value == "出口事项"
    assert sheet["G2"].value == world.a.street.code
    # The exported file is itself a valid import (into another district, scope removed).
    sheet["G2"].value = None
    sheet["D2"].value = world.b.department.code
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    created = services.work_items_import(
        actor=world.b.reviewer,
        jurisdiction=world.b.district,
        upload=SimpleUploadedFile("e.xlsx", buffer.getvalue()),
    )
    assert [i.title for i in created] == ["出口事项"]
