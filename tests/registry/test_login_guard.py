"""Logins are guarded (issue: hardening, item 5): the lockout per user and per address on
the sign-in page, the admin's sign-in and the token endpoint; the client address from the
trusted proxies only; API tokens that expire and die at sign-out and password change; the
demo logins refused in production unless seed_demo was told --allow-production."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.hashers import make_password
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from registry.demo import DEMO_PASSWORD, demo_allow_in_production
from tests.factories import TEST_PASSWORD, UserFactory

TOKEN_URL = "/api/v1/auth/token/"
ME_URL = "/api/v1/users/me/"
LOGIN_URL = "/accounts/login/"


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.AXES_FAILURE_LIMIT = 3


def fail_login(client, username: str, times: int, **extra) -> None:
    for _ in range(times):
        client.post(LOGIN_URL, {"username": username, "password": "wrong-password"}, **extra)


def test_a_user_is_locked_out_after_the_failure_limit_even_with_the_right_password(world, client):
    fail_login(client, "a_reviewer", 3)
    response = client.post(LOGIN_URL, {"username": "a_reviewer", "password": TEST_PASSWORD})
    assert response.status_code == 429
    page = response.content.decode()
    assert "登录失败次数过多" in page
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_per_user_from_any_address(world, client):
    for number in range(3):
        fail_login(client, "a_reviewer", 1, REMOTE_ADDR=f"10.0.0.{number + 1}")
    response = client.post(
        LOGIN_URL,
        {"username": "a_reviewer", "password": TEST_PASSWORD},
        REMOTE_ADDR="10.9.9.9",
    )
    assert response.status_code == 429


def test_the_lockout_is_per_address_across_usernames(world, client):
    for username in ("nobody1", "nobody2", "nobody3"):
        fail_login(client, username, 1, REMOTE_ADDR="10.1.1.1")
    response = client.post(
        LOGIN_URL, {"username": "a_cadre", "password": TEST_PASSWORD}, REMOTE_ADDR="10.1.1.1"
    )
    assert response.status_code == 429
    # Another address is not affected.
    other = client.post(
        LOGIN_URL,
        {"username": "a_community_cadre", "password": TEST_PASSWORD},
        REMOTE_ADDR="10.2.2.2",
    )
    assert other.status_code == 302


def test_the_token_endpoint_locks_out_too_with_the_contracts_json(world):
    api = APIClient()
    for _ in range(3):
        api.post(TOKEN_URL, {"username": "a_reviewer", "password": "nope"}, format="json")
    response = api.post(
        TOKEN_URL, {"username": "a_reviewer", "password": TEST_PASSWORD}, format="json"
    )
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "locked_out"
    assert "登录失败次数过多" in body["detail"]
    assert "token" not in body


def test_the_admin_sign_in_locks_out_too(world, client):
    login = reverse("admin:login")
    for _ in range(3):
        client.post(login, {"username": "admin", "password": "wrong"})
    response = client.post(login, {"username": "admin", "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_administrator_unlocks_a_user_in_the_admin(world, client):
    fail_login(client, "a_reviewer", 3)
    attempt = AccessAttempt.objects.get(username="a_reviewer")
    admin_client = type(client)()
    admin_client.force_login(world.admin)
    changelist = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert changelist.status_code == 200
    assert "a_reviewer" in changelist.content.decode()
    admin_client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    assert not AccessAttempt.objects.filter(username="a_reviewer").exists()
    response = client.post(LOGIN_URL, {"username": "a_reviewer", "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_the_admin_is_not_at_slash_admin(world, client):
    assert reverse("admin:index") == "/manage/"
    assert client.get("/admin/").status_code == 404


# --- The client address ---------------------------------------------------------------------


def verify(api, **headers):
    return api.get("/api/v1/work-items/verify/?number=X-0000", **headers)


def test_a_new_x_forwarded_for_per_request_no_longer_defeats_the_throttle(world, settings):
    from django.core.cache import cache

    settings.TRUSTED_PROXY_COUNT = 0
    # An address of its own: the shared cache's 127.0.0.1 counter is reset by other tests.
    peer = "192.0.2.77"
    cache.delete(f"throttle_anon_{peer}")
    api = APIClient()
    statuses = [
        verify(
            api,
            REMOTE_ADDR=peer,
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n % 250}, 198.51.100.{n // 250}",
        ).status_code
        for n in range(121)
    ]
    cache.delete(f"throttle_anon_{peer}")
    assert statuses[:120] == [200] * 120
    assert statuses[120] == 429


def test_behind_one_trusted_proxy_the_client_is_the_address_it_appended(world, settings):
    from django.core.cache import cache

    settings.TRUSTED_PROXY_COUNT = 1
    cache.delete_many(["throttle_anon_198.51.100.7", "throttle_anon_198.51.100.8"])
    api = APIClient()
    # (198.51.100.x: addresses no other test's counter uses.)
    # The client made up the left part; the proxy appended the real address on the right.
    statuses = [
        verify(api, HTTP_X_FORWARDED_FOR=f"10.0.{n}.1, 198.51.100.7").status_code
        for n in range(121)
    ]
    assert statuses[120] == 429
    # Someone else behind the same proxy is another client.
    assert verify(api, HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 200
    cache.delete_many(["throttle_anon_198.51.100.7", "throttle_anon_198.51.100.8"])


# --- API tokens -------------------------------------------------------------------------------


def token_of(username: str, password: str = TEST_PASSWORD) -> str:
    response = APIClient().post(
        TOKEN_URL, {"username": username, "password": password}, format="json"
    )
    assert response.status_code == 200, response.json()
    return response.json()["token"]


def me(token: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get(ME_URL)


def test_a_token_expires_after_the_configured_hours(world, settings):
    settings.API_TOKEN_TTL_HOURS = 2
    token = token_of("a_reviewer")
    assert me(token).status_code == 200
    later = timezone.now() + datetime.timedelta(hours=2, minutes=1)
    with time_machine.travel(later, tick=False):
        response = me(token)
        assert response.status_code == 401
        assert response.json()["code"] == "authentication_failed"
        fresh = token_of("a_reviewer")
    assert fresh != token


def test_signing_out_ends_the_api_token(world, client):
    token = token_of("a_reviewer")
    client.post(LOGIN_URL, {"username": "a_reviewer", "password": TEST_PASSWORD})
    client.post("/accounts/logout/")
    assert me(token).status_code == 401


def test_a_password_change_ends_the_api_token(world):
    token = token_of("a_reviewer")
    world.a.reviewer.set_password("A-new-password-2026")
    world.a.reviewer.save()
    assert me(token).status_code == 401
    assert me(token_of("a_reviewer", "A-new-password-2026")).status_code == 200


# --- Demo logins in production ------------------------------------------------------------


@pytest.fixture
def demo_user(db):
    return UserFactory(username="cadre", password=make_password(DEMO_PASSWORD))


def test_a_demo_login_is_refused_when_debug_is_off(world, demo_user, client, settings):
    settings.DEBUG = False
    response = client.post(LOGIN_URL, {"username": "cadre", "password": DEMO_PASSWORD})
    assert response.status_code == 200
    assert "演示账号" in response.content.decode()
    assert "_auth_user_id" not in client.session
    api = APIClient().post(TOKEN_URL, {"username": "cadre", "password": DEMO_PASSWORD})
    assert api.status_code == 400
    assert "演示账号" in api.json()["detail"]


def test_with_allow_production_demo_logins_work_and_the_page_says_so_in_red(
    world, demo_user, client, settings
):
    settings.DEBUG = False
    demo_allow_in_production(actor=world.admin)
    page = client.get(LOGIN_URL).content.decode()
    assert "login-card__demo" in page and "--allow-production" in page
    response = client.post(LOGIN_URL, {"username": "cadre", "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_demo_logins_work_in_the_demo(world, demo_user, client, settings):
    settings.DEBUG = True
    response = client.post(LOGIN_URL, {"username": "cadre", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert "login-card__demo" not in client.get(LOGIN_URL, follow=True).content.decode()
