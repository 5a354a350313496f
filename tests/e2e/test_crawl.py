"""Every page of every demo role, at 1366 px and on a 390 px phone: none is wider than its
screen, none answers with a server error.

The demo city is seeded once (one live server, one database). Each role signs in and the
crawl follows same-origin GET links from its home (workbench and header navigation
first, then what those pages link to), one page per kind of address (``/applications/12/``
and ``/applications/13/`` are one kind), up to ``MAX_PAGES`` per role; signing out,
downloads (Excel, photos), the API, the language switch and Django's own admin (/manage/,
Django's responsive pages, not the portal's) are not followed. The pages found at 1366 px
are then visited on the phone. A failure lists every offending page with its width.
"""

from __future__ import annotations

import re
import time
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest

from certificates.models import CertificateType
from certificates.national import load_national_batch
from registry import demo
from registry.demo.context import DEMO_PASSWORD
from tests.e2e.conftest import ACTION_TIMEOUT_MS, DESKTOP, PHONE, artifact_path

pytestmark = pytest.mark.e2e

ROLES = ["cadre", "liaison", "dept", "reviewer", "district_reviewer", "supervisor", "admin"]
MAX_PAGES = 16
SKIP = re.compile(
    r"^/(accounts/logout|i18n|api|manage|static|media)/|\.xlsx$|/export|/photo/|/template|download",
)


def kind_of(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def links_on(page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "a[href]:not([download]):not([target=_blank])", "els => els.map(e => e.href)"
    )
    found = []
    for href in hrefs:
        url, _fragment = urldefrag(href)
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != origin or SKIP.search(parts.path):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def sign_in(context, origin: str, username: str):
    page = context.new_page()
    page.goto(f"{origin}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    assert "/accounts/login/" not in page.url, f"{username} could not sign in"
    return page


def check(page, origin: str, path: str, width: int, problems: list, label: str):
    response = page.goto(origin + path, wait_until="load")
    status = response.status if response is not None else 0
    if status >= 500:
        problems.append(f"{label} {path}: HTTP {status}")
    scroll = page.evaluate("document.documentElement.scrollWidth")
    if scroll != width:
        problems.append(f"{label} {path}: {scroll} px wide on a {width} px screen")
        page.screenshot(path=artifact_path(f"crawl-{label}-{kind_of(path)}"), full_page=True)


def crawl(browser, origin: str, username: str, problems: list) -> list[str]:
    """The role's pages at 1366 px, breadth first from its home."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **DESKTOP)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = sign_in(context, origin, username)
    seen_kinds: set[str] = set()
    visited: list[str] = []
    queue = deque(["/"])
    while queue and len(visited) < MAX_PAGES:
        path = queue.popleft()
        kind = kind_of(urlsplit(path).path)
        if kind in seen_kinds:
            continue
        seen_kinds.add(kind)
        check(page, origin, path, DESKTOP["viewport"]["width"], problems, f"{username}@1366")
        visited.append(path)
        queue.extend(links_on(page, origin))
    context.close()
    return visited


def revisit_on_a_phone(browser, origin: str, username: str, paths: list[str], problems: list):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **PHONE)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = sign_in(context, origin, username)
    for path in paths:
        check(page, origin, path, PHONE["viewport"]["width"], problems, f"{username}@390")
    context.close()


@pytest.fixture
def demo_city(transactional_db, settings):
    # The demo logins sign in only with DEBUG on (registry.auth), as on a demo machine;
    # a fast hasher keeps seeding and the sign-ins quick.
    settings.DEBUG = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_national_batch(CertificateType)  # live-server tests flush migration data
    started = time.monotonic()
    demo.seed()
    print(f"seeded the demo city in {time.monotonic() - started:.0f} s")


def test_no_page_of_any_demo_role_is_wider_than_the_screen(demo_city, browser, live_server):
    started = time.monotonic()
    problems: list[str] = []
    visited = {}
    for username in ROLES:
        visited[username] = crawl(browser, live_server.url, username, problems)
        revisit_on_a_phone(browser, live_server.url, username, visited[username], problems)
    # The crawl reached each role's own pages, not just its home.
    for username, paths in visited.items():
        assert len(paths) >= 3, f"{username} reached only {paths}"
    assert not problems, "\n".join(problems)
    pages = sum(map(len, visited.values()))
    print(f"crawled {pages} pages x 2 in {time.monotonic() - started:.0f} s")
