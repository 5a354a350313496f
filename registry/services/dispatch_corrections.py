"""A department corrects a task it sent: recall it while no community has taken it up, or
give it a later due date (never shorter than the gate allows).

Both are transitions of ``DISPATCH``, whose state no column holds: it is worked out from
``recalled_at`` and whether any community has accepted or completed the task. The
assignments themselves change only through ``services.dispatch``'s assignment functions.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry import audit_actions
from registry.audit import audit_record
from registry.errors import InvalidInput, RuleRefused
from registry.models import Assignment, Dispatch, User
from registry.services.dispatch import (
    assignments_move_due_date,
    assignments_withdraw,
    due_date_reasons,
    within_horizon,
)
from registry.services.notifications import notify_organisations
from registry.transitions import Machine, Transition

# The dispatch's own state, for the two corrections:
#   "open"      no community has accepted or completed it: it may be recalled;
#   "taken_up"  at least one has: it may only be given more time;
#   "recalled"  withdrawn from every community: nothing more.
OPEN, TAKEN_UP, RECALLED = "open", "taken_up", "recalled"
_STATES = {
    OPEN: gettext_lazy("Not yet taken up"),
    TAKEN_UP: gettext_lazy("Taken up by a community"),
    RECALLED: gettext_lazy("Recalled"),
}


def dispatch_state(dispatch: Dispatch) -> str:
    """Worked out from the row and its assignments (one ``exists`` query, unless the caller
    set ``dispatch.taken_up`` from counts it already has)."""
    if dispatch.recalled_at is not None:
        return RECALLED
    taken_up = getattr(dispatch, "taken_up", None)
    if taken_up is None:
        taken_up = Assignment.objects.filter(
            dispatch=dispatch, state__in=[Assignment.State.ACCEPTED, Assignment.State.COMPLETED]
        ).exists()
    return TAKEN_UP if taken_up else OPEN


DISPATCH = Machine(
    "dispatch",
    [
        Transition(
            "recall",
            {OPEN},
            None,
            "dispatch.create",
            gettext_lazy("Recall"),
            reason_required=True,
            summary=gettext_lazy("Recall this task…"),
            confirm=gettext_lazy(
                "Recall this task? It is withdrawn from every community it reached, and they "
                "are told why. This cannot be undone."
            ),
            tone="danger",
            illegal=gettext_lazy(
                "The task can no longer be recalled: it is “%(state)s”. A community that has "
                "accepted it has to be asked directly."
            ),
            reason_error=gettext_lazy("Say why the task is recalled: the communities are told."),
        ),
        Transition(
            "amend-due-date",
            {OPEN, TAKEN_UP},
            None,
            "dispatch.create",
            gettext_lazy("Give a later due date"),
            reason_required=True,
            summary=gettext_lazy("Give more time…"),
            tone="secondary",
            illegal=gettext_lazy("A recalled task has no due date to change."),
        ),
    ],
    organisation=lambda dispatch: dispatch.department,
    state=dispatch_state,
    state_label=lambda dispatch: str(_STATES[dispatch_state(dispatch)]),
)
DISPATCH_ACTIONS = DISPATCH.user_actions()


def _locked(dispatch: Dispatch) -> Dispatch:
    return (
        Dispatch.objects.select_for_update(of=("self",))
        .select_related("department", "work_item")
        .get(pk=dispatch.pk)
    )


@transaction.atomic
def dispatch_recall(*, actor: User, dispatch: Dispatch, reason: str) -> Dispatch:
    """Withdraw the task from every community while none has accepted or completed it
    (409 afterwards); the communities are told why, in one bulk insert."""
    dispatch = _locked(dispatch)
    DISPATCH.begin(actor=actor, obj=dispatch, action="recall", reason=reason)
    withdrawn = assignments_withdraw(dispatch=dispatch)
    dispatch.recalled_at = timezone.now()
    dispatch.recalled_by = actor
    dispatch.recall_reason = reason.strip()
    dispatch.save(update_fields=["recalled_at", "recalled_by", "recall_reason"])
    notify_organisations(
        organisations=[a.community for a in withdrawn],
        kind="assignment.withdrawn",
        links={a.community_id: reverse("inbox-task", args=[a.pk]) for a in withdrawn},
        title=_("Task withdrawn: %(title)s") % {"title": dispatch.title},
        body=_("%(department)s recalled the task: %(reason)s")
        % {"department": dispatch.department.name, "reason": dispatch.recall_reason},
    )
    audit_record(
        actor=actor,
        action=audit_actions.for_transition("dispatch", "recall"),
        obj=dispatch,
        before={"state": OPEN},
        after={
            "state": RECALLED,
            "reason": dispatch.recall_reason,
            "withdrawn": len(withdrawn),
        },
    )
    return dispatch


@transaction.atomic
def dispatch_amend_due_date(
    *, actor: User, dispatch: Dispatch, due_date: datetime.date, reason: str
) -> Dispatch:
    """Give the task a later due date: never earlier than it was (a community would lose
    time), within the horizon, and, for a task under an admitted item, within the
    admission's validity and the gate's minimum lead time from today (422
    ``dispatch_refused`` with the gate's reasons). The open assignments follow; their
    communities are told."""
    dispatch = _locked(dispatch)
    DISPATCH.begin(actor=actor, obj=dispatch, action="amend-due-date", reason=reason)
    today = timezone.localdate()
    if due_date <= dispatch.due_date:
        message = _(
            "The new due date must be after %(due)s: a due date is only ever moved later."
        ) % {"due": dispatch.due_date.isoformat()}
        raise InvalidInput(message, fields={"due_date": [message]})
    within_horizon(due_date, today)
    if not dispatch.emergency:
        reasons = due_date_reasons(work_item=dispatch.work_item, due_date=due_date, today=today)
        if reasons:
            raise RuleRefused(
                _("The new due date was refused: %(reasons)s")
                % {"reasons": "；".join(r.detail for r in reasons)},
                code="dispatch_refused",
                reasons=[r.as_dict() for r in reasons],
            )
    before = dispatch.due_date
    moved = assignments_move_due_date(dispatch=dispatch, due_date=due_date)
    dispatch.due_date = due_date
    dispatch.save(update_fields=["due_date"])
    notify_organisations(
        organisations=[a.community for a in moved],
        kind="assignment.due_date",
        links={a.community_id: reverse("inbox-task", args=[a.pk]) for a in moved},
        title=_("More time for “%(title)s”: due %(due)s")
        % {"title": dispatch.title, "due": due_date},
        body=reason.strip(),
    )
    audit_record(
        actor=actor,
        action=audit_actions.for_transition("dispatch", "amend-due-date"),
        obj=dispatch,
        before={"due_date": before},
        after={"due_date": due_date, "reason": reason.strip(), "assignments": len(moved)},
    )
    return dispatch
