"""Importing and exporting the catalogue as real .xlsx workbooks: all rows or none."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from certificates import services
from certificates.models import CertificateType
from registry.errors import InvalidInput, PermissionDenied
from registry.models import AuditEntry
from tests.certificates.helpers import xlsx

URL = "/api/v1/certificate-types/import/"


def good_rows() -> list[list]:
    return [
        [
            "居住证明",
            "保留",
            "实际居住情况",
            "居民身份证",
            "",
            "《示范市保留清单》",
            "2026-01-01",
            None,
            "住址证明、居住情况证明",
        ],
        [
            "家庭经济困难情况证明",
            "可以出具",
            "家庭收入与生活状况",
            "户口簿",
            None,
            None,
            None,
            None,
            None,
        ],
        ["同一人证明", "取消", None, None, "公安机关核实", "示范市取消清单", None, None, None],
    ]


def test_a_clean_workbook_imports_every_row(world):
    summary = services.certificate_types_import(
        actor=world.a.reviewer, jurisdiction=world.a.district, upload=xlsx(good_rows())
    )
    assert [t.name for t in summary.created] == ["居住证明", "家庭经济困难情况证明", "同一人证明"]
    residence = CertificateType.objects.get(name="居住证明")
    assert residence.jurisdiction == world.a.district
    assert residence.status == "retained"
    assert residence.synonyms == ["住址证明", "居住情况证明"]
    assert residence.effective_from.isoformat() == "2026-01-01"
    assert CertificateType.objects.get(name="同一人证明").status == "prohibited"
    assert AuditEntry.objects.filter(action="certificate_type.import").count() == 3


def test_a_bad_row_imports_nothing_and_names_every_problem(world):
    rows = good_rows()
    rows[0][1] = "也许"  # row 2: unknown status
    rows[1][2] = ""  # row 3: a retained type needs what is verified
    rows[2][6] = "明年"  # row 4: not a date
    rows.append(["居住证明", "保留", "重复", None, None, None, None, None, None])  # row 5
    rows.append(["无犯罪证明", "保留", "有无犯罪", None, None, None, None, None, None])  # row 6
    with pytest.raises(InvalidInput) as error:
        services.certificate_types_import(
            actor=world.a.reviewer, jurisdiction=world.a.district, upload=xlsx(rows)
        )
    problems = {(p["row"], p["column"]) for p in error.value.extra["rows"]}
    assert problems == {
        (2, "status"),
        (3, "verification"),
        (4, "effective_from"),
        (5, "name"),
        (6, "status"),
    }
    assert error.value.code == "import_rows_invalid"
    assert not CertificateType.objects.exclude(jurisdiction=None).exists()


@pytest.mark.parametrize("content", [b"not a spreadsheet", b"PK\x03\x04broken", b""])
def test_a_broken_file_is_refused_clearly(world, content):
    with pytest.raises(InvalidInput) as error:
        services.certificate_types_import(
            actor=world.a.reviewer,
            jurisdiction=world.a.district,
            upload=SimpleUploadedFile("x.xlsx", content),
        )
    assert error.value.code == "unreadable_file"


def test_a_workbook_without_the_name_column_is_refused(world):
    with pytest.raises(InvalidInput) as error:
        services.certificate_types_import(
            actor=world.a.reviewer,
            jurisdiction=world.a.district,
            upload=xlsx([["x"]], header=["随便"]),
        )
    assert error.value.code == "missing_columns"


def test_only_a_reviewer_of_the_area_imports(world):
    for user in (world.b.reviewer, world.a.supervisor, world.a.cadre, world.admin):
        with pytest.raises(PermissionDenied):
            services.certificate_types_import(
                actor=user, jurisdiction=world.a.district, upload=xlsx(good_rows())
            )


def test_export_then_import_changes_nothing_and_an_edit_is_an_update(world, api_as):
    services.certificate_types_import(
        actor=world.a.reviewer, jurisdiction=world.a.district, upload=xlsx(good_rows())
    )
    exported = api_as(world.a.reviewer).get(
        "/api/v1/certificate-types/export/", {"area": world.a.street.code}
    )
    assert exported.status_code == 200
    book = load_workbook(io.BytesIO(exported.content))
    sheet = book.active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "无犯罪记录证明" in names and "居住证明" in names and len(names) == 23
    again = services.certificate_types_import(
        actor=world.a.reviewer, jurisdiction=world.a.district, upload=_reupload(book)
    )
    assert (len(again.created), len(again.updated), again.unchanged) == (0, 0, 23)
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "居住证明":
            row[4].value = "居民身份证、户口簿"
    changed = services.certificate_types_import(
        actor=world.a.reviewer, jurisdiction=world.a.district, upload=_reupload(book)
    )
    assert [t.name for t in changed.updated] == ["居住证明"]
    assert CertificateType.objects.get(name="居住证明").materials == "居民身份证、户口簿"


def _reupload(book) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("again.xlsx", buffer.getvalue())


def test_the_import_endpoint_answers_with_counts_and_row_errors(world, api_as):
    client = api_as(world.a.reviewer)
    response = client.post(
        URL,
        {"jurisdiction": world.a.district.code, "file": xlsx(good_rows())},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["created"], response.json()["unchanged"]) == (3, 0)
    rows = good_rows()
    rows[0][1] = "也许"
    refused = client.post(
        URL, {"jurisdiction": world.a.district.code, "file": xlsx(rows)}, format="multipart"
    )
    assert refused.status_code == 400
    assert refused.json()["rows"] == [
        {"row": 2, "column": "status", "message": refused.json()["rows"][0]["message"]}
    ]
    no_file = client.post(URL, {"jurisdiction": world.a.district.code}, format="multipart")
    assert no_file.status_code == 400 and "file" in no_file.json()["errors"]


def test_the_catalogue_page_imports_and_shows_row_errors(world, client):
    client.force_login(world.a.reviewer)
    rows = good_rows()
    rows[1][2] = ""
    response = client.post(
        "/certificates/catalogue/",
        {"jurisdiction": world.a.district.pk, "file": xlsx(rows)},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "import-errors" in html and '<th scope="row">3</th>' in html
    assert not CertificateType.objects.exclude(jurisdiction=None).exists()
    ok = client.post(
        "/certificates/catalogue/",
        {"jurisdiction": world.a.district.pk, "file": xlsx(good_rows())},
        follow=True,
    )
    assert "居住证明" in ok.content.decode()
    assert CertificateType.objects.exclude(jurisdiction=None).count() == 3
