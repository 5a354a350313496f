"""The users API: the administrator creates users with memberships; anyone sees themselves."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from registry.models import AuditEntry, Membership, User
from tests.factories import MembershipFactory, UserFactory

URL = "/api/v1/users/"
ME_URL = "/api/v1/users/me/"
GOOD_PASSWORD = "Lantern-river-42"


def new_user(**overrides) -> dict:
    body = {
        "username": "c_cadre",
        "password": GOOD_PASSWORD,
        "display_name": "新社区干部",
        "memberships": [{"organisation": "990102001001", "role": "community_cadre"}],
    }
    body.update(overrides)
    return body


def test_administrator_creates_a_user_who_can_then_sign_in(world, api_as):
    response = api_as(world.admin).post(URL, new_user(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["username"] == "c_cadre"
    assert body["display_name"] == "新社区干部"
    assert body["memberships"] == [{"organisation": "990102001001", "role": "community_cadre"}]
    assert "password" not in body

    token = APIClient().post(
        "/api/v1/auth/token/", {"username": "c_cadre", "password": GOOD_PASSWORD}, format="json"
    )
    assert token.status_code == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    me = client.get(ME_URL).json()
    assert me["memberships"] == [{"organisation": "990102001001", "role": "community_cadre"}]

    entry = AuditEntry.objects.get(action="user.create")
    assert entry.actor_name == "admin"
    assert entry.after["memberships"] == [["990102001001", "community_cadre"]]


def test_a_user_may_hold_several_memberships(world, api_as):
    memberships = [
        {"organisation": world.a.district.code, "role": "reviewer"},
        {"organisation": world.b.district.code, "role": "supervisor"},
    ]
    response = api_as(world.admin).post(
        URL, new_user(username="multi", memberships=memberships), format="json"
    )
    assert response.status_code == 201
    held = {
        (m.organisation.code, m.role) for m in Membership.objects.filter(user__username="multi")
    }
    assert held == {(world.a.district.code, "reviewer"), (world.b.district.code, "supervisor")}


def test_a_user_without_memberships_is_allowed(world, api_as):
    response = api_as(world.admin).post(
        URL, {"username": "plain", "password": GOOD_PASSWORD}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["memberships"] == []


def test_role_must_match_the_kind_of_organisation(world, api_as):
    response = api_as(world.admin).post(
        URL,
        new_user(
            memberships=[{"organisation": world.a.department.code, "role": "community_cadre"}]
        ),
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    field = next(iter(body["errors"]))
    assert field.startswith("memberships[0]")
    assert body["detail"]
    assert not User.objects.filter(username="c_cadre").exists()


def test_the_second_bad_membership_is_the_one_named(world, api_as):
    memberships = [
        {"organisation": world.a.community.code, "role": "community_cadre"},
        {"organisation": world.a.community.code, "role": "reviewer"},
    ]
    response = api_as(world.admin).post(URL, new_user(memberships=memberships), format="json")
    assert response.status_code == 400
    assert all(key.startswith("memberships[1]") for key in response.json()["errors"])


@pytest.mark.parametrize(
    ("membership", "field"),
    [
        ({"organisation": "NOPE", "role": "community_cadre"}, "memberships[0].organisation"),
        ({"organisation": "990102001001", "role": "mayor"}, "memberships[0].role"),
        ({"role": "community_cadre"}, "memberships[0].organisation"),
        ("990102001001", "memberships[0].non_field_errors"),
    ],
)
def test_bad_memberships_are_named_field_by_field(world, api_as, membership, field):
    response = api_as(world.admin).post(URL, new_user(memberships=[membership]), format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert not User.objects.filter(username="c_cadre").exists()


@pytest.mark.parametrize(
    "password",
    ["short1", "12345678901", "password", "c_cadre-x"],
    ids=["too-short", "all-digits", "too-common", "like-the-username"],
)
def test_weak_passwords_are_refused_on_the_password_field(world, api_as, password):
    response = api_as(world.admin).post(URL, new_user(password=password), format="json")
    assert response.status_code == 400
    body = response.json()
    assert "password" in body["errors"]
    assert body["detail"]
    assert not User.objects.filter(username="c_cadre").exists()


def test_missing_password_is_named(world, api_as):
    body = new_user()
    del body["password"]
    response = api_as(world.admin).post(URL, body, format="json")
    assert response.status_code == 400
    assert "password" in response.json()["errors"]


def test_a_bad_username_is_named(world, api_as):
    response = api_as(world.admin).post(URL, new_user(username="has space!"), format="json")
    assert response.status_code == 400
    assert "username" in response.json()["errors"]


def test_duplicate_username_is_a_conflict(world, api_as):
    response = api_as(world.admin).post(URL, new_user(username="a_reviewer"), format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_username"
    assert "a_reviewer" in response.json()["detail"]


def test_a_failed_creation_leaves_no_trace(world, api_as):
    entries = AuditEntry.objects.count()
    users = User.objects.count()
    api_as(world.admin).post(
        URL,
        new_user(memberships=[{"organisation": world.a.department.code, "role": "reviewer"}]),
        format="json",
    )
    assert (User.objects.count(), AuditEntry.objects.count()) == (users, entries)


@pytest.mark.parametrize("who", ["a.reviewer", "a.cadre", "b.supervisor", "outsider", "admin"])
def test_anyone_signed_in_sees_themselves_with_memberships(world, api_as, who):
    user = world
    for part in who.split("."):
        user = getattr(user, part)
    body = api_as(user).get(ME_URL).json()
    assert body["username"] == user.username
    assert body["is_superuser"] is user.is_superuser
    expected = [
        {"organisation": m.organisation.code, "role": m.role} for m in user.memberships.all()
    ]
    assert body["memberships"] == expected


def test_me_needs_a_signed_in_user(world, api):
    assert api.get(ME_URL).status_code == 401


@pytest.mark.parametrize("role", ["department_staff", "reviewer", "community_cadre", "supervisor"])
def test_only_the_administrator_lists_and_reads_users(world, api_as, role):
    client = api_as(world.a.user(role))
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}{world.a.reviewer.pk}/").status_code == 403
    assert client.post(URL, new_user(), format="json").status_code == 403
    assert not User.objects.filter(username="c_cadre").exists()


def test_administrator_reads_a_user(world, api_as):
    body = api_as(world.admin).get(f"{URL}{world.a.reviewer.pk}/").json()
    assert body["username"] == "a_reviewer"
    assert body["memberships"] == [{"organisation": world.a.district.code, "role": "reviewer"}]


@pytest.mark.parametrize("pk", ["999999", "abc", "99999999999999999999999"])
def test_unknown_user_is_404(world, api_as, pk):
    response = api_as(world.admin).get(f"{URL}{pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_user_list_is_paginated_and_ordered_by_username(world, api_as):
    body = api_as(world.admin).get(URL, {"page_size": 3}).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == User.objects.count()
    names = [row["username"] for row in body["results"]]
    assert names == sorted(names)


def test_user_list_query_count_does_not_grow_with_rows(world, api_as, django_assert_num_queries):
    client = api_as(world.admin)
    # The administrator needs no membership lookup. 1 COUNT(*), 1 SELECT of the page's users,
    # 1 prefetch of their memberships, 1 prefetch of those memberships' organisations.
    with django_assert_num_queries(4):
        few = client.get(URL)
    assert few.json()["count"] == 14

    for n in range(20):
        user = UserFactory(username=f"extra{n:02d}")
        MembershipFactory(user=user, organisation=world.b.community, role="community_cadre")
        MembershipFactory(user=user, organisation=world.b.community2, role="liaison")
    with django_assert_num_queries(4):
        many = client.get(URL)
    assert many.json()["count"] == 34


def test_me_query_count_does_not_grow_with_memberships(world, django_assert_num_queries):
    user = world.a.reviewer
    for organisation in (world.b.district, world.city, world.a.street):
        MembershipFactory(user=user, organisation=organisation, role="supervisor")
    client = APIClient()
    client.force_authenticate(User.objects.get(pk=user.pk))
    # 1 SELECT of the memberships with their organisations joined.
    with django_assert_num_queries(1):
        body = client.get(ME_URL).json()
    assert len(body["memberships"]) == 4
