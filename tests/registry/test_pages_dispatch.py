"""The dispatch pages, the community inbox and notifications, as their users meet them."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from registry import services
from registry.models import Assignment, Dispatch, Notification, Organisation, Role
from registry.workdays import working_days_between
from tests.factories import CommunityFactory, MembershipFactory, UserFactory, WorkItemFactory

# A Monday in a year the holiday calendar covers; the National Day week lies ahead.
MONDAY = datetime.date(2026, 9, 14)
LOGIN = "/accounts/login/"


pytestmark = pytest.mark.usefixtures("on_a_known_monday")


def other_item(world):
    """Another item of the same department over the same street."""
    return WorkItemFactory(
        jurisdiction=world.a.district,
        department=world.a.department,
        hours_per_occurrence=Decimal("3"),
        households_per_occurrence=20,
        scope=[world.a.street],
    )


def send(world, item=None, **overrides) -> Dispatch:
    fields = {
        "actor": world.a.department_staff,
        "work_item": item,
        "title": "九月居民信息核对",
        "communities": [world.a.community, world.a.community2],
        "due_date": MONDAY + datetime.timedelta(days=14),
        "hours_per_community": Decimal("2"),
        "households_per_community": 10,
    }
    if item is None:
        fields.update(emergency=True, justification="台风红色预警", title="台风应急排查")
    fields.update(overrides)
    return services.dispatch_create(**fields)


def form_data(world, item, **overrides) -> dict:
    data = {
        "work_item": item.pk if item else "",
        "title": "九月居民信息核对",
        "instructions": "请核对附件名单中的住户信息。",
        "materials": "核对后的名单（Excel）",
        "due_date": "2026-09-30",
        "hours_per_community": "2",
        "households_per_community": "10",
        "areas": [world.a.street.code],
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def html_of(response) -> str:
    return response.content.decode()


# --- The dispatch form -----------------------------------------------------------------------


def test_dispatch_form_offers_the_departments_items_and_its_district_as_a_tree(client, world, item):
    WorkItemFactory(jurisdiction=world.b.district, department=world.b.department, title="B区事项")
    client.force_login(world.a.department_staff)

    response = client.get(reverse("dispatch-new"))

    html = html_of(response)
    assert response.status_code == 200
    assert "<h1>派发任务</h1>" in html
    assert "990102-2026-0007 居民信息核对" in html
    assert "B区事项" not in html
    # district > street > communities, each area with "all of it"
    assert 'name="areas" value="990102"' in html
    assert 'name="areas" value="990102001"' in html
    assert "全部：A街道" in html
    assert f'name="communities" value="{world.a.community.code}"' in html
    assert world.b.community.code not in html


def test_choosing_an_item_shows_what_it_admits(client, world, item):
    client.force_login(world.a.department_staff)

    html = html_of(client.get(reverse("dispatch-new"), {"work_item": item.pk}))

    context = re.search(r'<aside class="panel item-context".*?</aside>', html, re.S).group(0)
    assert "每月" in context
    assert "2026-01-01 – 2028-12-31" in context
    assert "A街道" in context
    assert re.search(r"<dt>每次需走访户数</dt><dd>20</dd>", context)
    # the communities of the admitted scope are marked in the tree
    assert "准入范围" in html


def test_due_date_shows_the_working_days_it_leaves_with_chinese_holidays(client, world, item):
    client.force_login(world.a.department_staff)
    # The National Day week (1-7 October) lies between.
    due = datetime.date(2026, 10, 9)
    days = working_days_between(MONDAY, due)
    assert days < (due - MONDAY).days * 5 // 7  # the holidays do not count

    html = html_of(client.get(reverse("dispatch-new"), {"due_date": due.isoformat()}))

    assert f"还有 {days} 个工作日" in html


def test_a_valid_dispatch_reaches_every_community_of_the_street_and_says_how_many(
    client, world, item
):
    client.force_login(world.a.department_staff)

    response = client.post(reverse("dispatch-new"), form_data(world, item), follow=True)

    dispatch = Dispatch.objects.get()
    assert response.redirect_chain[-1][0] == reverse("dispatch-show", args=[dispatch.pk])
    assert set(dispatch.assignments.values_list("community__code", flat=True)) == {
        world.a.community.code,
        world.a.community2.code,
    }
    assert dispatch.materials == "核对后的名单（Excel）"
    assert "已送达 2 个社区" in html_of(response)


def test_a_refused_dispatch_shows_every_reason_with_its_communities_and_creates_nothing(
    client, world, item
):
    item.scope.set([world.a.community])  # the second community is now outside the scope
    send(world, item, communities=[world.a.community])  # the month's one occurrence is used
    before = (Dispatch.objects.count(), Assignment.objects.count())
    client.force_login(world.a.department_staff)

    response = client.post(
        reverse("dispatch-new"),
        form_data(
            world,
            item,
            areas=None,
            communities=[world.a.community.code, world.a.community2.code],
            hours_per_community="5",
            households_per_community="30",
            due_date="2026-09-16",
        ),
    )

    html = html_of(response)
    assert response.status_code == 200
    assert (Dispatch.objects.count(), Assignment.objects.count()) == before
    refusal = re.search(
        r'<section class="alert alert--error gate-refusal".*?</section>', html, re.S
    )
    assert refusal, "the gate's refusal is shown"
    text = refusal.group(0)
    assert "准入关口因 4 项原因拒绝了此任务" in text
    reasons = dict(
        re.findall(r'data-reason="(\w+)">\s*<span class="gate-refusal__label">([^<]+)', text)
    )
    assert reasons == {
        "out_of_scope": "超出准入范围",
        "frequency_exceeded": "超过准入频次",
        "burden_exceeded": "超出准入工作量",
        "lead_time_too_short": "时限过短",
    }
    out_of_scope = re.search(r'data-reason="out_of_scope".*?</li>\s*</ul>', text, re.S).group(0)
    assert world.a.community2.name in out_of_scope
    frequency = re.search(r'data-reason="frequency_exceeded".*?</li>\s*</ul>', text, re.S).group(0)
    assert world.a.community.name in frequency
    # everything typed is still there
    assert 'value="九月居民信息核对"' in html
    assert "请核对附件名单中的住户信息。" in html
    assert f'value="{world.a.community2.code}" checked' in html
    assert 'value="5"' in html


def test_no_item_and_no_emergency_is_refused_as_not_admitted(client, world, item):
    client.force_login(world.a.department_staff)

    html = html_of(client.post(reverse("dispatch-new"), form_data(world, None)))

    assert 'data-reason="not_admitted"' in html
    assert Dispatch.objects.count() == 0


def test_an_emergency_reveals_and_requires_a_justification(client, world, item):
    client.force_login(world.a.department_staff)
    data = form_data(world, None, emergency="on", due_date="2026-09-15")

    html = html_of(client.post(reverse("dispatch-new"), data))

    assert "应急任务须书面说明理由" in html
    assert 'class="field--justification"' in html
    assert Dispatch.objects.count() == 0

    response = client.post(
        reverse("dispatch-new"), {**data, "justification": "台风红色预警，需立即排查危房"}
    )

    dispatch = Dispatch.objects.get()
    assert response.status_code == 302
    assert dispatch.emergency and dispatch.work_item is None
    assert dispatch.community_count == 2


@pytest.mark.parametrize("role", [Role.COMMUNITY_CADRE, Role.REVIEWER, Role.SUPERVISOR])
def test_only_department_staff_may_open_the_dispatch_form(client, world, role):
    client.force_login(world.a.user(role))

    assert client.get(reverse("dispatch-new")).status_code == 403


def test_a_visitor_is_sent_to_sign_in(client, db):
    for name in ("dispatch-new", "dispatch-index", "inbox", "notifications"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)


# --- My dispatches and a dispatch's page ------------------------------------------------------


def test_my_dispatches_show_number_or_emergency_mark_counts_and_refusal_reasons(
    client, world, item
):
    admitted = send(world, item)
    send(world)  # an emergency task
    refused = admitted.assignments.get(community=world.a.community)
    services.assignment_respond(
        actor=world.a.cadre, assignment=refused, action="refuse", reason_code="duplicate"
    )
    client.force_login(world.a.department_staff)

    html = html_of(client.get(reverse("dispatch-index")))

    assert "<h1>我的派发</h1>" in html
    rows = re.findall(r"<tr>\s*<th scope=\"row\".*?</tr>", html, re.S)
    assert len(rows) == 2
    emergency_row, admitted_row = rows  # newest first
    assert "台风应急排查" in emergency_row and "应急任务" in emergency_row
    assert "990102-2026-0007" in admitted_row and "2026-09-28" in admitted_row
    assert "待处理 1" in admitted_row and "已拒收 1" in admitted_row
    assert "重复报送已有数据 1" in admitted_row


def test_dispatch_page_lists_each_community_with_its_answer(client, world, item):
    dispatch = send(world, item)
    services.assignment_respond(
        actor=world.a.cadre,
        assignment=dispatch.assignments.get(community=world.a.community),
        action="refuse",
        reason_code="other",
        note="本月已开展同类排查",
    )
    client.force_login(world.a.department_staff)

    html = html_of(client.get(reverse("dispatch-show", args=[dispatch.pk])))

    row = re.search(rf'<tr data-community="{world.a.community.code}">.*?</tr>', html, re.S)
    assert "已拒收" in row.group(0) and "其他" in row.group(0)
    assert "本月已开展同类排查" in row.group(0)
    assert world.a.community2.name in html
    assert "990102-2026-0007" in html


@pytest.mark.parametrize("who", ["b.department_staff", "a.cadre", "outsider"])
def test_another_departments_dispatch_is_not_found_or_forbidden(client, world, item, who):
    dispatch = send(world, item)
    user = world
    for part in who.split("."):
        user = getattr(user, part)
    client.force_login(user)

    response = client.get(reverse("dispatch-show", args=[dispatch.pk]))

    assert response.status_code == 404


def test_my_dispatches_cost_the_same_queries_for_many_rows(
    client, world, item, django_assert_num_queries
):
    for n in range(12):
        send(world, None, title=f"应急任务{n}")
    client.force_login(world.a.department_staff)

    # 1 session, 2 user, 3 memberships (permission checks, cached on the user),
    # 4 count for the paginator, 5 the page of dispatches with department, item and
    # people joined, 6 the assignments per state of the page's dispatches, 7 the refusal
    # reasons of the page's dispatches.
    with django_assert_num_queries(7):
        response = client.get(reverse("dispatch-index"))

    assert html_of(response).count("应急任务") >= 12


# --- Ratification -------------------------------------------------------------------------


def test_reviewer_sees_waiting_emergencies_highlights_the_late_and_ratifies(client, world):
    late = send(world, title="久未追认的应急任务")
    Dispatch.objects.filter(pk=late.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=9)
    )
    fresh = send(world, title="新的应急任务")
    client.force_login(world.a.reviewer)

    html = html_of(client.get(reverse("dispatch-ratification")))

    late_row = re.search(r'<tr class="late-row">.*?</tr>', html, re.S).group(0)
    assert "久未追认的应急任务" in late_row and "9（已超期）" in late_row
    assert "新的应急任务" in html
    assert html.index("久未追认的应急任务") < html.index("新的应急任务")  # oldest first

    response = client.post(
        reverse("dispatch-ratify-page", args=[fresh.pk]), {"note": "情况属实"}, follow=True
    )

    fresh.refresh_from_db()
    assert fresh.ratified_by == world.a.reviewer and fresh.ratification_note == "情况属实"
    assert "已追认" in html_of(response)
    assert "新的应急任务" not in html_of(client.get(reverse("dispatch-ratification")))


def test_ratification_is_the_reviewers_own_district(client, world):
    dispatch = send(world)
    client.force_login(world.b.reviewer)

    assert "台风应急排查" not in html_of(client.get(reverse("dispatch-ratification")))
    response = client.post(reverse("dispatch-ratify-page", args=[dispatch.pk]), {"note": ""})
    assert response.status_code == 404
    dispatch.refresh_from_db()
    assert dispatch.ratified_at is None


@pytest.mark.parametrize("role", [Role.DEPARTMENT_STAFF, Role.COMMUNITY_CADRE, Role.SUPERVISOR])
def test_only_reviewers_open_the_ratification_queue(client, world, role):
    client.force_login(world.a.user(role))

    assert client.get(reverse("dispatch-ratification")).status_code == 403


def test_department_staff_cannot_ratify(client, world):
    dispatch = send(world)
    client.force_login(world.a.department_staff)

    response = client.post(reverse("dispatch-ratify-page", args=[dispatch.pk]), {"note": ""})

    assert response.status_code == 403
    dispatch.refresh_from_db()
    assert dispatch.ratified_at is None


# --- The community inbox ------------------------------------------------------------------


def test_inbox_shows_open_emergencies_first_with_number_verify_link_and_days_left(
    client, world, item
):
    # Each task under its own item: a monthly item goes out once a month.
    send(world, item, title="十月核对", due_date=datetime.date(2026, 10, 20))
    send(world, other_item(world), title="下周核对", due_date=datetime.date(2026, 9, 22))
    send(world, due_date=datetime.date(2026, 9, 16))  # emergency, 2 working days left
    done = send(world, other_item(world), title="已拒收的任务", due_date=datetime.date(2026, 9, 21))
    services.assignment_respond(
        actor=world.a.cadre,
        assignment=done.assignments.get(community=world.a.community),
        action="refuse",
        reason_code="duplicate",
    )
    client.force_login(world.a.cadre)

    html = html_of(client.get(reverse("inbox")))

    titles = re.findall(r'<h3 class="task-card__title"><a href="[^"]+">([^<]+)</a>', html)
    assert titles == ["台风应急排查", "下周核对", "十月核对", "已拒收的任务"]
    cards = re.findall(r'<li class="task-card.*?</li>', html, re.S)
    emergency, next_week = cards[0], cards[1]
    assert "应急任务" in emergency and "verify" not in emergency
    assert 'due due--urgent">09-16' in emergency and "还剩 2 个工作日" in emergency
    assert re.search(r'/verify/\?number=F-2026-\d+"', next_week)
    assert "due--urgent" not in next_week
    assert "区统计局" in next_week and "2" in next_week
    assert "task-card--closed" in cards[3]


def test_inbox_filters_by_state_with_counts(client, world, item):
    first = send(world, item, title="任务甲")
    send(world, title="任务乙")
    services.assignment_respond(
        actor=world.a.cadre,
        assignment=first.assignments.get(community=world.a.community),
        action="accept",
    )
    client.force_login(world.a.cadre)

    html = html_of(client.get(reverse("inbox"), {"state": "accepted"}))

    assert "任务甲" in html and "任务乙" not in html
    assert re.search(r'aria-current="page">已接收 <span class="filter-tabs__count">1</span>', html)
    assert re.search(r">全部 <span class=\"filter-tabs__count\">2</span>", html)


def test_cadre_accepts_then_completes_with_a_note_on_the_materials(client, world, item):
    task = send(world, item).assignments.get(community=world.a.community)
    client.force_login(world.a.cadre)

    client.post(reverse("inbox-respond", args=[task.pk, "accept"]))
    response = client.post(
        reverse("inbox-respond", args=[task.pk, "complete"]),
        {"note": "已上传核对名单"},
        follow=True,
    )

    task.refresh_from_db()
    assert task.state == Assignment.State.COMPLETED and task.note == "已上传核对名单"
    assert "已完成" in html_of(response)


def test_task_page_shows_instructions_materials_and_the_answer_buttons(client, world, item):
    task = send(
        world, item, instructions="逐户核对姓名和住址。", materials="核对表一份"
    ).assignments.get(community=world.a.community)
    client.force_login(world.a.cadre)

    html = html_of(client.get(reverse("inbox-task", args=[task.pk])))

    assert "逐户核对姓名和住址。" in html and "核对表一份" in html
    assert "接收" in html and "拒收此任务" in html
    assert 'data-confirm="' in html  # refusing asks first
    for code, words in [
        ("not_admitted", "未经准入"),
        ("outside_list", "不在清单范围内"),
        ("unreasonable_deadline", "时限不合理"),
        ("duplicate", "重复报送已有数据"),
        ("other", "其他"),
    ]:
        assert f'<option value="{code}">{words}</option>' in html


def test_refusing_needs_a_reason_and_other_needs_a_note(client, world, item):
    task = send(world, item).assignments.get(community=world.a.community)
    client.force_login(world.a.cadre)
    url = reverse("inbox-respond", args=[task.pk, "refuse"])

    no_reason = html_of(client.post(url, {"reason_code": "", "note": ""}))
    other_without_note = html_of(client.post(url, {"reason_code": "other", "note": ""}))

    task.refresh_from_db()
    assert task.state == Assignment.State.PENDING
    assert "该字段是必填项" in no_reason
    assert "请说明拒收原因" in other_without_note


def test_refusing_with_a_reason_tells_the_department(client, world, item):
    dispatch = send(world, item)
    task = dispatch.assignments.get(community=world.a.community)
    client.force_login(world.a.cadre)

    response = client.post(
        reverse("inbox-respond", args=[task.pk, "refuse"]),
        {"reason_code": "unreasonable_deadline", "note": "两周内无法完成入户"},
        follow=True,
    )

    task.refresh_from_db()
    assert task.state == Assignment.State.REFUSED
    assert task.refusal_reason == "unreasonable_deadline"
    assert response.redirect_chain[-1][0] == reverse("inbox")
    assert Notification.objects.filter(
        recipient=world.a.department, kind="assignment.refused"
    ).exists()


def test_another_communitys_cadre_cannot_see_or_answer_the_task(client, world, item):
    task = send(world, item).assignments.get(community=world.a.community)
    neighbour = UserFactory(username="a2_cadre")
    MembershipFactory(user=neighbour, organisation=world.a.community2, role=Role.COMMUNITY_CADRE)
    for user in (neighbour, world.b.cadre):
        client.force_login(user)
        assert client.get(reverse("inbox-task", args=[task.pk])).status_code == 404
        assert client.post(reverse("inbox-respond", args=[task.pk, "accept"])).status_code == 404
    task.refresh_from_db()
    assert task.state == Assignment.State.PENDING


def test_liaison_sees_the_inbox_but_cannot_answer(client, world, item):
    task = send(world, item).assignments.get(community=world.a.community)
    client.force_login(world.a.liaison)

    html = html_of(client.get(reverse("inbox-task", args=[task.pk])))
    response = client.post(reverse("inbox-respond", args=[task.pk, "accept"]))

    assert "九月居民信息核对" in html and "拒收此任务" not in html
    assert response.status_code == 403


def test_an_unknown_answer_is_not_found(client, world, item):
    task = send(world, item).assignments.get(community=world.a.community)
    client.force_login(world.a.cadre)

    response = client.post(reverse("inbox-respond", args=[task.pk, "delete"]))

    assert response.status_code == 404
    task.refresh_from_db()
    assert task.state == Assignment.State.PENDING


def test_department_staff_have_no_inbox(client, world):
    client.force_login(world.a.department_staff)

    assert client.get(reverse("inbox")).status_code == 403


def test_an_answer_not_allowed_in_the_state_is_a_message_not_an_error(client, world, item):
    task = send(world, item).assignments.get(community=world.a.community)
    client.force_login(world.a.cadre)

    response = client.post(reverse("inbox-respond", args=[task.pk, "complete"]), follow=True)

    assert response.status_code == 200
    assert "任务处于“待处理”状态，不能“完成”。" in html_of(response)
    task.refresh_from_db()
    assert task.state == Assignment.State.PENDING


def test_inbox_costs_the_same_queries_for_many_tasks(
    client, world, item, django_assert_num_queries
):
    for n in range(15):
        send(world, None, title=f"应急任务{n}", communities=[world.a.community])
    client.force_login(world.a.cadre)

    # 1 session, 2 user, 3 memberships (cached for every permission check on the page),
    # 4 the tasks per state (the filter chips, whose count is also the paginator's), 5 the
    # page of tasks with dispatch, community, department and item joined.
    with django_assert_num_queries(5):
        response = client.get(reverse("inbox"))

    assert html_of(response).count('<li class="task-card') == 15


def test_an_open_task_under_a_suspended_item_says_so_on_its_card(
    client, world, item, django_assert_num_queries
):
    send(world, item, title="暂停事项的任务")
    services.work_item_change_status(
        actor=world.a.reviewer, item=item, action="suspend", reason="核查中"
    )
    client.force_login(world.a.cadre)

    # The card's columns only (selectors.inbox_cards), and still the five queries.
    with django_assert_num_queries(5):
        html = html_of(client.get(reverse("inbox")))

    card = re.search(r'<li class="task-card.*?</li>', html, re.S).group(0)
    assert 'data-item-status="suspended"' in card and "继续办理前请先向部门确认" in card
    assert item.admission_number in card and "暂停事项的任务" in card


def test_inbox_pages_say_the_total_the_paginator_would_count(client, world, item):
    for n in range(23):
        send(world, None, title=f"应急任务{n}", communities=[world.a.community])
    services.assignment_respond(
        actor=world.a.cadre,
        assignment=Assignment.objects.filter(community=world.a.community).first(),
        action="accept",
    )
    client.force_login(world.a.cadre)

    def status(query: dict) -> list[str]:
        html = html_of(client.get(reverse("inbox"), query))
        return re.findall(r'<span class="pagination__status"[^>]*>(.*?)</span>', html, re.S)

    # The tab alone: the tabs' count is the paginator's. Any other parameter (here one the
    # filters ignore): the paginator counts again, and says the same.
    for query in ({}, {"state": "open"}, {"state": "pending", "page": "2"}, {"state": "x"}):
        assert status(query) == status({**query, "from": "mail"}), query
    assert "23" in status({})[0] and "22" in status({"state": "pending"})[0]
    assert status({"state": "accepted"}) == []  # one task: no pages


def test_community_workbench_loads_the_open_tasks_as_its_to_do(client, world, item):
    send(world, item)
    client.force_login(world.a.cadre)

    workbench = html_of(client.get(reverse("workbench", args=["community"])))
    section = html_of(client.get(reverse("inbox-section")))

    assert f'hx-get="{reverse("inbox-section")}"' in workbench
    assert "九月居民信息核对" in section and "待办事项" in section


# --- Notifications ----------------------------------------------------------------------------


def test_notifications_list_the_organisations_messages_and_mark_them_read(client, world, item):
    dispatch = send(world, item)
    services.assignment_respond(
        actor=world.a.cadre,
        assignment=dispatch.assignments.get(community=world.a.community),
        action="refuse",
        reason_code="duplicate",
    )
    client.force_login(world.a.department_staff)

    html = html_of(client.get(reverse("notifications")))
    badge = html_of(client.get(reverse("notifications-badge")))

    assert "A一社区拒收“九月居民信息核对”" in html
    assert 'data-unread="1"' in badge
    notification = Notification.objects.get(recipient=world.a.department)

    client.post(reverse("notifications-read"), {"id": notification.pk})

    # Read by this person (issue 14: read state is each person's, not the organisation's).
    assert notification.reads.filter(user=world.a.department_staff).exists()
    assert "data-unread" not in html_of(client.get(reverse("notifications-badge")))


def test_mark_all_read_touches_only_the_users_organisations(client, world, item):
    send(world, item)  # each community of street A is told
    client.force_login(world.a.cadre)

    client.post(reverse("notifications-read"))

    mine = Notification.objects.filter(recipient=world.a.community)
    assert mine.exists() and not mine.exclude(reads__user=world.a.cadre).exists()
    assert not Notification.objects.filter(
        recipient=world.a.community2, reads__isnull=False
    ).exists()


def test_another_organisations_notification_cannot_be_marked(client, world, item):
    send(world, item)
    other = Notification.objects.get(recipient=world.a.community2)
    client.force_login(world.a.cadre)

    response = client.post(reverse("notifications-read"), {"id": other.pk})

    assert response.status_code == 404
    assert not other.reads.exists()


def test_the_notifications_link_tag_runs_no_query(world, rf, django_assert_num_queries):
    from django.template import Context, Template

    request = rf.get("/")
    request.user = world.a.cadre
    template = Template("{% load portal_notifications %}{% notifications_link %}")

    with django_assert_num_queries(0):
        html = template.render(Context({"request": request}))

    assert 'href="/notifications/"' in html and 'hx-get="/notifications/badge/"' in html


def test_organisation_kinds_in_the_tree_are_areas_and_communities(world):
    # A community created later under street A shows up in the dispatch tree.
    CommunityFactory(code="990102001003", name="A三社区", parent=world.a.street)
    from registry import selectors

    codes = {
        o.code for o in selectors.dispatch_target_organisations(departments=[world.a.department])
    }
    assert "990102001003" in codes
    assert world.a.department.code not in codes
    assert all(
        Organisation.objects.get(code=code).kind != Organisation.Kind.DEPARTMENT for code in codes
    )
