"""The pages of issue 11: the liaison's monthly report, the supervisors' list and Excel
export, the clue board, raising a clue, the clue page and its actions, the department's
notices, the printable notice and its public check. Per role, with bad input (a 4xx with
the form kept, never a 500) and query counts that do not grow with the rows."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from monitoring import services
from monitoring.forms import ClueActionForm
from monitoring.models import Clue, MonitoringReport, RectificationNotice, ReportEntry
from tests.factories import CommunityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def on_a_tuesday_in_march():
    with time_machine.travel(datetime.datetime(2026, 3, 10, 9, 0), tick=False):
        yield


def html(response) -> str:
    return response.content.decode()


def open_report(
    world, community=None, period=datetime.date(2026, 3, 1), actor=None
) -> MonitoringReport:
    return services.monitoring_report_open(
        actor=actor or world.a.liaison, community=community or world.a.community, period=period
    )


def add_entry(world, report, title="微信群要求统计商户", **kw) -> ReportEntry:
    return services.report_entry_add(
        actor=kw.pop("actor", world.a.liaison),
        report=report,
        department=kw.pop("department", world.a.department),
        title=title,
        channel=kw.pop("channel", "wechat"),
        demanded_on=kw.pop("demanded_on", datetime.date(2026, 3, 5)),
        hours=kw.pop("hours", Decimal("2")),
        households=kw.pop("households", 10),
        **kw,
    )


def entry_data(world, **overrides) -> dict:
    data = {
        "department": world.a.department.pk,
        "title": "微信群要求三天内上报空置房",
        "channel": "wechat",
        "demanded_on": "2026-03-06",
        "hours": "3",
        "households": "40",
        "cadres_involved": "2",
    }
    data.update(overrides)
    return data


def raise_clue(world, summary="微信群要求三天内上报空置房", actor=None, steps=()) -> Clue:
    clue = services.clue_raise(
        actor=actor or world.a.liaison,
        department=world.a.department,
        community=world.a.community,
        summary=summary,
        details="未经准入",
    )
    data = {
        "analyse": {"note": "属实"},
        "verify": {"visited_on": TODAY, "findings": "确有其事"},
        "send-notice": {"requirements": "停止微信派单"},
        "respond": {"measures": "已停止"},
    }
    for step in steps:
        who = world.a.department_staff if step == "respond" else world.a.supervisor
        services.clue_act(actor=who, clue=clue, action=step, data=data[step])
    clue.refresh_from_db()
    return clue


# --- The liaison's monthly report -------------------------------------------------------------


def test_liaison_opens_this_months_report_adds_a_demand_and_submits_after_confirming(client, world):
    client.force_login(world.a.liaison)
    listing = html(client.get(reverse("monthly-reports")))
    assert 'name="period" value="2026-03"' in listing
    assert f'name="community" value="{world.a.community.pk}"' in listing

    opened = client.post(
        reverse("monthly-open"), {"community": world.a.community.pk, "period": "2026-03"}
    )
    report = MonitoringReport.objects.get()
    assert opened.status_code == 302 and opened.url == reverse("monthly-report", args=[report.pk])

    added = client.post(reverse("monthly-entry-new", args=[report.pk]), entry_data(world))
    assert added.status_code == 302
    page = html(client.get(reverse("monthly-report", args=[report.pk])))
    assert "微信群要求三天内上报空置房" in page and world.a.department.name in page
    # Submitting is irreversible: the form asks first, in Chinese.
    submit = re.search(r'<form[^>]*action="[^"]*/submit/"[^>]*>', page).group(0)
    assert "data-confirm=" in submit

    client.post(reverse("monthly-action", args=[report.pk, "submit"]))
    report.refresh_from_db()
    assert (
        report.state == MonitoringReport.State.SUBMITTED and report.submitted_by == world.a.liaison
    )
    after = html(client.get(reverse("monthly-report", args=[report.pk])))
    assert reverse("monthly-entry-new", args=[report.pk]) not in after  # read-only now
    assert "/submit/" not in after and "/correct/" in after


def test_an_entry_with_errors_is_refused_with_the_input_kept_and_nothing_saved(client, world):
    report = open_report(world)
    client.force_login(world.a.liaison)
    url = reverse("monthly-entry-new", args=[report.pk])

    missing = client.post(url, entry_data(world, title="", hours="-1"))
    outside = client.post(url, entry_data(world, demanded_on="2026-02-20"))
    bad_number = client.post(url, entry_data(world, households="很多", department="abc"))

    assert missing.status_code == 400
    assert "该字段是必填项" in html(missing) and "确保该值大于或等于0" in html(missing)
    assert outside.status_code in (400, 409) and "微信群要求三天内上报空置房" in html(outside)
    assert bad_number.status_code == 400
    assert report.entries.count() == 0


def test_a_submitted_reports_entries_cannot_be_added_corrected_or_deleted(client, world):
    report = open_report(world)
    entry = add_entry(world, report)
    services.monitoring_report_submit(actor=world.a.liaison, report=report)
    client.force_login(world.a.liaison)

    added = client.post(reverse("monthly-entry-new", args=[report.pk]), entry_data(world))
    edited = client.post(
        reverse("monthly-entry-edit", args=[report.pk, entry.pk]), entry_data(world, hours="9")
    )
    deleted = client.post(reverse("monthly-entry-delete", args=[report.pk, entry.pk]))
    resubmitted = client.post(reverse("monthly-action", args=[report.pk, "submit"]), follow=True)

    assert added.status_code == 409 and edited.status_code == 409
    assert deleted.status_code == 302 and resubmitted.status_code == 200
    entry.refresh_from_db()
    assert entry.hours == Decimal("2") and report.entries.count() == 1


def test_a_correction_needs_a_reason_and_opens_version_two(client, world):
    report = open_report(world)
    add_entry(world, report)
    services.monitoring_report_submit(actor=world.a.liaison, report=report)
    client.force_login(world.a.liaison)
    url = reverse("monthly-action", args=[report.pk, "correct"])

    without = client.post(url, {"reason": ""}, follow=True)
    assert MonitoringReport.objects.count() == 1 and without.status_code == 200
    with_reason = client.post(url, {"reason": "漏报一项"})
    correction = MonitoringReport.objects.get(version=2)
    assert with_reason.url == reverse("monthly-report", args=[correction.pk])
    assert correction.entries.count() == 1


def test_unknown_actions_and_missing_reports_are_not_500s(client, world):
    report = open_report(world)
    client.force_login(world.a.liaison)
    assert client.post(reverse("monthly-action", args=[report.pk, "explode"])).status_code == 302
    assert client.get(reverse("monthly-report", args=[99999])).status_code == 404
    assert client.get(reverse("monthly-entry-edit", args=[report.pk, 99999])).status_code == 404
    not_mine = client.post(reverse("monthly-open"), {"community": world.b.community.pk})
    assert not_mine.status_code == 302 and MonitoringReport.objects.count() == 1
    assert client.get(reverse("monthly-reports"), {"period": "2026-13"}).status_code == 200


def test_other_liaisons_and_departments_do_not_reach_the_report(client, world):
    report = open_report(world)
    for user in (world.b.liaison, world.b.supervisor, world.a.department_staff):
        client.force_login(user)
        assert client.get(reverse("monthly-report", args=[report.pk])).status_code in (403, 404)
    client.force_login(world.a.supervisor)
    page = html(client.get(reverse("monthly-report", args=[report.pk])))
    assert reverse("monthly-entry-new", args=[report.pk]) not in page


def test_the_liaison_workbench_section_opens_or_carries_on_this_months_report(client, world):
    client.force_login(world.a.liaison)
    before = html(client.get(reverse("monthly-section")))
    assert reverse("monthly-open") in before and "2026-04-08" in before
    report = open_report(world)
    after = html(client.get(reverse("monthly-section")))
    assert reverse("monthly-report", args=[report.pk]) in after


def test_report_page_costs_the_same_queries_for_many_entries(
    client, world, django_assert_num_queries
):
    report = open_report(world)
    for n in range(8):
        add_entry(world, report, title=f"需求{n}")
    client.force_login(world.a.liaison)
    # Session, user, memberships, the report, its entries with their departments.
    with django_assert_num_queries(5):
        response = client.get(reverse("monthly-report", args=[report.pk]))
    assert html(response).count("data-entry=") == 8


def test_supervisors_list_shows_totals_per_department_in_constant_queries(
    client, world, django_assert_num_queries
):
    for n in range(3):
        community = CommunityFactory(parent=world.a.street, is_monitoring_point=True)
        liaison = UserFactory(display_name=f"联络员{n}")
        MembershipFactory(user=liaison, organisation=community, role="liaison")
        report = open_report(world, community=community, actor=liaison)
        add_entry(world, report, hours=Decimal("1.5"), actor=liaison)
    client.force_login(world.a.supervisor)
    with django_assert_num_queries(6):
        response = client.get(reverse("monthly-reports"), {"period": "2026-03"})
    page = html(response)
    assert world.a.department.name in page and "4.5" in page  # three entries of 1.5 h


def test_submitting_a_report_with_many_entries_costs_the_same_queries(
    world, django_assert_num_queries
):
    report = open_report(world)
    for n in range(6):
        add_entry(world, report, title=f"需求{n}")
    with django_assert_num_queries(8):
        services.monitoring_report_submit(actor=world.a.liaison, report=report)


def test_a_correction_copies_many_entries_in_constant_queries(world, django_assert_num_queries):
    report = open_report(world)
    for n in range(6):
        add_entry(world, report, title=f"需求{n}")
    services.monitoring_report_submit(actor=world.a.liaison, report=report)
    report.refresh_from_db()
    with django_assert_num_queries(10):
        correction = services.monitoring_report_correct(
            actor=world.a.liaison, report=report, reason="漏报"
        )
    assert correction.entries.count() == 6


# --- Excel export ----------------------------------------------------------------


def rows_of(response) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    return list(book.active.iter_rows(values_only=True))


def test_the_export_holds_the_filtered_rows_and_no_reporter_name(client, world):
    march = open_report(world)
    add_entry(world, march, title="三月的微信需求")
    services.offplatform_report_create(
        actor=world.a.liaison,
        community=world.a.community,
        department=world.a.department,
        title="电话要求填报",
        channel="phone",
        received_on=datetime.date(2026, 2, 3),
    )
    february = open_report(world, period=datetime.date(2026, 2, 1))
    client.force_login(world.a.supervisor)

    response = client.get(reverse("monthly-export"), {"period": "2026-03"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    header, *rows = rows_of(response)
    assert len(header) == 13
    assert [(r[0], r[5]) for r in rows] == [("2026-03", "三月的微信需求")]
    feb_rows = rows_of(client.get(reverse("monthly-export"), {"period": "2026-02"}))[1:]
    assert [r[5] for r in feb_rows] == ["电话要求填报"] and february.entries.count() == 1
    for row in [header, *rows, *feb_rows]:
        text = " ".join(str(cell) for cell in row if cell is not None)
        assert world.a.liaison.username not in text
        assert world.a.liaison.display_name not in text


def test_the_export_is_for_supervisors_and_a_bad_month_is_a_400(client, world):
    client.force_login(world.a.liaison)
    assert client.get(reverse("monthly-export")).status_code == 403
    client.force_login(world.a.supervisor)
    assert client.get(reverse("monthly-export"), {"period": "2026-13"}).status_code == 400


def test_the_export_of_many_reports_costs_the_same_queries(
    client, world, django_assert_num_queries
):
    for period in (datetime.date(2026, 1, 1), datetime.date(2026, 2, 1), TODAY.replace(day=1)):
        report = open_report(world, period=period)
        add_entry(world, report, demanded_on=period + datetime.timedelta(days=3))
        add_entry(world, report, demanded_on=period + datetime.timedelta(days=4))
    client.force_login(world.a.supervisor)
    with django_assert_num_queries(4):
        response = client.get(reverse("monthly-export"))
    assert len(rows_of(response)) == 1 + 6


# --- Clues ----------------------------------------------------------------


def test_the_board_lists_clues_by_state_overdue_first_with_counts(client, world):
    raise_clue(world, "未回复的")
    late = raise_clue(world, "已逾期的", steps=("analyse", "verify", "send-notice"))
    # Its deadline was yesterday; the daily job (which keeps the board's order) urges it.
    RectificationNotice.objects.filter(clue=late).update(due_date=datetime.date(2026, 3, 9))
    services.monitoring_escalate(today=TODAY)
    assert RectificationNotice.objects.get(clue=late).escalation == "yellow"
    client.force_login(world.a.supervisor)

    page = html(client.get(reverse("clue-board")))
    assert page.index("已逾期的") < page.index("未回复的")
    only_reported = html(client.get(reverse("clue-board"), {"state": "reported"}))
    assert "未回复的" in only_reported and "已逾期的" not in only_reported
    assert world.a.liaison.display_name in page  # supervisors see who raised it


def _order_as_the_board_computed_it() -> list[int]:
    """The board's order as it was worked out per request before it was stored (two EXISTS
    per clue): the oracle the stored ``Clue.urgency`` must agree with."""
    from django.db.models import Case, Exists, IntegerField, OuterRef, Value, When

    def unanswered(level: str) -> Exists:
        return Exists(
            RectificationNotice.objects.filter(clue=OuterRef("pk"), state="sent", escalation=level)
        )

    urgency = Case(
        When(unanswered("red"), then=Value(0)),
        When(unanswered("yellow"), then=Value(1)),
        When(state__in=Clue.OPEN_STATES, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    ordered = Clue.objects.annotate(old=urgency).order_by("old", "created_at", "id")
    return list(ordered.values_list("pk", flat=True))


def test_the_board_order_is_kept_by_every_step_and_the_daily_job(client, world, api_as):
    """Every kind of clue the board tells apart, each brought there through the services:
    the page, the API and the export list them exactly as the board computed it before."""
    notice = ("analyse", "verify", "send-notice")
    due = {
        "红-逾期五个工作日": datetime.date(2026, 3, 2),
        "黄-昨日到期": datetime.date(2026, 3, 9),
        "提醒-后天到期": datetime.date(2026, 3, 12),
        "未到期": datetime.date(2026, 3, 20),
        "红后已回复": datetime.date(2026, 3, 2),
        "红后已销号": datetime.date(2026, 3, 2),
    }
    clues = {summary: raise_clue(world, summary, steps=notice) for summary in due}
    clues["刚上报"] = raise_clue(world, "刚上报")
    clues["已核查"] = raise_clue(world, "已核查", steps=notice[:2])
    clues["已驳回"] = raise_clue(world, "已驳回")
    services.clue_dismiss(actor=world.a.supervisor, clue=clues["已驳回"], reason="不属实")
    clues["销号后重开"] = raise_clue(world, "销号后重开", steps=(*notice, "respond"))
    for summary, date in due.items():
        RectificationNotice.objects.filter(clue=clues[summary]).update(due_date=date)
    services.monitoring_escalate(today=TODAY)
    for summary in ("红后已回复", "红后已销号"):
        services.clue_respond(actor=world.a.department_staff, clue=clues[summary], measures="已改")
    services.clue_close(
        actor=world.a.supervisor, clue=clues["红后已销号"], checked_on=TODAY, reason="已核实"
    )
    services.clue_close(
        actor=world.a.supervisor, clue=clues["销号后重开"], checked_on=TODAY, reason="已核实"
    )
    reopened = services.clue_reopen(
        actor=world.a.supervisor, clue=clues["销号后重开"], reason="反弹"
    )
    assert reopened.urgency == Clue.Urgency.OPEN  # the stored value, read back

    expected = _order_as_the_board_computed_it()
    stored = dict(Clue.objects.values_list("pk", "urgency"))
    names = {clue.pk: summary for summary, clue in clues.items()}
    assert [stored[pk] for pk in expected] == sorted(stored.values())
    top = ["红-逾期五个工作日", "黄-昨日到期", "提醒-后天到期"]
    assert [names[pk] for pk in expected][:3] == top

    listed_by_api = api_as(world.a.supervisor).get("/api/v1/clues/").json()["results"]
    api_ids = [row["id"] for row in listed_by_api]
    assert api_ids == expected
    client.force_login(world.a.supervisor)
    page = html(client.get(reverse("clue-board")))
    listed = [names[int(pk)] for pk in re.findall(r'href="/monitoring/clues/(\d+)/"', page)]
    assert listed == [names[pk] for pk in expected]
    exported = rows_of(client.get(reverse("list-export", args=["clues"])))[1:]
    assert [row[0] for row in exported] == expected


def test_the_board_is_empty_with_a_way_forward_and_closed_to_the_other_district(client, world):
    raise_clue(world)
    client.force_login(world.b.supervisor)
    page = html(client.get(reverse("clue-board")))
    assert "微信群要求三天内上报空置房" not in page
    assert reverse("clue-new") in page


def test_the_board_costs_the_same_queries_for_many_clues(client, world, django_assert_num_queries):
    for n in range(4):
        raise_clue(world, f"线索{n}", steps=("analyse", "verify", "send-notice")[: n % 4])
    client.force_login(world.a.supervisor)
    # Session, user, memberships; the counts by state and the list's count, each after
    # reading its version (registry/figure_cache.py); the page; its notices.
    with django_assert_num_queries(9):
        response = client.get(reverse("clue-board"))
    assert all(f"线索{n}" in html(response) for n in range(4))
    # Read again with no clue changed: both counts kept, only their versions read.
    with django_assert_num_queries(7):
        again = client.get(reverse("clue-board"))
    assert all(f"线索{n}" in html(again) for n in range(4))


def test_supervisor_raises_a_clue_from_a_report_entry_carrying_its_figures(client, world):
    report = open_report(world)
    entry = add_entry(world, report, title="微信群要求统计商户", hours=Decimal("4"), households=30)
    services.monitoring_report_submit(actor=world.a.liaison, report=report)
    client.force_login(world.a.supervisor)
    report_page = html(client.get(reverse("monthly-report", args=[report.pk])))
    assert f"?report_entry={entry.pk}" in report_page

    form = html(client.get(reverse("clue-new"), {"report_entry": entry.pk}))
    assert "微信群要求统计商户" in form
    response = client.post(
        reverse("clue-new"),
        {"report_entry": entry.pk, "department": world.a.department.pk, "summary": "统计商户"},
    )
    clue = Clue.objects.get()
    assert response.url == reverse("clue-page", args=[clue.pk])
    assert clue.report_entry == entry and clue.figures["households"] == 30


def test_raising_a_clue_with_errors_or_nonsense_sources_is_never_a_500(client, world):
    client.force_login(world.a.supervisor)
    empty = client.post(reverse("clue-new"), {"summary": ""})
    assert empty.status_code == 400 and Clue.objects.count() == 0
    assert client.get(reverse("clue-new"), {"report_entry": "abc"}).status_code in (302, 404)
    assert client.get(reverse("clue-new"), {"flag": "abc"}).status_code == 404
    assert client.get(reverse("clue-new"), {"report_entry": "99999"}).status_code == 302
    client.force_login(world.a.department_staff)
    assert client.get(reverse("clue-new")).status_code == 403


def test_the_clue_page_walks_to_a_notice_and_refuses_steps_without_their_fields(client, world):
    clue = raise_clue(world)
    client.force_login(world.a.supervisor)
    page = html(client.get(reverse("clue-page", args=[clue.pk])))
    assert "/analyse/" in page and "/dismiss/" in page
    dismiss = re.search(r'<form[^>]*action="[^"]*/dismiss/"[^>]*>', page).group(0)
    assert "data-confirm=" in dismiss

    def act(action, **data):
        fields = {f"{action}-{k}": v for k, v in data.items()}
        return client.post(reverse("clue-action", args=[clue.pk, action]), fields, follow=True)

    act("analyse", note="属实")
    refused = act("verify", findings="")  # visited_on and findings are needed
    clue.refresh_from_db()
    assert clue.state == "analysed"
    label = ClueActionForm(action="verify").fields["visited_on"].label
    assert f"{label}" in html(refused) and "该字段是必填项" in html(refused)
    act("verify", visited_on="2026-03-09", findings="确有其事")
    sent = act("send-notice", requirements="停止微信派单", due_working_days="10")
    clue.refresh_from_db()
    assert clue.state == "notice_sent"
    notice = RectificationNotice.objects.get()
    assert notice.number in html(sent) and reverse("notice-print", args=[notice.pk]) in html(sent)
    illegal = act("close", **{"checked_on": "2026-03-10"})
    clue.refresh_from_db()
    assert clue.state == "notice_sent" and illegal.status_code == 200
    assert act("explode").status_code == 200


def test_the_department_responds_asks_for_more_time_and_the_supervisor_closes(client, world):
    clue = raise_clue(world, steps=("analyse", "verify", "send-notice"))
    client.force_login(world.a.department_staff)
    page = html(client.get(reverse("clue-page", args=[clue.pk])))
    assert "/respond/" in page and "/request-extension/" in page and "/close/" not in page
    url = reverse("clue-action", args=[clue.pk, "request-extension"])
    client.post(
        url,
        {"request-extension-new_due_date": "2026-04-30", "request-extension-reason": "数据量大"},
    )
    client.post(
        reverse("clue-action", args=[clue.pk, "respond"]), {"respond-measures": "已停止微信派单"}
    )
    clue.refresh_from_db()
    assert clue.state == "responded"

    client.force_login(world.a.supervisor)
    client.post(reverse("clue-action", args=[clue.pk, "close"]), {"close-reason": "已核查"})
    clue.refresh_from_db()
    assert clue.state == "responded"  # no recorded check, no closing
    client.post(
        reverse("clue-action", args=[clue.pk, "close"]),
        {"close-checked_on": "2026-03-10", "close-reason": "已核查"},
    )
    clue.refresh_from_db()
    assert clue.state == "closed" and clue.checked_on == TODAY


def test_clue_page_costs_the_same_queries_for_a_long_history(
    client, world, django_assert_num_queries
):
    clue = raise_clue(world, steps=("analyse", "verify", "send-notice", "respond"))
    client.force_login(world.a.supervisor)
    with django_assert_num_queries(7):
        response = client.get(reverse("clue-page", args=[clue.pk]))
    assert html(response).count('class="notification"') >= 5


def test_a_clue_action_costs_a_fixed_number_of_queries(world, django_assert_num_queries):
    clue = raise_clue(world, steps=("analyse",))
    # (Among them one statement of new versions for the clue lists' counts.)
    with django_assert_num_queries(9):
        services.clue_act(
            actor=world.a.supervisor,
            clue=clue,
            action="verify",
            data={"visited_on": TODAY, "findings": "确有其事"},
        )


# --- Notices ----------------------------------------------------------------


def test_the_departments_notices_list_many_in_constant_queries(
    client, world, django_assert_num_queries
):
    for n in range(3):
        raise_clue(world, f"线索{n}", steps=("analyse", "verify", "send-notice"))
    client.force_login(world.a.department_staff)
    with django_assert_num_queries(6):
        response = client.get(reverse("notices"))
    page = html(response)
    assert page.count("/print/") == 3
    for number in RectificationNotice.objects.values_list("number", flat=True):
        assert number in page
    section = html(client.get(reverse("notice-section")))
    assert "3" in section and RectificationNotice.objects.first().number in section


def test_notices_are_not_shown_to_the_other_districts_department(client, world):
    raise_clue(world, steps=("analyse", "verify", "send-notice"))
    notice = RectificationNotice.objects.get()
    client.force_login(world.b.department_staff)
    assert notice.number not in html(client.get(reverse("notices")))
    assert client.get(reverse("notice-print", args=[notice.pk])).status_code == 404
    client.force_login(world.a.liaison)
    assert client.get(reverse("notices")).status_code == 403


def test_the_printable_notice_carries_its_qr_code_and_the_public_check_works(client, world):
    raise_clue(world, steps=("analyse", "verify", "send-notice"))
    notice = RectificationNotice.objects.get()
    client.force_login(world.a.department_staff)
    printed = html(client.get(reverse("notice-print", args=[notice.pk])))
    verify = reverse("notice-verify", args=[notice.verification_code])
    assert "<svg" in printed and notice.number in printed and "停止微信派单" in printed
    assert verify in printed and "certificates.css" in printed  # its A4 print rules
    client.logout()
    checked = client.get(verify)
    assert checked.status_code == 200 and notice.number in html(checked)
    assert world.a.liaison.display_name not in html(checked)
    assert client.get(reverse("notice-verify", args=["nonsense"])).status_code == 404
