"""Bad input is a 4xx with a clear message, never a 500 (issue: hardening, "no 500 on bad
input"): NUL characters, which PostgreSQL cannot hold, anywhere a user can put them."""

from __future__ import annotations

import pytest

from registry.models import Organisation


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/work-items/verify/?number=a%00b",
        "/api/v1/organisations/?parent=%00",
        "/api/v1/organisations/?%00=1",
    ],
)
def test_a_nul_in_an_api_query_is_a_400_in_the_contract_format(world, api_as, url):
    response = api_as(world.a.reviewer).get(url)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "NUL" in body["detail"]


def test_a_nul_in_a_public_endpoint_needs_no_login(api):
    response = api.get("/api/v1/work-items/verify/?number=a%00b")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


@pytest.mark.parametrize("url", ["/dispatch/?q=%00", "/verify/?number=%00", "/work-items/?q=a%00"])
def test_a_nul_in_a_page_query_is_a_400_page(world, client, url):
    client.force_login(world.a.department_staff)
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_a_nul_in_a_json_body_is_a_400_and_writes_nothing(world, api_as):
    client = api_as(world.admin)
    before = Organisation.objects.count()
    response = client.post(
        "/api/v1/organisations/",
        data='{"code": "990199", "name": "a\\u0000b", "kind": "area", "level": "district"}',
        content_type="application/json",
    )
    assert response.status_code == 400
    # DRF's CharField refuses NUL characters itself (ProhibitNullCharactersValidator).
    assert response.json()["code"] == "invalid"
    assert Organisation.objects.count() == before


def test_a_nul_in_a_form_post_is_a_400(world, client):
    client.force_login(world.a.cadre)
    response = client.post("/monitoring/reports/new/", {"description": "a\x00b"})
    assert response.status_code == 400
