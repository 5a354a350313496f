"""The portal's pages as a person meets them: signing in, workbenches, errors, languages."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from registry.models import Role
from tests.factories import TEST_PASSWORD, MembershipFactory

LOGIN_URL = "/accounts/login/"
CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"

# role -> (workbench slug, its heading in Chinese)
WORKBENCHES = {
    Role.DEPARTMENT_STAFF: ("department", "部门工作台"),
    Role.REVIEWER: ("reviewer", "准入审核工作台"),
    Role.COMMUNITY_CADRE: ("community", "社区工作台"),
    Role.LIAISON: ("liaison", "监测点工作台"),
    Role.SUPERVISOR: ("supervisor", "督查工作台"),
}


def _organisation_of(world, role: Role):
    a = world.a
    return {
        Role.DEPARTMENT_STAFF: a.department,
        Role.REVIEWER: a.district,
        Role.COMMUNITY_CADRE: a.community,
        Role.LIAISON: a.community,
        Role.SUPERVISOR: a.district,
    }[role]


def _sign_in(client, username: str, password: str = TEST_PASSWORD, **extra):
    return client.post(LOGIN_URL, {"username": username, "password": password}, **extra)


# --- Signing in and out ---------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_renders_in_chinese_by_default(client):
    response = client.get(LOGIN_URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    assert "社区工作事项准入平台" in html
    assert "<h1" in html and "登录" in html
    assert "用户名" in html and "密码" in html


def test_bad_password_shows_a_chinese_error_and_starts_no_session(client, world):
    response = _sign_in(client, world.a.cadre.username, "wrong-password")

    html = response.content.decode()
    assert response.status_code == 200
    assert "用户名或密码不正确" in html
    assert 'role="alert"' in html
    assert "_auth_user_id" not in client.session


def test_empty_login_form_says_which_fields_are_required_in_chinese(client, db):
    response = client.post(LOGIN_URL, {"username": "", "password": ""})

    html = response.content.decode()
    assert html.count("该字段是必填项。") == 2
    assert 'aria-invalid="true"' in html


@pytest.mark.parametrize("role", list(WORKBENCHES))
def test_each_role_lands_on_its_own_workbench_after_login(client, world, role):
    user = world.a.user(role)
    slug, heading = WORKBENCHES[role]

    response = _sign_in(client, user.username, follow=True)

    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("workbench", kwargs={"role": slug})
    assert f"<h1>{heading}</h1>" in html
    assert _organisation_of(world, role).name in html
    assert user.display_name in html and user.username in html
    assert "待办事项" in html


def test_workbench_lists_code_level_and_parent_of_each_organisation(client, world):
    client.force_login(world.a.reviewer)

    html = client.get(reverse("workbench", kwargs={"role": "reviewer"})).content.decode()

    district = world.a.district
    assert district.name in html and district.code in html
    assert "区县" in html  # the district's level, in Chinese
    assert world.city.name in html  # its parent


@pytest.mark.parametrize(
    ("role", "other_slug"),
    [
        (Role.COMMUNITY_CADRE, "reviewer"),
        (Role.DEPARTMENT_STAFF, "community"),
        (Role.REVIEWER, "supervisor"),
        (Role.LIAISON, "department"),
        (Role.SUPERVISOR, "liaison"),
    ],
)
def test_a_user_cannot_open_another_roles_workbench(client, world, role, other_slug):
    client.force_login(world.a.user(role))

    response = client.get(reverse("workbench", kwargs={"role": other_slug}))

    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


# "/" is the public front page for a visitor (tests/public/test_front_page.py).
@pytest.mark.parametrize("path", ["/workbench/community/"])
def test_anonymous_visitor_is_sent_to_login(client, db, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next={path}"


def test_signing_in_from_a_redirect_returns_to_the_page_asked_for(client, world):
    next_page = "/workbench/community/"

    response = client.post(
        f"{LOGIN_URL}?next={next_page}",
        {"username": world.a.cadre.username, "password": TEST_PASSWORD, "next": next_page},
    )

    assert response.status_code == 302
    assert response["Location"] == next_page


def test_logout_returns_to_login_with_a_message(client, world):
    client.force_login(world.a.cadre)

    response = client.post(reverse("logout"), follow=True)

    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("login")
    assert "您已安全退出" in html
    assert "_auth_user_id" not in client.session


def test_every_page_offers_logout_as_a_post_form_with_csrf(client, world):
    client.force_login(world.a.cadre)

    html = client.get("/workbench/community/").content.decode()

    form = re.search(r'<form[^>]*action="/accounts/logout/"[^>]*>(.*?)</form>', html, re.S)
    assert form and 'method="post"' in form.group(0)
    assert "csrfmiddlewaretoken" in form.group(1)


def test_user_without_a_role_is_told_to_ask_the_administrator(client, world):
    client.force_login(world.outsider)

    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "尚未分配角色" in html
    assert "outsider" in html


def test_user_with_several_roles_gets_a_link_to_each_workbench(client, world):
    MembershipFactory(user=world.a.cadre, organisation=world.a.community, role=Role.LIAISON)
    client.force_login(world.a.cadre)

    response = client.get("/", follow=True)

    html = response.content.decode()
    assert response.redirect_chain[-1][0] == "/workbench/community/"
    assert 'href="/workbench/community/" aria-current="page"' in html
    assert 'href="/workbench/liaison/"' in html
    assert 'href="/workbench/reviewer/"' not in html


# --- Languages ----------------------------------------------------------------------------------


def test_language_switch_to_english_shows_english(client, world):
    client.force_login(world.a.cadre)

    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/workbench/community/"}, follow=True
    )

    html = response.content.decode()
    assert response.redirect_chain[-1][0] == "/workbench/community/"
    assert '<html lang="en">' in html
    assert "<h1>Community workbench</h1>" in html
    assert "Community Work Item Admission Platform" in html
    assert "社区工作台" not in html


def test_zh_hans_catalogue_is_complete():
    entries = _parse_po(CATALOGUE.read_text(encoding="utf-8"))

    assert len(entries) > 50, "the catalogue looks empty: run makemessages (docs/i18n.md)"
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"])]
    assert fuzzy == [], f"fuzzy entries in {CATALOGUE.name}: {fuzzy}"
    assert untranslated == [], f"untranslated entries in {CATALOGUE.name}: {untranslated}"
    # The committed .mo must say what the .po says (machines without gettext use it as is).
    with CATALOGUE.with_suffix(".mo").open("rb") as compiled_file:
        compiled = gettext.GNUTranslations(compiled_file)._catalog
    stale = [e["msgid"] for e in entries if compiled.get(e["key"]) != e["msgstr"][0]]
    assert stale == [], f"django.mo is out of date, run compilemessages: {stale}"


def _parse_po(text: str) -> list[dict]:
    """The entries of a .po file: msgid, its key in a .mo, flags and the msgstrs.

    gettext separates entries with a blank line; a string may continue on following
    lines. The header (empty msgid) and obsolete entries (all lines "#~") are left out.
    """
    entries = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        flags = [
            flag.strip() for line in lines if line.startswith("#,") for flag in line[2:].split(",")
        ]
        fields: dict[str, str] = {}
        keyword = ""
        for line in lines:
            if line.startswith("#"):
                continue
            if line.startswith('"'):
                fields[keyword] += ast.literal_eval(line)
            else:
                keyword, _, literal = line.partition(" ")
                fields[keyword] = ast.literal_eval(literal)
        if fields.get("msgid"):
            msgstrs = [value for key, value in fields.items() if key.startswith("msgstr")]
            # The entry's key in a compiled catalogue (gettext.GNUTranslations._catalog).
            key = fields["msgid"]
            if "msgctxt" in fields:
                key = f"{fields['msgctxt']}\x04{key}"
            if "msgid_plural" in fields:
                key = (key, 0)
            entries.append(
                {"msgid": fields["msgid"], "key": key, "flags": flags, "msgstr": msgstrs}
            )
    return entries


# --- Error pages ---------------------------------------------------------------------------------


def test_unknown_address_shows_the_chinese_not_found_page(client, world):
    client.force_login(world.a.cadre)

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_server_error_page_renders_without_a_request():
    with translation.override("zh-hans"):
        html = render_to_string("500.html")

    assert "服务器出错" in html
    assert "/static/css/portal.css" in html


# --- Design system ---------------------------------------------------------------------------


def test_pagination_keeps_other_query_parameters():
    request = RequestFactory().get("/items/", {"status": "approved", "q": "台账", "page": "2"})
    page = Paginator(list(range(45)), 10).page(2)

    with translation.override("zh-hans"):
        html = render_to_string("partials/pagination.html", {"page": page}, request=request)

    assert "第 2 / 5 页" in html
    assert "status=approved" in html and "q=%E5%8F%B0%E8%B4%A6" in html
    assert "page=3" in html and "page=1" in html
    assert html.count("page=2") == 0


def test_pages_load_scripts_and_styles_only_from_this_server(client, db):
    html = client.get(LOGIN_URL).content.decode()

    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css|svg))"', html)
    assert "/static/vendor/htmx/htmx.min.js" in assets
    assert all(asset.startswith("/static/") for asset in assets), assets
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), f"{asset} is not in static/"


def test_home_redirect_costs_three_queries(client, world, django_assert_num_queries):
    client.force_login(world.a.cadre)

    # 1. the session row, 2. the signed-in user, 3. the user's memberships (roles), which
    # decide the first workbench.
    with django_assert_num_queries(3):
        response = client.get("/")

    assert response["Location"] == "/workbench/community/"


def test_workbench_query_count_does_not_grow_with_organisations(
    client, world, django_assert_num_queries
):
    for community in (world.a.community2, world.b.community, world.b.community2):
        MembershipFactory(user=world.a.cadre, organisation=community, role=Role.COMMUNITY_CADRE)
    client.force_login(world.a.cadre)

    # 1. session, 2. user, 3. memberships for the permission check and the navigation
    # (loaded once, cached on the user), 4. this role's memberships with each organisation
    # and its parent joined in.
    with django_assert_num_queries(4):
        response = client.get("/workbench/community/")

    html = response.content.decode()
    assert all(name in html for name in ("A一社区", "A二社区", "B一社区", "B二社区"))
