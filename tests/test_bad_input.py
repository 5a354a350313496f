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


# --- Absurd numbers and dates in filters (hardening, item 2) ------------------------------
# Each of these reached timedelta(), a year lookup or a bigint column and answered 500.


@pytest.mark.parametrize(
    ("user", "url", "field"),
    [
        ("reviewer", "/api/v1/applications/?older_than_days=-99999999999", "older_than_days"),
        ("reviewer", "/api/v1/applications/?older_than_days=99999999999", "older_than_days"),
        ("reviewer", "/api/v1/applications/?older_than_days=1.5", "older_than_days"),
        ("cadre", "/api/v1/certificate-issuances/?year=-1", "year"),
        ("cadre", "/api/v1/certificate-issuances/?year=99999", "year"),
        ("cadre", "/api/v1/certificate-refusals/?year=-1", "year"),
        ("cadre", "/api/v1/certificate-refusals/?year=0", "year"),
        ("cadre", "/api/v1/certificate-issuances/?certificate_type=99999999999999999999", None),
        ("cadre", "/api/v1/certificate-issuances/?issued_from=0001-01-01", "issued_from"),
        ("cadre", "/api/v1/assignments/?due_before=9999-12-31", "due_before"),
        ("cadre", "/api/v1/assignments/?emergency=perhaps", "emergency"),
    ],
)
def test_an_absurd_filter_value_is_a_400_naming_the_filter(world, api_as, user, url, field):
    actor = world.a.reviewer if user == "reviewer" else world.a.cadre
    response = api_as(actor).get(url)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    if field:
        assert field in body["errors"]


def test_a_sensible_year_and_day_count_still_filter(world, api_as):
    assert (
        api_as(world.a.reviewer).get("/api/v1/applications/?older_than_days=7").status_code == 200
    )
    assert api_as(world.a.cadre).get("/api/v1/certificate-issuances/?year=2026").status_code == 200


@pytest.mark.parametrize(
    "url", ["/review/?older_than_days=-99999999999", "/certificates/register/?year=-1"]
)
def test_an_absurd_number_in_a_page_filter_is_not_a_500(world, client, url):
    client.force_login(world.a.reviewer if "review" in url else world.a.cadre)
    assert client.get(url).status_code in (200, 400)


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("require-hearing", {"scheduled_on": "2500-01-01"}, "scheduled_on"),
        (
            "record-hearing",
            {"held_on": "0202-01-01", "participants": [{"name": "王", "opinion": "for"}]},
            "held_on",
        ),
    ],
)
def test_a_hearing_date_outside_the_horizon_is_a_400(world, api_as, action, body, field):
    from registry.models import Application
    from tests.registry.test_admission import under_review

    application = under_review(world)
    client = api_as(world.a.reviewer)
    if action == "record-hearing":
        client.post(f"/api/v1/applications/{application.pk}/require-hearing/", {}, format="json")
    response = client.post(f"/api/v1/applications/{application.pk}/{action}/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    expected = "under_review" if action == "require-hearing" else "hearing"
    assert Application.objects.get(pk=application.pk).state == expected


def test_an_api_address_that_matches_no_route_is_the_contracts_json_404(world, api_as):
    response = api_as(world.a.cadre).post("/api/v1/assignments/0.5/accept/", {}, format="json")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found"


def test_too_many_form_fields_on_the_api_is_a_json_400(world, api_as):
    fields = "&".join(f"communities={n}" for n in range(1100))
    response = api_as(world.a.department_staff).post(
        "/api/v1/dispatches/", fields, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "malformed"
