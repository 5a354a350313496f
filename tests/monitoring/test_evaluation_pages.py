"""Pages of the reverse evaluation: the supervisor opens a round, a cadre answers on the
form, the results page beside the facts, the department's own row, Excel, anonymity."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from monitoring import services
from monitoring.models import EvaluationRating, EvaluationRound
from registry import workdays
from registry.models import AuditEntry, User
from tests.monitoring.evaluation_world import (
    answer,
    dispatch,
    more_communities,
    open_round,
    ratings,
    september_dispatches,
)

pytestmark = pytest.mark.usefixtures("on_a_known_monday")


@pytest.fixture
def minimum(settings):
    settings.PORTAL = {**settings.PORTAL, "EVALUATION_MIN_RESPONSES": 2}


@pytest.fixture
def answered(world, minimum):
    """A round where both communities rated the bureau (ranked) and one the commission."""
    other = september_dispatches(world)
    evaluation_round = open_round(world)
    answer(
        world,
        evaluation_round,
        world.a.community,
        ratings(world.a.department, (5, 4, 3, 2), comment="会议通知太临时"),
        ratings(other, (1, 1, 1, 1), comment="材料反复要"),
    )
    answer(world, evaluation_round, world.a.community2, ratings(world.a.department, (3, 4, 3, 4)))
    return evaluation_round, other


def test_a_supervisor_opens_a_round_on_the_page(world, client):
    client.force_login(world.a.supervisor)
    page = client.get(reverse("evaluation-new"))
    assert page.status_code == 200
    assert "发起反向评价" in page.content.decode()
    response = client.post(
        reverse("evaluation-new"),
        {
            "area": world.a.district.pk,
            "title": "九月评价",
            "period_from": "2026-09-01",
            "period_until": "2026-09-30",
            "opens_on": "2026-09-14",
            "closes_on": "2026-09-29",
        },
    )
    evaluation_round = EvaluationRound.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluation-round", args=[evaluation_round.pk])
    wrong = client.post(
        reverse("evaluation-new"),
        {
            "area": world.a.district.pk,
            "title": "倒置",
            "period_from": "2026-09-30",
            "period_until": "2026-09-01",
            "opens_on": "2026-09-14",
            "closes_on": "2026-09-29",
        },
    )
    assert wrong.status_code == 400
    assert "评价期间的结束日期不能早于开始日期" in wrong.content.decode()


def test_the_cadre_answers_on_the_form_and_can_change_it(world, client):
    september_dispatches(world)
    evaluation_round = open_round(world)
    client.force_login(world.a.cadre)
    url = reverse("evaluation-form", args=[evaluation_round.pk])
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert world.a.department.name in text
    assert "A区卫健委" not in text.split("添加本区域的部门")[0]  # August only: not on the form
    # What 1 and 5 mean, as the user reads it in Chinese.
    assert "1分：会议多、文件多" in text and "5分：闻哨即到" in text
    code = world.a.department.code
    scores = {
        f"score-{code}-{d}": s
        for d, s in zip(
            ["meetings_documents", "inspections", "ledgers_materials", "whistle_response"],
            ["2", "3", "4", "5"],
            strict=True,
        )
    }
    saved = client.post(
        url, {"community": world.a.community.code, **scores, f"comment-{code}": "会多"}
    )
    assert saved.status_code == 302
    assert sorted(EvaluationRating.objects.values_list("score", flat=True)) == [2, 3, 4, 5]
    again = client.get(url).content.decode()
    assert 'value="5"' in again and "checked" in again and "会多" in again
    client.post(url, {"community": world.a.community.code, f"score-{code}-inspections": "1"})
    assert list(EvaluationRating.objects.values_list("dimension", "score")) == [("inspections", 1)]


def test_the_form_can_add_a_department_of_the_area(world, client):
    other = september_dispatches(world)
    evaluation_round = open_round(world)
    client.force_login(world.a.cadre)
    url = reverse("evaluation-form", args=[evaluation_round.pk])
    page = client.get(url, {"community": world.a.community.code, "add": other.code})
    assert f'data-department="{other.code}"' in page.content.decode()
    assert "本社区添加" in page.content.decode()
    client.post(
        url,
        {
            "community": world.a.community.code,
            "add": other.code,
            f"score-{other.code}-inspections": "2",
        },
    )
    assert EvaluationRating.objects.get().department == other


def test_after_closing_the_form_says_so_and_refuses_with_409(world, client):
    september_dispatches(world)
    evaluation_round = open_round(world)
    services.evaluation_round_close(actor=world.a.supervisor, round=evaluation_round)
    client.force_login(world.a.cadre)
    url = reverse("evaluation-form", args=[evaluation_round.pk])
    assert "不能再作答或修改答卷" in client.get(url).content.decode()
    refused = client.post(url, {f"score-{world.a.department.code}-inspections": "3"}, follow=False)
    assert refused.status_code == 409
    assert not EvaluationRating.objects.exists()


def test_the_supervisor_sees_results_beside_the_facts_and_comments_without_authors(
    world, client, answered
):
    evaluation_round, other = answered
    client.force_login(world.a.supervisor)
    text = client.get(reverse("evaluation-round", args=[evaluation_round.pk])).content.decode()
    assert "评价结果与监测数据对照" in text
    ranked, _sep, unranked = text.partition("不计分、不排名")
    assert world.a.department.name in ranked and "4.00" in ranked
    assert other.name in unranked  # one response: listed apart, no scores
    assert "拒收率" in text and "逾期未整改" in text
    assert "会议通知太临时" in text and "材料反复要" in text
    assert world.a.cadre.display_name not in text and world.a.cadre.username not in text
    assert "立即结束本轮评价" in text  # the close button, with its confirmation
    assert "data-confirm" in text


def test_authors_show_once_with_a_reason_and_the_view_is_audited(world, client, answered):
    evaluation_round, _other = answered
    client.force_login(world.a.supervisor)
    url = reverse("evaluation-authors", args=[evaluation_round.pk])
    assert client.post(url, {"reason": ""}).status_code == 302
    page = client.post(url, {"reason": "核实一条投诉"})
    assert page.status_code == 200
    assert world.a.cadre.display_name in page.content.decode()
    assert AuditEntry.objects.filter(action="evaluation.authors_view").count() == 1
    # The department may not ask.
    client.force_login(world.a.department_staff)
    assert client.post(url, {"reason": "好奇"}).status_code == 403


def test_the_department_sees_only_its_own_row_once_closed_and_no_comment(world, client, answered):
    evaluation_round, other = answered
    client.force_login(world.a.department_staff)
    url = reverse("evaluation-round", args=[evaluation_round.pk])
    before = client.get(url).content.decode()
    assert "本轮评价结束后，部门方可查看本部门结果" in before
    assert "4.00" not in before
    services.evaluation_round_close(actor=world.a.supervisor, round=evaluation_round)
    after = client.get(url).content.decode()
    assert world.a.department.name in after and "4.00" in after
    for secret in (other.name, "会议通知太临时", "材料反复要", world.a.community.name):
        assert secret not in after
    export = client.get(reverse("evaluation-export", args=[evaluation_round.pk]))
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [row[1] for row in rows[1:]] == [world.a.department.name]
    cells = " ".join(str(c) for row in rows for c in row)
    for secret in (other.name, "会议通知太临时", world.a.community.name, world.a.cadre.username):
        assert secret not in cells


def test_the_supervisors_export_has_every_department_and_no_comment(world, client, answered):
    evaluation_round, other = answered
    client.force_login(world.a.supervisor)
    export = client.get(reverse("evaluation-export", args=[evaluation_round.pk]))
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("排名", "部门", "答卷数")
    assert [(r[0], r[1], r[3]) for r in rows[1:]] == [
        (1, world.a.department.name, 4.0),
        ("不足最低答卷数", other.name, None),
    ]
    assert "会议通知太临时" not in " ".join(str(c) for row in rows for c in row)


def test_a_cadre_opening_the_round_page_is_sent_to_the_form(world, client):
    evaluation_round = open_round(world)
    client.force_login(world.a.cadre)
    response = client.get(reverse("evaluation-round", args=[evaluation_round.pk]))
    assert response["Location"] == reverse("evaluation-form", args=[evaluation_round.pk])


def test_the_workbench_sections_list_the_rounds(world, client, answered):
    evaluation_round, _other = answered
    for user in (world.a.supervisor, world.a.cadre):
        client.force_login(user)
        section = client.get(reverse("evaluation-section")).content.decode()
        assert evaluation_round.title in section
    client.force_login(world.a.department_staff)
    assert evaluation_round.title not in client.get(reverse("evaluation-section")).content.decode()
    services.evaluation_round_close(actor=world.a.supervisor, round=evaluation_round)
    assert evaluation_round.title in client.get(reverse("evaluation-section")).content.decode()


def test_the_index_says_what_to_do_when_there_is_no_round(world, client):
    client.force_login(world.a.supervisor)
    text = client.get(reverse("evaluation-index")).content.decode()
    assert "尚未发起反向评价" in text and "发起评价" in text


def test_the_round_page_costs_the_same_for_many_departments(
    world, client, minimum, django_assert_num_queries
):
    workdays.is_covered(2026)
    other = september_dispatches(world)
    communities = [world.a.community, world.a.community2, *more_communities(world, 2)]
    dispatch(world, other, communities, title="健康档案")
    evaluation_round = open_round(world)
    for community in communities:
        answer(
            world,
            evaluation_round,
            community,
            ratings(world.a.department, comment=f"意见{community.code}"),
            ratings(other),
        )
    client.force_login(User.objects.get(pk=world.a.supervisor.pk))
    # 1 session, 2 user, 3 grants, 4 the round, 5-10 the results (trend rounds, scores,
    # tasks' facts, off-platform, overdue notices, names), 11 responses, 12 communities,
    # 13 the comments with their departments (+1 on SQLite: the median's leads).
    from django.db import connection

    expected = 13 if connection.vendor == "postgresql" else 14
    with django_assert_num_queries(expected):
        response = client.get(reverse("evaluation-round", args=[evaluation_round.pk]))
    assert len(response.context["results"]) == 2


def test_the_index_costs_the_same_for_many_rounds(world, client, django_assert_num_queries):
    for n in range(3):
        open_round(world, title=f"第{n}轮")
    client.force_login(User.objects.get(pk=world.a.supervisor.pk))
    # 1 session, 2 user, 3 grants, 4 count, 5 the page of rounds with areas and counts.
    with django_assert_num_queries(5):
        response = client.get(reverse("evaluation-index"))
    assert len(response.context["rows"]) == 3
