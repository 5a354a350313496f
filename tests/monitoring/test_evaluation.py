"""The reverse evaluation (反向评价), issue 12: rounds, the form, responses, results beside
the measured facts, anonymity, the daily job, query counts."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from monitoring import services
from monitoring.flags import RULES
from monitoring.models import EvaluationRating, EvaluationResponse, EvaluationRound, ReminderLog
from monitoring.selectors import evaluation as reads
from registry import selectors as registry_selectors
from registry import workdays
from registry.errors import IllegalTransition, InvalidInput
from registry.models import AuditEntry, Notification, User
from tests.monitoring.evaluation_world import (
    CLOSES_ON,
    PERIOD_FROM,
    PERIOD_UNTIL,
    answer,
    dispatch,
    more_communities,
    open_round,
    ratings,
    second_department,
    september_dispatches,
)

pytestmark = pytest.mark.usefixtures("on_a_known_monday")


@pytest.fixture
def minimum(settings):
    """A minimum of two responses, so two communities make a department count."""
    settings.PORTAL = {**settings.PORTAL, "EVALUATION_MIN_RESPONSES": 2}
    return 2


def form_codes(api, evaluation_round, community):
    response = api.get(
        f"/api/v1/evaluation-rounds/{evaluation_round.pk}/form/", {"community": community.code}
    )
    assert response.status_code == 200, response.content
    return [row["department"] for row in response.json()["departments"]], response.json()


def test_the_form_lists_exactly_the_departments_that_dispatched_in_the_period(world, api_as):
    other = september_dispatches(world)
    evaluation_round = open_round(world)
    codes, body = form_codes(api_as(world.a.cadre), evaluation_round, world.a.community)
    # The bureau dispatched in September; the health commission only in August.
    assert codes == [world.a.department.code]
    assert [d["code"] for d in body["dimensions"]] == [
        "meetings_documents",
        "inspections",
        "ledgers_materials",
        "whistle_response",
    ]
    assert all(d["score_1"] and d["score_5"] for d in body["dimensions"])
    # The community may add a department of its area; once rated it stays on its form.
    assert other.code in body["addable"]
    answer(world, evaluation_round, world.a.community, ratings(world.a.department), ratings(other))
    codes, body = form_codes(api_as(world.a.cadre), evaluation_round, world.a.community)
    assert codes == [world.a.department.code, other.code]
    assert [d["dispatched"] for d in body["departments"]] == [True, False]
    assert body["departments"][1]["scores"]["inspections"] == 4


def test_a_department_of_another_district_cannot_be_rated(world):
    september_dispatches(world)
    evaluation_round = open_round(world)
    with pytest.raises(InvalidInput):
        answer(world, evaluation_round, world.a.community, ratings(world.b.department))


def test_a_second_response_replaces_the_first(world, api_as):
    september_dispatches(world)
    evaluation_round = open_round(world)
    url = f"/api/v1/evaluation-rounds/{evaluation_round.pk}/responses/"
    first = {
        "community": world.a.community.code,
        "ratings": [
            {"department": world.a.department.code, "dimension": d, "score": 2, "comment": "会多"}
            for d in ("meetings_documents", "inspections", "ledgers_materials", "whistle_response")
        ],
    }
    created = api_as(world.a.cadre).post(url, first, format="json")
    assert created.status_code == 201, created.content
    second = {
        "community": world.a.community.code,
        "ratings": [
            {"department": world.a.department.code, "dimension": "inspections", "score": 5}
        ],
    }
    replaced = api_as(world.a.cadre).post(url, second, format="json")
    assert replaced.status_code == 200
    assert replaced.json()["version"] == 2
    assert EvaluationResponse.objects.count() == 1
    assert list(EvaluationRating.objects.values_list("dimension", "score", "comment")) == [
        ("inspections", 5, "")
    ]


def test_after_closing_a_response_is_409(world, api_as):
    september_dispatches(world)
    evaluation_round = open_round(world)
    body = {
        "community": world.a.community.code,
        "ratings": [
            {"department": world.a.department.code, "dimension": "inspections", "score": 3}
        ],
    }
    url = f"/api/v1/evaluation-rounds/{evaluation_round.pk}/responses/"
    closed = api_as(world.a.supervisor).post(
        f"/api/v1/evaluation-rounds/{evaluation_round.pk}/close/"
    )
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    refused = api_as(world.a.cadre).post(url, body, format="json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "round_closed"
    assert refused.json()["detail"]
    again = api_as(world.a.supervisor).post(
        f"/api/v1/evaluation-rounds/{evaluation_round.pk}/close/"
    )
    assert again.status_code == 409


def test_after_the_closing_date_a_response_is_409_even_before_the_job_closes_it(world):
    september_dispatches(world)
    evaluation_round = open_round(world)
    with (
        time_machine.travel(datetime.datetime(2026, 9, 30, 9, 0), tick=False),
        pytest.raises(IllegalTransition),
    ):
        answer(world, evaluation_round, world.a.community, ratings(world.a.department))


def test_below_the_minimum_a_department_has_no_scores_and_is_listed_apart(world, minimum):
    other = september_dispatches(world)
    evaluation_round = open_round(world)
    answer(
        world,
        evaluation_round,
        world.a.community,
        ratings(world.a.department, (5, 5, 4, 4)),
        ratings(other, (1, 1, 1, 1)),
    )
    answer(world, evaluation_round, world.a.community2, ratings(world.a.department, (3, 3, 2, 2)))
    results = reads.round_results(evaluation_round)
    ranked = [r for r in results if r.ranked]
    unranked = [r for r in results if not r.ranked]
    assert [r.department for r in ranked] == [world.a.department]
    assert ranked[0].rank == 1
    assert ranked[0].scores == {
        "meetings_documents": 4.0,
        "inspections": 4.0,
        "ledgers_materials": 3.0,
        "whistle_response": 3.0,
    }
    assert ranked[0].counts["inspections"] == 2
    assert ranked[0].overall == 3.5
    # One response for the health commission: listed, counted, never scored or ranked.
    assert [(r.department, r.responses, r.scores, r.rank) for r in unranked] == [
        (other, 1, None, None)
    ]


def test_ties_share_a_rank(world, minimum):
    other = second_department(world)
    dispatch(world, world.a.department, [world.a.community, world.a.community2])
    dispatch(world, other, [world.a.community, world.a.community2], title="健康档案")
    evaluation_round = open_round(world)
    for community in (world.a.community, world.a.community2):
        answer(world, evaluation_round, community, ratings(world.a.department), ratings(other))
    assert [r.rank for r in reads.round_results(evaluation_round)] == [1, 1]


def test_the_facts_equal_what_the_dispatch_and_monitoring_selectors_give(world):
    """Refusal rate, median lead, emergency share from the assignments the supervisor's
    dispatch selectors list for the period; off-platform reports from the monitoring list;
    overdue rectifications from the flag rule's findings."""
    from registry import services as registry_services

    september_dispatches(world)
    dispatch(world, world.a.department, [world.a.community], title="防汛排查", emergency=True)
    task = (
        registry_selectors.inbox_list(user=world.a.cadre)
        .filter(department=world.a.department)
        .first()
    )
    registry_services.assignment_respond(
        actor=world.a.cadre, assignment=task, action="refuse", reason_code="outside_list"
    )
    services.offplatform_report_create(
        actor=world.a.cadre,
        community=world.a.community,
        department=world.a.department,
        title="微信群要求填表",
        channel="wechat",
        received_on=datetime.date(2026, 9, 10),
    )
    evaluation_round = open_round(world)
    (row,) = [
        r for r in reads.round_results(evaluation_round) if r.department == world.a.department
    ]
    supervisor = world.a.supervisor
    start, end = reads.period_bounds(PERIOD_FROM, PERIOD_UNTIL)
    tasks = registry_selectors.assignment_list(user=supervisor).filter(
        department=world.a.department, created_at__gte=start, created_at__lt=end
    )
    total = tasks.count()
    assert total == 3
    assert row.facts["refusal_rate"] == round(tasks.filter(state="refused").count() / total, 4)
    assert row.facts["emergency_share"] == round(tasks.filter(emergency=True).count() / total, 4)
    leads = sorted(t.dispatch.lead_working_days for t in tasks.select_related("dispatch"))
    assert row.facts["median_lead_working_days"] == float(leads[len(leads) // 2])
    reports = registry_selectors_offplatform(supervisor).filter(department=world.a.department)
    assert row.facts["offplatform_reports"] == reports.count() == 1
    overdue = [
        f
        for f in RULES["rectification_overdue"](datetime.date(2026, 9, 14))
        if f.organisation_id == world.a.department.pk
    ]
    assert row.facts["overdue_rectifications"] == len(overdue) == 0


def registry_selectors_offplatform(user):
    from monitoring.selectors import offplatform_list

    return offplatform_list(user=user).filter(
        received_on__gte=PERIOD_FROM, received_on__lte=PERIOD_UNTIL
    )


def test_an_overdue_rectification_in_the_period_is_counted(world):
    from monitoring.models import RectificationNotice

    september_dispatches(world)
    clue = services.clue_raise(
        actor=world.a.liaison,
        department=world.a.department,
        community=world.a.community,
        summary="微信派单",
    )
    for step, data in (
        ("analyse", {"note": "属实"}),
        ("verify", {"visited_on": datetime.date(2026, 9, 14), "findings": "属实"}),
        ("send-notice", {"requirements": "停止"}),
    ):
        services.clue_act(actor=world.a.supervisor, clue=clue, action=step, data=data)
    RectificationNotice.objects.update(due_date=datetime.date(2026, 9, 2))
    evaluation_round = open_round(world)
    (row,) = [
        r for r in reads.round_results(evaluation_round) if r.department == world.a.department
    ]
    findings = [
        f
        for f in RULES["rectification_overdue"](datetime.date(2026, 9, 14))
        if f.organisation_id == world.a.department.pk
    ]
    assert row.facts["overdue_rectifications"] == len(findings) == 1


def test_a_department_sees_only_its_own_row_once_the_round_has_closed(world, api_as, minimum):
    other = september_dispatches(world)
    dispatch(world, other, [world.a.community, world.a.community2], title="健康档案")
    evaluation_round = open_round(world)
    for community in (world.a.community, world.a.community2):
        answer(
            world,
            evaluation_round,
            community,
            ratings(world.a.department, comment="会议太多"),
            ratings(other, (3, 3, 3, 3), comment="材料重复"),
        )
    staff = api_as(world.a.department_staff)
    url = f"/api/v1/evaluation-rounds/{evaluation_round.pk}/results/"
    assert staff.get(url).status_code == 409  # not before the round closes
    services.evaluation_round_close(actor=world.a.supervisor, round=evaluation_round)
    body = staff.get(url).json()
    assert [r["department"] for r in body["results"]] == [world.a.department.code]
    assert body["results"][0]["scores"]["inspections"] == 4.0
    assert staff.get(url, {"department": other.code}).json()["results"] == []
    text = staff.get(url).content.decode()
    for secret in ("会议太多", "材料重复", world.a.community.name, world.a.cadre.username):
        assert secret not in text
    # The form (a community's own answer) is not for departments.
    form = staff.get(
        f"/api/v1/evaluation-rounds/{evaluation_round.pk}/form/",
        {"community": world.a.community.code},
    )
    assert form.status_code == 403
    # The supervisor gets every row; still no community, author or comment in the API.
    full = api_as(world.a.supervisor).get(url)
    assert [r["department"] for r in full.json()["results"]] == [
        world.a.department.code,
        other.code,
    ]
    for secret in ("会议太多", world.a.community.name, world.a.cadre.username):
        assert secret not in full.content.decode()


def test_authors_are_shown_only_with_a_reason_and_it_is_audited(world):
    september_dispatches(world)
    evaluation_round = open_round(world)
    answer(world, evaluation_round, world.a.community, ratings(world.a.department, comment="威胁"))
    plain = reads.round_comments(evaluation_round)
    assert plain == [{"department": world.a.department, "comment": "威胁"}]
    with pytest.raises(InvalidInput):
        services.evaluation_authors_reveal(
            actor=world.a.supervisor, round=evaluation_round, reason=" "
        )
    rows = services.evaluation_authors_reveal(
        actor=world.a.supervisor, round=evaluation_round, reason="评论涉及人身威胁，需核实"
    )
    assert rows[0]["community"] == world.a.community
    assert rows[0]["author"] == world.a.cadre
    entry = AuditEntry.objects.filter(action="evaluation.authors_view").get()
    assert entry.after["reason"] == "评论涉及人身威胁，需核实"
    from registry.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.evaluation_authors_reveal(
            actor=world.b.supervisor, round=evaluation_round, reason="好奇"
        )


def test_the_audit_log_holds_no_score_or_comment(world):
    september_dispatches(world)
    evaluation_round = open_round(world)
    answer(world, evaluation_round, world.a.community, ratings(world.a.department, comment="秘密"))
    entry = AuditEntry.objects.filter(action="evaluation_response.submit").get()
    assert "秘密" not in str(entry.after) and "score" not in str(entry.after)


def test_opening_needs_a_supervisor_of_the_area_and_sane_dates(world, api_as):
    body = {
        "area": world.a.district.code,
        "title": "九月评价",
        "period_from": "2026-09-01",
        "period_until": "2026-09-30",
        "opens_on": "2026-09-14",
        "closes_on": "2026-09-29",
    }
    url = "/api/v1/evaluation-rounds/"
    assert api_as(world.b.supervisor).post(url, body, format="json").status_code == 403
    bad = api_as(world.a.supervisor).post(url, {**body, "closes_on": "2026-09-10"}, format="json")
    assert bad.status_code == 400 and "closes_on" in bad.json()["errors"]
    made = api_as(world.a.supervisor).post(url, body, format="json")
    assert made.status_code == 201
    assert made.json()["area"] == world.a.district.code and made.json()["state"] == "open"
    # Opening today tells every community of the area at once (and only once).
    assert Notification.objects.filter(kind="evaluation.opened").count() == 2


def test_the_daily_job_opens_reminds_across_mid_autumn_and_closes_once(world):
    workdays.is_covered(2026)
    september_dispatches(world)
    evaluation_round = open_round(world, opens_on=datetime.date(2026, 9, 15))
    assert not Notification.objects.filter(kind="evaluation.opened").exists()
    answer_day = datetime.datetime(2026, 9, 15, 9, 0)
    with time_machine.travel(answer_day, tick=False):
        summary = services.evaluation_rounds_remind()
        assert summary.notified["opened"] == 2
        assert services.evaluation_rounds_remind().notified["opened"] == 0
        answer(world, evaluation_round, world.a.community, ratings(world.a.department))
    # Closing Tuesday 29th: two working days before is Thursday 24th, because Friday 25th
    # to Sunday 27th is the Mid-Autumn holiday (Monday to Friday would say Friday 25th).
    assert (
        services.evaluation_rounds_remind(today=datetime.date(2026, 9, 23)).notified["reminder"]
        == 0
    )
    assert (
        services.evaluation_rounds_remind(today=datetime.date(2026, 9, 24)).notified["reminder"]
        == 1
    )  # community 2 only: community 1 has answered
    assert (
        services.evaluation_rounds_remind(today=datetime.date(2026, 9, 25)).notified["reminder"]
        == 0
    )
    reminded = Notification.objects.filter(kind="evaluation.reminder").get()
    assert reminded.recipient == world.a.community2
    assert services.evaluation_rounds_remind(today=CLOSES_ON).closed == 0
    assert services.evaluation_rounds_remind(today=datetime.date(2026, 9, 30)).closed == 1
    assert services.evaluation_rounds_remind(today=datetime.date(2026, 10, 1)).closed == 0
    evaluation_round.refresh_from_db()
    assert evaluation_round.state == EvaluationRound.State.CLOSED
    assert (
        ReminderLog.objects.filter(key__startswith=f"evaluation:{evaluation_round.pk}:").count()
        == 2
    )
    assert AuditEntry.objects.filter(action="evaluation_round.expire").count() == 1


def test_results_cost_the_same_for_many_departments_and_responses(
    world, api_as, minimum, django_assert_num_queries
):
    workdays.is_covered(2026)
    other = september_dispatches(world)
    extra = more_communities(world, 3)
    communities = [world.a.community, world.a.community2, *extra]
    dispatch(world, other, communities, title="健康档案")
    evaluation_round = open_round(world)
    for community in communities:
        answer(world, evaluation_round, community, ratings(world.a.department), ratings(other))
    url = f"/api/v1/evaluation-rounds/{evaluation_round.pk}/results/"
    client = api_as(User.objects.get(pk=world.a.supervisor.pk))  # grants not cached yet
    # 1 grants, 2 the round, 3 the trend's rounds, 4 the scores per round and department,
    # 5 the tasks' facts (PostgreSQL: the median too), 6 off-platform reports,
    # 7 overdue notices, 8 the departments' names (+1 on SQLite: the leads for the median).
    from django.db import connection

    expected = 8 if connection.vendor == "postgresql" else 9
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert all(r["responses"] == 5 for r in response.json()["results"])


def test_a_response_is_one_insert_whatever_the_ratings(world, django_assert_max_num_queries):
    workdays.is_covered(2026)
    other = september_dispatches(world)
    evaluation_round = open_round(world)
    answer(world, evaluation_round, world.a.community, ratings(world.a.department))
    # Replacing with eight ratings: a bounded number of queries (no query per rating).
    with django_assert_max_num_queries(16):
        answer(
            world, evaluation_round, world.a.community, ratings(world.a.department), ratings(other)
        )
    assert EvaluationRating.objects.count() == 8


def test_the_round_list_is_scoped(world, api_as):
    open_round(world)
    assert api_as(world.a.supervisor).get("/api/v1/evaluation-rounds/").json()["count"] == 1
    assert api_as(world.a.cadre).get("/api/v1/evaluation-rounds/").json()["count"] == 1
    assert api_as(world.b.supervisor).get("/api/v1/evaluation-rounds/").json()["count"] == 0
    assert api_as(world.b.cadre).get("/api/v1/evaluation-rounds/").json()["count"] == 0


def test_the_round_list_costs_the_same_for_many_rounds(world, api_as, django_assert_num_queries):
    for n in range(3):
        open_round(world, title=f"第{n}轮")
    supervisor = User.objects.get(pk=world.a.supervisor.pk)  # grants not cached yet
    # 1 grants, 2 count, 3 the page of rounds with their area and response counts.
    with django_assert_num_queries(3):
        response = api_as(supervisor).get("/api/v1/evaluation-rounds/")
    assert response.json()["count"] == 3


def test_evaluation_results_for_the_dashboard(world, minimum):
    september_dispatches(world)
    evaluation_round = open_round(world)
    for community in (world.a.community, world.a.community2):
        answer(world, evaluation_round, community, ratings(world.a.department))
    rows = reads.evaluation_results(
        area=world.city,
        period_from=datetime.date(2026, 9, 15),
        period_until=datetime.date(2026, 12, 31),
    )
    assert [r["round"] for r in rows] == [evaluation_round.pk]
    assert rows[0]["results"][0]["department"] == world.a.department.code
    assert rows[0]["results"][0]["scores"]["inspections"] == 4.0
    assert (
        reads.evaluation_results(
            area=world.b.district, period_from=PERIOD_FROM, period_until=PERIOD_UNTIL
        )
        == []
    )


def _dashboard_evaluation(api_as, user, area, **params):
    response = api_as(user).get(
        "/api/v1/dashboard/",
        {
            "area": area.code,
            "from": "2026-09-01",
            "until": "2026-12-31",
            "baseline_from": "2025-09-01",
            "baseline_until": "2025-12-31",
            **params,
        },
    )
    assert response.status_code == 200, response.content
    return response.json()["evaluation"]["period"]


def test_the_dashboard_shows_closed_rounds_beside_the_facts(world, api_as, minimum):
    other = september_dispatches(world)
    evaluation_round = open_round(world)
    answer(
        world,
        evaluation_round,
        world.a.community,
        ratings(world.a.department, (5, 5, 4, 4)),
        ratings(other, (1, 1, 1, 1)),
    )
    answer(world, evaluation_round, world.a.community2, ratings(world.a.department, (3, 3, 2, 2)))
    # An open round is still being answered: the dashboard says there is nothing yet.
    section = _dashboard_evaluation(api_as, world.a.supervisor, world.a.district)
    assert section["available"] is False and "暂无" in section["note"]
    services.evaluation_round_close(actor=world.a.supervisor, round=evaluation_round)
    section = _dashboard_evaluation(api_as, world.a.supervisor, world.a.district)
    assert section["available"] is True
    assert section["totals"]["rounds"] == 1
    (round_table,) = section["tables"]
    facts = {r.department.code: r for r in reads.round_results(evaluation_round)}
    (row,) = round_table["rows"]
    assert (row["code"], row["responses"], row["overall"], row["rank"]) == (
        world.a.department.code,
        2,
        3.5,
        1,
    )
    assert row["offplatform"] == facts[world.a.department.code].facts["offplatform_reports"]
    # The commission with one response: listed apart, no score, no rank.
    (few,) = round_table["unranked"]
    assert (few["code"], few["responses"], few["overall"], few["rank"]) == (
        other.code,
        1,
        None,
        None,
    )
    # No community, cadre or comment anywhere in the section.
    text = str(section)
    for secret in (world.a.community.name, world.a.cadre.username, world.a.cadre.display_name):
        assert secret not in text
    # A community's own dashboard does not pretend a round's figures are its own.
    community = _dashboard_evaluation(api_as, world.a.supervisor, world.a.community)
    assert community["available"] is False and "按区域" in community["note"]
