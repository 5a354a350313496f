"""Clues and rectification notices: every transition legal and illegal, extensions only
before the deadline, escalation across 国庆 2025 and its 调休 weekend, reporter protection."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from monitoring import services
from monitoring.models import Flag, RectificationNotice
from registry.models import Notification

URL = "/api/v1/clues/"
pytestmark = pytest.mark.django_db


def _raise(world, api_as, reporter=None):
    response = api_as(reporter or world.a.liaison).post(
        URL,
        {
            "department": world.a.department.code,
            "community": world.a.community.code,
            "summary": "微信群要求三天内上报空置房",
            "details": "未经准入",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def _to_notice(world, api_as, clue: int) -> dict:
    client = api_as(world.a.supervisor)
    assert client.post(f"{URL}{clue}/analyse/", {"note": "属实"}, format="json").status_code == 200
    assert (
        client.post(
            f"{URL}{clue}/verify/",
            {"visited_on": str(datetime.date.today()), "findings": "确有其事"},
            format="json",
        ).status_code
        == 200
    )
    sent = client.post(f"{URL}{clue}/send-notice/", {"requirements": "停止微信派单"}, format="json")
    assert sent.status_code == 200, sent.content
    return sent.json()


def test_a_clue_walks_every_step_with_its_history_and_illegal_steps_are_409(world, api_as):
    clue = _raise(world, api_as)
    supervisor = api_as(world.a.supervisor)
    assert (
        supervisor.post(
            f"{URL}{clue}/close/", {"checked_on": "2026-01-01", "reason": "x"}, format="json"
        ).status_code
        == 409
    )
    body = _to_notice(world, api_as, clue)
    assert body["state"] == "notice_sent"
    notice = body["notice"]
    assert notice["number"].startswith(f"{world.a.district.code}-") and notice["due_date"]
    assert notice["notice_url"].endswith(f"/monitoring/notices/{notice['id']}/print/")
    assert (
        api_as(world.a.supervisor)
        .post(f"{URL}{clue}/respond/", {"measures": "x"}, format="json")
        .status_code
        == 403
    )
    responded = api_as(world.a.department_staff).post(
        f"{URL}{clue}/respond/", {"measures": "已停止"}, format="json"
    )
    assert responded.status_code == 200 and responded.json()["state"] == "responded"
    supervisor = api_as(world.a.supervisor)
    assert (
        supervisor.post(f"{URL}{clue}/close/", {"reason": "已核查"}, format="json").status_code
        == 400
    )  # a recorded check is needed
    closed = supervisor.post(
        f"{URL}{clue}/close/",
        {"checked_on": str(datetime.date.today()), "reason": "已核查"},
        format="json",
    )
    assert closed.json()["state"] == "closed"
    reopened = supervisor.post(f"{URL}{clue}/reopen/", {"reason": "反弹"}, format="json")
    assert reopened.json()["state"] == "analysed"
    assert [h["to"] for h in reopened.json()["history"]] == [
        "reported",
        "analysed",
        "verified",
        "notice_sent",
        "responded",
        "closed",
        "analysed",
    ]
    assert (
        supervisor.post(f"{URL}{clue}/dismiss/", {"reason": "不属实"}, format="json").json()[
            "state"
        ]
        == "dismissed"
    )
    assert supervisor.post(f"{URL}{clue}/analyse/", {}, format="json").status_code == 409


def test_the_department_never_sees_who_raised_a_clue_or_filed_a_report(world, api_as, client):
    clue = _raise(world, api_as)
    services.offplatform_report_create(
        actor=world.a.liaison,
        community=world.a.community,
        department=world.a.department,
        title="电话要求填报",
        channel="phone",
        received_on=datetime.date.today(),
    )
    _to_notice(world, api_as, clue)
    notice = RectificationNotice.objects.get()
    names = [world.a.liaison.username, world.a.liaison.display_name]
    assert (
        world.a.liaison.display_name
        in api_as(world.a.supervisor).get(f"{URL}{clue}/").content.decode()
    )
    client.force_login(world.a.department_staff)
    api = api_as(world.a.department_staff)
    seen = [
        api.get(URL).content,
        api.get(f"{URL}{clue}/").content,
        api.get("/api/v1/offplatform-reports/").content,
        client.get("/monitoring/reports/").content,
        client.get("/monitoring/clues/").content,
        client.get(f"/monitoring/clues/{clue}/").content,
        client.get("/monitoring/notices/").content,
        client.get("/monitoring/notices/section/").content,
        client.get(f"/monitoring/notices/{notice.pk}/print/").content,
    ]
    seen += [n.title.encode() + n.body.encode() for n in Notification.objects.all()]
    for content in seen:
        text = content.decode()
        for name in names:
            assert name not in text


def test_escalation_across_national_day_and_its_working_weekend_notifies_each_step_once(
    world, api_as
):
    with time_machine.travel(datetime.datetime(2025, 9, 17, 9, 0), tick=False):
        clue = _raise(world, api_as)
        notice = _to_notice(world, api_as, clue)["notice"]
    # Ten working days from Wednesday 17 September 2025 (Sunday 28th is a 调休 working day):
    # due Tuesday 30 September.
    assert notice["due_date"] == "2025-09-30"
    steps = {
        # Reminder two working days before: Sunday 28 September is a 调休 working day.
        datetime.date(2025, 9, 27): "none",
        datetime.date(2025, 9, 28): "reminded",
        # 1-8 October are the holiday: the working day after the deadline is 9 October.
        datetime.date(2025, 10, 8): "reminded",
        datetime.date(2025, 10, 9): "yellow",
        # Five working days past: 9, 10, 11 (Saturday, 调休), 13, 14 October.
        datetime.date(2025, 10, 13): "yellow",
        datetime.date(2025, 10, 14): "red",
    }
    for day, level in steps.items():
        with time_machine.travel(datetime.datetime.combine(day, datetime.time(7)), tick=False):
            services.monitoring_escalate(today=day)
            before = Notification.objects.count()
            services.monitoring_escalate(today=day)  # a rerun sends nothing more
            assert Notification.objects.count() == before
        assert RectificationNotice.objects.get().escalation == level, day
    kinds = list(
        Notification.objects.filter(kind__startswith="monitoring.notice_")
        .exclude(kind="monitoring.notice_sent")
        .values_list("kind", flat=True)
    )
    # Reminder to the department; yellow and red to the department and the district.
    assert sorted(kinds) == sorted(
        ["monitoring.notice_reminded"]
        + ["monitoring.notice_yellow"] * 2
        + ["monitoring.notice_red"] * 2
    )
    assert Flag.objects.filter(kind="rectification_overdue", status="open").count() == 1


def test_more_time_only_before_the_deadline(world, api_as):
    with time_machine.travel(datetime.datetime(2025, 9, 17, 9, 0), tick=False):
        clue = _raise(world, api_as)
        _to_notice(world, api_as, clue)
        asked = api_as(world.a.department_staff).post(
            f"{URL}{clue}/request-extension/",
            {"reason": "数据量大", "new_due_date": "2025-10-20"},
            format="json",
        )
        assert asked.status_code == 200, asked.content
        granted = api_as(world.a.supervisor).post(
            f"{URL}{clue}/grant-extension/", {"reason": "同意"}, format="json"
        )
        assert granted.json()["notice"]["due_date"] == "2025-10-20"
    with time_machine.travel(datetime.datetime(2025, 10, 21, 9, 0), tick=False):
        late = api_as(world.a.department_staff).post(
            f"{URL}{clue}/request-extension/",
            {"reason": "再延", "new_due_date": "2025-11-20"},
            format="json",
        )
        assert late.status_code == 409 and late.json()["code"] == "deadline_passed"


def test_every_clue_and_report_step_is_a_documented_audit_action():
    """Each transition of the clue and report machines is on the audit list, in words."""
    from django.utils import translation

    from registry import audit_actions

    for prefix, machine in (
        ("clue", services.CLUE),
        ("monitoring_report", services.MONITORING_REPORT),
    ):
        for action in machine.transitions:
            name = audit_actions.for_transition(prefix, action)
            with translation.override("zh-hans"):
                assert str(audit_actions.meaning(name)) != name


def test_the_clue_list_shows_clues_without_a_notice_beside_those_with_one(world, api_as):
    # Found by the province benchmark: the list's prefetch left an empty list on a clue no
    # notice was sent on, and the serializer indexed it (a 500 for the whole list).
    bare = _raise(world, api_as)
    with_notice = _raise(world, api_as)
    _to_notice(world, api_as, with_notice)
    response = api_as(world.a.supervisor).get(URL)
    assert response.status_code == 200, response.content
    notices = {row["id"]: row["notice"] for row in response.json()["results"]}
    assert notices[bare] is None and notices[with_notice]["number"]


def test_the_clue_list_costs_the_same_for_one_notice_or_three(world, api_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from registry.models import User

    def queries() -> int:
        supervisor = User.objects.get(pk=world.a.supervisor.pk)  # grants not cached yet
        client = api_as(supervisor)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    _to_notice(world, api_as, _raise(world, api_as))
    one = queries()
    for _ in range(2):
        _to_notice(world, api_as, _raise(world, api_as))
    assert queries() == one  # each notice's department, jurisdiction and extensions prefetched


def test_the_escalation_cut_offs_place_every_due_date_as_the_ladder_does():
    """The job places notices by three cut-off dates compared in the database: for every
    day around 国庆 2025 and the 2026 Spring Festival, and every due date within a month of
    it, they give exactly the level ``escalation_on`` gives one notice at a time."""
    from monitoring import deadlines

    days = [datetime.date(2025, 9, 15) + datetime.timedelta(days=n) for n in range(40)]
    days += [datetime.date(2026, 2, 5) + datetime.timedelta(days=n) for n in range(35)]
    for today in days:
        cutoffs = deadlines.escalation_cutoffs(today)
        for offset in range(-30, 31):
            due = today + datetime.timedelta(days=offset)
            placed = next(
                (lv for lv in ("red", "yellow", "reminded") if due <= cutoffs[lv]), "none"
            )
            assert placed == deadlines.escalation_on(due, today), (today, due)


def test_the_daily_job_costs_the_same_queries_for_three_notices_or_twelve(world, api_as):
    """One notice (or four) at each step of the ladder: the same statements either way, the
    notifications of every notice in one insert, and a rerun notifies nothing twice."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    today = datetime.date(2026, 3, 10)  # a Tuesday
    # Red (five working days past), yellow (the working day after), reminded (two before).
    dues = [datetime.date(2026, 3, 2), datetime.date(2026, 3, 9), datetime.date(2026, 3, 12)]

    def run(each: int) -> tuple[list[str], services.EscalationSummary, int, int]:
        with transaction.atomic():
            for due in dues * each:
                clue = _raise(world, api_as)
                notice = _to_notice(world, api_as, clue)["notice"]
                RectificationNotice.objects.filter(pk=notice["id"]).update(due_date=due)
            before = Notification.objects.count()
            with CaptureQueriesContext(connection) as captured:
                summary = services.monitoring_escalate(today=today)
            sent = Notification.objects.count() - before
            services.monitoring_escalate(today=today)
            again = Notification.objects.count() - before - sent
            transaction.set_rollback(True)
        return [q["sql"] for q in captured], summary, sent, again

    with time_machine.travel(datetime.datetime(2026, 3, 10, 7, 0), tick=False):
        few, few_summary, few_sent, few_again = run(1)
        many, many_summary, many_sent, many_again = run(4)
    assert len(many) == len(few)
    inserts = [sql for sql in many if sql.startswith('INSERT INTO "registry_notification"')]
    assert len(inserts) == 1
    # The department is reminded; 催办 and red go to the department and the district.
    assert (few_sent, many_sent) == (1 + 2 + 2, 4 * (1 + 2 + 2))
    assert few_again == many_again == 0
    assert many_summary.notified == {"notice_reminded": 4, "notice_yellow": 4, "notice_red": 4}
    assert few_summary.levels == {"none": 0, "reminded": 1, "yellow": 1, "red": 1}
