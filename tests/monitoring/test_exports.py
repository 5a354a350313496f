"""Off-platform reports, flags and clues download as .xlsx with exactly the rows of the
list's filters; no file names who reported a demand or a clue."""

from __future__ import annotations

import datetime

import pytest

from monitoring import services as monitoring_services
from monitoring.models import Flag
from tests.exports_helpers import api_ids, body_of, sheet_xml, workbook_rows
from tests.factories import WorkItemFactory

MONDAY = datetime.date(2026, 9, 14)
pytestmark = pytest.mark.usefixtures("on_a_known_monday")


def _report(world, title, channel, received_on):
    return monitoring_services.offplatform_report_create(
        actor=world.a.cadre,
        community=world.a.community,
        department=world.a.department,
        title=title,
        channel=channel,
        received_on=received_on,
    )


def test_offplatform_reports_export_follows_the_filters_and_hides_the_reporter(world, api_as):
    _report(world, "=cmd|' /C calc'!A0", "wechat", MONDAY)
    _report(world, "电话要求报数", "phone", MONDAY - datetime.timedelta(days=40))
    client = api_as(world.a.supervisor)
    for query in ("", "?channel=wechat", "?month=2026-08", f"?community={world.a.community.code}"):
        ids = api_ids(client, f"/api/v1/offplatform-reports/{query}")
        response = client.get(f"/api/v1/offplatform-reports/export/{query}")
        header, rows = workbook_rows(body_of(response))
        assert [row[0] for row in rows] == ids
    assert "下达方式" in header
    content = body_of(client.get("/api/v1/offplatform-reports/export/"))
    assert "<f>" not in sheet_xml(content)
    assert world.a.cadre.display_name not in sheet_xml(content)
    staff = api_as(world.a.department_staff)
    content = body_of(staff.get("/api/v1/offplatform-reports/export/"))
    assert len(workbook_rows(content)[1]) == 2
    assert world.a.cadre.display_name not in sheet_xml(content)


def test_flags_export_follows_the_filters(world, api_as):
    WorkItemFactory(
        jurisdiction=world.a.district,
        department=world.a.department,
        valid_until=MONDAY + datetime.timedelta(days=10),
    )
    monitoring_services.flags_compute(today=MONDAY)
    assert Flag.objects.exists()
    client = api_as(world.a.supervisor)
    for query in ("", "?status=open", "?status=resolved", "?kind=expiring_admission"):
        ids = api_ids(client, f"/api/v1/flags/{query}")
        header, rows = workbook_rows(body_of(client.get(f"/api/v1/flags/export/{query}")))
        assert len(rows) == len(ids)
    assert len(header) == 10 and header[0] == "类型"
    _header, rows = workbook_rows(body_of(api_as(world.b.supervisor).get("/api/v1/flags/export/")))
    assert rows == []


def test_clues_export_follows_the_filters_and_never_names_the_reporter(world, api_as):
    for summary in ("微信群要求三天内上报空置房", "+要求填写表格"):
        response = api_as(world.a.liaison).post(
            "/api/v1/clues/",
            {
                "department": world.a.department.code,
                "community": world.a.community.code,
                "summary": summary,
            },
            format="json",
        )
        assert response.status_code == 201
    client = api_as(world.a.supervisor)
    for query in ("", "?state=reported", "?state=closed", f"?department={world.a.department.code}"):
        ids = api_ids(client, f"/api/v1/clues/{query}")
        _header, rows = workbook_rows(body_of(client.get(f"/api/v1/clues/export/{query}")))
        assert [row[0] for row in rows] == ids
    for user in (world.a.supervisor, world.a.department_staff):
        content = body_of(api_as(user).get("/api/v1/clues/export/"))
        assert world.a.liaison.display_name not in sheet_xml(content)
        assert "<f>" not in sheet_xml(content)
        assert len(workbook_rows(content)[1]) == 2
