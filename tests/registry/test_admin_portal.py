"""Issue 14 item 14: the admin is the portal's. Its name in the header, Chinese everywhere
(the user-add hint, the sign-in protection's pages), audit actions in words, the beat
schedule visible as periodic tasks after migrate, a favicon, ``make demo PORT=8001``."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from config.celery import BEAT_SCHEDULE
from registry import audit_actions
from registry.audit import audit_record
from registry.models import AuditEntry

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def admin_client_(client, world):
    client.force_login(world.admin)
    return client


def test_the_admin_header_and_title_are_the_portals_name(admin_client_):
    html = admin_client_.get(reverse("admin:index")).content.decode()
    assert "社区工作事项准入平台" in html
    assert "Django 管理" not in html and "Django administration" not in html
    assert re.search(r"<title>[^<]*社区工作事项准入平台</title>", html)


def test_the_user_add_page_speaks_chinese(admin_client_):
    html = admin_client_.get(reverse("admin:registry_user_add")).content.decode()
    assert "After you" not in html and "First, enter" not in html
    assert "请先填写用户名和密码" in html


def test_the_sign_in_protection_pages_speak_chinese(admin_client_):
    index = admin_client_.get(reverse("admin:index")).content.decode()
    for english in ("Access attempts", "Access failures", "Access logs", ">Axes<"):
        assert english not in index
    assert "登录保护" in index and "登录尝试" in index
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(
        username="nobody",
        ip_address="198.51.100.7",
        user_agent="test",
        http_accept="*/*",
        path_info="/accounts/login/",
        get_data="",
        post_data="",
        failures_since_start=1,
    )
    page = admin_client_.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "IP 地址" in page and "IP Address" not in page


def test_every_audit_action_has_words_in_chinese():
    with translation.override("zh-hans"):
        untranslated = [
            name for name, meaning in audit_actions.choices() if not CJK.search(str(meaning))
        ]
    assert not untranslated, f"audit actions without Chinese words: {untranslated}"


def test_an_audit_entry_shows_its_action_in_words_in_the_list_and_on_its_page(admin_client_, world):
    audit_record(actor=world.admin, action=audit_actions.USER_DEACTIVATE, obj=world.outsider)
    entry = AuditEntry.objects.get(action="user.deactivate")
    listing = admin_client_.get(reverse("admin:registry_auditentry_changelist")).content
    page = admin_client_.get(reverse("admin:registry_auditentry_change", args=[entry.pk]))
    for html in (listing.decode(), page.content.decode()):
        assert "人员离任：账号停用，角色终止" in html


def test_the_beat_schedule_is_in_the_database_after_migrate(admin_client_):
    from django_celery_beat.models import PeriodicTask

    PeriodicTask.objects.all().delete()
    call_command("migrate", verbosity=0)
    tasks = {t.name: t for t in PeriodicTask.objects.select_related("crontab")}
    assert set(BEAT_SCHEDULE) <= set(tasks)
    for name, entry in BEAT_SCHEDULE.items():
        assert tasks[name].task == entry["task"]
        assert tasks[name].crontab is not None
    expire = tasks["work-items-expire"].crontab
    assert (expire.minute, expire.hour) == ("5", "0")
    # An administrator's switch survives the next migrate; nothing is duplicated.
    PeriodicTask.objects.filter(name="flags-compute").update(enabled=False)
    call_command("migrate", verbosity=0)
    assert PeriodicTask.objects.filter(name__in=BEAT_SCHEDULE).count() == len(BEAT_SCHEDULE)
    assert not PeriodicTask.objects.get(name="flags-compute").enabled
    # And the admin shows them.
    page = admin_client_.get(reverse("admin:django_celery_beat_periodictask_changelist"))
    html = page.content.decode()
    assert "work-items-expire" in html and "registry.tasks.work_items_expire" in html
    assert "运行时间" in html
    assert "Task Name" not in html and ">Scheduler<" not in html


def test_a_favicon_from_the_portals_own_static_files(admin_client_, client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/emblem.svg")
    assert (ROOT / "static" / "img" / "emblem.svg").exists()
    admin_page = admin_client_.get(reverse("admin:index")).content.decode()
    assert re.search(r'<link rel="icon" href="[^"]*img/emblem\.svg"', admin_page)


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_demo_takes_a_port():
    out = subprocess.run(
        ["make", "-n", "demo", "PORT=8001"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "runserver 127.0.0.1:8001" in out
    assert "seed_demo --port 8001" in out
    default = subprocess.run(
        ["make", "-n", "demo"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "runserver 127.0.0.1:8000" in default
