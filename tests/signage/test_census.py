"""The census (挂牌清理摸底): one workbook for a street or district, all rows or none, row
errors in Chinese; the template and the export."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook, load_workbook

from signage.models import Plaque
from tests.factories import WorkItemFactory
from tests.signage.helpers import sign, standard

pytestmark = pytest.mark.django_db
HEADER = [
    "社区编码",
    "社区名称",
    "牌匾名称",
    "类别",
    "位置",
    "要求挂牌部门编码",
    "悬挂位置",
    "挂牌日期",
    "准入编号",
]


def workbook(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("census.xlsx", buffer.getvalue())


def good_rows(world, number):
    a1, a2 = world.a.community.code, world.a.community2.code
    return [
        [a1, "A一社区", "A一社区居民委员会", "机构牌", "室外", "", "大门右侧", "2019-05-01", ""],
        [
            a1,
            "A一社区",
            "人口普查工作站",
            "功能室门牌",
            "室内",
            world.a.department.code,
            "二楼",
            "2020-03-01",
            number,
        ],
        [a2, "A二社区", "居民议事规则", "制度牌", "室内", "", "会议室", "2018-01-01", ""],
        [a2, "A二社区", "", "", "", "", "", "", ""],  # a template line left empty
    ]


def test_a_district_loads_every_communitys_signs_from_one_workbook(api_as, world):
    standard(world)
    item = WorkItemFactory(
        jurisdiction=world.a.district, department=world.a.department, scope=[world.a.street]
    )
    response = api_as(world.a.reviewer).post(
        "/api/v1/plaques/census/",
        {"area": world.a.district.code, "file": workbook(good_rows(world, item.admission_number))},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert response.json() == {"created": 3, "communities": 2, "excess": 1}
    rules = Plaque.objects.get(text="居民议事规则")
    assert (rules.within_standard, rules.why, rules.placement) == (
        False,
        "kind_not_allowed",
        "interior",
    )
    assert Plaque.objects.get(text="人口普查工作站").work_item == item


def test_one_broken_row_writes_nothing_and_every_problem_is_named_in_chinese(api_as, world):
    rows = good_rows(world, "")
    rows[1] = [
        world.a.community.code,
        "",
        "人口普查工作站",
        "横幅",
        "楼顶",
        "D-NONE",
        "",
        "2020-13-01",
        "X-1",
    ]
    rows.append(
        [world.b.community.code, "B一社区", "B居委会", "机构牌", "室外", "", "", "2020-01-01", ""]
    )
    with translation.override("zh-hans"):
        response = api_as(world.a.reviewer).post(
            "/api/v1/plaques/census/",
            {"area": world.a.district.code, "file": workbook(rows)},
            format="multipart",
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "import_rows_invalid"
    problems = {(e["row"], e["column"]) for e in body["rows"]}
    assert {
        (3, "kind"),
        (3, "placement"),
        (3, "issuer"),
        (3, "installed_on"),
        (3, "work_item"),
        (6, "community"),
    } <= problems
    assert not Plaque.objects.exists()


def test_the_census_is_for_the_areas_reviewers_and_supervisors_only(api_as, world):
    upload = workbook(good_rows(world, ""))
    for user, expected in [(world.b.reviewer, 403), (world.a.cadre, 403)]:
        upload.seek(0)
        response = api_as(user).post(
            "/api/v1/plaques/census/",
            {"area": world.a.district.code, "file": upload},
            format="multipart",
        )
        assert response.status_code == expected
    assert not Plaque.objects.exists()


def test_a_file_that_is_not_a_workbook_is_a_clear_400(api_as, world):
    response = api_as(world.a.supervisor).post(
        "/api/v1/plaques/census/",
        {"area": world.a.district.code, "file": SimpleUploadedFile("census.xlsx", b"not a zip")},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "unreadable_file"


def test_the_template_lists_the_areas_communities_and_loads_back(api_as, world):
    client = api_as(world.a.reviewer)
    response = client.get(f"/api/v1/plaques/census-template/?area={world.a.street.code}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("社区编码", "社区", "牌匾名称")
    codes = [row[0] for row in rows[1:]]
    assert codes == [world.a.community.code, world.a.community2.code]
    # Filled in and sent back, it loads.
    sheet.cell(row=2, column=3, value="A一社区党群服务中心")
    sheet.cell(row=2, column=4, value="机构牌")
    sheet.cell(row=2, column=5, value="室外")
    sheet.cell(row=2, column=8, value="2021-06-01")
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    loaded = client.post(
        "/api/v1/plaques/census/",
        {"area": world.a.street.code, "file": SimpleUploadedFile("c.xlsx", buffer.getvalue())},
        format="multipart",
    )
    assert loaded.status_code == 201, loaded.content
    assert loaded.json()["created"] == 1


def test_the_export_holds_the_areas_registry_removed_signs_included(api_as, world):
    from signage import services

    gone = sign(world, '=HYPERLINK("http://x")', kind="publicity")
    sign(world, "A一社区居民委员会")
    sign(world, "B居委会", community=world.b.community, actor=world.b.cadre)
    services.plaque_remove(
        actor=world.a.cadre, plaque=gone, removed_on=gone.installed_on, reason="整合"
    )
    response = api_as(world.a.supervisor).get(
        f"/api/v1/plaques/export/?area={world.a.district.code}"
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    texts = [row[2] for row in rows[1:]]
    assert "A一社区居民委员会" in texts and "B居委会" not in texts
    formula = next(cell for cell in sheet["C"] if str(cell.value).startswith("=HYPERLINK"))
    assert formula.data_type == "s"  # written as text, never as a formula
    assert len(rows) == 3
