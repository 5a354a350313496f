"""The monitoring pages: off-platform reports, flags and the supervisor's workbench section."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from monitoring import services as monitoring_services
from monitoring.models import Flag, OffPlatformReport
from registry import services
from registry.models import Role
from tests.factories import DepartmentFactory, WorkItemFactory

MONDAY = datetime.date(2026, 9, 14)
LOGIN = "/accounts/login/"


pytestmark = pytest.mark.usefixtures("on_a_known_monday")


def html_of(response) -> str:
    return response.content.decode()


def report(world, *, community=None, department=None, channel="wechat", received_on=MONDAY, **kw):
    return monitoring_services.offplatform_report_create(
        actor=kw.pop("actor", world.a.liaison),
        community=community or world.a.community,
        department=department or world.a.department,
        title=kw.pop("title", "微信群要求三天内上报空置房"),
        channel=channel,
        received_on=received_on,
        **kw,
    )


def report_data(world, **overrides) -> dict:
    data = {
        "community": world.a.community.pk,
        "department": world.a.department.pk,
        "title": "电话要求两天内填报老旧小区改造意愿表",
        "channel": "phone",
        "received_on": "2026-09-11",
        "due_date": "2026-09-13",
        "hours": "6",
        "description": "涉及 300 户，需逐户上门。",
    }
    data.update(overrides)
    return data


# --- Off-platform reports --------------------------------------------------------------------


def test_cadre_reports_a_demand_and_sees_it_in_the_communitys_list(client, world):
    client.force_login(world.a.cadre)

    form = html_of(client.get(reverse("offplatform-new")))
    response = client.post(reverse("offplatform-new"), report_data(world), follow=True)

    # Departments of the areas above the community are offered: the city's and district A's.
    assert world.city_department.name in form and world.a.department.name in form
    assert world.b.department.name not in form
    assert '<input type="hidden" name="community"' in form  # one community: nothing to choose
    saved = OffPlatformReport.objects.get()
    assert (saved.community, saved.department, saved.channel) == (
        world.a.community,
        world.a.department,
        "phone",
    )
    assert saved.hours == Decimal("6") and saved.reported_by == world.a.cadre
    assert response.redirect_chain[-1][0] == reverse("offplatform-reports")
    html = html_of(response)
    assert "已登记" in html
    assert "电话要求两天内填报老旧小区改造意愿表" in html and "电话" in html


def test_a_report_dated_in_the_future_is_refused_with_the_input_kept(client, world):
    client.force_login(world.a.cadre)

    response = client.post(reverse("offplatform-new"), report_data(world, received_on="2026-09-20"))

    html = html_of(response)
    assert OffPlatformReport.objects.count() == 0
    assert "收到日期不能晚于今天。" in html
    assert "电话要求两天内填报老旧小区改造意愿表" in html


def test_a_report_needs_what_and_which_department(client, world):
    client.force_login(world.a.liaison)

    html = html_of(
        client.post(reverse("offplatform-new"), report_data(world, title="", department=""))
    )

    assert OffPlatformReport.objects.count() == 0
    assert html.count("该字段是必填项") >= 2


def test_liaison_workbench_loads_the_form_and_the_communitys_recent_reports(client, world):
    report(world, title="纸质通知要求报送台账")
    report(world, community=world.b.community, actor=world.b.liaison, title="B区的报告")
    client.force_login(world.a.liaison)

    workbench = html_of(client.get(reverse("workbench", args=["liaison"])))
    section = html_of(client.get(reverse("offplatform-section")))

    assert f'hx-get="{reverse("offplatform-section")}"' in workbench
    assert 'action="/monitoring/reports/new/"' in section
    assert 'name="next" value="/workbench/liaison/"' in section
    assert "纸质通知要求报送台账" in section and "B区的报告" not in section


def test_department_staff_see_the_reports_against_their_department_only(client, world):
    report(world, title="对A区统计局的报告")
    report(world, department=world.city_department, title="对市民政局的报告")
    client.force_login(world.a.department_staff)

    html = html_of(client.get(reverse("offplatform-reports")))

    assert "对A区统计局的报告" in html and "对市民政局的报告" not in html
    assert "报告工作要求" not in html  # department staff do not report


def test_reviewer_filters_the_areas_reports_by_department_channel_and_month(client, world):
    report(world, title="八月微信", received_on=datetime.date(2026, 8, 20))
    report(world, title="九月微信")
    report(world, title="九月电话", channel="phone")
    report(world, department=world.city_department, title="九月市局")
    report(world, community=world.b.community, actor=world.b.liaison, title="B区九月")
    client.force_login(world.a.reviewer)

    everything = html_of(client.get(reverse("offplatform-reports")))
    filtered = html_of(
        client.get(
            reverse("offplatform-reports"),
            {"department": world.a.department.code, "channel": "wechat", "month": "2026-09"},
        )
    )

    assert all(t in everything for t in ("八月微信", "九月微信", "九月电话", "九月市局"))
    assert "B区九月" not in everything
    assert "九月微信" in filtered
    assert not any(t in filtered for t in ("八月微信", "九月电话", "九月市局"))
    # The department filter offers the departments named in the visible reports.
    assert f'<option value="{world.city_department.code}">' in everything


def test_a_bad_month_is_said_not_ignored(client, world):
    client.force_login(world.a.reviewer)

    html = html_of(client.get(reverse("offplatform-reports"), {"month": "2026-13"}))

    assert "请按“年-月”（YYYY-MM）格式填写月份" in html


@pytest.mark.parametrize("who", ["outsider", "admin"])
def test_reports_are_closed_to_users_without_a_role(client, world, who):
    client.force_login(getattr(world, who))

    assert client.get(reverse("offplatform-reports")).status_code == 403
    assert client.get(reverse("offplatform-new")).status_code == 403


@pytest.mark.parametrize("role", [Role.DEPARTMENT_STAFF, Role.REVIEWER, Role.SUPERVISOR])
def test_only_cadres_and_liaisons_file_reports(client, world, role):
    client.force_login(world.a.user(role))

    response = client.post(reverse("offplatform-new"), report_data(world))

    assert response.status_code == 403
    assert OffPlatformReport.objects.count() == 0


def test_a_report_for_another_community_is_refused(client, world):
    client.force_login(world.a.cadre)

    response = client.post(
        reverse("offplatform-new"), report_data(world, community=world.b.community.pk)
    )

    # Only the cadre's own community is offered; another one is not a valid choice.
    assert OffPlatformReport.objects.count() == 0
    assert "选择一个有效的选项" in html_of(response)


def test_a_visitor_is_sent_to_sign_in(client, db):
    for name in ("offplatform-reports", "offplatform-new", "flags"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)


# --- Flags ---------------------------------------------------------------------------------


def expiring_item(world, district="a", days=10, **kw):
    jurisdiction = getattr(world, district)
    kw.setdefault("department", jurisdiction.department)
    return WorkItemFactory(
        jurisdiction=jurisdiction.district,
        valid_until=MONDAY + datetime.timedelta(days=days),
        **kw,
    )


def flags_for(world, *items) -> list[Flag]:
    monitoring_services.flags_compute(today=MONDAY)
    return list(Flag.objects.order_by("id"))


def test_supervisor_sees_each_flag_with_kind_severity_summary_and_dates(client, world):
    expiring_item(world, admission_number="990102-2026-0001", title="即将到期的事项")
    expiring_item(world, district="b", title="B区事项")
    flags_for(world)
    client.force_login(world.a.supervisor)

    html = html_of(client.get(reverse("flags")))

    rows = re.findall(r"<tr data-flag=.*?</tr>", html, re.S)
    assert len(rows) == 1
    row = rows[0]
    assert "准入即将到期" in row
    assert "990102-2026-0001 即将到期的事项" in row
    assert 'data-status="high"' in row and "高" in row
    assert "2026-09-24" in row  # describe(): the admission ends on …
    assert "2026-09-14" in row  # first seen
    assert "知悉" in row and "办结" in row


def test_flags_filter_by_kind_status_severity_and_area(client, world):
    expiring_item(world, title="十天后到期", days=10)
    expiring_item(world, title="五十天后到期", days=50)
    flags_for(world)
    client.force_login(world.a.reviewer)

    high = html_of(client.get(reverse("flags"), {"severity": "high"}))
    other_kind = html_of(client.get(reverse("flags"), {"kind": "community_overload"}))
    in_street = html_of(client.get(reverse("flags"), {"area": world.a.street.code}))
    areas = html_of(client.get(reverse("flags")))

    assert "十天后到期" in high and "五十天后到期" not in high
    assert "没有符合条件的预警" in other_kind
    # Expiring-admission flags belong to the department, which is not under the street.
    assert "没有符合条件的预警" in in_street
    # The area filter offers the areas the reviewer covers, not the other district.
    assert f'<option value="{world.a.street.code}">' in areas
    assert world.b.district.code not in areas


def test_acknowledge_then_resolve_with_a_required_note(client, world):
    expiring_item(world, title="即将到期的事项")
    (flag,) = flags_for(world)
    client.force_login(world.a.reviewer)

    client.post(reverse("flags-acknowledge", args=[flag.pk]))
    flag.refresh_from_db()
    assert flag.status == Flag.Status.ACKNOWLEDGED

    without_note = client.post(reverse("flags-resolve", args=[flag.pk]), {"note": " "}, follow=True)
    flag.refresh_from_db()
    assert flag.status == Flag.Status.ACKNOWLEDGED
    assert "请先说明处理情况" in html_of(without_note)

    client.post(reverse("flags-resolve", args=[flag.pk]), {"note": "已提醒部门申请续期"})
    flag.refresh_from_db()
    assert flag.status == Flag.Status.RESOLVED
    assert flag.resolution_note == "已提醒部门申请续期"
    assert flag.resolved_by == world.a.reviewer


def test_resolving_asks_for_confirmation_first(client, world):
    expiring_item(world)
    flags_for(world)
    client.force_login(world.a.supervisor)

    html = html_of(client.get(reverse("flags")))

    form = re.search(r'<form method="post" action="/monitoring/flags/\d+/resolve/"[^>]*>', html)
    assert "data-confirm=" in form.group(0)
    assert re.search(r'<textarea[^>]*name="note"[^>]*required', html)


def test_another_districts_flag_cannot_be_handled(client, world):
    expiring_item(world, district="b")
    (flag,) = flags_for(world)
    client.force_login(world.a.supervisor)

    assert client.post(reverse("flags-acknowledge", args=[flag.pk])).status_code == 404
    flag.refresh_from_db()
    assert flag.status == Flag.Status.OPEN


def test_supervisor_recomputes_and_sees_the_counts(client, world):
    expiring_item(world, title="即将到期的事项")
    client.force_login(world.a.supervisor)

    response = client.post(reverse("flags-recompute"), follow=True)

    assert Flag.objects.count() == 1
    assert "预警已重新计算：新增 1 条，仍存在 0 条，已解除 0 条。" in html_of(response)

    again = client.post(reverse("flags-recompute"), follow=True)
    assert Flag.objects.count() == 1
    assert "新增 0 条，仍存在 1 条，已解除 0 条" in html_of(again)


def test_only_supervisors_recompute(client, world):
    client.force_login(world.a.reviewer)

    page = html_of(client.get(reverse("flags")))
    response = client.post(reverse("flags-recompute"))

    assert "立即重新计算" not in page
    assert response.status_code == 403


@pytest.mark.parametrize("role", [Role.DEPARTMENT_STAFF, Role.COMMUNITY_CADRE, Role.LIAISON])
def test_flags_are_for_supervisors_and_reviewers(client, world, role):
    client.force_login(world.a.user(role))

    assert client.get(reverse("flags")).status_code == 403


def test_flags_page_costs_the_same_queries_for_many_flags(client, world, django_assert_num_queries):
    for n in range(12):
        department = DepartmentFactory(parent=world.a.district)
        expiring_item(world, title=f"事项{n}", department=department)
    flags_for(world)
    client.force_login(world.a.supervisor)

    # 1 session, 2 user, 3 memberships (cached for every permission check), 4 the areas
    # the supervisor covers (the area filter), 5 count for the paginator, 6 the page of
    # flags with their organisation joined. describe() reads the stored figures only.
    with django_assert_num_queries(6):
        response = client.get(reverse("flags"))

    assert html_of(response).count("<tr data-flag=") == 12


def test_supervisor_workbench_shows_open_flags_by_kind_and_the_most_loaded_communities(
    client, world
):
    expiring_item(world)
    item = WorkItemFactory(
        jurisdiction=world.a.district,
        department=world.a.department,
        frequency="once",
        hours_per_occurrence=Decimal("300"),
        scope=[world.a.street],
    )
    services.dispatch_create(
        actor=world.a.department_staff,
        work_item=item,
        title="大规模入户调查",
        communities=[world.a.community],
        due_date=MONDAY + datetime.timedelta(days=20),
        hours_per_community=Decimal("300"),
    )
    flags_for(world)
    client.force_login(world.a.supervisor)

    workbench = html_of(client.get(reverse("workbench", args=["supervisor"])))
    section = html_of(client.get(reverse("flags-section")))

    assert f'hx-get="{reverse("flags-section")}"' in workbench
    kpis = re.findall(
        r'<span class="kpi__value">(\d+)</span><span class="kpi__label">([^<]+)', section
    )
    assert sorted(kpis) == [("1", "准入即将到期"), ("1", "社区负担过重")]
    ranking = re.search(r"负担最重的社区.*?</table>", section, re.S).group(0)
    assert world.a.community.name in ranking and "负担过重" in ranking
    assert world.b.community.name not in ranking
