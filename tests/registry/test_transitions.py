"""One transition shape (registry.transitions) for every machine, and the buttons each page
shows are exactly what the machine's ``available_actions`` offers that user in that state.

The page side is read from ``partials/action.html``, which marks every offered transition
with ``data-action``: what a user would see as a button or an action box."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from registry import services
from registry.errors import IllegalTransition, InvalidInput, PermissionDenied
from registry.models import Application, Assignment, AuditEntry, Dispatch, WorkItem
from registry.transitions import Machine, Transition
from tests.factories import MembershipFactory, WorkItemFactory
from tests.registry.test_pages_admission import draft, in_hearing, submitted, under_review

State = Application.State


def offered(html: str) -> list[str]:
    """The actions the page offers, in page order."""
    return re.findall(r'data-action="([\w-]+)"', html)


def page(client, user, url: str) -> list[str]:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return offered(response.content.decode())


def machine_offers(machine: Machine, user, obj) -> list[str]:
    return [t.action for t in machine.available_actions(user, obj)]


# --- The shape itself ----------------------------------------------------------------------


class Box:
    """A stand-in object with a state and an organisation."""

    def __init__(self, state: str, organisation) -> None:
        self.state = state
        self.organisation = organisation

    def get_state_display(self) -> str:
        return self.state.upper()


@pytest.fixture
def machine() -> Machine:
    return Machine(
        "box",
        [
            Transition("close", {"open"}, "closed", "work_item.manage", "Close"),
            Transition("scrap", {"open", "closed"}, "scrapped", "work_item.manage", "Scrap", True),
            Transition("expire", {"open"}, "expired", None, "Expire"),
        ],
        organisation=lambda box: box.organisation,
    )


def test_a_machine_checks_action_actor_state_and_reason_in_that_order(world, machine):
    box = Box("closed", world.a.district)

    with pytest.raises(InvalidInput) as unknown:
        machine.begin(actor=world.a.reviewer, obj=box, action="melt")
    with pytest.raises(PermissionDenied):
        machine.begin(actor=world.b.reviewer, obj=box, action="close")
    with pytest.raises(IllegalTransition) as illegal:
        machine.begin(actor=world.a.reviewer, obj=box, action="close")
    with pytest.raises(InvalidInput) as no_reason:
        machine.begin(actor=world.a.reviewer, obj=box, action="scrap", reason="  ")

    assert unknown.value.status == 400 and "action" in unknown.value.extra["fields"]
    assert illegal.value.status == 409 and illegal.value.code == "illegal_transition"
    assert "CLOSED" in str(illegal.value.message)
    assert no_reason.value.extra["fields"] == {"reason": [str(no_reason.value.message)]}
    transition = machine.begin(actor=world.a.reviewer, obj=box, action="scrap", reason="坏了")
    assert machine.apply(box, transition) == "closed" and box.state == "scrapped"


def test_a_system_transition_is_never_offered_nor_taken_by_a_user(world, machine):
    box = Box("open", world.a.district)

    assert machine_offers(machine, world.a.reviewer, box) == ["close", "scrap"]
    with pytest.raises(InvalidInput):
        machine.begin(actor=world.a.reviewer, obj=box, action="expire")
    with pytest.raises(ValueError):
        machine.begin(actor=None, obj=box, action="close", system=True)
    transition = machine.begin(actor=None, obj=box, action="expire", system=True)
    machine.apply(box, transition)
    assert box.state == "expired"
    assert machine.user_actions() == ["close", "scrap"]


def test_a_worked_out_state_has_no_column_to_set():
    with pytest.raises(ValueError):
        Machine(
            "bad",
            [Transition("go", {"a"}, "b", "work_item.manage", "Go")],
            organisation=lambda obj: obj,
            state=lambda obj: "a",
        )


# --- Applications ------------------------------------------------------------------------------


def test_application_page_shows_exactly_what_the_machine_offers(client, world):
    the_draft = draft(world)
    waiting = submitted(world, title="社区协助开展人口抽样调查")
    reviewing = under_review(world, title="社区协助开展老年人口普查")
    hearing = in_hearing(world, title="社区协助开展残疾人口普查")
    url = lambda application: reverse("application-page", args=[application.pk])  # noqa: E731

    cases = [
        (world.a.department_staff, the_draft, ["submit", "withdraw"]),
        (world.a.department_staff, waiting, ["withdraw"]),
        (world.a.reviewer, the_draft, []),
        (world.a.reviewer, waiting, ["start-review"]),
        (world.a.reviewer, reviewing, ["return", "require-hearing", "approve", "reject"]),
        (world.a.department_staff, reviewing, ["withdraw"]),
        # Approval waits until the hearing is recorded (issue 14, item 4).
        (world.a.reviewer, hearing, ["record-hearing", "reject"]),
        # The supervisor reads every application of the area and decides nothing.
        (world.a.supervisor, reviewing, []),
    ]
    for user, application, expected in cases:
        assert machine_offers(services.APPLICATION, user, application) == expected
        assert page(client, user, url(application)) == expected, (user, application.state)


def test_a_reviewer_of_the_applying_department_is_offered_no_decision(client, world):
    reviewing = under_review(world)
    MembershipFactory(
        user=world.a.reviewer, organisation=world.a.department, role="department_staff"
    )
    reviewer = type(world.a.reviewer).objects.get(pk=world.a.reviewer.pk)  # fresh grants

    assert machine_offers(services.APPLICATION, reviewer, reviewing) == ["withdraw"]
    assert page(client, reviewer, reverse("application-page", args=[reviewing.pk])) == ["withdraw"]


def test_an_approved_application_offers_nothing_to_anyone(client, world):
    approved = services.application_approve(
        actor=world.a.reviewer, application=under_review(world), reason="准予"
    )
    for user in (world.a.department_staff, world.a.reviewer):
        assert page(client, user, reverse("application-page", args=[approved.pk])) == []


def test_the_api_lists_the_same_actions_as_the_page(world, api_as):
    reviewing = under_review(world)
    response = api_as(world.a.reviewer).get(f"/api/v1/applications/{reviewing.pk}/")
    assert response.json()["actions"] == ["return", "require-hearing", "approve", "reject"]


# --- Work items --------------------------------------------------------------------------------


def test_work_item_page_shows_exactly_what_the_machine_offers(client, world):
    def item(status: str) -> WorkItem:
        return WorkItemFactory(
            jurisdiction=world.a.district, department=world.a.department, status=status
        )

    active, suspended, expired, revoked = (
        item(WorkItem.Status.ACTIVE),
        item(WorkItem.Status.SUSPENDED),
        item(WorkItem.Status.EXPIRED),
        item(WorkItem.Status.REVOKED),
    )
    cases = [
        (world.a.reviewer, active, ["suspend", "revoke"]),
        (world.a.reviewer, suspended, ["reinstate", "revoke"]),
        # Expiry and renewal are the platform's: nobody is offered them.
        (world.a.reviewer, expired, []),
        (world.a.reviewer, revoked, []),
        (world.a.department_staff, active, []),
        (world.a.cadre, suspended, []),
    ]
    for user, work_item, expected in cases:
        assert machine_offers(services.WORK_ITEM, user, work_item) == expected
        url = reverse("work-item-page", args=[work_item.admission_number])
        assert page(client, user, url) == expected, (user, work_item.status)


def test_a_user_cannot_ask_for_the_platforms_own_work_item_transitions(client, world):
    item = WorkItemFactory(jurisdiction=world.a.district, department=world.a.department)
    client.force_login(world.a.reviewer)

    response = client.post(
        reverse("work-item-status", args=[item.admission_number, "expire"]),
        {"expire-reason": "想让它过期"},
    )
    with pytest.raises(InvalidInput):
        services.work_item_change_status(
            actor=world.a.reviewer, item=item, action="renew", reason="x"
        )

    assert response.status_code == 404
    item.refresh_from_db()
    assert item.status == WorkItem.Status.ACTIVE


def test_expiry_goes_through_the_machine_and_is_audited(world):
    item = WorkItemFactory(
        jurisdiction=world.a.district,
        department=world.a.department,
        valid_until=timezone.localdate() - datetime.timedelta(days=1),
    )

    assert services.work_items_expire() == 1

    item.refresh_from_db()
    entry = AuditEntry.objects.get(action="work_item.expire", object_id=str(item.pk))
    assert item.status == WorkItem.Status.EXPIRED
    assert (entry.before, entry.after["status"]) == ({"status": "active"}, "expired")


def test_renewing_an_item_revoked_meanwhile_is_refused_and_admits_nothing(world):
    item = WorkItemFactory(
        jurisdiction=world.a.district, department=world.a.department, scope=[world.a.street]
    )
    renewal = under_review(world, renewal_of=item, title=item.title)
    services.work_item_change_status(
        actor=world.a.reviewer, item=item, action="revoke", reason="事项取消"
    )

    with pytest.raises(IllegalTransition) as refused:
        services.application_approve(actor=world.a.reviewer, application=renewal, reason="续期")

    assert refused.value.code == "illegal_transition"
    item.refresh_from_db()
    renewal.refresh_from_db()
    assert item.status == WorkItem.Status.REVOKED
    assert renewal.state == State.UNDER_REVIEW


def test_renewal_reactivates_an_expired_item(world):
    item = WorkItemFactory(
        jurisdiction=world.a.district,
        department=world.a.department,
        scope=[world.a.street],
        status=WorkItem.Status.EXPIRED,
    )
    renewal = under_review(world, renewal_of=item, title=item.title)

    services.application_approve(actor=world.a.reviewer, application=renewal, reason="续期")

    item.refresh_from_db()
    assert item.status == WorkItem.Status.ACTIVE


# --- Assignments and emergency ratification ----------------------------------------------------


def _send(world, *, emergency: bool = False) -> Dispatch:
    item = None
    if not emergency:
        item = WorkItemFactory(
            jurisdiction=world.a.district,
            department=world.a.department,
            frequency="monthly",
            hours_per_occurrence=Decimal("3"),
            households_per_occurrence=20,
            scope=[world.a.street],
        )
    today = timezone.localdate()
    return services.dispatch_create(
        actor=world.a.department_staff,
        work_item=item,
        title="台风应急排查" if emergency else "居民信息核对",
        communities=[world.a.community],
        due_date=today + datetime.timedelta(days=30),
        hours_per_community=Decimal("2"),
        households_per_community=10,
        emergency=emergency,
        justification="台风红色预警" if emergency else "",
    )


def test_task_page_shows_exactly_what_the_machine_offers(client, world):
    dispatch = _send(world)
    task = Assignment.objects.get(dispatch=dispatch)
    url = reverse("inbox-task", args=[task.pk])

    def both(user, expected):
        fresh = Assignment.objects.get(pk=task.pk)
        assert machine_offers(services.ASSIGNMENT, user, fresh) == expected
        assert page(client, user, url) == expected, (user, fresh.state)

    both(world.a.cadre, ["accept", "refuse"])
    # The reviewer sees the community's inbox and may answer nothing.
    both(world.a.reviewer, [])
    services.assignment_respond(actor=world.a.cadre, assignment=task, action="accept")
    both(world.a.cadre, ["complete", "refuse"])
    services.assignment_respond(actor=world.a.cadre, assignment=task, action="complete")
    both(world.a.cadre, [])


def test_ratification_is_offered_to_the_reviewer_until_it_is_done(client, world):
    emergency = _send(world, emergency=True)
    ordinary = _send(world)
    show = lambda dispatch: reverse("dispatch-show", args=[dispatch.pk])  # noqa: E731
    machine = services.EMERGENCY_RATIFICATION

    # Ratification has its opposite, 不予追认 (issue 14, item 3).
    decisions = ["ratify", "refuse-ratification"]
    assert machine_offers(machine, world.a.reviewer, emergency) == decisions
    assert page(client, world.a.reviewer, show(emergency)) == decisions
    assert page(client, world.a.reviewer, reverse("dispatch-ratification")) == decisions
    # The department that sent it may not ratify its own emergency (it is offered only its
    # own corrections: recall, a later due date).
    assert page(client, world.a.department_staff, show(emergency)) == ["recall", "amend-due-date"]
    assert page(client, world.a.reviewer, show(ordinary)) == []

    services.dispatch_ratify(actor=world.a.reviewer, dispatch=emergency, note="属实")
    emergency.refresh_from_db()

    assert machine_offers(machine, world.a.reviewer, emergency) == []
    assert page(client, world.a.reviewer, show(emergency)) == []
    with pytest.raises(IllegalTransition) as again:
        services.dispatch_ratify(actor=world.a.reviewer, dispatch=emergency)
    assert str(again.value.message) == (
        "该应急任务已有决定（“已追认”），追认或不予追认只能决定一次。"
    )


def test_ratification_queue_costs_the_same_queries_for_more_rows(
    client, world, django_assert_num_queries
):
    for _ in range(3):
        _send(world, emergency=True)
    client.force_login(world.a.reviewer)
    # The session, the user, the user's grants, the count, the page of dispatches with
    # their departments: each row's ratify button costs nothing more.
    with django_assert_num_queries(5):
        html = client.get(reverse("dispatch-ratification")).content.decode()
    assert offered(html) == ["ratify", "refuse-ratification"] * 3
    for _ in range(3):
        _send(world, emergency=True)
    with django_assert_num_queries(5):
        html = client.get(reverse("dispatch-ratification")).content.decode()
    assert offered(html) == ["ratify", "refuse-ratification"] * 6
