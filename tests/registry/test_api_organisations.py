"""The organisations API: the administrator builds the tree; everyone with a role reads it."""

from __future__ import annotations

import pytest

from registry.models import AuditEntry, Organisation, User
from tests.factories import CommunityFactory

URL = "/api/v1/organisations/"


def detail(code: str) -> str:
    return f"{URL}{code}/"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"code": "990104", "name": "C区", "kind": "area", "parent": "9901"},
            {"level": "district", "staff_count": 0, "is_monitoring_point": False},
        ),
        (
            {"code": "D990102-JY", "name": "A区教育局", "kind": "department", "parent": "990102"},
            {"level": "department"},
        ),
        (
            {
                "code": "990102001009",
                "name": "A九社区",
                "kind": "community",
                "parent": "990102001",
                "staff_count": 11,
                "households": 2800,
                "population": 7600,
                "is_monitoring_point": True,
            },
            {"level": "community"},
        ),
    ],
    ids=["area", "department", "community"],
)
def test_administrator_creates_an_organisation_and_reads_it_back_as_written(
    world, api_as, body, expected
):
    client = api_as(world.admin)
    response = client.post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    for key, value in {**body, **expected}.items():
        assert created[key] == value, key
    assert client.get(detail(body["code"])).json() == created

    organisation = Organisation.objects.get(code=body["code"])
    assert organisation.path == f"{organisation.parent.path}{body['code']}/"
    assert AuditEntry.objects.filter(
        action="organisation.create", object_id=str(organisation.pk)
    ).exists()


