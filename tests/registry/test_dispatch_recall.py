"""Undoing a dispatch (issue 14, item 6): recall while no community has taken it up, and a
later due date (never shorter than the gate allows)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from registry import services, workdays
from registry.models import Assignment, AuditEntry, Notification, User
from tests.factories import CommunityFactory, WorkItemFactory

TODAY = datetime.date(2026, 9, 14)

pytestmark = pytest.mark.usefixtures("on_a_known_monday")


def _dispatch(world, item, *, communities=None, due=TODAY + datetime.timedelta(days=14)):
    return services.dispatch_create(
        actor=world.a.department_staff,
        work_item=item,
        title="居民信息核对",
        communities=communities or [world.a.community, world.a.community2],
        due_date=due,
        hours_per_community=Decimal("2"),
    )


def test_recall_withdraws_every_assignment_and_tells_the_communities(world, item, api_as):
    dispatch = _dispatch(world, item)
    response = api_as(world.a.department_staff).post(
        f"/api/v1/dispatches/{dispatch.pk}/recall/", {"reason": "名单发错了"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["recalled"] is True
    assert response.json()["recall_reason"] == "名单发错了"
    assert set(Assignment.objects.values_list("state", flat=True)) == {"withdrawn"}
    told = Notification.objects.filter(kind="assignment.withdrawn")
    assert {n.recipient_id for n in told} == {world.a.community.pk, world.a.community2.pk}
    assert all("名单发错了" in n.body for n in told)
    assert AuditEntry.objects.filter(action="dispatch.recall").count() == 1


def test_recall_needs_a_reason(world, item, api_as):
    dispatch = _dispatch(world, item)
    response = api_as(world.a.department_staff).post(
        f"/api/v1/dispatches/{dispatch.pk}/recall/", {"reason": " "}, format="json"
    )
    assert response.status_code == 400
    assert set(Assignment.objects.values_list("state", flat=True)) == {"pending"}


@pytest.mark.parametrize("answer", ["accept", "complete"])
def test_recall_after_a_community_took_it_up_is_409(world, item, api_as, answer):
    dispatch = _dispatch(world, item)
    assignment = Assignment.objects.get(community=world.a.community)
    services.assignment_respond(actor=world.a.cadre, assignment=assignment, action="accept")
    if answer == "complete":
        services.assignment_respond(actor=world.a.cadre, assignment=assignment, action="complete")
    response = api_as(world.a.department_staff).post(
        f"/api/v1/dispatches/{dispatch.pk}/recall/", {"reason": "不需要了"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"
    assert "withdrawn" not in set(Assignment.objects.values_list("state", flat=True))


def test_recall_twice_is_409_and_a_withdrawn_task_cannot_be_accepted(world, item, api_as):
    dispatch = _dispatch(world, item)
    staff = api_as(world.a.department_staff)
    assert (
        staff.post(
            f"/api/v1/dispatches/{dispatch.pk}/recall/", {"reason": "发错"}, format="json"
        ).status_code
        == 200
    )
    again = staff.post(f"/api/v1/dispatches/{dispatch.pk}/recall/", {"reason": "发错"})
    assert again.status_code == 409
    assignment = Assignment.objects.get(community=world.a.community)
    accepted = api_as(world.a.cadre).post(f"/api/v1/assignments/{assignment.pk}/accept/")
    assert accepted.status_code == 409


def test_only_the_department_recalls(world, item, api_as):
    dispatch = _dispatch(world, item)
    url = f"/api/v1/dispatches/{dispatch.pk}/recall/"
    assert api_as(world.a.reviewer).post(url, {"reason": "x"}).status_code == 403
    assert api_as(world.b.department_staff).post(url, {"reason": "x"}).status_code == 404
    assert api_as(world.a.cadre).post(url, {"reason": "x"}).status_code == 403


def test_a_recalled_dispatch_does_not_count_for_the_frequency_rule(world, item):
    dispatch = _dispatch(world, item)
    services.dispatch_recall(actor=world.a.department_staff, dispatch=dispatch, reason="发错")
    again = _dispatch(world, item)
    assert again.community_count == 2


def test_recall_fans_out_in_a_constant_number_of_queries(
    world, item, django_assert_max_num_queries
):
    workdays.is_covered(2026)
    extra = [CommunityFactory(parent=world.a.street) for _ in range(5)]
    dispatch = _dispatch(world, item, communities=[world.a.community, *extra])
    actor = User.objects.get(pk=world.a.department_staff.pk)
    # savepoint, lock the dispatch, grants, lock the assignments, one update, one bulk
    # insert of the notifications, the dispatch's save, and the audit (lock, head, insert).
    with django_assert_max_num_queries(14):
        services.dispatch_recall(actor=actor, dispatch=dispatch, reason="发错")
    assert Assignment.objects.filter(state="withdrawn").count() == 6


def test_due_date_can_move_later_and_the_open_tasks_follow(world, item, api_as):
    dispatch = _dispatch(world, item)
    later = TODAY + datetime.timedelta(days=21)
    response = api_as(world.a.department_staff).post(
        f"/api/v1/dispatches/{dispatch.pk}/amend-due-date/",
        {"due_date": str(later), "reason": "给社区多一周"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["due_date"] == str(later)
    assert set(Assignment.objects.values_list("due_date", flat=True)) == {later}
    assert Notification.objects.filter(kind="assignment.due_date").count() == 2
    assert AuditEntry.objects.filter(action="dispatch.amend-due-date").count() == 1


@pytest.mark.parametrize(
    ("days", "status"),
    [
        (7, 400),  # earlier than it was: a community loses time
        (14, 400),  # the same date: nothing to amend
        (3000, 400),  # beyond the horizon (a typo)
    ],
)
def test_due_date_never_moves_earlier_or_past_the_horizon(world, item, api_as, days, status):
    dispatch = _dispatch(world, item)
    response = api_as(world.a.department_staff).post(
        f"/api/v1/dispatches/{dispatch.pk}/amend-due-date/",
        {"due_date": str(TODAY + datetime.timedelta(days=days)), "reason": "改期"},
        format="json",
    )
    assert response.status_code == status, response.json()
    assert set(Assignment.objects.values_list("due_date", flat=True)) == {
        TODAY + datetime.timedelta(days=14)
    }


def test_a_later_due_date_still_respects_the_gates_lead_time(world, item, api_as):
    import time_machine

    dispatch = _dispatch(world, item, due=TODAY + datetime.timedelta(days=7))
    # Five days on, two more calendar days leave less than the gate's minimum.
    with time_machine.travel(datetime.datetime(2026, 9, 19, 9, 0), tick=False):
        response = api_as(world.a.department_staff).post(
            f"/api/v1/dispatches/{dispatch.pk}/amend-due-date/",
            {"due_date": "2026-09-23", "reason": "改期"},
            format="json",
        )
    assert response.status_code == 422, response.json()
    assert response.json()["code"] == "dispatch_refused"
    assert [r["code"] for r in response.json()["reasons"]] == ["lead_time_too_short"]


def test_a_due_date_after_the_admission_ends_is_refused(world, item, api_as):
    item.valid_until = datetime.date(2026, 10, 31)
    item.save(update_fields=["valid_until"])
    dispatch = _dispatch(world, item)
    response = api_as(world.a.department_staff).post(
        f"/api/v1/dispatches/{dispatch.pk}/amend-due-date/",
        {"due_date": "2026-11-16", "reason": "改期"},
        format="json",
    )
    assert response.status_code == 422
    assert [r["code"] for r in response.json()["reasons"]] == ["past_validity"]


def test_amending_a_recalled_dispatch_is_409(world, item, api_as):
    dispatch = _dispatch(world, item)
    services.dispatch_recall(actor=world.a.department_staff, dispatch=dispatch, reason="发错")
    response = api_as(world.a.department_staff).post(
        f"/api/v1/dispatches/{dispatch.pk}/amend-due-date/",
        {"due_date": str(TODAY + datetime.timedelta(days=21)), "reason": "改期"},
        format="json",
    )
    assert response.status_code == 409


# --- The dispatch page ------------------------------------------------------------------------


def test_the_dispatch_page_offers_recall_with_a_confirmation(world, item, client):
    dispatch = _dispatch(world, item)
    client.force_login(world.a.department_staff)
    page = client.get(f"/dispatch/{dispatch.pk}/").content.decode()
    assert f'action="/dispatch/{dispatch.pk}/correct/recall/"' in page
    assert "data-confirm=" in page and "撤回" in page
    assert f'action="/dispatch/{dispatch.pk}/correct/amend-due-date/"' in page
    client.force_login(world.a.reviewer)
    assert "/correct/recall/" not in client.get(f"/dispatch/{dispatch.pk}/").content.decode()


def test_recalling_on_the_page_withdraws_and_the_offer_goes(world, item, client):
    dispatch = _dispatch(world, item)
    client.force_login(world.a.department_staff)
    response = client.post(f"/dispatch/{dispatch.pk}/correct/recall/", {"reason": "名单发错了"})
    assert response.status_code == 302
    page = client.get(f"/dispatch/{dispatch.pk}/").content.decode()
    assert "名单发错了" in page and "/correct/recall/" not in page
    assert set(Assignment.objects.values_list("state", flat=True)) == {"withdrawn"}


def test_a_recall_without_reason_comes_back_on_the_page(world, item, client):
    dispatch = _dispatch(world, item)
    client.force_login(world.a.department_staff)
    response = client.post(f"/dispatch/{dispatch.pk}/correct/recall/", {"reason": ""})
    assert response.status_code == 400
    assert set(Assignment.objects.values_list("state", flat=True)) == {"pending"}


def test_a_too_short_new_due_date_is_refused_on_the_page_with_the_gates_words(world, item, client):
    dispatch = _dispatch(world, item, due=TODAY + datetime.timedelta(days=7))
    import time_machine

    with time_machine.travel(datetime.datetime(2026, 9, 19, 9, 0), tick=False):
        client.force_login(world.a.department_staff)
        response = client.post(
            f"/dispatch/{dispatch.pk}/correct/amend-due-date/",
            {"due_date": "2026-09-23", "reason": "改期"},
        )
    assert response.status_code == 422
    assert "个工作日" in response.content.decode()


def test_once_a_community_accepted_the_page_offers_only_more_time(world, item, client):
    dispatch = _dispatch(world, item)
    assignment = Assignment.objects.get(community=world.a.community)
    services.assignment_respond(actor=world.a.cadre, assignment=assignment, action="accept")
    client.force_login(world.a.department_staff)
    page = client.get(f"/dispatch/{dispatch.pk}/").content.decode()
    assert "/correct/recall/" not in page and "/correct/amend-due-date/" in page


def test_the_inbox_shows_a_withdrawn_task_without_answers(world, item, client):
    dispatch = _dispatch(world, item)
    services.dispatch_recall(actor=world.a.department_staff, dispatch=dispatch, reason="发错")
    assignment = Assignment.objects.get(community=world.a.community)
    client.force_login(world.a.cadre)
    page = client.get(f"/inbox/{assignment.pk}/").content.decode()
    assert "已撤回" in page
    assert f"/inbox/{assignment.pk}/accept/" not in page


def test_a_recall_does_not_hide_a_refusal_from_the_refusal_hotspot_flag(world, item, settings):
    from monitoring import services as monitoring_services
    from monitoring.models import Flag

    settings.PORTAL = {**settings.PORTAL, "FLAG_REFUSAL_MIN_ASSIGNMENTS": 1}
    dispatch = _dispatch(world, item)
    services.assignment_respond(
        actor=world.a.cadre,
        assignment=Assignment.objects.get(community=world.a.community),
        action="refuse",
        reason_code="outside_list",
    )
    services.dispatch_recall(actor=world.a.department_staff, dispatch=dispatch, reason="发错")
    monitoring_services.flags_compute(today=TODAY)
    (flag,) = Flag.objects.filter(kind=Flag.Kind.REFUSAL_HOTSPOT)
    # The refusal still counts; the community that never answered counts for nothing.
    assert flag.figures["refusal_rate"] == 1.0


def test_a_later_due_date_costs_the_same_queries_for_more_communities(world, item):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    workdays.is_covered(2026)
    few = _dispatch(world, item)
    with CaptureQueriesContext(connection) as small:
        services.dispatch_amend_due_date(
            actor=User.objects.get(pk=world.a.department_staff.pk),
            dispatch=few,
            due_date=TODAY + datetime.timedelta(days=20),
            reason="x",
        )
    extra = [CommunityFactory(parent=world.a.street) for _ in range(5)]
    other = WorkItemFactory(
        jurisdiction=world.a.district,
        department=world.a.department,
        hours_per_occurrence=Decimal("3"),
        households_per_occurrence=20,
        valid_from=datetime.date(2026, 1, 1),
        valid_until=datetime.date(2028, 12, 31),
        scope=[world.a.street],
    )
    many = _dispatch(world, other, communities=[world.a.community, *extra])
    with CaptureQueriesContext(connection) as large:
        services.dispatch_amend_due_date(
            actor=User.objects.get(pk=world.a.department_staff.pk),
            dispatch=many,
            due_date=TODAY + datetime.timedelta(days=20),
            reason="x",
        )
    assert (
        Assignment.objects.filter(
            dispatch=many, due_date=TODAY + datetime.timedelta(days=20)
        ).count()
        == 6
    )
    assert len(large) == len(small)
