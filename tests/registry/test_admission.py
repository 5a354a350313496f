"""The admission workflow through its services: states, actors, checks, approval."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from registry import selectors, services
from registry.errors import IllegalTransition, InvalidInput, PermissionDenied, RuleRefused
from registry.models import (
    Application,
    ApplicationTransition,
    AuditEntry,
    ListKind,
    Membership,
    Notification,
    WorkItem,
)
from registry.services.admission import validity_end
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


def submitted(world, **overrides) -> Application:
    return services.application_submit(
        actor=world.a.department_staff, application=draft(world, **overrides)
    )


def under_review(world, **overrides) -> Application:
    return services.application_start_review(
        actor=world.a.reviewer, application=submitted(world, **overrides)
    )


def history(application: Application) -> list[tuple[str, str]]:
    return list(
        ApplicationTransition.objects.filter(application=application)
        .order_by("id")
        .values_list("from_state", "to_state")
    )


# --- Drafting -------------------------------------------------------------------------------


def test_department_staff_creates_a_draft_in_their_own_jurisdiction(world):
    application = draft(world)
    assert application.state == State.DRAFT
    assert application.jurisdiction == world.a.district
    assert history(application) == [("", "draft")]
    assert AuditEntry.objects.filter(
        action="application.create", object_id=str(application.pk)
    ).exists()


def test_other_departments_staff_cannot_draft_for_this_department(world):
    with pytest.raises(PermissionDenied):
        services.application_create(
            actor=world.b.department_staff,
            department=world.a.department,
            scope=[world.a.street],
            title="x",
            list_kind="assist",
            legal_basis="y",
            frequency="once",
            hours_per_occurrence=1,
        )


def test_scope_outside_the_jurisdiction_is_refused(world):
    with pytest.raises(InvalidInput) as err:
        draft(world, scope=[world.b.community])
    assert "scope" in err.value.extra["fields"]


def test_validity_longer_than_the_maximum_is_refused(world):
    with pytest.raises(InvalidInput) as err:
        draft(world, valid_months=48)
    assert "valid_months" in err.value.extra["fields"]


def test_only_drafts_and_returned_applications_can_be_edited(world):
    application = draft(world)
    services.application_update(
        actor=world.a.department_staff, application=application, title="独居老人居家安全排查"
    )
    application.refresh_from_db()
    assert application.title == "独居老人居家安全排查"
    services.application_submit(actor=world.a.department_staff, application=application)
    with pytest.raises(IllegalTransition):
        services.application_update(
            actor=world.a.department_staff, application=application, title="再改"
        )


def test_reviewer_cannot_edit_a_draft(world):
    with pytest.raises(PermissionDenied):
        services.application_update(actor=world.a.reviewer, application=draft(world), title="改")


# --- Submission checks ----------------------------------------------------------------------


def test_similar_item_of_another_department_is_shown(world):
    WorkItemFactory(
        jurisdiction=world.a.district,
        department=world.city_department,
        title="老年人居家安全入户排查登记",
        data_fields=["姓名", "身份证号"],
        scope=[world.a.district],
    )
    checks = submitted(world).checks
    (similar,) = checks["similar_items"]
    assert similar["department"] == world.city_department.code
    # 姓名 is asked by every form (PORTAL["COMMON_DATA_FIELDS"]): the title makes it similar.
    assert similar["shared_data_fields"] == []
    assert similar["reasons"] == ["title"]
    assert similar["title_likeness"] >= 0.5


def test_negative_list_likeness_blocks_submission_naming_the_entry(world):
    application = draft(world, title="文明社区创建达标评比活动")
    assert application.checks["negative_matches"] == []
    # The negative list grows after the draft was written: submission still catches it.
    WorkItemFactory(
        jurisdiction=world.city,
        list_kind=ListKind.NEGATIVE,
        admission_number=None,
        title="社区创建达标评比活动",
        department=None,
    )
    with pytest.raises(RuleRefused) as err:
        services.application_submit(actor=world.a.department_staff, application=application)
    assert err.value.code == "negative_list_match"
    assert "社区创建达标评比活动" in str(err.value.message)
    application.refresh_from_db()
    assert application.state == State.DRAFT
    # The page shows what blocked it: the refused submission kept its checks.
    assert application.checks["negative_matches"][0]["title"] == "社区创建达标评比活动"
    assert not ApplicationTransition.objects.filter(
        application=application, to_state="submitted"
    ).exists()


def test_missing_funding_above_the_threshold_is_flagged(world, settings):
    settings.PORTAL = {**settings.PORTAL, "FUNDING_REQUIRED_YEARLY_HOURS_ABOVE": 24}
    funded = draft(world).checks["funding"]
    unfunded = draft(world, funding_per_community=Decimal("0")).checks["funding"]
    assert funded["missing"] is False
    assert unfunded["missing"] is True
    assert unfunded["yearly_hours_per_community"] == "36.00"


def test_hearing_required_when_too_many_communities_are_reached(world, settings):
    settings.PORTAL = {**settings.PORTAL, "HEARING_COMMUNITIES_ABOVE": 1}
    application = submitted(world)
    assert application.hearing_required
    assert application.checks["hearing"]["reasons"] == ["communities"]
    assert application.checks["hearing"]["communities_reached"] == 2


def test_hearing_required_when_the_burden_is_heavy(world):
    application = submitted(world, frequency="weekly", hours_per_occurrence=Decimal("4"))
    assert application.checks["hearing"]["reasons"] == ["burden"]


# --- Review -----------------------------------------------------------------------------------


def test_full_path_to_approval_assigns_an_admission_number(world):
    application = under_review(world)
    application = services.application_approve(
        actor=world.a.reviewer, application=application, reason="符合准入条件"
    )
    item = application.work_item
    year = timezone.localdate().year
    assert item.admission_number == f"{world.a.district.code}-{year}-0001"
    assert item.status == WorkItem.Status.ACTIVE
    assert item.valid_from == timezone.localdate()
    assert item.valid_until == validity_end(timezone.localdate(), 36)
    assert set(item.scope.all()) == {world.a.street}
    assert history(application) == [
        ("", "draft"),
        ("draft", "submitted"),
        ("submitted", "under_review"),
        ("under_review", "approved"),
    ]
    assert (
        ApplicationTransition.objects.get(application=application, to_state="approved").reason
        == "符合准入条件"
    )


def test_approval_notifies_the_department_and_every_community_in_scope(world):
    application = services.application_approve(
        actor=world.a.reviewer, application=under_review(world), reason="同意"
    )
    recipients = set(Notification.objects.values_list("recipient__code", flat=True))
    assert recipients == {world.a.department.code, world.a.community.code, world.a.community2.code}
    assert application.work_item.admission_number in Notification.objects.first().title


def test_admission_numbers_are_sequential_and_never_reused(world):
    first = services.application_approve(
        actor=world.a.reviewer, application=under_review(world), reason="同意"
    ).work_item
    services.work_item_change_status(
        actor=world.a.reviewer, item=first, action="revoke", reason="已不需要"
    )
    second = services.application_approve(
        actor=world.a.reviewer, application=under_review(world, title="另一事项"), reason="同意"
    ).work_item
    assert first.admission_number.endswith("-0001")
    assert second.admission_number.endswith("-0002")


def test_requested_validity_can_be_shorter_but_not_longer_than_the_maximum(world):
    today = timezone.localdate()
    app = services.application_approve(
        actor=world.a.reviewer,
        application=under_review(world),
        reason="同意",
        valid_until=today + datetime.timedelta(90),
    )
    assert app.work_item.valid_until == today + datetime.timedelta(90)
    with pytest.raises(InvalidInput):
        services.application_approve(
            actor=world.a.reviewer,
            application=under_review(world, title="二"),
            reason="同意",
            valid_until=today + datetime.timedelta(days=4 * 365),
        )


@pytest.mark.parametrize("action", ["return", "approve", "reject"])
def test_return_reject_and_approve_need_a_reason(world, action):
    service = {
        "return": services.application_return,
        "approve": services.application_approve,
        "reject": services.application_reject,
    }[action]
    application = under_review(world)
    with pytest.raises(InvalidInput) as err:
        service(actor=world.a.reviewer, application=application, reason="  ")
    assert "reason" in err.value.extra["fields"]
    application.refresh_from_db()
    assert application.state == State.UNDER_REVIEW


def test_returned_application_is_edited_and_resubmitted(world):
    application = services.application_return(
        actor=world.a.reviewer, application=under_review(world), reason="请补充法律依据"
    )
    services.application_update(
        actor=world.a.department_staff,
        application=application,
        legal_basis="《老年人权益保障法》第三十条、第六十二条",
    )
    application = services.application_submit(
        actor=world.a.department_staff, application=application
    )
    assert application.state == State.SUBMITTED
    assert history(application)[-2:] == [("under_review", "returned"), ("returned", "submitted")]


def test_rejection_is_final(world):
    application = services.application_reject(
        actor=world.a.reviewer, application=under_review(world), reason="属于部门自身职责"
    )
    assert application.work_item is None
    for service in (services.application_start_review, services.application_withdraw):
        with pytest.raises((IllegalTransition, PermissionDenied)):
            service(actor=world.a.reviewer, application=application)
    with pytest.raises(IllegalTransition):
        services.application_withdraw(actor=world.a.department_staff, application=application)


@pytest.mark.parametrize("state_reached", ["draft", "submitted", "under_review", "returned"])
def test_department_can_withdraw_until_a_decision(world, state_reached):
    application = {
        "draft": draft,
        "submitted": submitted,
        "under_review": under_review,
        "returned": lambda w: services.application_return(
            actor=w.a.reviewer, application=under_review(w), reason="补充"
        ),
    }[state_reached](world)
    application = services.application_withdraw(
        actor=world.a.department_staff, application=application, reason="不再需要"
    )
    assert application.state == State.WITHDRAWN


def test_department_cannot_withdraw_during_a_hearing(world):
    application = services.application_require_hearing(
        actor=world.a.reviewer, application=under_review(world)
    )
    with pytest.raises(IllegalTransition):
        services.application_withdraw(actor=world.a.department_staff, application=application)


def test_reviewer_cannot_decide_a_draft(world):
    with pytest.raises(IllegalTransition) as err:
        services.application_approve(
            actor=world.a.reviewer, application=draft(world), reason="同意"
        )
    assert err.value.code == "illegal_transition"


def test_department_staff_cannot_review(world):
    with pytest.raises(PermissionDenied):
        services.application_start_review(
            actor=world.a.department_staff, application=submitted(world)
        )


def test_reviewer_of_another_district_cannot_review(world):
    with pytest.raises(PermissionDenied):
        services.application_start_review(actor=world.b.reviewer, application=submitted(world))


def test_reviewer_who_belongs_to_the_applying_department_cannot_decide(world):
    Membership.objects.create(
        user=world.a.reviewer, organisation=world.a.department, role="department_staff"
    )
    world.a.reviewer._portal_grants = None
    application = submitted(world)
    with pytest.raises(PermissionDenied) as err:
        services.application_start_review(actor=world.a.reviewer, application=application)
    assert err.value.code == "reviewer_conflict"
    application.refresh_from_db()
    assert application.state == State.SUBMITTED


def test_second_approval_of_the_same_application_is_an_illegal_transition(world):
    application = under_review(world)
    services.application_approve(actor=world.a.reviewer, application=application, reason="同意")
    with pytest.raises(IllegalTransition):
        services.application_approve(
            actor=world.a.reviewer, application=application, reason="再次同意"
        )
    assert WorkItem.objects.count() == 1


# --- Hearings ---------------------------------------------------------------------------------


def participants(n=15):
    opinions = ["for"] * 10 + ["against"] * 3 + ["abstain"] * 2
    return [
        {"name": f"参会人{i}", "organisation": "某社区", "opinion": opinions[i % 15], "comment": ""}
        for i in range(n)
    ]


def test_required_hearing_must_be_recorded_before_approval(world):
    application = under_review(world, frequency="weekly", hours_per_occurrence=Decimal("4"))
    assert application.hearing_required
    with pytest.raises(IllegalTransition) as err:
        services.application_approve(actor=world.a.reviewer, application=application, reason="同意")
    assert err.value.code == "hearing_required"
    services.application_require_hearing(
        actor=world.a.reviewer, application=application, scheduled_on=timezone.localdate()
    )
    with pytest.raises(IllegalTransition):
        services.application_approve(actor=world.a.reviewer, application=application, reason="同意")
    services.application_record_hearing(
        actor=world.a.reviewer,
        application=application,
        held_on=timezone.localdate(),
        participants=participants(),
    )
    application = services.application_approve(
        actor=world.a.reviewer, application=application, reason="听证通过"
    )
    assert application.state == State.APPROVED
    assert application.hearing.participants.count() == 15
    assert application.hearing.participants.filter(opinion="against").count() == 3


def test_hearing_record_validates_opinions_and_date(world):
    application = services.application_require_hearing(
        actor=world.a.reviewer, application=under_review(world)
    )
    with pytest.raises(InvalidInput) as err:
        services.application_record_hearing(
            actor=world.a.reviewer,
            application=application,
            held_on=timezone.localdate(),
            participants=[{"name": "张三", "opinion": "maybe"}],
        )
    assert "participants[0].opinion" in err.value.extra["fields"]
    with pytest.raises(InvalidInput):
        services.application_record_hearing(
            actor=world.a.reviewer,
            application=application,
            held_on=timezone.localdate() + datetime.timedelta(days=3),
            participants=participants(2),
        )


def test_hearing_can_end_in_rejection(world):
    application = services.application_require_hearing(
        actor=world.a.reviewer, application=under_review(world)
    )
    services.application_record_hearing(
        actor=world.a.reviewer,
        application=application,
        held_on=timezone.localdate(),
        participants=participants(),
    )
    application = services.application_reject(
        actor=world.a.reviewer, application=application, reason="多数社区反对"
    )
    assert application.state == State.REJECTED


# --- Renewal, suspension, revocation, expiry --------------------------------------------------


def test_renewal_extends_the_same_item_and_keeps_its_number(world):
    item = WorkItemFactory(
        jurisdiction=world.a.district,
        department=world.a.department,
        valid_until=timezone.localdate() + datetime.timedelta(days=20),
        scope=[world.a.street],
    )
    application = under_review(world, renewal_of=item, title=item.title)
    services.application_approve(actor=world.a.reviewer, application=application, reason="续期")
    item.refresh_from_db()
    assert item.valid_until == validity_end(timezone.localdate(), 36)
    assert WorkItem.objects.count() == 1


def test_reviewer_suspends_reinstates_and_revokes_with_reasons(world):
    item = WorkItemFactory(jurisdiction=world.a.district, department=world.a.department)
    item = services.work_item_change_status(
        actor=world.a.reviewer, item=item, action="suspend", reason="核查中"
    )
    assert item.status == WorkItem.Status.SUSPENDED
    item = services.work_item_change_status(
        actor=world.a.reviewer, item=item, action="reinstate", reason="核查完毕"
    )
    item = services.work_item_change_status(
        actor=world.a.reviewer, item=item, action="revoke", reason="事项取消"
    )
    assert item.status == WorkItem.Status.REVOKED
    with pytest.raises(IllegalTransition):
        services.work_item_change_status(
            actor=world.a.reviewer, item=item, action="reinstate", reason="恢复"
        )
    with pytest.raises(PermissionDenied):
        services.work_item_change_status(
            actor=world.b.reviewer, item=item, action="suspend", reason="x"
        )


def test_daily_job_expires_items_past_validity_once(world):
    today = timezone.localdate()
    old = WorkItemFactory(
        jurisdiction=world.a.district,
        department=world.a.department,
        valid_until=today - datetime.timedelta(days=1),
    )
    current = WorkItemFactory(jurisdiction=world.a.district, department=world.a.department)
    assert services.work_items_expire(today=today) == 1
    assert services.work_items_expire(today=today) == 0
    old.refresh_from_db()
    current.refresh_from_db()
    assert (old.status, current.status) == (WorkItem.Status.EXPIRED, WorkItem.Status.ACTIVE)


# --- Verification and published lists --------------------------------------------------------


def test_verification_of_a_valid_number(world):
    item = WorkItemFactory(jurisdiction=world.a.district, department=world.a.department)
    result = selectors.work_item_verify(number=item.admission_number)
    assert result["valid"] is True
    assert result["department"] == world.a.department.name


def test_unknown_or_revoked_numbers_are_not_valid(world):
    item = WorkItemFactory(
        jurisdiction=world.a.district, department=world.a.department, status=WorkItem.Status.REVOKED
    )
    assert selectors.work_item_verify(number="9999-2026-0001")["valid"] is False
    revoked = selectors.work_item_verify(number=item.admission_number)
    assert revoked["valid"] is False
    assert revoked["status"] == "revoked"


def test_published_list_as_of_a_past_date_shows_what_was_active_then(world):
    today = timezone.localdate()
    with_history = WorkItemFactory(
        jurisdiction=world.a.district, department=world.a.department, title="已撤销事项"
    )
    services.work_item_change_status(
        actor=world.a.reviewer, item=with_history, action="revoke", reason="撤销"
    )
    still = WorkItemFactory(
        jurisdiction=world.a.district, department=world.a.department, title="现行事项"
    )
    now = selectors.published_list(jurisdiction=world.a.district, list_kind=ListKind.ASSIST)
    assert [i.title for i in now] == ["现行事项"]
    # Yesterday neither item existed in the record yet.
    yesterday = selectors.published_list(
        jurisdiction=world.a.district,
        list_kind=ListKind.ASSIST,
        as_of=today - datetime.timedelta(days=1),
    )
    assert yesterday == []
    assert still.department.name == now[0].department_name
