"""The organisation tree: codes, paths, scope queries and moves."""

import pytest

from registry import selectors, services
from registry.errors import Conflict, InvalidInput, PermissionDenied
from registry.models import AuditEntry, Organisation


def test_communities_under_a_district_is_one_query(world, django_assert_num_queries):
    # 1 query: the prefix match on the indexed path, with kind and is_active.
    with django_assert_num_queries(1):
        codes = sorted(c.code for c in selectors.communities_under(world.a.district))
    assert codes == [world.a.community.code, world.a.community2.code]


def test_communities_under_the_city_covers_both_districts(world):
    assert selectors.communities_under(world.city).count() == 4


def test_created_organisation_gets_path_level_and_audit_entry(world):
    street = services.organisation_create(
        actor=world.admin, code="990102002", name="新街道", kind="area", parent=world.a.district
    )
    assert street.path == f"{world.a.district.path}990102002/"
    assert street.level == Organisation.Level.STREET
    entry = AuditEntry.objects.get(action="organisation.create")
    assert entry.after["code"] == "990102002"
    assert entry.actor_name == "admin"


def test_duplicate_code_is_a_conflict(world):
    with pytest.raises(Conflict):
        services.organisation_create(
            actor=world.admin,
            code=world.a.community.code,
            name="重复",
            kind="community",
            parent=world.a.street,
        )


def test_community_cannot_contain_organisations(world):
    with pytest.raises(InvalidInput) as err:
        services.organisation_create(
            actor=world.admin, code="X1", name="坏", kind="community", parent=world.a.community
        )
    assert "parent" in err.value.extra["fields"]


def test_only_the_administrator_manages_organisations(world):
    with pytest.raises(PermissionDenied):
        services.organisation_create(
            actor=world.a.reviewer, code="X2", name="无权", kind="area", parent=world.a.district
        )


def test_moving_a_street_moves_its_communities(world):
    services.organisation_update(
        actor=world.admin, organisation=world.a.street, parent=world.b.district
    )
    world.a.community.refresh_from_db()
    assert world.a.community.path.startswith(world.b.district.path)
    assert world.a.community.depth == 3  # city 0, district 1, street 2
    assert selectors.communities_under(world.b.district).count() == 4
    assert selectors.communities_under(world.a.district).count() == 0


def test_cannot_move_an_area_under_its_own_descendant(world):
    with pytest.raises(InvalidInput):
        services.organisation_update(
            actor=world.admin, organisation=world.a.district, parent=world.a.street
        )
