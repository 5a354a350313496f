"""A long list's Excel download in a real browser: the supervisor clicks "下载 Excel" on the
inbox, lands on the job's page that shows its progress (htmx polling, no inline script),
and, once the job has run, the download link appears and gives the file. At 1366 px and on
a 390 px phone; neither page is wider than the screen."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from registry import services
from registry.models import Assignment, Dispatch, Job
from tests.e2e.conftest import artifact_path, login
from tests.factories import TEST_PASSWORD, CommunityFactory, WorkItemFactory

pytestmark = pytest.mark.e2e
DESKTOP = {"width": 1366, "height": 900}


def fits(page: Page, width: int) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.fixture
def long_inbox(world, settings, tmp_path, monkeypatch):
    """Twelve tasks under district A; lists of more than five rows become jobs, and jobs
    wait (no worker) until the test runs them."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PORTAL = {**settings.PORTAL, "EXPORT_INLINE_MAX_ROWS": 5}
    monkeypatch.setattr("registry.outbox._hand_over_one", lambda pk: None)
    street = world.a.street
    communities = [
        CommunityFactory(code=f"{street.code}{n:03d}", name=f"第{n}社区", parent=street)
        for n in range(100, 112)
    ]
    item = WorkItemFactory(jurisdiction=world.a.district, department=world.a.department)
    dispatch = Dispatch.objects.create(
        department=world.a.department,
        work_item=item,
        created_by=world.a.department_staff,
        title="居民信息核对",
        due_date=datetime.date.today() + datetime.timedelta(days=30),
        hours_per_community=Decimal("1"),
        lead_working_days=20,
        community_count=len(communities),
    )
    Assignment.objects.bulk_create(
        Assignment(
            dispatch=dispatch,
            community=c,
            department=world.a.department,
            work_item=item,
            due_date=dispatch.due_date,
            hours=Decimal("1"),
        )
        for c in communities
    )
    return len(communities)


def _start_from_the_inbox(page: Page, live_server, world, width: int) -> Job:
    login(page, live_server, world.a.supervisor.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/inbox/")
    assert fits(page, width)
    page.screenshot(path=artifact_path(f"exports-inbox-{width}"), full_page=False)
    with page.expect_navigation():
        page.get_by_role("link", name="下载 Excel").click()
    job = Job.objects.get(owner=world.a.supervisor, state=Job.State.QUEUED)
    assert page.url.endswith(f"/jobs/{job.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("后台任务")
    expect(page.locator("#job-progress")).to_contain_text("排队")
    return job


def test_a_long_export_shows_its_progress_then_the_download(
    page, phone_page, live_server, world, long_inbox, tmp_path
):
    page.set_viewport_size(DESKTOP)
    job = _start_from_the_inbox(page, live_server, world, DESKTOP["width"])
    assert fits(page, DESKTOP["width"])
    page.screenshot(path=artifact_path("exports-job-queued-1366"), full_page=True)

    services.job_run(job_id=job.pk)  # the worker's turn
    link = page.get_by_role("link", name="下载 Excel 文件")
    expect(link).to_be_visible(timeout=10_000)  # the next poll swaps the panel in
    expect(page.locator("#job-progress")).to_contain_text(f"{long_inbox} / {long_inbox} 行")
    assert fits(page, DESKTOP["width"])
    page.screenshot(path=artifact_path("exports-job-done-1366"), full_page=True)
    with page.expect_download() as download:
        link.click()
    path = tmp_path / "inbox.xlsx"
    download.value.save_as(path)
    sheet = load_workbook(path).active
    assert sheet.max_row == long_inbox + 1 and sheet.freeze_panes == "A2"

    phone_job = _start_from_the_inbox(phone_page, live_server, world, 390)
    assert fits(phone_page, 390)
    phone_page.screenshot(path=artifact_path("exports-job-queued-390"), full_page=True)
    services.job_run(job_id=phone_job.pk)
    expect(phone_page.get_by_role("link", name="下载 Excel 文件")).to_be_visible(timeout=10_000)
    assert fits(phone_page, 390)
    phone_page.screenshot(path=artifact_path("exports-job-done-390"), full_page=True)


def test_a_short_list_downloads_at_once(page, live_server, world, long_inbox, tmp_path):
    page.set_viewport_size(DESKTOP)
    login(page, live_server, world.a.supervisor.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/inbox/?community={world.a.community.code}")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 Excel").click()
    download.value.save_as(tmp_path / "short.xlsx")
    assert load_workbook(tmp_path / "short.xlsx").active.max_row == 1  # header, no task
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    "user, path",
    [
        ("department_staff", "/applications/"),
        ("department_staff", "/dispatch/"),
        ("reviewer", "/work-items/"),
        ("supervisor", "/monitoring/flags/"),
        ("supervisor", "/monitoring/clues/"),
        ("supervisor", "/monitoring/reports/"),
        ("community_cadre", "/certificates/register/"),
        ("supervisor", "/plaques/"),
    ],
)
def test_every_list_page_offers_its_download_and_fits_a_phone(
    phone_page, live_server, world, user, path
):
    account = world.a.user(user)
    login(phone_page, live_server, account.username, TEST_PASSWORD)
    phone_page.goto(f"{live_server.url}{path}")
    expect(phone_page.get_by_role("link", name="下载 Excel")).to_be_visible()
    assert fits(phone_page, 390)
    name = path.strip("/").replace("/", "-")
    phone_page.screenshot(path=artifact_path(f"exports-list-{name}-390"), full_page=False)
