"""The one permission model: which role may do what, for which organisations."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from registry import permissions
from registry.models import Organisation, Role, User
from registry.permissions import ACTION_ROLES, ADMIN_ACTIONS, grants_of, may, roles_of, scope_q
from tests.factories import MembershipFactory


def fresh(user: User) -> User:
    """The user as a new request would load them (grants are cached per user object)."""
    return User.objects.get(pk=user.pk)


def communities_in_scope(user: User, action: str) -> set[str]:
    return set(
        Organisation.objects.communities()
        .filter(scope_q(user, action, ""))
        .values_list("code", flat=True)
    )


def test_a_district_reviewer_covers_the_district_and_everything_under_it(world):
    reviewer = world.a.reviewer
    for organisation in (
        world.a.district,
        world.a.street,
        world.a.community,
        world.a.community2,
        world.a.department,
    ):
        assert may(reviewer, "workbench.reviewer", organisation), organisation.code


def test_a_district_reviewer_does_not_cover_the_other_district_or_the_city(world):
    reviewer = world.a.reviewer
    for organisation in (world.b.district, world.b.community, world.b.department, world.city):
        assert not may(reviewer, "workbench.reviewer", organisation), organisation.code


def test_a_cadre_covers_only_their_community(world):
    cadre = world.a.cadre
    assert may(cadre, "workbench.community", world.a.community)
    assert not may(cadre, "workbench.community", world.a.community2)
    assert not may(cadre, "workbench.community", world.a.street)
    assert not may(cadre, "workbench.community", world.b.community)


def test_a_role_does_not_license_another_roles_actions(world):
    assert may(world.a.cadre, "workbench.community")
    assert not may(world.a.cadre, "workbench.reviewer")
    assert not may(world.a.reviewer, "workbench.community", world.a.community)
    assert not may(world.a.department_staff, "workbench.reviewer", world.a.department)


def test_an_unknown_action_is_refused_to_everyone(world):
    for user in (world.a.reviewer, world.a.cadre, world.admin):
        assert not may(user, "no.such.action")


def test_scope_q_keeps_the_reviewers_district(world):
    assert communities_in_scope(world.a.reviewer, "workbench.reviewer") == {
        world.a.community.code,
        world.a.community2.code,
    }
    assert communities_in_scope(world.b.reviewer, "workbench.reviewer") == {
        world.b.community.code,
        world.b.community2.code,
    }


def test_scope_q_keeps_only_the_cadres_community(world):
    assert communities_in_scope(world.a.cadre, "workbench.community") == {world.a.community.code}


def test_scope_q_for_an_action_the_user_lacks_matches_nothing(world):
    assert communities_in_scope(world.a.cadre, "workbench.reviewer") == set()
    assert communities_in_scope(world.outsider, "organisation.view") == set()


def test_scope_q_follows_a_relation_to_the_organisation(world):
    from registry.models import Membership

    # Memberships held in district A's organisations, through membership.organisation.
    found = set(
        Membership.objects.filter(
            scope_q(world.a.reviewer, "workbench.reviewer", "organisation")
        ).values_list("user__username", flat=True)
    )
    assert found == {
        "a_department_staff",
        "a_reviewer",
        "a_community_cadre",
        "a_liaison",
        "a_supervisor",
        "a_area_administrator",
    }


def test_two_memberships_widen_the_scope(world):
    MembershipFactory(user=world.a.reviewer, organisation=world.b.street, role=Role.REVIEWER)
    reviewer = fresh(world.a.reviewer)
    assert communities_in_scope(reviewer, "workbench.reviewer") == {
        world.a.community.code,
        world.a.community2.code,
        world.b.community.code,
        world.b.community2.code,
    }
    assert not may(reviewer, "workbench.reviewer", world.b.district)


def test_the_superuser_holds_only_the_administrators_actions(world):
    admin = world.admin
    for action in ADMIN_ACTIONS:
        assert may(admin, action), action
    assert scope_q(admin, "organisation.manage", "") == permissions.Q()
    for action in set(ACTION_ROLES) - ADMIN_ACTIONS:
        assert not may(admin, action), action
        assert not may(admin, action, world.a.community), action
    assert communities_in_scope(admin, "workbench.reviewer") == set()


def test_a_superuser_with_a_role_holds_that_role_too(world):
    MembershipFactory(user=world.admin, organisation=world.a.district, role=Role.REVIEWER)
    admin = fresh(world.admin)
    assert may(admin, "workbench.reviewer", world.a.community)
    assert not may(admin, "workbench.reviewer", world.b.community)


def test_only_the_administrator_manages(world):
    for role in Role:
        user = world.a.user(role)
        assert not may(user, "organisation.manage"), role
        assert not may(user, "user.manage"), role
    assert not may(world.outsider, "organisation.manage")


def test_every_role_may_read_the_organisation_tree_but_an_outsider_may_not(world):
    for role in Role:
        assert may(world.a.user(role), "organisation.view"), role
    assert not may(world.outsider, "organisation.view")
    assert may(world.outsider, permissions.AUTHENTICATED)


@pytest.mark.parametrize("who", ["a.reviewer", "a.cadre", "admin"])
def test_an_inactive_user_may_nothing(world, who):
    user = world
    for part in who.split("."):
        user = getattr(user, part)
    user.is_active = False
    user.save(update_fields=["is_active"])
    user = fresh(user)
    assert grants_of(user) == []
    assert roles_of(user) == set()
    for action in {*ACTION_ROLES, *ADMIN_ACTIONS, permissions.AUTHENTICATED}:
        assert not may(user, action), action
        assert not may(user, action, world.a.community), action
        assert communities_in_scope(user, action) == set(), action
    assert not user.has_perm("portal.organisation.view")


def test_an_anonymous_visitor_may_nothing(world):
    visitor = AnonymousUser()
    for action in {*ACTION_ROLES, *ADMIN_ACTIONS, permissions.AUTHENTICATED}:
        assert not may(visitor, action), action
        assert communities_in_scope(visitor, action) == set(), action


def test_roles_of_lists_the_roles_held(world):
    assert roles_of(world.a.cadre) == {Role.COMMUNITY_CADRE}
    assert roles_of(world.outsider) == set()


def test_grants_are_read_in_one_query_per_user_object(world, django_assert_num_queries):
    reviewer = fresh(world.a.reviewer)
    with django_assert_num_queries(1):  # the memberships joined to their organisations
        may(reviewer, "workbench.reviewer", world.a.community)
        may(reviewer, "workbench.reviewer", world.b.community)
        scope_q(reviewer, "workbench.reviewer", "")
        roles_of(reviewer)


def test_rules_knows_every_action_as_a_portal_permission(world):
    assert world.admin.has_perm("portal.organisation.manage")
    assert world.admin.has_perm("portal.user.manage")
    assert not world.a.reviewer.has_perm("portal.organisation.manage")
    assert world.a.reviewer.has_perm("portal.workbench.reviewer")
    assert not world.a.cadre.has_perm("portal.workbench.reviewer")
    # With an object, rules asks whether the role covers that organisation.
    assert world.a.reviewer.has_perm("portal.workbench.reviewer", world.a.community)
    assert not world.a.reviewer.has_perm("portal.workbench.reviewer", world.b.community)
    assert not world.outsider.has_perm("portal.organisation.view")


def test_has_perm_cannot_keep_the_superuser_out_so_role_checks_use_may(world):
    # Django's User.has_perm answers True for any permission of an active superuser before
    # asking rules, so "the administrator is not a reviewer" holds only through may().
    assert world.admin.has_perm("portal.workbench.reviewer")
    assert not may(world.admin, "workbench.reviewer")
