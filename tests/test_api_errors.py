"""The API's error format: {"detail", "code"} in the caller's language, never a 500 for bad input.

The Chinese assertions on the project's own messages need the zh-hans catalogue
(locale/zh_Hans/LC_MESSAGES/django.mo, compiled); DRF's own messages ship with DRF.
"""

from __future__ import annotations

import pytest
from django.conf import settings

from registry.models import Organisation, User

ORGS = "/api/v1/organisations/"
USERS = "/api/v1/users/"


def test_unknown_organisation_is_404_in_the_api_format(world, api_as):
    response = api_as(world.a.cadre).get(f"{ORGS}NOPE/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"detail", "code"}
    assert body["code"] == "not_found"


def test_errors_are_in_chinese_by_default(world, api_as):
    body = api_as(world.a.cadre).get(f"{ORGS}NOPE/").json()
    assert body["detail"] == "未找到。"


def test_errors_follow_accept_language(world, api_as):
    client = api_as(world.a.cadre)
    assert client.get(f"{ORGS}NOPE/", HTTP_ACCEPT_LANGUAGE="en").json()["detail"] == "Not found."
    zh = client.get(f"{ORGS}NOPE/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").json()
    assert zh["detail"] == "未找到。"


def test_the_projects_own_messages_are_translated(world, api):
    body = {"username": "a_reviewer", "password": "wrong"}
    english = api.post("/api/v1/auth/token/", body, format="json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["detail"] == "The username or password is wrong."
    # Needs the project's zh-hans catalogue (locale/).
    chinese = api.post("/api/v1/auth/token/", body, format="json").json()
    assert chinese["detail"] == "用户名或密码错误。"
    assert chinese["code"] == english["code"] == "authentication_failed"


def test_validation_messages_follow_accept_language(world, api_as):
    client = api_as(world.admin)
    english = client.post(ORGS, {}, format="json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["errors"]["code"] == ["This field is required."]
    chinese = client.post(ORGS, {}, format="json").json()
    assert chinese["errors"]["code"] != english["errors"]["code"]
    assert chinese["code"] == english["code"] == "invalid"


def test_not_allowed_is_403_with_a_code(world, api_as):
    response = api_as(world.a.cadre).post(ORGS, {"code": "X"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert response.json()["detail"]


def test_a_body_over_the_upload_limit_is_413_not_500(world, api_as):
    size = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024
    name = "a" * size
    response = api_as(world.admin).generic(
        "POST",
        ORGS,
        f'{{"code": "X1", "name": "{name}", "kind": "area", "parent": "9901"}}',
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert not Organisation.objects.filter(code="X1").exists()


def test_the_upload_limit_applies_before_sign_in_is_checked(world, api):
    # The public token endpoint must not read an arbitrarily large body either.
    size = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024
    response = api.generic(
        "POST",
        "/api/v1/auth/token/",
        f'{{"username": "{"u" * size}", "password": "x"}}',
        content_type="application/json",
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    "memberships",
    [
        "990102001001",
        {"organisation": "990102001001", "role": "community_cadre"},
        42,
        [["990102001001", "community_cadre"]],
        [None],
    ],
    ids=["string", "object", "number", "list-of-lists", "list-of-null"],
)
def test_memberships_of_the_wrong_type_are_400(world, api_as, memberships):
    response = api_as(world.admin).post(
        USERS,
        {"username": "typed", "password": "Lantern-river-42", "memberships": memberships},
        format="json",
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert any(key.startswith("memberships") for key in body["errors"]), body
    assert not User.objects.filter(username="typed").exists()


@pytest.mark.parametrize(
    ("raw", "content_type", "status", "code"),
    [
        (b'{"code": "X", ', "application/json", 400, "malformed"),
        (b"\xff\xfe{}", "application/json", 400, "malformed"),
        (b'{"code": NaN}', "application/json", 400, "malformed"),
        (b"[" * 100_000 + b"]" * 100_000, "application/json", 400, "malformed"),
        (b"null", "application/json", 400, "invalid"),
        (b'"a string"', "application/json", 400, "invalid"),
        (b'{"code": "X"}', "application/json; charset=bz2_codec", 400, "malformed"),
        (b"code=X", "text/plain", 415, "unsupported_media_type"),
        (
            b'{"code": "X9", "name": "x", "kind": "area", "parent": "9901",'
            b' "staff_count": 100000000000000000000}',
            "application/json",
            400,
            "invalid",
        ),
        (
            b'{"code": "X9", "name": "x\\u0000y", "kind": "area", "parent": "9901"}',
            "application/json",
            400,
            "invalid",
        ),
    ],
    ids=[
        "truncated",
        "not-utf8",
        "nan",
        "nested-too-deep",
        "null",
        "string",
        "compressed-charset",
        "text-plain",
        "huge-number",
        "nul-character",
    ],
)
def test_bad_input_is_a_4xx_in_the_api_format(world, api_as, raw, content_type, status, code):
    response = api_as(world.admin).generic("POST", ORGS, raw, content_type=content_type)
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert body["code"] == code
    assert body["detail"]


def test_unknown_query_values_are_400_not_ignored(world, api_as):
    client = api_as(world.a.cadre)
    response = client.get(ORGS, {"is_monitoring_point": "perhaps"})
    assert response.status_code == 400
    assert "is_monitoring_point" in response.json()["errors"]
    assert client.get(ORGS, {"page": "abc"}).status_code == 404
    assert client.get(ORGS, {"page_size": "-5"}).status_code == 200


def test_method_not_allowed_is_405_with_a_code(world, api_as):
    response = api_as(world.admin).delete(f"{ORGS}{world.a.community.code}/")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
