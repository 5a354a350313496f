"""Apps plug into the hub: the header's links and the workbenches' sections are what the
apps registered (registry.plugins), shown to whoever may do each one's action."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from registry import plugins
from registry.models import Role


def _nav(html: str) -> list[str]:
    """The header's links (href), in order."""
    block = html.split('class="site-nav__links"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'href="([^"]+)"', block)


def _sections(html: str) -> list[tuple[str, list[str]]]:
    """Each workbench section (they come before "My organisations" since issue 14 item 10):
    its heading and the links in it (for a lazily loaded section, the fetched URL first)."""
    grid = html.split('class="panel-grid"', 1)[1].split("</main>", 1)[0]
    grid = grid.split('<section class="panel" aria-labelledby="my-organisations"', 1)[0]
    found = []
    for panel in re.split(r"<section ", grid)[1:]:
        heading = re.sub(r"<[^>]+>", "", re.search(r"<h2[^>]*>(.*?)</h2>", panel, re.S).group(1))
        links = re.findall(r'(?:hx-get|href)="([^"]+)"', panel)
        found.append((heading.strip(), links))
    return found


SLUGS = {
    Role.DEPARTMENT_STAFF: "department",
    Role.REVIEWER: "reviewer",
    Role.COMMUNITY_CADRE: "community",
    Role.LIAISON: "liaison",
    Role.SUPERVISOR: "supervisor",
    Role.AREA_ADMINISTRATOR: "administrator",
}
# What each demo role saw before the hub read the registrations (the header's links after
# the workbench, then each section's heading and links), link for link, plus what issue 11
# (monitoring) adds (the monthly reports, clues and rectification notices) and what signage
# registers (its header link, its section, its links in the link lists), and the dashboard
# (issue 13: a header link for reviewers and supervisors, the supervisor's card).
SHOWN = {
    Role.DEPARTMENT_STAFF: (
        [
            "/workbench/department/",
            "/applications/",
            "/dispatch/",
            "/plaques/",
            "/monitoring/notices/",
            "/monitoring/evaluation/",
            "/work-items/",
        ],
        [
            ("待办事项", []),
            ("我的准入申请", ["/applications/", "/applications/new/"]),
            # Issue 14: the admissions ending soon (申请续期) and the week's refusals.
            ("即将到期的准入", []),
            ("派发", ["/dispatch/new/", "/dispatch/", "/monitoring/reports/"]),
            ("本周被拒收的任务", ["/dispatch/"]),
            ("整改通知书", ["/monitoring/notices/section/", "/monitoring/notices/"]),
            ("社区对本部门的评价", ["/monitoring/evaluation/section/", "/monitoring/evaluation/"]),
        ],
    ),
    Role.REVIEWER: (
        [
            "/workbench/reviewer/",
            "/dispatch/",
            "/review/",
            "/dispatch/ratification/",
            "/plaques/",
            "/monitoring/flags/",
            "/monitoring/evaluation/",
            "/work-items/",
            "/dashboard/",
            "/certificates/catalogue/",
        ],
        [
            ("待办事项", []),
            ("清单与工作事项", ["/work-items/", "/lists/import/", "/lists/", "/applications/"]),
            (
                "派发与监测",
                [
                    "/dispatch/ratification/",
                    "/monitoring/flags/",
                    "/dispatch/",
                    "/monitoring/reports/",
                ],
            ),
            ("牌匾", ["/plaques/section/", "/plaques/"]),
        ],
    ),
    Role.COMMUNITY_CADRE: (
        [
            "/workbench/community/",
            "/inbox/",
            "/certificates/register/",
            "/plaques/",
            "/monitoring/reports/new/",
            "/monitoring/evaluation/",
            "/work-items/",
        ],
        [
            ("待办事项", ["/inbox/section/", "/inbox/"]),
            (
                "基层减负",
                [
                    "/inbox/",
                    "/monitoring/reports/new/",
                    "/monitoring/reports/",
                    "/plaques/",
                    "/notifications/",
                ],
            ),
            ("评价部门", ["/monitoring/evaluation/section/", "/monitoring/evaluation/"]),
            ("牌匾", ["/plaques/section/", "/plaques/"]),
        ],
    ),
    Role.LIAISON: (
        [
            "/workbench/liaison/",
            "/inbox/",
            "/monitoring/monthly/",
            "/monitoring/reports/new/",
            "/work-items/",
        ],
        [
            # Issue 14: the liaison's to-do is the community's open inbox.
            ("待办事项", ["/inbox/section/", "/inbox/"]),
            (
                "报告平台外收到的工作要求",
                ["/monitoring/reports/section/", "/monitoring/reports/new/"],
            ),
            ("月度监测报告", ["/monitoring/monthly/section/", "/monitoring/monthly/"]),
        ],
    ),
    Role.SUPERVISOR: (
        [
            "/workbench/supervisor/",
            "/applications/",
            "/dispatch/",
            "/plaques/",
            "/monitoring/monthly/",
            "/monitoring/clues/",
            "/monitoring/flags/",
            "/monitoring/evaluation/",
            "/complaints/",
            "/work-items/",
            "/dashboard/",
        ],
        [
            ("待办事项", ["/monitoring/flags/section/", "/monitoring/flags/"]),
            ("线索与整改", ["/monitoring/clues/section/", "/monitoring/clues/"]),
            (
                "督查",
                [
                    "/monitoring/flags/",
                    "/monitoring/clues/",
                    "/monitoring/monthly/",
                    "/dispatch/",
                    "/monitoring/reports/",
                    "/complaints/",
                    "/plaques/",
                    "/notifications/",
                ],
            ),
            ("投诉建议", ["/complaints/section/", "/complaints/"]),
            # Issue 13: the dashboard's card leads to it (it was a placeholder).
            ("基层负担看板", ["/dashboard/"]),
            ("反向评价", ["/monitoring/evaluation/section/", "/monitoring/evaluation/"]),
            ("牌匾", ["/plaques/section/", "/plaques/"]),
        ],
    ),
    # The district's own IT staff: accounts only (the published lists are everyone's).
    Role.AREA_ADMINISTRATOR: (
        ["/workbench/administrator/", "/work-items/", "/accounts/import/"],
        [("本区域的账号", ["/accounts/import/", "/accounts/deactivate/", "/notifications/"])],
    ),
}


