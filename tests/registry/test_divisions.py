"""The organisation tree from the official division codes (issue 16.1): a fictional
province in the NBS format, its second edition (renamed, added, abolished, moved), a
broken row that writes nothing, and the same from the command line."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from registry import divisions, services
from registry.errors import Conflict, InvalidInput, PermissionDenied
from registry.models import AuditEntry, DivisionImport, Membership, Organisation
from tests.factories import MembershipFactory, UserFactory

DATA = Path(settings.BASE_DIR) / "registry" / "demo" / "data"
EDITION_2025 = (DATA / "divisions-2025.csv").read_bytes()
EDITION_2026 = (DATA / "divisions-2026.csv").read_bytes()


def apply(actor, data: bytes, parent=None) -> DivisionImport:
    record = services.division_import_preview(
        actor=actor, data=data, file_name="f.csv", parent=parent
    )
    return services.division_import_apply(import_id=record.pk)


def org(code: str) -> Organisation:
    return Organisation.objects.get(code=code)


def test_the_first_edition_builds_the_tree_with_communities_and_villages(world):
    record = apply(world.admin, EDITION_2025)
    assert record.state == DivisionImport.State.APPLIED
    province = org("97")
    assert (province.name, province.level, province.parent) == ("云岭省", "province", None)
    assert org("9701").parent == province and org("9701").level == "city"
    assert org("970101").level == "district"
    assert org("970101001").level == "street"
    assert org("970101001001").path == "/97/9701/970101/970101001/970101001001/"
    assert org("970101001001").level == "community"  # 居委会
    assert org("970101002201").level == "village"  # 村委会
    assert org("970102101201").kind == "community" and org("970102101201").level == "village"
    assert Organisation.objects.filter(path__startswith="/97/").count() == 16
    # One audit entry for the whole import, naming what it added.
    entry = AuditEntry.objects.get(action="division.import")
    assert len(entry.after["added"]) == 16


def test_the_preview_of_the_second_edition_lists_exactly_the_changes(world):
    apply(world.admin, EDITION_2025)
    before = Organisation.objects.count()
    record = services.division_import_preview(actor=world.admin, data=EDITION_2026, file_name="x")
    summary = record.summary
    assert [e["code"] for e in summary["added"]] == ["970101001003"]
    assert [(e["old"], e["new"]) for e in summary["renamed"]] == [
        ("柳岸社区居委会", "柳岸新城社区居委会")
    ]
    assert [(e["old_code"], e["code"], e["from"], e["to"]) for e in summary["moved"]] == [
        ("970101002", "970102002", "东湖区", "南山县")
    ]
    assert [(e["code"], e["name"]) for e in summary["abolished"]] == [
        ("970102101202", "上坪村委会")
    ]
    assert summary["reopened"] == []
    # Previewing changed nothing.
    assert Organisation.objects.count() == before
    assert org("970101002").parent == org("970101")


def test_applying_the_second_edition_keeps_identities_and_history(world):
    apply(world.admin, EDITION_2025)
    street, village = org("970101002"), org("970101002201")
    abolished = org("970102101202")
    cadre = UserFactory(username="shangping_cadre")
    MembershipFactory(user=cadre, organisation=abolished, role="community_cadre")
    apply(world.admin, EDITION_2026)

    # Moved: the same street (same id), new code and parent, its subtree along with it.
    moved = Organisation.objects.get(pk=street.pk)
    assert (moved.code, moved.parent.code) == ("970102002", "970102")
    assert moved.path == "/97/9701/970102/970102002/"
    child = Organisation.objects.get(pk=village.pk)
    assert child.code == "970102002201"
    assert child.path == "/97/9701/970102/970102002/970102002201/"
    # Renamed in place, added, and abolished closed but kept with its members.
    assert org("970101001002").name == "柳岸新城社区居委会"
    assert org("970101001003").parent == org("970101001")
    closed = Organisation.objects.get(pk=abolished.pk)
    assert closed.is_active is False
    assert Membership.objects.filter(organisation=closed, user=cadre).exists()
    # Everything under the district still found by one prefix query.
    assert set(Organisation.objects.under(org("970102")).values_list("code", flat=True)) >= {
        "970102002",
        "970102002001",
        "970102002201",
    }


def test_reimporting_an_edition_changes_nothing(world):
    apply(world.admin, EDITION_2025)
    apply(world.admin, EDITION_2026)
    snapshot = list(Organisation.objects.values_list("pk", "code", "name", "path", "is_active"))
    record = services.division_import_preview(actor=world.admin, data=EDITION_2026, file_name="x")
    assert all(not record.summary[k] for k in ("added", "renamed", "moved", "abolished"))
    services.division_import_apply(import_id=record.pk)
    assert list(Organisation.objects.values_list("pk", "code", "name", "path", "is_active")) == (
        snapshot
    )


def test_a_broken_row_writes_nothing_and_names_the_row(world):
    broken = EDITION_2025.decode() + "97010100100X,坏行,5,111\n970101001009,无分类社区,5,\n"
    before = Organisation.objects.count()
    with pytest.raises(InvalidInput) as caught:
        services.division_import_preview(actor=world.admin, data=broken.encode(), file_name="x")
    rows = caught.value.extra["rows"]
    assert [(r["row"], r["column"]) for r in rows] == [(18, "统计用区划代码"), (19, "城乡分类代码")]
    assert Organisation.objects.count() == before
    assert not DivisionImport.objects.exists()


def test_a_child_whose_parent_is_missing_is_a_row_error(world):
    data = "code,name,level,type\n970000000000,云岭省,1,\n970101000000,东湖区,3,\n".encode()
    with pytest.raises(InvalidInput) as caught:
        services.division_import_preview(actor=world.admin, data=data, file_name="x")
    assert caught.value.extra["rows"][0]["row"] == 3


def test_gb18030_csv_and_xlsx_are_read_alike(world):
    text = EDITION_2025.decode()
    from_gb = divisions.parse(text.encode("gb18030"))
    book = Workbook()
    for line in text.splitlines():
        book.active.append(line.split(","))
    out = io.BytesIO()
    book.save(out)
    from_xlsx = divisions.parse(out.getvalue())
    assert [(r.code, r.name, r.level) for r in from_gb] == [
        (r.code, r.name, r.level) for r in from_xlsx
    ]
    assert len(from_gb) == 16


def test_a_file_attaches_under_an_existing_area_with_parent(world):
    # Only the city and below, attached under the world's city (codes keep their own).
    city_rows = "\n".join(
        line for line in EDITION_2025.decode().splitlines() if not line.startswith("970000")
    )
    apply(world.admin, city_rows.encode(), parent=world.city)
    assert org("9701").parent == world.city
    assert org("970101001001").path.startswith(world.city.path)


def test_the_short_codes_of_the_demo_keep_working(world):
    # The world's city 9901 with its districts: a file naming them matches them in place.
    data = (
        "code,name,level,type\n"
        "990100000000,示范市,2,\n"
        "990102000000,A区,3,\n990102001000,A街道,4,\n"
        "990102001001,A一社区,5,111\n990102001002,A二社区,5,111\n"
        "990103000000,B区,3,\n990103001000,B街道,4,\n"
        "990103001001,B一社区,5,111\n990103001002,B二社区,5,111\n"
    ).encode()
    record = services.division_import_preview(actor=world.admin, data=data, file_name="x")
    assert all(not record.summary[k] for k in ("added", "renamed", "moved", "abolished"))


def test_only_the_administrator_imports(world):
    with pytest.raises(PermissionDenied):
        services.division_import_preview(actor=world.a.reviewer, data=EDITION_2025, file_name="x")


def test_a_stale_preview_is_refused(world):
    apply(world.admin, EDITION_2025)
    record = services.division_import_preview(actor=world.admin, data=EDITION_2026, file_name="x")
    services.organisation_update(actor=world.admin, organisation=org("970101001001"), name="改名")
    with pytest.raises(Conflict) as caught:
        services.division_import_apply(import_id=record.pk)
    assert caught.value.code == "stale_preview"
    assert DivisionImport.objects.get(pk=record.pk).state == DivisionImport.State.FAILED
    assert org("970101001002").name == "柳岸社区居委会"


def test_the_command_previews_without_changing_and_applies_with_apply(world, tmp_path, capsys):
    path = tmp_path / "2025.csv"
    path.write_bytes(EDITION_2025)
    call_command("import_divisions", str(path))
    out = capsys.readouterr().out
    assert "Added: 16" in out and "Nothing was changed" in out
    assert not Organisation.objects.filter(code="97").exists()
    call_command("import_divisions", str(path), "--apply")
    assert "Applied." in capsys.readouterr().out
    assert org("97").name == "云岭省"
    second = tmp_path / "2026.csv"
    second.write_bytes(EDITION_2026)
    call_command("import_divisions", str(second))
    out = capsys.readouterr().out
    assert "Renamed: 1" in out and "Moved: 1" in out and "Abolished (closed, kept): 1" in out
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"code,name,level,type\n123,x,9,\n")
    with pytest.raises(CommandError, match="row 2"):
        call_command("import_divisions", str(bad))


@pytest.mark.postgres
def test_a_province_sized_file_imports_in_seconds(world, django_assert_max_num_queries):
    import time

    lines = ["code,name,level,type", "960000000000,大省,1,"]
    for city in range(1, 5):
        lines.append(f"96{city:02d}00000000,市{city},2,")
        for county in range(1, 11):
            lines.append(f"96{city:02d}{county:02d}000000,县{city}-{county},3,")
            for town in range(1, 16):
                lines.append(f"96{city:02d}{county:02d}{town:03d}000,镇{city}-{county}-{town},4,")
                for village in range(1, 36):
                    lines.append(
                        f"96{city:02d}{county:02d}{town:03d}{village:03d},村{village}村委会,5,220"
                    )
    data = "\n".join(lines).encode("gb18030")
    started = time.monotonic()
    # Queries grow with batches of 2000 rows, never with rows: about a dozen per level.
    with django_assert_max_num_queries(80):
        apply(world.admin, data)
    elapsed = time.monotonic() - started
    assert Organisation.objects.filter(path__startswith="/96/").count() == len(lines) - 1 > 21_000
    assert elapsed < 30, elapsed


# --- The pages ----------------------------------------------------------------------------


def test_the_page_previews_then_applies_as_a_job_with_progress(
    world, client, django_capture_on_commit_callbacks, monkeypatch
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from config.celery import app

    # The job runs in-process here; tests/test_celery*.py run real workers.
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    client.force_login(world.admin)
    response = client.post(
        "/divisions/import/",
        {"file": SimpleUploadedFile("divisions-2025.csv", EDITION_2025, "text/csv")},
    )
    assert response.status_code == 302
    record = DivisionImport.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "云岭省" in page and "data-confirm" in page
    assert not Organisation.objects.filter(code="97").exists()  # previewed only

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/divisions/import/{record.pk}/apply/")
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.state == DivisionImport.State.APPLIED
    assert org("97").name == "云岭省"
    fragment = client.get(f"/divisions/import/{record.pk}/progress/")
    assert fragment["HX-Refresh"] == "true"
    assert 'value="100"' in fragment.content.decode()
    # Applying twice is refused with a message, not a second import.
    response = client.post(f"/divisions/import/{record.pk}/apply/", follow=True)
    assert response.status_code == 200
    assert DivisionImport.objects.get().state == DivisionImport.State.APPLIED


def test_a_broken_file_on_the_page_lists_its_rows(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.admin)
    broken = b"code,name,level,type\n123,x,1,\n"
    response = client.post(
        "/divisions/import/", {"file": SimpleUploadedFile("bad.csv", broken, "text/csv")}
    )
    assert response.status_code == 400
    assert "12" in response.content.decode()
    assert not DivisionImport.objects.exists()


def test_the_admin_index_links_to_the_deployment_tools(world, client):
    client.force_login(world.admin)
    page = client.get(reverse("admin:index")).content.decode()
    assert "/divisions/import/" in page
    assert reverse("admin:registry_calendarday_changelist") in page
