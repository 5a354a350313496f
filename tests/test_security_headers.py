"""Headers (issue: hardening, item 9): a Content-Security-Policy without 'unsafe-inline'
scripts, no-store on personal responses, HSTS on TLS."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def script_src(response) -> str:
    policy = response["Content-Security-Policy"]
    directive = next(d.strip() for d in policy.split(";") if d.strip().startswith("script-src"))
    return directive


@pytest.mark.parametrize(
    "url", ["/accounts/login/", "/verify/", "/api/docs/", "/certificates/lookup/"]
)
def test_every_page_has_a_policy_allowing_only_own_and_nonced_scripts(db, client, url):
    response = client.get(url)
    assert response.status_code == 200
    directive = script_src(response)
    assert "'self'" in directive
    assert "'unsafe-inline'" not in directive and "'unsafe-eval'" not in directive
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


def test_the_swagger_page_runs_without_an_inline_script(db, client):
    page = client.get("/api/docs/").content.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert inline == []
    # Its start-up script is a file of its own, served from the portal.
    script = re.search(r'<script src="([^"]*\?script[^"]*)"', page)
    assert script and client.get(script.group(1).replace("&amp;", "&")).status_code == 200


def test_no_template_carries_an_inline_script_without_the_nonce():
    offenders = []
    for path in ROOT.glob("templates/**/*.html"):
        for tag in re.findall(r"<script\b[^>]*>", path.read_text(encoding="utf-8")):
            if "src=" not in tag and "csp_nonce" not in tag and "CSP_NONCE" not in tag:
                offenders.append(f"{path.relative_to(ROOT)}: {tag}")
        if re.search(r"\son[a-z]+=\"", path.read_text(encoding="utf-8")):
            offenders.append(f"{path.relative_to(ROOT)}: an inline event handler")
    assert offenders == []


def test_signed_in_pages_and_the_api_are_not_stored(world, client, api_as):
    client.force_login(world.a.cadre)
    page = client.get("/")
    if page.status_code == 302:
        page = client.get(page["Location"])
    assert "no-store" in page["Cache-Control"]
    api = api_as(world.a.cadre).get("/api/v1/assignments/")
    assert api.status_code == 200
    assert "no-store" in api["Cache-Control"]
    public = api_as(None).get("/api/v1/work-items/verify/?number=X-1")
    assert "no-store" in public["Cache-Control"]


def test_a_public_page_for_an_anonymous_visitor_may_be_cached(db, client):
    response = client.get("/certificates/lookup/")
    assert "no-store" not in response.get("Cache-Control", "")


def test_hsts_is_sent_on_tls_only(db, client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_SSL_REDIRECT = False
    secure = client.get("/accounts/login/", secure=True)
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Strict-Transport-Security" not in client.get("/accounts/login/")
