"""Browser tests: Playwright's sync API drives Debian's chromium against the live_server.

Never run ``playwright install``: the browser is the system one at /usr/bin/chromium, with
fonts-wqy-microhei for the Chinese text. Every test here is marked ``e2e``; tests/conftest.py
skips them where chromium is missing (and fails the run in CI). A failing test leaves a
full-page screenshot in test-artifacts/<test name>.png.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

# Playwright's sync API runs an asyncio loop in the main thread; without this Django would
# refuse the ORM calls that fixtures (world, live_server) make from the same thread.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Generous waits: on a two-core CI machine two test processes and their live servers share
# the CPU; a slow page is not a failure, a missing one still is (after this long).
ACTION_TIMEOUT_MS = 30_000
expect.set_options(timeout=15_000)

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
# The office screen the issue walks were made on (the default page is Playwright's 1280).
DESKTOP = {"viewport": {"width": 1366, "height": 768}}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can tell that a test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


def artifact_path(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as runner:
        yield runner


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


def _open_page(browser: Browser, request: pytest.FixtureRequest, **context_options) -> Page:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **context_options)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    # Anything the Content-Security-Policy blocked (an inline script, eval, a foreign
    # source) is a broken page even when the test's own steps pass.
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    def finish() -> None:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            page.screenshot(path=artifact_path(request.node.name), full_page=True)
        context.close()
        assert not blocked, f"the Content-Security-Policy blocked: {blocked}"

    request.addfinalizer(finish)
    return page


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Page:
    """A fresh browser context (no cookies) per test: desktop size, Chinese locale."""
    return _open_page(browser, request)


@pytest.fixture
def desktop_page(browser: Browser, request: pytest.FixtureRequest) -> Page:
    """Like ``page`` but 1366x768, the width the layout checks are made at."""
    return _open_page(browser, request, **DESKTOP)


@pytest.fixture
def phone_page(browser: Browser, request: pytest.FixtureRequest) -> Page:
    """Like ``page`` but a 390x844 phone with touch."""
    return _open_page(browser, request, **PHONE)


def login(page: Page, live_server, username: str, password: str) -> None:
    """Sign in the way a person does: open the login page, type into the labelled fields,
    press the button, and wait for the page that follows."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
