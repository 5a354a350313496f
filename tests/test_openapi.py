"""The OpenAPI schema and its docs page: generated cleanly, served without any CDN."""

from __future__ import annotations

import re

import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command


def test_schema_generates_without_warnings_or_errors(tmp_path):
    # --fail-on-warn turns every drf-spectacular warning (an untyped field, a view it cannot
    # introspect) into a failure; --validate checks the result against the OpenAPI spec.
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/organisations/" in schema["paths"]
    assert "/api/v1/auth/token/" in schema["paths"]


def test_schema_is_served_to_anyone(db, client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    paths = schema["paths"]
    assert {"/api/v1/organisations/", "/api/v1/organisations/{code}/", "/api/v1/users/me/"} <= set(
        paths
    )
    # Token and session sign-in are both documented.
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])


def test_schema_documents_the_token_exchange(db, client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    token = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert "200" in token["responses"]
    # No credentials are needed to ask for a token.
    assert token.get("security", [{}]) == [{}]


def test_docs_page_renders_from_local_static_files_only(db, client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger" in html.lower()
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert urls, "the page loads no scripts or styles at all?"
    external = [u for u in urls if re.match(r"(?i)^(https?:)?//", u)]
    assert not external, f"the docs page loads from outside the portal: {external}"
    # Nor does any inline script pull from a CDN.
    assert not re.search(r"(?i)https?://(cdn|unpkg|jsdelivr|cdnjs)", html)


def test_docs_page_assets_are_vendored(db, client, settings):
    # Each script, style and icon the page names is a static file the portal itself holds
    # (collectstatic gathers it for whitenoise), not something fetched at run time.
    html = client.get("/api/docs/").content.decode()
    static = re.findall(rf"""(?:src|href)=["']{settings.STATIC_URL}([^"'?]+)""", html)
    assert static, "the docs page names no static files"
    missing = [path for path in static if finders.find(path) is None]
    assert not missing, f"not among the portal's static files: {missing}"


def _paginated_lists(schema: dict) -> dict[str, dict]:
    """path -> the 200 response of every GET whose body is a page of a list."""
    components = schema["components"]["schemas"]
    found = {}
    for path, item in schema["paths"].items():
        ok = item.get("get", {}).get("responses", {}).get("200", {})
        reference = ok.get("content", {}).get("application/json", {}).get("schema", {})
        body = components.get(reference.get("$ref", "").rsplit("/", 1)[-1], {})
        if {"count", "next", "previous", "results"} <= set(body.get("properties", {})):
            found[path] = ok
    return found


def test_every_paginated_list_declares_the_count_capped_header(db, client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    lists = _paginated_lists(schema)

    # Every app's lists, the paginated custom actions among them.
    assert {
        "/api/v1/assignments/",
        "/api/v1/organisations/",
        "/api/v1/flags/",
        "/api/v1/plaques/summary/",
        "/api/v1/certificate-refusals/demand/",
        "/api/v1/evaluation-rounds/{id}/results/",
    } <= set(lists)
    missing = [path for path, ok in lists.items() if "X-Count-Capped" not in ok.get("headers", {})]
    assert not missing, missing
    header = schema["components"]["headers"]["X-Count-Capped"]
    assert header["schema"]["type"] == "integer" and not header["required"]
    # Only lists: one organisation's response has no such header.
    one = schema["paths"]["/api/v1/organisations/{code}/"]["get"]["responses"]["200"]
    assert "X-Count-Capped" not in one.get("headers", {})


def test_a_capped_list_sends_the_header_the_schema_declares(world, api_as, monkeypatch):
    from registry.paginators import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 3)
    response = api_as(world.admin).get("/api/v1/organisations/")

    assert response.status_code == 200
    assert response.json()["count"] == 3
    assert int(response["X-Count-Capped"]) == 3
    monkeypatch.setattr(CappedPaginator, "cap", 10_000)
    assert "X-Count-Capped" not in api_as(world.admin).get("/api/v1/organisations/")
