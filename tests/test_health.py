"""/healthz: what a load balancer or an operator sees when they ask whether the portal is up."""

from __future__ import annotations

import pytest
from django.db import connection

from config import health

CHECKS = {"database", "cache", "broker", "migrations"}


def test_healthy_portal_answers_200_with_every_check_ok(db, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == CHECKS
    for name, result in body["checks"].items():
        assert result["ok"] is True, (name, result)
        assert isinstance(result["ms"], int | float)
    assert body["checks"]["database"]["vendor"] == connection.vendor


def test_health_needs_no_sign_in_and_is_never_cached(db, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]


def test_broker_check_follows_the_celery_mode(db, client, settings):
    mode = client.get("/healthz").json()["checks"]["broker"]["mode"]
    assert mode == ("in-process" if settings.CELERY_TASK_ALWAYS_EAGER else "broker")


def _broken(message: str):
    def check() -> dict:
        raise RuntimeError(message)

    return check


def test_a_failing_database_makes_it_503_and_names_the_check(db, client, monkeypatch, caplog):
    monkeypatch.setitem(health.CHECKS, "database", _broken("could not connect to server"))
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["database"]["ok"] is False
    # The kind of failure is public; its details (hosts, names) only reach the log.
    assert body["checks"]["database"]["error"] == "RuntimeError"
    assert "could not connect" not in response.content.decode()
    assert "could not connect" in caplog.text
    # The other checks still ran and say so.
    assert body["checks"]["cache"]["ok"] is True
    assert body["checks"]["migrations"]["ok"] is True


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_any_failing_check_fails_the_whole(db, client, monkeypatch, name):
    monkeypatch.setitem(health.CHECKS, name, _broken(f"{name} is down"))
    response = client.get("/healthz")
    assert response.status_code == 503
    failing = [n for n, r in response.json()["checks"].items() if not r["ok"]]
    assert failing == [name]


def test_pending_migrations_fail_the_check(db, client, monkeypatch):
    monkeypatch.setitem(
        health.CHECKS, "migrations", lambda: {"ok": False, "pending": ["registry.9999_future"]}
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"]["pending"] == ["registry.9999_future"]
