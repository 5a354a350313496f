"""The certificate register downloads with exactly the register's filtered rows (ID numbers
masked), from the page and the API alike; above the inline limit it is a job."""

from __future__ import annotations

import pytest

from certificates.excel import REGISTER_COLUMNS
from tests.certificates.helpers import issue, retained_type
from tests.exports_helpers import body_of, sheet_xml, workbook_rows
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def register(world):
    residence = retained_type(world)
    issue(world, residence, purpose="=1+1", requested_by="-银行")
    cadre2 = UserFactory(username="a_cadre2")
    MembershipFactory(user=cadre2, organisation=world.a.community2, role="community_cadre")
    issue(world, residence, community=world.a.community2, cadre=cadre2)
    return residence


def _serials(client, query):
    response = client.get(f"/api/v1/certificate-issuances/{query}")
    assert response.status_code == 200
    return sorted(row["serial_number"] for row in response.json()["results"])


def test_the_register_export_holds_the_filtered_rows(world, api_as, register):
    client = api_as(world.a.supervisor)
    for query in ("", f"?community={world.a.community.code}", "?year=2025"):
        _header, rows = workbook_rows(
            body_of(client.get(f"/api/v1/certificate-issuances/export/{query}"))
        )
        assert sorted(row[0] for row in rows) == _serials(client, query)


def test_formula_cells_are_text_and_id_numbers_masked(world, api_as, register):
    content = body_of(api_as(world.a.supervisor).get("/api/v1/certificate-issuances/export/"))
    xml = sheet_xml(content)
    assert "<f>" not in xml
    _header, rows = workbook_rows(content)
    keys = [column.key for column in REGISTER_COLUMNS]
    assert "=1+1" in [row[keys.index("purpose")] for row in rows]
    assert "-银行" in [row[keys.index("requested_by")] for row in rows]
    # ID numbers as stored: masked.
    assert all("*" in str(row[keys.index("applicant_id_masked")]) for row in rows)


def test_the_register_page_links_its_download_with_its_filters(world, client, register):
    client.force_login(world.a.cadre)
    page = client.get("/certificates/register/").content.decode()
    assert "/exports/certificate-register/?year=" in page
    response = client.get(f"/exports/certificate-register/?community={world.a.community.code}")
    assert response.status_code == 200
    assert len(workbook_rows(body_of(response))[1]) == 1