def test_a_root_area_has_a_null_parent(world, api_as):
    response = api_as(world.admin).post(
        URL, {"code": "98", "name": "另一省", "kind": "area", "parent": None}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["parent"] is None
    assert response.json()["level"] == "province"


def test_an_organisation_reads_with_its_parent_code(world, api_as):
    body = api_as(world.a.reviewer).get(detail(world.a.community.code)).json()
    assert body["parent"] == world.a.street.code
    assert body["kind"] == "community"
    assert body["name"] == world.a.community.name


def codes(response) -> set[str]:
    assert response.status_code == 200, response.json()
    return {row["code"] for row in response.json()["results"]}


def test_filter_by_kind(world, api_as):
    found = codes(api_as(world.a.cadre).get(URL, {"kind": "department"}))
    assert found == {
        world.city_department.code,
        world.a.department.code,
        world.b.department.code,
    }


def test_filter_by_parent_gives_direct_children_only(world, api_as):
    found = codes(api_as(world.a.cadre).get(URL, {"parent": world.a.district.code}))
    assert found == {world.a.street.code, world.a.department.code}


def test_filter_under_gives_every_descendant_but_not_itself(world, api_as):
    found = codes(api_as(world.a.cadre).get(URL, {"under": world.a.district.code}))
    assert found == {
        world.a.street.code,
        world.a.community.code,
        world.a.community2.code,
        world.a.department.code,
    }


@pytest.mark.parametrize("value", ["true", "1"])
def test_filter_monitoring_points(world, api_as, value):
    found = codes(api_as(world.a.cadre).get(URL, {"is_monitoring_point": value}))
    assert found == {world.a.community.code, world.b.community.code}


@pytest.mark.parametrize("value", ["false", "0"])
def test_filter_not_monitoring_points(world, api_as, value):
    found = codes(api_as(world.a.cadre).get(URL, {"is_monitoring_point": value}))
    assert world.a.community.code not in found
    assert world.a.community2.code in found


def test_filters_combine(world, api_as):
    found = codes(api_as(world.a.cadre).get(URL, {"under": "9901", "kind": "community"}))
    assert found == {
        world.a.community.code,
        world.a.community2.code,
        world.b.community.code,
        world.b.community2.code,
    }


def test_under_an_unknown_code_is_a_clear_400(world, api_as):
    response = api_as(world.a.cadre).get(URL, {"under": "NOPE"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "NOPE" in body["detail"]
    assert "NOPE" in body["errors"]["under"][0]


def test_an_unknown_kind_filter_is_a_400(world, api_as):
    response = api_as(world.a.cadre).get(URL, {"kind": "planet"})
    assert response.status_code == 400
    assert "kind" in response.json()["errors"]


def test_duplicate_code_is_a_conflict(world, api_as):
    response = api_as(world.admin).post(
        URL,
        {
            "code": world.a.community.code,
            "name": "重复",
            "kind": "community",
            "parent": world.a.street.code,
        },
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_code"
    assert world.a.community.code in response.json()["detail"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"staff_count": "abc"}, "staff_count"),
        ({"staff_count": -1}, "staff_count"),
        ({"kind": "planet"}, "kind"),
        ({"parent": "NO-SUCH-CODE"}, "parent"),
        ({"parent": 990102}, "parent"),  # a number is not a code that exists
        ({"code": "has space"}, "code"),
        ({"code": ""}, "code"),
        ({"name": ""}, "name"),
        ({"level": "galaxy"}, "level"),
        ({"level": "city"}, "level"),  # a community cannot be a city
        ({"is_monitoring_point": "perhaps"}, "is_monitoring_point"),
        ({"parent": "990102001001"}, "parent"),  # a community cannot contain a community
        ({"parent": None}, "parent"),  # a community needs a parent
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_creates_nothing(world, api_as, change, field):
    body = {"code": "990102001009", "name": "新社区", "kind": "community", "parent": "990102001"}
    body.update(change)
    before = Organisation.objects.count()
    response = api_as(world.admin).post(URL, body, format="json")
    assert response.status_code == 400, response.json()
    data = response.json()
    assert data["code"] == "invalid"
    assert field in data["errors"], data
    assert data["detail"]
    assert Organisation.objects.count() == before
    assert not AuditEntry.objects.filter(action="organisation.create").exists()


def test_a_code_that_is_not_a_string_is_refused(world, api_as):
    response = api_as(world.admin).post(
        URL, {"code": ["x"], "name": "n", "kind": "area", "parent": "9901"}, format="json"
    )
    assert response.status_code == 400
    assert "code" in response.json()["errors"]


def test_moving_a_street_carries_its_communities(world, api_as):
    client = api_as(world.admin)
    response = client.patch(
        detail(world.a.street.code), {"parent": world.b.district.code}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["parent"] == world.b.district.code

    under_b = codes(client.get(URL, {"under": world.b.district.code, "kind": "community"}))
    assert world.a.community.code in under_b
    assert codes(client.get(URL, {"under": world.a.district.code, "kind": "community"})) == set()
    world.a.community.refresh_from_db()
    assert world.a.community.path == (
        f"/9901/{world.b.district.code}/{world.a.street.code}/{world.a.community.code}/"
    )
    entry = AuditEntry.objects.get(action="organisation.update")
    assert entry.before["parent"] == world.a.district.pk
    assert entry.after["parent"] == world.b.district.pk


def test_patch_changes_figures_and_keeps_the_rest(world, api_as):
    response = api_as(world.admin).patch(
        detail(world.a.community.code), {"staff_count": 12, "name": "A一社区（新）"}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["staff_count"] == 12
    assert body["name"] == "A一社区（新）"
    assert body["households"] == world.a.community.households
    assert body["parent"] == world.a.street.code


def test_code_and_kind_cannot_be_changed(world, api_as):
    response = api_as(world.admin).patch(
        detail(world.a.community.code), {"code": "NEW", "kind": "area"}, format="json"
    )
    # Read-only fields are ignored, as DRF does; the organisation keeps its code and kind.
    assert response.status_code == 200
    assert response.json()["code"] == world.a.community.code
    assert response.json()["kind"] == "community"


def test_moving_an_area_under_its_own_street_is_refused(world, api_as):
    response = api_as(world.admin).patch(
        detail(world.a.district.code), {"parent": world.a.street.code}, format="json"
    )
    assert response.status_code == 400
    assert "parent" in response.json()["errors"]
    world.a.district.refresh_from_db()
    assert world.a.district.parent == world.city


def test_put_is_not_offered(world, api_as):
    response = api_as(world.admin).put(detail(world.a.community.code), {"name": "x"}, format="json")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


@pytest.mark.parametrize("role", ["department_staff", "reviewer", "community_cadre", "supervisor"])
def test_only_the_administrator_creates_organisations(world, api_as, role):
    response = api_as(world.a.user(role)).post(
        URL, {"code": "990104", "name": "C区", "kind": "area", "parent": "9901"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Organisation.objects.filter(code="990104").exists()


def test_unknown_code_is_404(world, api_as):
    response = api_as(world.a.cadre).get(detail("NOPE"))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_list_is_paginated(world, api_as):
    client = api_as(world.a.cadre)
    first = client.get(URL, {"page_size": 5}).json()
    assert set(first) == {"count", "next", "previous", "results"}
    total = Organisation.objects.count()
    assert first["count"] == total
    assert len(first["results"]) == 5
    assert first["previous"] is None
    assert "page=2" in first["next"]

    second = client.get(first["next"]).json()
    assert second["previous"] is not None
    first_codes = {row["code"] for row in first["results"]}
    assert first_codes.isdisjoint({row["code"] for row in second["results"]})


def test_page_size_is_capped_at_500(world, api_as):
    CommunityFactory.create_batch(510, parent=world.a.street)
    body = api_as(world.a.cadre).get(URL, {"page_size": 10_000}).json()
    assert len(body["results"]) == 500
    assert body["next"] is not None


def test_a_page_past_the_end_is_404(world, api_as):
    response = api_as(world.a.cadre).get(URL, {"page": 999})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_list_is_in_tree_order(world, api_as):
    rows = api_as(world.a.cadre).get(URL, {"page_size": 500}).json()["results"]
    paths = [Organisation.objects.get(code=row["code"]).path for row in rows]
    assert paths == sorted(paths)
    assert rows[0]["code"] == "9901"


def test_list_query_count_does_not_grow_with_rows(world, api_as, django_assert_num_queries):
    def fresh_cadre():
        # A fresh user object per request, as in production (grants are cached per object).
        return api_as(User.objects.get(pk=world.a.cadre.pk))

    # 1 SELECT of the cadre's memberships (may they view organisations?),
    # 1 COUNT(*) for the paginator, 1 SELECT of the page joined to each parent.
    client = fresh_cadre()
    with django_assert_num_queries(3):
        few = client.get(URL, {"parent": world.a.street.code, "kind": "community"})
    assert len(few.json()["results"]) == 2

    CommunityFactory.create_batch(30, parent=world.a.street)
    client = fresh_cadre()
    with django_assert_num_queries(3):
        many = client.get(URL, {"parent": world.a.street.code, "kind": "community"})
    assert len(many.json()["results"]) == 32


def test_under_filter_adds_one_query_for_the_ancestor(world, api_as, django_assert_num_queries):
    client = api_as(world.admin)
    # The administrator needs no membership query: 1 to look up the `under` code, 1 COUNT,
    # 1 SELECT of the page with parents joined.
    with django_assert_num_queries(3):
        client.get(URL, {"under": world.a.district.code})
    CommunityFactory.create_batch(20, parent=world.a.street)
    with django_assert_num_queries(3):
        response = client.get(URL, {"under": world.a.district.code})
    assert response.json()["count"] == 24
