"""Signing in to the API: token exchange, token use, and the error shapes clients rely on."""

from __future__ import annotations

from rest_framework.test import APIClient

from tests.factories import TEST_PASSWORD

TOKEN_URL = "/api/v1/auth/token/"
ME_URL = "/api/v1/users/me/"


def test_good_credentials_give_a_token_that_signs_requests_in(world, api):
    response = api.post(
        TOKEN_URL, {"username": "a_reviewer", "password": TEST_PASSWORD}, format="json"
    )
    assert response.status_code == 200
    assert set(response.json()) == {"token"}

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    me = client.get(ME_URL)
    assert me.status_code == 200
    assert me.json()["username"] == "a_reviewer"


def test_asking_twice_gives_the_same_token(world, api):
    body = {"username": "a_reviewer", "password": TEST_PASSWORD}
    first = api.post(TOKEN_URL, body, format="json").json()["token"]
    second = api.post(TOKEN_URL, body, format="json").json()["token"]
    assert first == second


def test_wrong_password_is_refused_with_a_reason(world, api):
    response = api.post(
        TOKEN_URL, {"username": "a_reviewer", "password": "not-the-password"}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "authentication_failed"
    assert body["detail"]
    assert "token" not in body


def test_unknown_user_is_refused_like_a_wrong_password(world, api):
    # Same answer as a wrong password, so the endpoint does not reveal which usernames exist.
    response = api.post(TOKEN_URL, {"username": "nobody", "password": TEST_PASSWORD}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "authentication_failed"


def test_deactivated_user_gets_no_token(world, api):
    world.a.reviewer.is_active = False
    world.a.reviewer.save(update_fields=["is_active"])
    response = api.post(
        TOKEN_URL, {"username": "a_reviewer", "password": TEST_PASSWORD}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "authentication_failed"


def test_token_of_a_deactivated_user_stops_working(world, api):
    token = api.post(
        TOKEN_URL, {"username": "a_reviewer", "password": TEST_PASSWORD}, format="json"
    ).json()["token"]
    world.a.reviewer.is_active = False
    world.a.reviewer.save(update_fields=["is_active"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.get(ME_URL)
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_missing_fields_are_named(world, api):
    response = api.post(TOKEN_URL, {}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["errors"]) == {"username", "password"}
    assert body["detail"]


def test_malformed_json_is_a_400_not_a_crash(world, api):
    response = api.post(
        TOKEN_URL, data='{"username": "a_reviewer", "password": ', content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "malformed"
    assert body["detail"]


def test_json_that_is_not_an_object_is_a_400(world, api):
    response = api.post(TOKEN_URL, data="[1, 2]", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_no_credentials_on_a_protected_endpoint_is_401(world, api):
    response = api.get("/api/v1/organisations/")
    assert response.status_code == 401
    body = response.json()
    assert set(body) == {"detail", "code"}
    assert body["code"] == "not_authenticated"
    # The challenge tells a client which scheme to use.
    assert response["WWW-Authenticate"] == "Token"


def test_an_invalid_token_is_401(world, api):
    api.credentials(HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000")
    response = api.get("/api/v1/organisations/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_browser_session_works_for_the_api(world):
    client = APIClient()
    client.force_login(world.a.cadre)
    assert client.get(ME_URL).json()["username"] == "a_community_cadre"
