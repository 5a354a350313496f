"""Emergency ratification (追认): an emergency task skipped the gate with a justification
(``services.dispatch.dispatch_create``); a reviewer of the area ratifies it, or refuses
(不予追认, with an opinion: the task stays marked and the department is told). Decided
once, under the dispatch's row lock, through the EMERGENCY_RATIFICATION machine."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry import audit_actions
from registry.audit import audit_record
from registry.models import Dispatch, User
from registry.services.notifications import notify_organisations
from registry.transitions import Machine, Transition


def _ratification_state(dispatch: Dispatch) -> str:
    if not dispatch.emergency:
        return "ordinary"
    if dispatch.ratified_at is not None:
        return "ratified"
    return "refused" if dispatch.ratification_refused_at is not None else "awaiting"


_RATIFICATION_STATES = {
    "ordinary": gettext_lazy("Not an emergency task"),
    "awaiting": gettext_lazy("Awaiting ratification"),
    "ratified": gettext_lazy("Ratified"),
    "refused": gettext_lazy("Ratification refused"),
}
_DECIDED_ONCE = gettext_lazy(
    "This emergency task has already been decided (“%(state)s”); a task is ratified or "
    "refused once."
)
# An emergency task skips the gate and waits for the admission office of the department's
# jurisdiction (brief: within 7 days, or it is flagged). The office ratifies it (追认) or
# refuses to (不予追认, with its opinion): once, either way. No column holds this state: it
# is worked out from ``emergency``, ``ratified_at`` and ``ratification_refused_at``.
EMERGENCY_RATIFICATION = Machine(
    "emergency_ratification",
    [
        Transition(
            "ratify",
            {"awaiting"},
            None,
            "dispatch.ratify",
            gettext_lazy("Ratify"),
            illegal=_DECIDED_ONCE,
            confirm=gettext_lazy(
                "Ratify this emergency task? It is recorded as ratified by your office, as "
                "if it had been admitted; this cannot be undone."
            ),
        ),
        Transition(
            "refuse-ratification",
            {"awaiting"},
            None,
            "dispatch.ratify",
            gettext_lazy("Refuse ratification"),
            reason_required=True,
            reason_error=gettext_lazy(
                "Give your opinion: why the task is not ratified (the department reads it)."
            ),
            illegal=_DECIDED_ONCE,
            confirm=gettext_lazy(
                "Refuse to ratify this emergency task? It stays marked as not ratified and "
                "the department is told your opinion; this cannot be undone."
            ),
            tone="danger",
            summary=gettext_lazy("Refuse ratification…"),
        ),
    ],
    organisation=lambda dispatch: dispatch.department,
    state=_ratification_state,
    state_label=lambda dispatch: str(_RATIFICATION_STATES[_ratification_state(dispatch)]),
)


def ratification_label(dispatch: Dispatch) -> str:
    return str(_RATIFICATION_STATES[_ratification_state(dispatch)])


def _lock_dispatch(dispatch: Dispatch) -> Dispatch:
    return (
        Dispatch.objects.select_for_update(of=("self",))
        .select_related("department__parent")
        .get(pk=dispatch.pk)
    )


@transaction.atomic
def dispatch_ratify(*, actor: User, dispatch: Dispatch, note: str = "") -> Dispatch:
    """A reviewer ratifies an emergency task (within 7 days, or it is flagged)."""
    dispatch = _lock_dispatch(dispatch)
    EMERGENCY_RATIFICATION.begin(actor=actor, obj=dispatch, action="ratify")
    dispatch.ratified_at = timezone.now()
    dispatch.ratified_by = actor
    dispatch.ratification_note = note.strip()
    dispatch.save(update_fields=["ratified_at", "ratified_by", "ratification_note"])
    audit_record(
        actor=actor,
        action=audit_actions.DISPATCH_RATIFY,
        obj=dispatch,
        after={"note": dispatch.ratification_note},
    )
    return dispatch


@transaction.atomic
def dispatch_refuse_ratification(*, actor: User, dispatch: Dispatch, reason: str) -> Dispatch:
    """不予追认: the reviewer's opinion is required; the task stays marked as not ratified
    (it is still counted and flagged as an unratified emergency) and the department hears."""
    dispatch = _lock_dispatch(dispatch)
    EMERGENCY_RATIFICATION.begin(
        actor=actor, obj=dispatch, action="refuse-ratification", reason=reason
    )
    dispatch.ratification_refused_at = timezone.now()
    dispatch.ratification_refused_by = actor
    dispatch.ratification_note = reason.strip()
    dispatch.save(
        update_fields=["ratification_refused_at", "ratification_refused_by", "ratification_note"]
    )
    notify_organisations(
        organisations=[dispatch.department],
        kind="dispatch.ratification_refused",
        title=_("Emergency task not ratified: %(title)s") % {"title": dispatch.title},
        body=dispatch.ratification_note,
        link=reverse("dispatch-show", args=[dispatch.pk]),
    )
    audit_record(
        actor=actor,
        action=audit_actions.DISPATCH_REFUSE_RATIFICATION,
        obj=dispatch,
        after={"reason": dispatch.ratification_note},
    )
    return dispatch
