"""The same organisation code or username sent 20 times at once (issue: hardening, item 2).

Every request passes the service's "already exists?" check before any of them has committed;
the unique index then refuses all but one. Those losers answered 500; now each answers the
same 409 as a duplicate sent later, and exactly one row exists."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from registry.models import Organisation, User

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RACERS = 20


def post_at_once(user: User, url: str, body: dict) -> list:
    barrier = threading.Barrier(RACERS)
    responses: list = [None] * RACERS

    def run(index: int) -> None:
        client = APIClient()
        client.force_authenticate(user)
        try:
            barrier.wait(timeout=20)
            responses[index] = client.post(url, body, format="json")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return responses


def test_twenty_creates_of_one_organisation_code_make_one_and_nineteen_409s(world):
    responses = post_at_once(
        world.admin,
        "/api/v1/organisations/",
        {"code": "990177", "name": "新区", "kind": "area", "parent": world.city.code},
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * (RACERS - 1)
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"duplicate_code"}
    assert Organisation.objects.filter(code="990177").count() == 1


def test_twenty_creates_of_one_username_make_one_user_and_nineteen_409s(world):
    responses = post_at_once(
        world.admin,
        "/api/v1/users/",
        {
            "username": "zhang_san",
            "password": "Zs-2026-long-enough",
            "display_name": "张三",
            "memberships": [{"organisation": world.a.community.code, "role": "community_cadre"}],
        },
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * (RACERS - 1)
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"duplicate_username"}
    assert User.objects.filter(username="zhang_san").count() == 1