def _workbench(client, user, slug: str) -> str:
    client.force_login(user)
    response = client.get(reverse("workbench", kwargs={"role": slug}))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("role", list(Role))
def test_each_roles_menu_and_workbench_sections_are_what_they_were(client, world, role):
    html = _workbench(client, world.a.user(role), SLUGS[role])

    nav, sections = SHOWN[role]
    assert _nav(html) == nav
    assert _sections(html) == sections


def test_the_public_links_in_the_footer_include_what_apps_register(client, db):
    html = client.get(reverse("login")).content.decode()

    footer = html.split('class="site-footer__links"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'href="([^"]+)"', footer) == [
        "/lists/",
        "/verify/",
        "/certificates/lookup/",
        "/complaints/new/",
    ]


@pytest.fixture
def plug_in(monkeypatch):
    """Register a pretend app's action, header link, workbench section and section link
    for the test only (the registries are restored afterwards)."""
    from registry import permissions

    monkeypatch.setattr(permissions, "ACTION_ROLES", dict(permissions.ACTION_ROLES))
    monkeypatch.setattr(plugins, "_NAV_LINKS", dict(plugins._NAV_LINKS))
    monkeypatch.setattr(plugins, "_SECTIONS", dict(plugins._SECTIONS))
    monkeypatch.setattr(plugins, "_SECTION_LINKS", dict(plugins._SECTION_LINKS))
    plugins.actions({"plaque.register": frozenset({Role.COMMUNITY_CADRE})})
    # An existing page stands in for the app's (any URL name will do).
    plugins.nav_link(plugins.NavLink("published-lists", "牌匾", "plaque.register", 65))
    plugins.workbench_section(
        plugins.WorkbenchSection(
            "community",
            "plaque.register",
            "牌匾登记",
            url_name="verify",
            link_name="verify",
            link_text="打开牌匾登记",
            order=15,
        )
    )
    plugins.section_link(
        plugins.SectionLink(
            "community-links", "published-lists", "本社区牌匾", "plaque.register", 25
        )
    )
    yield
    import rules

    # rules keeps its own table; leave it as the other tests expect it.
    rules.remove_perm("portal.plaque.register")


def test_an_apps_section_and_links_appear_for_whoever_has_its_action(client, world, plug_in):
    html = _workbench(client, world.a.cadre, "community")

    assert "/lists/" in _nav(html)
    assert _sections(html) == [
        ("待办事项", ["/inbox/section/", "/inbox/"]),
        ("牌匾登记", ["/verify/", "/verify/"]),
        (
            "基层减负",
            [
                "/inbox/",
                "/monitoring/reports/new/",
                "/lists/",
                "/monitoring/reports/",
                "/plaques/",  # signage's own link (signage/apps.py)
                "/notifications/",
            ],
        ),
        # monitoring's own (the reverse evaluation), and signage's
        ("评价部门", ["/monitoring/evaluation/section/", "/monitoring/evaluation/"]),
        ("牌匾", ["/plaques/section/", "/plaques/"]),
    ]


def test_an_apps_section_and_links_disappear_without_its_action(client, world, plug_in):
    # The liaison of the same community holds no role the action admits.
    liaison = _workbench(client, world.a.liaison, "liaison")
    assert "/lists/" not in _nav(liaison)
    assert "牌匾登记" not in liaison

    # Nor does the cadre once the action no longer admits their role.
    plugins.actions({"plaque.register": frozenset({Role.REVIEWER})})
    cadre = _workbench(client, world.a.cadre, "community")
    assert "/lists/" not in _nav(cadre)
    assert "牌匾登记" not in cadre and "本社区牌匾" not in cadre


def test_a_link_to_a_page_that_is_not_installed_is_left_out(client, world, plug_in):
    plugins.nav_link(plugins.NavLink("no-such-page", "不存在", "workbench.community", 5))

    html = _workbench(client, world.a.cadre, "community")

    assert "不存在" not in html
