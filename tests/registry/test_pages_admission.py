"""The admission pages as people meet them: a department drafts and submits, a reviewer
decides, everybody reads the lists, and anyone verifies an admission number."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from registry import services, workdays
from registry.excel import XLSX_CONTENT_TYPE
from registry.models import Application, HearingParticipant, ListKind, WorkItem
from tests.factories import DepartmentFactory, MembershipFactory, WorkItemFactory

State = Application.State
LOGIN_URL = "/accounts/login/"


# --- Making applications in each state (through the services, as the pages do) ---------------


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
        "data_fields": ["姓名", "住址"],
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


def in_hearing(world, **overrides) -> Application:
    return services.application_require_hearing(
        actor=world.a.reviewer, application=under_review(world, **overrides)
    )


def form_data(world, **overrides) -> dict:
    """What a department types into the new-application form."""
    data = {
        "department": world.a.department.code,
        "title": "社区协助开展人口抽样调查",
        "list_kind": "assist",
        "description": "按季度协助入户。",
        "legal_basis": "《统计法》第七条",
        "scope": [world.a.street.code],
        "frequency": "quarterly",
        "hours_per_occurrence": "2.5",
        "households_per_occurrence": "10",
        "ledgers": "1",
        "data_fields": "姓名\n住址，联系电话",
        "funding_per_community": "500",
        "valid_months": "24",
    }
    data.update(overrides)
    return data


def negative_entry(world, title: str = "社区创建达标评比活动") -> WorkItem:
    return WorkItemFactory(
        jurisdiction=world.city,
        list_kind=ListKind.NEGATIVE,
        admission_number=None,
        title=title,
        department=None,
    )


def html_of(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- My applications -------------------------------------------------------------------------


def test_department_sees_its_applications_newest_first(client, world):
    older = draft(world, title="较早的申请")
    newer = submitted(world, title="较新的申请")
    services.application_create(
        actor=world.b.department_staff,
        department=world.b.department,
        scope=[world.b.street],
        title="别区的申请",
        list_kind="assist",
        legal_basis="依据",
        frequency="yearly",
        hours_per_occurrence=Decimal("1"),
    )
    client.force_login(world.a.department_staff)

    response = client.get(reverse("applications"))

    html = html_of(response)
    assert response.status_code == 200
    assert "<h1>我的申请</h1>" in html
    assert html.index(newer.title) < html.index(older.title)
    assert "别区的申请" not in html
    assert "已提交" in html and "草稿" in html


def test_my_applications_filter_by_state(client, world):
    draft(world, title="仍是草稿")
    submitted(world, title="已经提交")
    client.force_login(world.a.department_staff)

    html = html_of(client.get(reverse("applications"), {"state": "submitted"}))

    assert "已经提交" in html and "仍是草稿" not in html


def test_my_applications_empty_state_invites_a_new_application(client, world):
    client.force_login(world.a.department_staff)

    html = html_of(client.get(reverse("applications")))

    assert "尚无申请" in html
    assert reverse("application-new") in html


def test_my_applications_query_count_does_not_grow_with_rows(
    client, world, django_assert_num_queries
):
    for n in range(4):
        draft(world, title=f"申请{n}")
    client.force_login(world.a.department_staff)

    # 1. session, 2. user, 3. memberships (permission check, cached for the navigation),
    # 4. the paginator's count, 5. the page of applications with department, jurisdiction,
    # work item and creator joined in.
    with django_assert_num_queries(5):
        response = client.get(reverse("applications"))

    assert html_of(response).count('href="/applications/') >= 4


@pytest.mark.parametrize("role", ["community_cadre", "liaison"])
def test_roles_without_applications_are_refused_the_list(client, world, role):
    client.force_login(world.a.user(role))

    assert client.get(reverse("applications")).status_code == 403


@pytest.mark.parametrize(
    "name",
    ["applications", "application-new", "review-queue", "work-items", "list-import"],
)
def test_anonymous_visitor_is_sent_to_sign_in(client, db, name):
    path = reverse(name)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next={path}"


# --- The new-application form and its live checks --------------------------------------------


def test_new_application_form_offers_the_departments_jurisdiction_only(client, world):
    client.force_login(world.a.department_staff)

    response = client.get(reverse("application-new"))

    html = html_of(response)
    assert response.status_code == 200
    assert "<h1>新建准入申请</h1>" in html
    for organisation in (world.a.district, world.a.street, world.a.community):
        assert f'value="{organisation.code}"' in html
    assert world.b.community.code not in html
    assert world.a.department.code not in re.findall(r'name="scope" value="([^"]+)"', html)
    # The checks are posted live as the department types.
    assert 'hx-post="/applications/checks/"' in html


@pytest.mark.parametrize("role", ["reviewer", "community_cadre", "supervisor"])
def test_only_department_staff_may_open_the_form(client, world, role):
    client.force_login(world.a.user(role))

    assert client.get(reverse("application-new")).status_code == 403


def test_saving_the_form_creates_a_draft(client, world):
    client.force_login(world.a.department_staff)

    response = client.post(reverse("application-new"), form_data(world, save="1"))

    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("application-page", args=[application.pk])
    assert application.state == State.DRAFT
    assert application.department == world.a.department
    assert application.data_fields == ["姓名", "住址", "联系电话"]
    assert list(application.scope.all()) == [world.a.street]
    assert application.valid_months == 24
    page = html_of(client.get(response["Location"]))
    assert "草稿已保存" in page


def test_save_and_submit_submits_in_one_step(client, world):
    client.force_login(world.a.department_staff)

    client.post(reverse("application-new"), form_data(world, submit="1"))

    application = Application.objects.get()
    assert application.state == State.SUBMITTED
    assert application.submitted_at is not None


def test_negative_list_match_blocks_submission_keeps_the_input_and_saves_nothing(client, world):
    negative_entry(world)
    client.force_login(world.a.department_staff)

    response = client.post(
        reverse("application-new"),
        form_data(world, title="文明社区创建达标评比活动", submit="1"),
    )

    html = html_of(response)
    assert response.status_code == 422
    assert any("社区创建达标评比活动" in m and "负面清单" in m for m in messages_of(response))
    assert 'value="文明社区创建达标评比活动"' in html  # what was typed is still there
    assert "《统计法》第七条" in html
    assert f'value="{world.a.street.code}" checked' in html
    assert "提交被阻止" in html  # the checks beside the form say why
    assert Application.objects.count() == 0


def test_invalid_form_keeps_the_input_and_names_the_field(client, world):
    client.force_login(world.a.department_staff)

    response = client.post(
        reverse("application-new"), form_data(world, legal_basis="", valid_months="99")
    )

    html = html_of(response)
    assert response.status_code == 400
    assert "该字段是必填项。" in html
    assert "36" in html  # the validity limit
    assert 'value="社区协助开展人口抽样调查"' in html
    assert Application.objects.count() == 0


def test_live_checks_show_similar_items_funding_and_hearing(client, world):
    WorkItemFactory(
        jurisdiction=world.a.district,
        department=world.city_department,
        title="居民信息采集登记",
        data_fields=["联系电话", "身份证号", "紧急联系人电话"],
        admission_number="990102-2026-0007",
    )
    client.force_login(world.a.department_staff)

    response = client.post(
        reverse("application-checks"),
        form_data(
            world,
            title="独居老人入户走访",
            # 联系电话 is on every form; 紧急联系人电话 is this item's own, and shared.
            data_fields="姓名\n联系电话\n紧急联系人电话",
            frequency="weekly",
            hours_per_occurrence="3",
            funding_per_community="0",
        ),
    )

    html = html_of(response)
    assert response.status_code == 200
    assert "<html" not in html  # a fragment for htmx
    assert "990102-2026-0007" in html and "紧急联系人电话" in html and "市民政局" in html
    # 52 weeks x 3 hours: above the funding (24) and hearing (120) thresholds.
    assert "156.00" in html
    assert "未安排经费" in html
    assert "需要听证" in html


def test_live_checks_name_the_negative_list_entry(client, world):
    negative_entry(world)
    client.force_login(world.a.department_staff)

    html = html_of(
        client.post(reverse("application-checks"), form_data(world, title="社区创建达标评比"))
    )

    assert "提交被阻止" in html and "社区创建达标评比活动" in html


def test_live_checks_work_on_a_half_filled_form(client, world):
    client.force_login(world.a.department_staff)

    response = client.post(
        reverse("application-checks"),
        {"department": world.a.department.code, "title": "走访", "hours_per_occurrence": "x"},
    )

    assert response.status_code == 200
    assert "无需听证" in html_of(response)


def test_live_checks_are_the_departments_only(client, world):
    client.force_login(world.a.reviewer)

    assert client.post(reverse("application-checks"), form_data(world)).status_code == 403


# --- One application -------------------------------------------------------------------------


def test_draft_page_shows_details_checks_history_and_department_buttons(client, world):
    application = draft(world)
    client.force_login(world.a.department_staff)

    response = client.get(reverse("application-page", args=[application.pk]))

    html = html_of(response)
    assert response.status_code == 200
    assert application.title in html and "《老年人权益保障法》第三十条" in html
    assert world.a.street.name in html and "姓名" in html
    assert "负面清单" in html  # the checks
    assert "创建" in html and world.a.department_staff.display_name in html  # history
    assert reverse("application-edit", args=[application.pk]) in html
    assert reverse("application-action", args=[application.pk, "submit"]) in html
    assert reverse("application-action", args=[application.pk, "withdraw"]) in html
    assert 'data-confirm="' in html  # withdrawing asks first
    assert reverse("application-action", args=[application.pk, "approve"]) not in html


def test_submitting_from_the_application_page(client, world):
    application = draft(world)
    client.force_login(world.a.department_staff)

    response = client.post(
        reverse("application-action", args=[application.pk, "submit"]), follow=True
    )

    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    assert "已提交审核" in html_of(response)


def test_submitting_a_draft_like_the_negative_list_shows_why_on_the_same_page(client, world):
    application = draft(world, title="文明社区创建达标评比活动")
    negative_entry(world)
    client.force_login(world.a.department_staff)

    response = client.post(reverse("application-action", args=[application.pk, "submit"]))

    assert response.status_code == 422
    assert any("社区创建达标评比活动" in m for m in messages_of(response))
    assert application.title in html_of(response)
    application.refresh_from_db()
    assert application.state == State.DRAFT


def test_withdrawing_keeps_the_reason_in_the_history(client, world):
    application = submitted(world)
    client.force_login(world.a.department_staff)

    response = client.post(
        reverse("application-action", args=[application.pk, "withdraw"]),
        {"withdraw-reason": "情况已变化"},
        follow=True,
    )

    application.refresh_from_db()
    assert application.state == State.WITHDRAWN
    assert "情况已变化" in html_of(response)


@pytest.mark.parametrize("who", ["other_reviewer", "other_department", "cadre", "outsider"])
def test_others_cannot_see_an_application(client, world, who):
    application = draft(world)
    user = {
        "other_reviewer": world.b.reviewer,
        "other_department": world.b.department_staff,
        "cadre": world.a.cadre,
        "outsider": world.outsider,
    }[who]
    client.force_login(user)

    assert client.get(reverse("application-page", args=[application.pk])).status_code == 404
    assert client.get(reverse("application-edit", args=[application.pk])).status_code == 404


def test_anonymous_visitor_is_sent_to_sign_in_for_an_application(client, world):
    application = draft(world)
    path = reverse("application-page", args=[application.pk])

    assert client.get(path)["Location"] == f"{LOGIN_URL}?next={path}"


def test_editing_a_draft_saves_through_the_service(client, world):
    application = draft(world)
    client.force_login(world.a.department_staff)
    page = html_of(client.get(reverse("application-edit", args=[application.pk])))
    assert 'value="老年人居家安全入户排查"' in page
    assert f'value="{world.a.street.code}" checked' in page

    response = client.post(
        reverse("application-edit", args=[application.pk]),
        form_data(world, title="改过的标题", scope=[world.a.community.code]),
    )

    application.refresh_from_db()
    assert response.status_code == 302
    assert application.title == "改过的标题"
    assert list(application.scope.all()) == [world.a.community]


def test_a_submitted_application_cannot_be_edited(client, world):
    application = submitted(world)
    client.force_login(world.a.department_staff)

    response = client.get(reverse("application-edit", args=[application.pk]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("application-page", args=[application.pk])
    assert any("只有草稿或" in m for m in messages_of(response))


def test_the_reviewer_cannot_edit(client, world):
    application = draft(world)
    client.force_login(world.a.reviewer)

    assert client.get(reverse("application-edit", args=[application.pk])).status_code == 403


def test_returned_application_is_edited_and_resubmitted(client, world):
    application = services.application_return(
        actor=world.a.reviewer, application=under_review(world), reason="请补充经费"
    )
    client.force_login(world.a.department_staff)

    client.post(
        reverse("application-edit", args=[application.pk]),
        form_data(world, funding_per_community="3000", submit="1"),
    )

    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    assert application.funding_per_community == Decimal("3000")


# --- The reviewer's side ---------------------------------------------------------------------


def test_reviewer_takes_an_application_from_submission_to_admission(client, world):
    application = submitted(world)
    page = reverse("application-page", args=[application.pk])
    act = lambda action: reverse("application-action", args=[application.pk, action])  # noqa: E731
    client.force_login(world.a.reviewer)
    assert act("start-review") in html_of(client.get(page))

    client.post(act("start-review"), {"start-review-reason": ""})
    html = html_of(client.get(page))
    for action in ("return", "require-hearing", "approve", "reject"):
        assert act(action) in html

    day = timezone.localdate()
    client.post(
        act("require-hearing"),
        {"require-hearing-scheduled_on": day.isoformat(), "require-hearing-location": "区民政局"},
    )
    response = client.post(
        act("record-hearing"),
        {
            "record-hearing-held_on": day.isoformat(),
            "record-hearing-location": "区民政局三楼",
            "record-hearing-summary": "多数同意",
            "record-hearing-participant-name": ["张三", "李四", ""],
            "record-hearing-participant-organisation": ["A一社区", "A街道", ""],
            "record-hearing-participant-opinion": ["for", "against", ""],
            "record-hearing-participant-comment": ["", "负担偏重", ""],
            "record-hearing-pasted": "王五，A二社区，弃权，\n赵六\tA一社区\t同意\t支持",
        },
    )
    assert response.status_code == 302
    hearing = Application.objects.get(pk=application.pk).hearing
    assert hearing.participants.count() == 4
    assert sorted(hearing.participants.values_list("opinion", flat=True)) == [
        "abstain",
        "against",
        "for",
        "for",
    ]

    response = client.post(act("approve"), {"approve-reason": "符合准入条件"}, follow=True)

    application.refresh_from_db()
    number = application.work_item.admission_number
    html = html_of(response)
    assert application.state == State.APPROVED
    assert number.startswith(f"{world.a.district.code}-")
    assert f"data-admission-number>{number}<" in html
    assert "赞成 2" in html and "反对 1" in html and "弃权 1" in html
    assert "符合准入条件" in html  # the reason, in the history

    # The department sees the number on its application.
    client.force_login(world.a.department_staff)
    assert f"data-admission-number>{number}<" in html_of(client.get(page))


def test_approval_without_a_reason_keeps_the_form_open_with_an_error(client, world):
    application = under_review(world)
    client.force_login(world.a.reviewer)

    response = client.post(
        reverse("application-action", args=[application.pk, "approve"]),
        {"approve-reason": "", "approve-valid_until": "2027-01-31"},
    )

    html = html_of(response)
    assert response.status_code == 400
    assert "该字段是必填项。" in html
    assert 'value="2027-01-31"' in html
    assert 'id="action-approve" open' in html


def test_hearing_page_offers_rows_for_the_participants(client, world):
    application = services.application_require_hearing(
        actor=world.a.reviewer,
        application=under_review(world),
        scheduled_on=timezone.localdate(),
        location="A区民政局",
    )
    client.force_login(world.a.reviewer)

    html = html_of(client.get(reverse("application-page", args=[application.pk])))

    assert html.count('name="record-hearing-participant-name"') == 5 + 1  # rows + template
    assert "添加一行" in html
    assert 'value="A区民政局"' in html  # the scheduled place is the default
    assert f'value="{timezone.localdate().isoformat()}"' in html


def test_recording_again_starts_from_the_recorded_participants(client, world):
    application = in_hearing(world)
    services.application_record_hearing(
        actor=world.a.reviewer,
        application=application,
        held_on=timezone.localdate(),
        participants=[{"name": "张三", "organisation": "A一社区", "opinion": "for"}],
    )
    client.force_login(world.a.reviewer)

    html = html_of(client.get(reverse("application-page", args=[application.pk])))

    assert 'name="record-hearing-participant-name" value="张三"' in html
    assert '<option value="for" selected>' in html


def test_incomplete_participant_rows_are_shown_with_their_errors(client, world):
    application = in_hearing(world)
    client.force_login(world.a.reviewer)

    response = client.post(
        reverse("application-action", args=[application.pk, "record-hearing"]),
        {
            "record-hearing-held_on": timezone.localdate().isoformat(),
            "record-hearing-participant-name": ["张三", ""],
            "record-hearing-participant-organisation": ["A一社区", "A街道"],
            "record-hearing-participant-opinion": ["", "for"],
            "record-hearing-participant-comment": ["", ""],
        },
    )

    html = html_of(response)
    assert response.status_code == 400
    assert 'value="张三"' in html and 'value="A街道"' in html
    assert "请选择意见" in html and "请填写参加人姓名" in html
    assert HearingParticipant.objects.count() == 0


def test_a_refused_transition_is_a_message_on_the_same_page(client, world):
    application = submitted(world)
    client.force_login(world.a.reviewer)

    response = client.post(
        reverse("application-action", args=[application.pk, "approve"]),
        {"approve-reason": "同意"},
    )

    assert response.status_code == 409
    assert any("已提交" in m for m in messages_of(response))
    assert application.title in html_of(response)


def test_a_service_refusal_keeps_what_the_reviewer_typed(client, world):
    application = under_review(world)
    client.force_login(world.a.reviewer)

    response = client.post(
        reverse("application-action", args=[application.pk, "approve"]),
        {"approve-reason": "符合条件，准予准入", "approve-valid_until": "2099-01-01"},
    )

    html = html_of(response)
    assert response.status_code == 400
    assert any("有效期" in m for m in messages_of(response))
    assert "符合条件，准予准入</textarea>" in html
    assert 'value="2099-01-01"' in html
    application.refresh_from_db()
    assert application.state == State.UNDER_REVIEW


def test_reject_asks_for_confirmation_and_needs_a_reason(client, world):
    application = under_review(world)
    client.force_login(world.a.reviewer)
    html = html_of(client.get(reverse("application-page", args=[application.pk])))
    reject = reverse("application-action", args=[application.pk, "reject"])
    reject_form = re.search(rf'<form[^>]*action="{reject}"[^>]*>', html)
    assert reject_form and "data-confirm=" in reject_form.group(0)

    client.post(
        reverse("application-action", args=[application.pk, "reject"]),
        {"reject-reason": "与负面清单冲突"},
    )

    application.refresh_from_db()
    assert application.state == State.REJECTED


def test_other_districts_reviewer_cannot_act(client, world):
    application = submitted(world)
    client.force_login(world.b.reviewer)

    response = client.post(reverse("application-action", args=[application.pk, "start-review"]))

    assert response.status_code == 404
    application.refresh_from_db()
    assert application.state == State.SUBMITTED


def test_department_cannot_take_reviewer_actions(client, world):
    application = submitted(world)
    client.force_login(world.a.department_staff)

    response = client.post(reverse("application-action", args=[application.pk, "start-review"]))

    assert response.status_code == 403


def test_unknown_action_is_not_found(client, world):
    application = submitted(world)
    client.force_login(world.a.reviewer)

    assert (
        client.post(reverse("application-action", args=[application.pk, "explode"])).status_code
        == 404
    )


# --- The review queue ------------------------------------------------------------------------


def _submitted_days_ago(application: Application, days: int) -> None:
    Application.objects.filter(pk=application.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=days)
    )


def test_review_queue_shows_the_longest_waiting_first_with_days(client, world, time_machine):
    recent = submitted(world, title="刚提交的申请")
    old = submitted(world, title="等了很久的申请")
    _submitted_days_ago(old, 12)
    draft(world, title="草稿不在队列中")
    client.force_login(world.a.reviewer)

    response = client.get(reverse("review-queue"))

    html = html_of(response)
    assert response.status_code == 200
    assert html.index(old.title) < html.index(recent.title)
    assert "12 天" in html
    assert "草稿不在队列中" not in html


def test_review_queue_filters_by_state_department_and_age(client, world):
    old = submitted(world, title="等了很久的申请")
    _submitted_days_ago(old, 12)
    under_review(world, title="正在审核的申请")
    civil_affairs = DepartmentFactory(code="D990102-MZ", name="A区民政局", parent=world.a.district)
    staff = MembershipFactory(organisation=civil_affairs, role="department_staff").user
    services.application_submit(
        actor=staff,
        application=services.application_create(
            actor=staff,
            department=civil_affairs,
            scope=[world.a.community],
            title="民政局的申请",
            list_kind="duty",
            legal_basis="《城市居民委员会组织法》",
            frequency="yearly",
            hours_per_occurrence=Decimal("2"),
        ),
    )
    client.force_login(world.a.reviewer)

    older = html_of(client.get(reverse("review-queue"), {"older_than_days": "10"}))
    reviewing = html_of(client.get(reverse("review-queue"), {"state": "under_review"}))
    by_department = html_of(client.get(reverse("review-queue"), {"department": civil_affairs.code}))

    assert "等了很久的申请" in older and "正在审核的申请" not in older
    assert "正在审核的申请" in reviewing and "等了很久的申请" not in reviewing
    assert "民政局的申请" in by_department and "等了很久的申请" not in by_department
    assert f'<option value="{civil_affairs.code}" selected>' in by_department


def test_review_queue_is_the_reviewers(client, world):
    submitted(world)
    client.force_login(world.a.department_staff)
    assert client.get(reverse("review-queue")).status_code == 403

    client.force_login(world.b.reviewer)
    html = html_of(client.get(reverse("review-queue")))
    assert "暂无待审核的申请" in html


def test_review_queue_query_count(client, world, django_assert_num_queries):
    for n in range(4):
        submitted(world, title=f"待审{n}")
    client.force_login(world.a.reviewer)
    # The holiday table behind the reviewers' calendar banner is read once per process,
    # not per page: load it before counting.
    workdays.is_covered(2026)

    # 1. session, 2. user, 3. memberships (cached), 4. the departments in the queue (for
    # the filter), 5. the paginator's count, 6. the page of applications, departments
    # joined in.
    with django_assert_num_queries(6):
        response = client.get(reverse("review-queue"))

    assert html_of(response).count("待审") >= 4


# --- Work items ------------------------------------------------------------------------------


def test_work_item_list_filters_and_searches(client, world):
    WorkItemFactory(
        jurisdiction=world.a.district, department=world.a.department, title="人口抽样调查"
    )
    WorkItemFactory(
        jurisdiction=world.a.district,
        department=world.city_department,
        title="低保入户核查",
        status=WorkItem.Status.SUSPENDED,
    )
    client.force_login(world.a.cadre)

    everything = html_of(client.get(reverse("work-items")))
    searched = html_of(client.get(reverse("work-items"), {"q": "抽样"}))
    suspended = html_of(client.get(reverse("work-items"), {"status": "suspended"}))
    by_department = html_of(
        client.get(reverse("work-items"), {"department": world.city_department.code})
    )

    assert "人口抽样调查" in everything and "低保入户核查" in everything
    assert "人口抽样调查" in searched and "低保入户核查" not in searched
    assert "低保入户核查" in suspended and "人口抽样调查" not in suspended
    assert "低保入户核查" in by_department and "人口抽样调查" not in by_department


def test_work_item_list_query_count(client, world, django_assert_num_queries):
    for _n in range(4):
        WorkItemFactory(jurisdiction=world.a.district, department=world.a.department)
    client.force_login(world.a.cadre)

    # 1. session, 2. user, 3. memberships (cached), 4. departments with items (the
    # filter's choices), 5. the paginator's count, 6. the page of items with jurisdiction
    # and department joined in.
    with django_assert_num_queries(6):
        response = client.get(reverse("work-items"))

    assert html_of(response).count('href="/work-items/F-') >= 4


def test_work_item_list_is_refused_to_the_outsider(client, world):
    client.force_login(world.outsider)

    assert client.get(reverse("work-items")).status_code == 403


def test_work_item_page_shows_the_item_and_the_application_that_led_to_it(client, world):
    application = services.application_approve(
        actor=world.a.reviewer, application=under_review(world), reason="同意"
    )
    item = application.work_item
    client.force_login(world.a.department_staff)

    html = html_of(client.get(reverse("work-item-page", args=[item.admission_number])))

    assert item.admission_number in html and item.title in html
    assert "《老年人权益保障法》第三十条" in html and world.a.street.name in html
    assert reverse("application-page", args=[application.pk]) in html
    assert "当前有效" in html
    assert "/suspend/" not in html  # only reviewers change the status


def test_reviewer_revokes_an_item_after_confirming(client, world):
    item = WorkItemFactory(jurisdiction=world.a.district, department=world.a.department)
    client.force_login(world.a.reviewer)
    page = html_of(client.get(reverse("work-item-page", args=[item.admission_number])))
    revoke = reverse("work-item-status", args=[item.admission_number, "revoke"])
    form = re.search(rf'<form[^>]*action="{revoke}"[^>]*>', page)
    assert form and "data-confirm=" in form.group(0)

    response = client.post(revoke, {"revoke-reason": "上位法已废止"}, follow=True)

    item.refresh_from_db()
    html = html_of(response)
    assert item.status == WorkItem.Status.REVOKED
    assert "上位法已废止" in html and "已撤销" in html


def test_revoking_needs_a_reason(client, world):
    item = WorkItemFactory(jurisdiction=world.a.district, department=world.a.department)
    client.force_login(world.a.reviewer)

    response = client.post(
        reverse("work-item-status", args=[item.admission_number, "revoke"]), {"revoke-reason": ""}
    )

    assert response.status_code == 400
    item.refresh_from_db()
    assert item.status == WorkItem.Status.ACTIVE


def test_reinstating_an_active_item_is_a_message_not_an_error_page(client, world):
    item = WorkItemFactory(jurisdiction=world.a.district, department=world.a.department)
    client.force_login(world.a.reviewer)

    response = client.post(
        reverse("work-item-status", args=[item.admission_number, "reinstate"]),
        {"reinstate-reason": "恢复"},
    )

    assert response.status_code == 409
    assert any("恢复" in m for m in messages_of(response))


def test_other_districts_reviewer_sees_no_status_forms_and_cannot_post(client, world):
    item = WorkItemFactory(jurisdiction=world.a.district, department=world.a.department)
    client.force_login(world.b.reviewer)

    page = html_of(client.get(reverse("work-item-page", args=[item.admission_number])))
    response = client.post(
        reverse("work-item-status", args=[item.admission_number, "suspend"]),
        {"suspend-reason": "越权"},
    )

    assert "/suspend/" not in page
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.status == WorkItem.Status.ACTIVE


# --- Importing a list ------------------------------------------------------------------------

HEADER = [
    "事项名称",
    "清单类型",
    "责任部门编码",
    "适用范围（编码）",
    "频次",
    "每次工时",
    "有效期止",
]


def xlsx(rows, header=HEADER) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("清单.xlsx", buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)


def test_reviewer_imports_a_list_from_excel(client, world):
    client.force_login(world.a.reviewer)
    upload = xlsx(
        [
            [
                "居民基本信息登记",
                "依法协助政府工作事项",
                world.a.department.code,
                world.a.street.code,
                "每年",
                4,
                "2028-12-31",
            ],
            ["社区创建评比", "负面清单", None, None, None, None, None],
        ]
    )

    response = client.post(
        reverse("list-import"),
        {"jurisdiction": world.a.district.code, "file": upload},
        follow=True,
    )

    html = html_of(response)
    assert WorkItem.objects.count() == 2
    assert any("已导入 2 项" in m for m in messages_of(response))
    assert reverse("published-list", args=[world.a.district.code, "assist"]) in html


def test_a_bad_row_lists_the_problems_and_imports_nothing(client, world):
    client.force_login(world.a.reviewer)
    upload = xlsx(
        [
            [
                "居民基本信息登记",
                "依法协助政府工作事项",
                world.a.department.code,
                world.a.street.code,
                "每年",
                4,
                None,
            ],
            ["", "不知道什么清单", "NO-SUCH", world.b.community.code, "每天", -1, "明年"],
        ]
    )

    response = client.post(
        reverse("list-import"), {"jurisdiction": world.a.district.code, "file": upload}
    )

    html = html_of(response)
    assert response.status_code == 400
    assert WorkItem.objects.count() == 0
    assert "未导入任何数据" in html
    table = html[html.index("row-errors-heading") :]
    assert '<td class="num">3</td>' in table
    # Columns are named as in the template's header row.
    assert "<td>事项名称</td>" in table and "<td>清单</td>" in table and "适用范围" in table
    assert "不知道什么清单" in table and "NO-SUCH" in table


def test_reviewer_cannot_import_into_another_district(client, world):
    client.force_login(world.a.reviewer)

    response = client.post(
        reverse("list-import"), {"jurisdiction": world.b.district.code, "file": xlsx([])}
    )

    assert response.status_code == 400
    assert (
        world.b.district.name not in html_of(response).split("<select", 1)[1].split("</select>")[0]
    )


def test_only_reviewers_import(client, world):
    client.force_login(world.a.department_staff)

    assert client.get(reverse("list-import")).status_code == 403
    assert client.get(reverse("list-import-template")).status_code == 403


def test_import_template_is_a_workbook_with_the_expected_headers(client, world):
    client.force_login(world.a.reviewer)

    response = client.get(reverse("list-import-template"))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    header = [cell.value for cell in book.worksheets[0][1]]
    assert header[:3] == ["准入编号", "事项名称", "清单"]
    assert book.worksheets[0].max_row == 1
    assert len(book.worksheets) == 2  # the notes on filling it in


# --- Published lists (public) ----------------------------------------------------------------


def test_published_list_is_public_and_printable(client, world):
    WorkItemFactory(
        jurisdiction=world.city,
        department=world.city_department,
        title="城市人口普查协助",
        scope=[world.a.street],
    )

    response = client.get(reverse("published-list", args=[world.city.code, "assist"]))

    html = html_of(response)
    today = timezone.localdate()
    assert response.status_code == 200
    assert (
        f"示范市依法协助政府工作事项清单（截至{today.year}年{today.month}月{today.day}日）" in html
    )
    assert "城市人口普查协助" in html and "市民政局" in html and world.a.street.name in html
    assert 'class="print-wall"' in html
    assert reverse("published-list-export", args=[world.city.code, "assist"]) in html


def test_published_list_as_of_a_past_date(client, world, time_machine):
    now = timezone.now()
    time_machine.move_to(now - datetime.timedelta(days=10))
    item = WorkItemFactory(
        jurisdiction=world.a.district, department=world.a.department, title="已撤销的事项"
    )
    time_machine.move_to(now)
    services.work_item_change_status(
        actor=world.a.reviewer, item=item, action="revoke", reason="撤销"
    )
    path = reverse("published-list", args=[world.a.district.code, "assist"])
    five_days_ago = timezone.localdate() - datetime.timedelta(days=5)

    today = html_of(client.get(path))
    then = html_of(client.get(path, {"as_of": five_days_ago.isoformat()}))

    assert "已撤销的事项" not in today
    assert "已撤销的事项" in then
    assert f"截至{five_days_ago.year}年{five_days_ago.month}月{five_days_ago.day}日" in then


def test_unknown_list_or_area_is_not_found(client, world):
    assert client.get(reverse("published-list", args=[world.city.code, "other"])).status_code == 404
    assert client.get(reverse("published-list", args=["0000", "duty"])).status_code == 404
    # A department is not a jurisdiction.
    assert (
        client.get(reverse("published-list", args=[world.a.department.code, "duty"])).status_code
        == 404
    )


def test_published_list_query_count(client, world, django_assert_num_queries):
    for _n in range(4):
        WorkItemFactory(
            jurisdiction=world.a.district, department=world.a.department, scope=[world.a.street]
        )

    # Anonymous, so no session or user. 1. the area, 2. the items, 3. their departments'
    # names, 4. their scope codes, 5. the scope names.
    with django_assert_num_queries(5):
        response = client.get(reverse("published-list", args=[world.a.district.code, "assist"]))

    assert html_of(response).count(world.a.street.name) >= 4


def test_published_list_downloads_as_a_real_workbook(client, world):
    WorkItemFactory(
        jurisdiction=world.a.district, department=world.a.department, title="人口抽样调查"
    )

    response = client.get(reverse("published-list-export", args=[world.a.district.code, "assist"]))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert ".xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [cell.value for cell in sheet[2]][1] == "人口抽样调查"


def test_published_index_links_every_list_of_each_area(client, world):
    WorkItemFactory(jurisdiction=world.a.district, department=world.a.department)
    WorkItemFactory(
        jurisdiction=world.city, list_kind=ListKind.NEGATIVE, admission_number=None, department=None
    )

    html = html_of(client.get(reverse("published-lists")))

    assert world.a.district.name in html and world.city.name in html
    assert reverse("published-list", args=[world.a.district.code, "assist"]) in html
    assert reverse("published-list", args=[world.city.code, "negative"]) in html
    assert world.b.district.name not in html  # no list yet


# --- Verification (public) -------------------------------------------------------------------


def test_verify_says_valid_with_the_items_details(client, world):
    item = WorkItemFactory(jurisdiction=world.a.district, department=world.a.department)

    response = client.get(reverse("verify"), {"number": item.admission_number})

    html = html_of(response)
    assert response.status_code == 200
    assert "verdict--valid" in html and "有效" in html
    assert item.title in html and world.a.department.name in html and world.a.district.name in html
    assert item.valid_until.isoformat() in html


def test_verify_says_plainly_that_an_unknown_number_is_not_valid(client, db):
    response = client.get(reverse("verify"), {"number": "9999-2026-0001"})

    html = html_of(response)
    assert response.status_code == 200
    assert "verdict--invalid" in html and "无效" in html
    assert "9999-2026-0001" in html


def test_verify_a_revoked_number_shows_its_status(client, world):
    item = WorkItemFactory(
        jurisdiction=world.a.district,
        department=world.a.department,
        status=WorkItem.Status.REVOKED,
    )

    html = html_of(client.get(reverse("verify"), {"number": item.admission_number}))

    assert "verdict--invalid" in html and "已撤销" in html and item.title in html


def test_verify_without_a_number_shows_just_the_form(client, db):
    html = html_of(client.get(reverse("verify")))

    assert 'name="number"' in html and "verdict" not in html.split("</form>")[1]


# --- Workbenches -----------------------------------------------------------------------------


def test_department_workbench_shows_to_dos_and_recent_applications(client, world):
    services.application_return(
        actor=world.a.reviewer, application=under_review(world, title="被退回的申请"), reason="补充"
    )
    submitted(world, title="已提交的申请")
    client.force_login(world.a.department_staff)

    html = html_of(client.get(reverse("workbench", kwargs={"role": "department"})))

    todo = html[html.index("todo-heading") : html.index("my-applications-heading")]
    assert "被退回的申请" in todo and "已提交的申请" not in todo
    assert "已提交的申请" in html[html.index("my-applications-heading") :]
    assert reverse("application-new") in html


def test_reviewer_workbench_shows_the_queue(client, world):
    old = submitted(world, title="最早提交的申请")
    _submitted_days_ago(old, 3)
    submitted(world, title="第二份申请")
    client.force_login(world.a.reviewer)

    html = html_of(client.get(reverse("workbench", kwargs={"role": "reviewer"})))

    assert "2 份申请待审核" in html
    assert html.index("最早提交的申请") < html.index("第二份申请")
    assert reverse("review-queue") in html


def test_a_reviewer_who_is_also_department_staff_cannot_decide_its_application(client, world):
    MembershipFactory(
        user=world.a.reviewer, organisation=world.a.department, role="department_staff"
    )
    application = submitted(world)
    client.force_login(world.a.reviewer)

    html = html_of(client.get(reverse("application-page", args=[application.pk])))

    assert reverse("application-action", args=[application.pk, "start-review"]) not in html
