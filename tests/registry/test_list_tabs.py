"""A list reached with filters stays filtered when a tab is clicked or its filter form is
sent (registry/templatetags/portal_lists.py): a drill-down from the dashboard
(``/inbox/?area=…&received_from=…``) must not turn into the whole jurisdiction when the
supervisor picks 待接收. The page number never travels to another tab."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import QueryDict
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from monitoring.models import Clue
from public.models import Complaint
from registry.models import Assignment
from signage.models import Plaque
from tests.registry.test_dashboard import send

pytestmark = pytest.mark.usefixtures("on_a_known_monday")


def tab_links(html: str, container: str, path: str) -> list[dict[str, list[str]]]:
    """The query of every link to ``path`` inside the page's tabs (the element whose
    opening tag starts with ``container``, up to its closing tag)."""
    found = re.search(re.escape(container) + r".*?</(?:nav|ul)>", html, re.S)
    assert found, container
    queries = []
    for href in re.findall(r'href="([^"]*)"', found.group(0)):
        parts = urlsplit(unescape(href))
        assert parts.path in ("", path), href
        queries.append(parse_qs(parts.query, keep_blank_values=True))
    return queries


def form_hidden(html: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html):
        if name != "csrfmiddlewaretoken" and name != "next":
            out.setdefault(name, []).append(unescape(value))
    return out


def test_the_inbox_tabs_keep_a_dashboard_drill_down(client, world, city_supervisor):
    send(world.a.department, [world.a.community, world.a.community2], on="2026-09-01")
    client.force_login(city_supervisor)
    drill = {
        "area": world.a.district.code,
        "department": world.a.department.code,
        "received_from": "2026-01-01",
        "received_until": "2026-09-14",
    }

    response = client.get(reverse("inbox"), {**drill, "state": "pending", "page": "2"})

    assert response.status_code == 200
    tabs = tab_links(response.content.decode(), '<ul class="filter-tabs">', reverse("inbox"))
    states = {q.get("state", [""])[0] for q in tabs}
    # Every tab, 全部 included, from the view's own list of them.
    assert states >= {"", "open", *(s for s in Assignment.State.values if s != "withdrawn")}
    for query in tabs:
        assert {k: v for k, v in query.items() if k != "state"} == {
            k: [v] for k, v in drill.items()
        }
    # The drill-down's filters still narrow the list the tabs show: 2 of district A.
    assert response.context["page_obj"].paginator.count == 2


def test_the_clue_boards_tabs_keep_the_area_and_the_period(client, world):
    client.force_login(world.a.supervisor)
    drill = {"area": world.a.district.code, "reported_from": "2026-01-01"}

    html = client.get(reverse("clue-board"), {**drill, "page": "3"}).content.decode()

    tabs = tab_links(html, '<nav class="card button-row"', reverse("clue-board"))
    assert [q.pop("state", [""])[0] for q in tabs] == ["", *Clue.State.values]
    assert all(q == {k: [v] for k, v in drill.items()} for q in tabs)


def test_the_complaint_queues_tabs_drop_the_page_and_keep_the_rest(client, world):
    client.force_login(world.a.supervisor)

    html = client.get(
        reverse("complaint-queue"), {"state": "received", "page": "2", "q": "路灯"}
    ).content.decode()

    tabs = tab_links(html, '<nav class="tabs complaint-tabs"', reverse("complaint-queue"))
    assert [q.pop("state", [""])[0] for q in tabs] == ["", *Complaint.State.values]
    assert all(q == {"q": ["路灯"]} for q in tabs)


def test_the_plaque_registrys_tabs_keep_the_community(client, world):
    client.force_login(world.a.supervisor)
    community = world.a.community2.code

    html = client.get(
        reverse("plaque-registry"), {"community": community, "status": "removed", "page": "2"}
    ).content.decode()

    tabs = tab_links(html, '<nav class="plaque-tabs"', reverse("plaque-registry"))
    assert [q.pop("status")[0] for q in tabs] == list(Plaque.Status.values)
    assert all(q == {"community": [community]} for q in tabs)


def test_a_dispatchs_state_tabs_drop_the_page(client, world):
    dispatch = send(world.a.department, [world.a.community, world.a.community2], on="2026-09-01")
    client.force_login(world.a.department_staff)
    path = reverse("dispatch-show", args=[dispatch.pk])

    html = client.get(path, {"state": "pending", "page": "2"}).content.decode()

    tabs = tab_links(html, '<ul class="filter-tabs"', path)
    assert [q.pop("state", [""])[0] for q in tabs][:2] == ["", Assignment.State.PENDING]
    assert all(q == {} for q in tabs)


@pytest.mark.parametrize(
    ("url_name", "login", "drill", "own"),
    [
        # The dashboard's admission links: area and decision dates; the form changes state.
        (
            "applications",
            "reviewer",
            {"area": "{district}", "decided_from": "2026-01-01", "decided_until": "2026-09-14"},
            {"state": "approved"},
        ),
        # Its flag links: area (a field of the form) and the period flags were seen in.
        (
            "flags",
            "supervisor",
            {"seen_from": "2026-01-01", "seen_until": "2026-09-14"},
            {"area": "{district}", "kind": "community_overload", "status": "all"},
        ),
        # Its off-platform links: area and the receiving period.
        (
            "offplatform-reports",
            "supervisor",
            {"area": "{district}", "received_after": "2026-01-01", "received_before": "2026-09-14"},
            {"channel": ""},
        ),
    ],
)
def test_a_lists_filter_form_keeps_the_filters_it_has_no_field_for(
    client, world, url_name, login, drill, own
):
    client.force_login(getattr(world.a, login))
    drill, own = (
        {k: v.format(district=world.a.district.code) for k, v in d.items()} for d in (drill, own)
    )

    response = client.get(reverse(url_name), {**drill, **own, "page": "2"})

    assert response.status_code == 200
    # Sending the form again carries the drill-down's filters, not its own fields twice.
    assert form_hidden(response.content.decode()) == {k: [v] for k, v in drill.items()}


def test_tab_query_keeps_repeated_filters_and_escapes(rf: RequestFactory):
    request = rf.get("/inbox/", QueryDict("area=1&area=2&q=<b>&page=4&format=xlsx&state=x"))
    template = Template(
        '{% load portal_lists %}<a href="{% tab_query state=value %}">'
        '<a href="{% tab_query state="" area=None q=None %}">'
    )

    html = template.render(Context({"request": request, "value": "open"}))

    first, everything = re.findall(r'href="([^"]*)"', html)
    assert parse_qs(urlsplit(unescape(first)).query) == {
        "area": ["1", "2"],
        "q": ["<b>"],
        "state": ["open"],
    }
    assert "<b>" not in html
    # All filters removed: a bare "?" (an empty href would keep the current query).
    assert everything == "?"
