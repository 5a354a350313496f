"""Issue 14 ("the daily flows"), the admission side: the similar-items check that is not
noise (2), decisions that ask first and a ratification that can be refused (3), the
hearing that must be recorded before approval (4), and 费随事转 at the decision (5)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from registry import services, workdays
from registry.errors import IllegalTransition, InvalidInput
from registry.models import (
    Application,
    ApplicationTransition,
    AuditEntry,
    Dispatch,
    ListKind,
    Notification,
)
from registry.selectors.dispatch import ratification_queue
from registry.services.admission import APPLICATION
from registry.services.ratification import EMERGENCY_RATIFICATION
from tests.factories import WorkItemFactory

State = Application.State


def draft(world, **overrides) -> Application:
    fields = {
        "title": "老年人居家安全入户排查",
        "description": "每月入户排查独居老人居家安全隐患。",
        "list_kind": ListKind.ASSIST,
        "legal_basis": "《老年人权益保障法》第三十条",
        "frequency": "monthly",
        "hours_per_occurrence": Decimal("3"),
        "households_per_occurrence": 20,
        "ledgers": 1,
        "data_fields": ["姓名", "住址", "联系电话"],
        "funding_per_community": Decimal("2000"),
    }
    fields.update(overrides)
    scope = fields.pop("scope", [world.a.street])
    return services.application_create(
        actor=world.a.department_staff, department=world.a.department, scope=scope, **fields
    )


def under_review(world, **overrides) -> Application:
    application = services.application_submit(
        actor=world.a.department_staff, application=draft(world, **overrides)
    )
    return services.application_start_review(actor=world.a.reviewer, application=application)


def other_item(world, **fields):
    defaults = {
        "jurisdiction": world.a.district,
        "department": world.city_department,
        "scope": [world.a.district],
    }
    return WorkItemFactory(**{**defaults, **fields})


def participants(n: int = 3) -> list[dict]:
    return [{"name": f"参会人{i}", "organisation": "某社区", "opinion": "for"} for i in range(n)]


def html_of(response) -> str:
    return response.content.decode()


# --- 2. Similar items: common fields are not a likeness ----------------------------------


def test_fields_every_form_asks_do_not_make_items_similar(world):
    other_item(
        world,
        title="困难群众临时救助申请受理",
        description="受理临时救助申请。",
        data_fields=["姓名", "性别", "联系电话", "身份证号码", "住址"],
    )
    application = draft(world, data_fields=["姓名", "性别", "联系电话", "身份证号码", "住址"])
    assert application.checks["similar_items"] == []
    assert application.checks["common_data_fields"] == [
        "住址",
        "姓名",
        "性别",
        "联系电话",
        "身份证号码",
    ]


def test_a_real_overlap_of_specific_fields_is_similar_and_says_which(world):
    other_item(
        world,
        title="残疾人两项补贴资格复核",
        description="复核补贴资格。",
        data_fields=["姓名", "残疾证号", "残疾等级", "银行账号"],
    )
    application = draft(world, data_fields=["姓名", "残疾证号", "残疾等级"])
    (similar,) = application.checks["similar_items"]
    assert similar["reasons"] == ["data_fields"]
    assert similar["shared_data_fields"] == ["残疾证号", "残疾等级"]


def test_one_shared_specific_field_of_several_is_not_a_real_overlap(world):
    other_item(
        world,
        title="退役军人信息采集",
        description="采集退役军人信息。",
        data_fields=["姓名", "退役证号", "服役部队", "银行账号"],
    )
    application = draft(world, data_fields=["姓名", "残疾证号", "残疾等级", "银行账号"])
    assert application.checks["similar_items"] == []


def test_a_like_description_is_similar_even_with_another_title(world):
    other_item(
        world,
        title="独居老人关爱走访",
        description="每月入户排查独居老人居家安全隐患。",
        data_fields=["姓名"],
    )
    (similar,) = draft(world).checks["similar_items"]
    assert similar["reasons"] == ["description"]
    assert similar["description_likeness"] == 1.0


def test_the_common_fields_are_a_setting(world, settings):
    other_item(world, title="别的事项", data_fields=["残疾证号", "银行账号"])
    assert draft(world, data_fields=["残疾证号", "银行账号"]).checks["similar_items"]
    settings.PORTAL = {
        **settings.PORTAL,
        "COMMON_DATA_FIELDS": [*settings.PORTAL["COMMON_DATA_FIELDS"], "银行账号", "残疾证号"],
    }
    assert draft(world, data_fields=["残疾证号", "银行账号"]).checks["similar_items"] == []


def test_the_panel_says_why_each_item_is_similar(client, world):
    other_item(
        world,
        title="老年人居家安全入户排查登记",
        admission_number="990102-2026-0031",
        data_fields=["姓名"],
    )
    other_item(
        world,
        title="残疾人补贴复核",
        admission_number="990102-2026-0032",
        data_fields=["残疾证号", "残疾等级"],
    )
    application = draft(world, data_fields=["姓名", "残疾证号", "残疾等级"])
    client.force_login(world.a.department_staff)
    html = html_of(client.get(reverse("application-page", args=[application.pk])))
    assert "990102-2026-0031" in html and "990102-2026-0032" in html
    assert "标题相似" in html
    assert "共同采集" in html and "残疾证号、残疾等级" in html
    assert "不计为相似" in html  # 姓名 is named as a common field


# --- 3. Decisions ask first, naming what happens -------------------------------------------


@pytest.mark.parametrize(
    ("machine", "action"),
    [
        (APPLICATION, "submit"),
        (APPLICATION, "approve"),
        (APPLICATION, "reject"),
        (APPLICATION, "withdraw"),
        (EMERGENCY_RATIFICATION, "ratify"),
        (EMERGENCY_RATIFICATION, "refuse-ratification"),
    ],
)
def test_every_irreversible_decision_asks_first(machine, action):
    assert str(machine[action].confirm)


def test_the_approve_and_submit_buttons_carry_their_question(client, world):
    application = draft(world)
    client.force_login(world.a.department_staff)
    html = html_of(client.get(reverse("application-page", args=[application.pk])))
    submit_url = reverse("application-action", args=[application.pk, "submit"])
    assert f'action="{submit_url}" data-confirm="提交审核？' in html
    form_html = html_of(client.get(reverse("application-edit", args=[application.pk])))
    assert 'name="submit" value="1" class="button button--primary" data-confirm="提交审核？' in (
        form_html
    )

    services.application_submit(actor=world.a.department_staff, application=application)
    services.application_start_review(actor=world.a.reviewer, application=application)
    client.force_login(world.a.reviewer)
    html = html_of(client.get(reverse("application-page", args=[application.pk])))
    approve_url = reverse("application-action", args=[application.pk, "approve"])
    assert f'action="{approve_url}" data-confirm="准予准入？' in html
    assert "准入编号" in html.split(approve_url, 1)[1].split("</form>", 1)[0]


@pytest.fixture
def emergency(world, on_a_known_monday):
    workdays.is_covered(2026)
    return _emergency(world, "台风应急排查")


def _emergency(world, title: str) -> Dispatch:
    return services.dispatch_create(
        actor=world.a.department_staff,
        work_item=None,
        title=title,
        communities=[world.a.community, world.a.community2],
        due_date=timezone.localdate() + datetime.timedelta(days=2),
        hours_per_community=Decimal("1"),
        households_per_community=0,
        emergency=True,
        justification="台风红色预警",
    )


def test_refusing_ratification_needs_an_opinion(world, emergency):
    with pytest.raises(InvalidInput) as err:
        services.dispatch_refuse_ratification(
            actor=world.a.reviewer, dispatch=emergency, reason=" "
        )
    assert "reason" in err.value.extra["fields"]
    emergency.refresh_from_db()
    assert emergency.ratification_refused_at is None


def test_a_refused_ratification_keeps_the_mark_tells_the_department_and_is_final(world, emergency):
    refused = services.dispatch_refuse_ratification(
        actor=world.a.reviewer, dispatch=emergency, reason="不属于突发事件，应走准入程序"
    )
    assert refused.ratification_refused_by == world.a.reviewer
    assert refused.ratified_at is None and refused.emergency  # still marked, never ratified
    assert refused.ratification_note == "不属于突发事件，应走准入程序"
    notice = Notification.objects.get(
        recipient=world.a.department, kind="dispatch.ratification_refused"
    )
    assert "台风应急排查" in notice.title and "应走准入程序" in notice.body
    assert AuditEntry.objects.filter(action="dispatch.refuse_ratification").count() == 1
    assert not ratification_queue(user=world.a.reviewer).exists()
    with pytest.raises(IllegalTransition):
        services.dispatch_ratify(actor=world.a.reviewer, dispatch=refused)
    with pytest.raises(IllegalTransition):
        services.dispatch_refuse_ratification(
            actor=world.a.reviewer, dispatch=refused, reason="再次"
        )


def test_ratification_decisions_over_the_api(world, emergency, api_as):
    reviewer = api_as(world.a.reviewer)
    url = f"/api/v1/dispatches/{emergency.pk}"
    missing = reviewer.post(f"{url}/refuse-ratification/", {}, format="json")
    assert missing.status_code == 400 and "reason" in missing.json()["errors"]
    body = reviewer.post(
        f"{url}/refuse-ratification/", {"reason": "不属于突发事件"}, format="json"
    ).json()
    assert body["ratification"] == "refused" and body["ratified"] is False
    assert body["ratification_note"] == "不属于突发事件"
    again = reviewer.post(f"{url}/ratify/", {"reason": "属实"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "illegal_transition"

    other = _emergency(world, "防汛应急排查")
    body = reviewer.post(
        f"/api/v1/dispatches/{other.pk}/ratify/", {"reason": "情况属实"}, format="json"
    ).json()
    assert body["ratification"] == "ratified" and body["ratification_note"] == "情况属实"
    second = reviewer.post(
        f"/api/v1/dispatches/{other.pk}/refuse-ratification/", {"reason": "x"}, format="json"
    )
    assert second.status_code == 409


def test_refusing_ratification_costs_the_same_for_many_communities(
    world, emergency, api_as, django_assert_num_queries
):
    reviewer = api_as(world.a.reviewer)
    # 1 grants, 2 load the dispatch, 3 savepoint, 4 lock it, 5 save, 6 one notification
    # insert, 7-9 audit (advisory lock, chain head, entry), 10 release, 11 reload for the
    # answer, 12 its assignment counts: none of them per community (the token is a session
    # login here).
    with django_assert_num_queries(12):
        response = reviewer.post(
            f"/api/v1/dispatches/{emergency.pk}/refuse-ratification/",
            {"reason": "不属于突发事件"},
            format="json",
        )
    assert response.status_code == 200


def test_the_queue_offers_both_decisions_and_the_refusal_page_records_it(client, world, emergency):
    _emergency(world, "防汛应急排查")
    client.force_login(world.a.reviewer)
    html = html_of(client.get(reverse("dispatch-ratification")))
    refuse_url = reverse("dispatch-refuse-ratification-page", args=[emergency.pk])
    assert f'action="{refuse_url}" data-confirm="不予追认' in html
    assert 'data-confirm="追认此应急任务？' in html

    empty = client.post(refuse_url, {"note": ""}, follow=True)
    assert "请填写意见" in html_of(empty)
    response = client.post(refuse_url, {"note": "不属于突发事件"}, follow=True)
    assert "不予追认" in html_of(response)
    emergency.refresh_from_db()
    assert emergency.ratification_refused_at is not None
    assert "台风应急排查" not in html_of(client.get(reverse("dispatch-ratification")))
    page = html_of(client.get(reverse("dispatch-show", args=[emergency.pk])))
    assert "不予追认" in page and "不属于突发事件" in page


# --- 4. The hearing ------------------------------------------------------------------------


def _heavy(world) -> Application:
    """Weekly, 4 hours: a hearing is required (above 120 hours a year)."""
    return under_review(world, frequency="weekly", hours_per_occurrence=Decimal("4"))


def _offered(user, application) -> list[str]:
    return [t.action for t in APPLICATION.available_actions(user, application)]


def test_approve_is_not_offered_until_a_required_hearing_is_recorded(world):
    application = _heavy(world)
    assert application.hearing_required
    assert "approve" not in _offered(world.a.reviewer, application)
    assert "require-hearing" in _offered(world.a.reviewer, application)
    application = services.application_require_hearing(
        actor=world.a.reviewer, application=application, scheduled_on=timezone.localdate()
    )
    assert "approve" not in _offered(world.a.reviewer, application)
    application = services.application_record_hearing(
        actor=world.a.reviewer,
        application=application,
        held_on=timezone.localdate(),
        participants=participants(),
    )
    assert application.state == State.HEARING_HELD
    assert "approve" in _offered(world.a.reviewer, application)
    step = ApplicationTransition.objects.filter(application=application).last()
    assert (step.action, step.from_state, step.to_state) == (
        "record-hearing",
        "hearing",
        "hearing_held",
    )


def test_approving_before_the_hearing_over_the_api_is_409_hearing_required(world, api_as):
    application = _heavy(world)
    response = api_as(world.a.reviewer).post(
        f"/api/v1/applications/{application.pk}/approve/", {"reason": "同意"}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "hearing_required"


def test_under_review_the_page_says_approval_waits_for_the_hearing(client, world):
    application = _heavy(world)
    client.force_login(world.a.reviewer)
    html = html_of(client.get(reverse("application-page", args=[application.pk])))
    assert 'id="action-approve"' not in html
    hearing = html.split('id="action-require-hearing"', 1)[1].split("</details>", 1)[0]
    assert "录入听证结果后才能准予准入" in hearing


def test_after_recording_the_page_drops_the_stale_hint_and_shows_the_real_step(client, world):
    application = services.application_require_hearing(
        actor=world.a.reviewer, application=_heavy(world), scheduled_on=timezone.localdate()
    )
    client.force_login(world.a.reviewer)
    before = html_of(client.get(reverse("application-page", args=[application.pk])))
    assert "请在申请上方的听证记录框中录入听证结果" in before
    assert 'id="action-approve"' not in before
    services.application_record_hearing(
        actor=world.a.reviewer,
        application=application,
        held_on=timezone.localdate(),
        participants=participants(),
    )
    after = html_of(client.get(reverse("application-page", args=[application.pk])))
    assert "请在申请上方的听证记录框中录入听证结果" not in after
    assert 'id="action-approve"' in after
    assert "听证中 → 已听证" in after
    assert "听证中 → 听证中" not in after
    assert "更正听证记录" in after


def test_a_hearing_held_before_its_planned_date_is_questioned(world):
    today = timezone.localdate()
    application = services.application_require_hearing(
        actor=world.a.reviewer, application=_heavy(world), scheduled_on=today
    )
    early = today - datetime.timedelta(days=3)
    with pytest.raises(InvalidInput) as err:
        services.application_record_hearing(
            actor=world.a.reviewer,
            application=application,
            held_on=early,
            participants=participants(),
        )
    assert err.value.code == "hearing_before_planned"
    assert "held_on" in err.value.extra["fields"]
    recorded = services.application_record_hearing(
        actor=world.a.reviewer,
        application=application,
        held_on=early,
        participants=participants(),
        confirm_early=True,
    )
    assert recorded.state == State.HEARING_HELD and recorded.hearing.held_on == early


def test_the_early_date_question_on_the_page(client, world):
    today = timezone.localdate()
    application = services.application_require_hearing(
        actor=world.a.reviewer, application=_heavy(world), scheduled_on=today
    )
    client.force_login(world.a.reviewer)
    data = {
        "record-hearing-held_on": (today - datetime.timedelta(days=2)).isoformat(),
        "record-hearing-participant-name": ["张三"],
        "record-hearing-participant-organisation": ["A一社区"],
        "record-hearing-participant-opinion": ["for"],
        "record-hearing-participant-comment": [""],
    }
    url = reverse("application-action", args=[application.pk, "record-hearing"])
    response = client.post(url, data)
    assert response.status_code == 400
    assert "早于" in html_of(response) and "听证在计划日期之前举行" in html_of(response)
    response = client.post(url, {**data, "record-hearing-confirm_early": "on"})
    assert response.status_code == 302
    assert Application.objects.get(pk=application.pk).state == State.HEARING_HELD


# --- 5. 费随事转 at the decision --------------------------------------------------------------


def _unfunded(world) -> Application:
    # 12 x 3 = 36 hours a year, above the 24-hour threshold, and no funding.
    return under_review(world, funding_per_community=Decimal("0"))


def test_approving_an_unfunded_burden_needs_a_note_on_the_funding(world):
    application = _unfunded(world)
    with pytest.raises(InvalidInput) as err:
        services.application_approve(actor=world.a.reviewer, application=application, reason="同意")
    assert "funding_note" in err.value.extra["fields"]
    assert Application.objects.get(pk=application.pk).state == State.UNDER_REVIEW
    approved = services.application_approve(
        actor=world.a.reviewer,
        application=application,
        reason="同意",
        funding_note="区财政按每社区每年 800 元列入下年度预算",
    )
    assert approved.state == State.APPROVED
    step = ApplicationTransition.objects.filter(application=application).last()
    assert step.reason.startswith("同意")
    assert "区财政按每社区每年 800 元列入下年度预算" in step.reason
    assert "费随事转" in step.reason


def test_a_funded_item_is_approved_without_a_funding_note(world):
    approved = services.application_approve(
        actor=world.a.reviewer, application=under_review(world), reason="同意"
    )
    assert approved.state == State.APPROVED


def test_the_reviewer_sees_the_funding_warning_at_approval(client, world, api_as):
    application = _unfunded(world)
    client.force_login(world.a.reviewer)
    html = html_of(client.get(reverse("application-page", args=[application.pk])))
    approve = html.split('id="action-approve"', 1)[1].split("</details>", 1)[0]
    assert "未安排经费" in approve or "没有安排经费" in approve
    assert 'name="approve-funding_note"' in approve

    response = client.post(
        reverse("application-action", args=[application.pk, "approve"]),
        {"approve-reason": "同意"},
    )
    assert response.status_code == 400
    api = api_as(world.a.reviewer)
    url = f"/api/v1/applications/{application.pk}/approve/"
    refused = api.post(url, {"reason": "同意"}, format="json")
    assert refused.status_code == 400 and "funding_note" in refused.json()["errors"]
    body = api.post(url, {"reason": "同意", "funding_note": "由区财政保障"}, format="json").json()
    assert body["state"] == "approved"
    assert "由区财政保障" in body["history"][-1]["reason"]
