"""Bounded inputs (issue: hardening, item 3): lists of codes and texts have documented
maximums (registry/limits.py, docs/api.md "Limits") and answer 400 above them, writing
nothing; a 4 MB description is no longer accepted and copied into the audit log."""

from __future__ import annotations

import pytest

from registry import limits, services
from registry.errors import InvalidInput
from registry.models import Application, AuditEntry, Dispatch, Organisation, User
from tests.registry.test_api_applications import payload as application_payload
from tests.registry.test_api_dispatch import body as dispatch_body

# The shared fixtures (tests/conftest.py): an admitted monthly item, and 2026-09-14.
pytestmark = pytest.mark.usefixtures("on_a_known_monday")

FOUR_MB = "字" * (4 * 1024 * 1024 // 3)


def too_many_codes(world) -> list[str]:
    # Real codes repeated: the size alone must be refused, before any lookup.
    return [world.a.community.code] * (limits.MAX_CODES + 1)


def test_a_dispatch_naming_more_community_codes_than_the_limit_is_a_400(
    world, item, api_as, django_assert_max_num_queries
):
    client = api_as(world.a.department_staff)
    with django_assert_max_num_queries(3):  # the session's user and memberships, no lookups
        response = client.post(
            "/api/v1/dispatches/",
            dispatch_body(world, item, communities=too_many_codes(world)),
            format="json",
        )
    assert response.status_code == 400
    assert "communities" in response.json()["errors"]
    assert str(limits.MAX_CODES) in response.json()["errors"]["communities"][0]
    assert not Dispatch.objects.exists()


def test_a_dispatch_at_the_limit_resolves_its_codes_in_one_query(world, item, api_as):
    response = api_as(world.a.department_staff).post(
        "/api/v1/dispatches/",
        dispatch_body(world, item, communities=[world.a.community.code] * limits.MAX_CODES),
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["assignments"] == 1


def test_an_application_scope_over_the_limit_is_a_400(world, api_as):
    response = api_as(world.a.department_staff).post(
        "/api/v1/applications/",
        application_payload(world, scope=too_many_codes(world)),
        format="json",
    )
    assert response.status_code == 400
    assert "scope" in response.json()["errors"]
    assert not Application.objects.exists()


def test_an_unknown_code_in_a_list_is_named(world, api_as):
    response = api_as(world.a.department_staff).post(
        "/api/v1/applications/",
        application_payload(world, scope=[world.a.street.code, "NOPE-1"]),
        format="json",
    )
    assert response.status_code == 400
    assert "NOPE-1" in response.json()["errors"]["scope"][0]


def test_a_user_with_more_memberships_than_the_limit_is_a_400(world, api_as):
    memberships = [{"organisation": world.a.community.code, "role": "community_cadre"}] * (
        limits.MAX_MEMBERSHIPS + 1
    )
    response = api_as(world.admin).post(
        "/api/v1/users/",
        {"username": "li_si", "password": "Ls-2026-long-enough", "memberships": memberships},
        format="json",
    )
    assert response.status_code == 400
    assert "memberships" in response.json()["errors"]
    assert not User.objects.filter(username="li_si").exists()


@pytest.mark.parametrize("field", ["description", "legal_basis"])
def test_a_four_megabyte_application_text_is_a_400_and_nothing_is_audited(world, api_as, field):
    before = AuditEntry.objects.count()
    response = api_as(world.a.department_staff).post(
        "/api/v1/applications/", application_payload(world, **{field: FOUR_MB}), format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("field", ["instructions", "materials", "justification"])
def test_a_four_megabyte_dispatch_text_is_a_400(world, item, api_as, field):
    response = api_as(world.a.department_staff).post(
        "/api/v1/dispatches/", dispatch_body(world, item, **{field: FOUR_MB}), format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Dispatch.objects.exists()


def test_a_long_text_at_the_limit_is_accepted(world, api_as):
    response = api_as(world.a.department_staff).post(
        "/api/v1/applications/",
        application_payload(world, description="字" * limits.LONG_TEXT),
        format="json",
    )
    assert response.status_code == 201, response.json()


def test_the_page_form_refuses_a_text_over_the_limit(world, client):
    client.force_login(world.a.cadre)
    response = client.post(
        "/monitoring/reports/new/",
        {
            "community": world.a.community.code,
            "department": world.a.department.code,
            "title": "填报表格",
            "channel": "wechat",
            "received_on": "2026-09-01",
            "description": "字" * (limits.LONG_TEXT + 1),
        },
    )
    assert response.status_code in (200, 400)
    assert not AuditEntry.objects.filter(action__startswith="offplatform").exists()


def test_a_service_refuses_a_text_over_the_limit_whatever_door_it_came_through(world):
    fields = application_payload(world, description="字" * (limits.LONG_TEXT + 1))
    for name in ("department", "scope", "funding_per_community", "valid_months"):
        fields.pop(name)
    with pytest.raises(InvalidInput) as caught:
        services.application_create(
            actor=world.a.department_staff,
            department=world.a.department,
            scope=[world.a.street],
            **fields,
        )
    assert "description" in caught.value.extra["fields"]
    assert not Application.objects.exists()


def test_organisation_names_stay_bounded_by_their_column(world, api_as):
    response = api_as(world.admin).post(
        "/api/v1/organisations/",
        {"code": "990188", "name": "名" * 10_000, "kind": "area", "parent": world.city.code},
        format="json",
    )
    assert response.status_code == 400
    assert not Organisation.objects.filter(code="990188").exists()
