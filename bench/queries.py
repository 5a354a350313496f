"""Queries per request for every list endpoint of the API, at 10 rows and at 1,000 rows.

The endpoints are found in the URLconf (every router ``list`` route under /api/v1/), so a
new list endpoint is measured without touching this file. Each is requested as the bench
user who sees the most rows there. The API caps a page at ``Pagination.max_page_size``;
the cap is lifted here (for counting only) so that a 1,000-row page can be asked for.
"""

from __future__ import annotations

import logging
from unittest import mock

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver

from bench.targets import Actor
from registry.api.base import Pagination

API_PREFIX = "api/v1/"


def list_endpoints() -> list[str]:
    """Paths of the router ``list`` routes (no path parameters) under /api/v1/."""
    found: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern).lstrip("^").rstrip("$")
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                actions = getattr(pattern.callback, "actions", None) or {}
                if actions.get("get") == "list" and "<" not in route and "(?P" not in route:
                    found.append("/" + route)

    walk(get_resolver().url_patterns, "")
    return sorted({path for path in found if path.startswith("/" + API_PREFIX)})


def _get(client: Client, path: str, actor: Actor, page_size: int):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(
            path, {"page_size": page_size}, HTTP_AUTHORIZATION=f"Token {actor.token}"
        )
    return response, len(captured)


def query_counts(actors: list[Actor], *, small: int = 10, large: int = 1_000) -> list[dict]:
    """``actors``: who to try on each endpoint (the one seeing the most rows is measured)."""
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.ERROR)  # the 403s of trying each actor are expected
    try:
        return _query_counts(actors, small, large)
    finally:
        request_log.setLevel(level)


def _query_counts(actors: list[Actor], small: int, large: int) -> list[dict]:
    client = Client()
    results = []
    with mock.patch.object(Pagination, "max_page_size", max(large, Pagination.max_page_size)):
        for path in list_endpoints():
            best: tuple[int, Actor] | None = None
            for actor in actors:
                response, _n = _get(client, path, actor, 1)
                if response.status_code == 200 and "count" in response.json():
                    count = response.json()["count"]
                    if best is None or count > best[0]:
                        best = (count, actor)
            if best is None:
                results.append({"endpoint": path, "measured": False})
                continue
            total, actor = best
            small_response, small_queries = _get(client, path, actor, small)
            large_response, large_queries = _get(client, path, actor, large)
            results.append(
                {
                    "endpoint": path,
                    "measured": True,
                    "user": actor.user.username,
                    "total_rows": total,
                    "small_rows": len(small_response.json()["results"]),
                    "small_queries": small_queries,
                    "large_rows": len(large_response.json()["results"]),
                    "large_queries": large_queries,
                    "flat": small_queries == large_queries,
                }
            )
    return results
