"""The one shape of every state machine in the portal.

A machine is data: a table of ``Transition`` rows (action, from which states, to which, the
permission it needs on the object's organisation, whether a reason is required, what to ask
before doing it). The same table

- decides in the service (``machine.begin(...)`` under the caller's row lock: the actor may,
  the state allows it, the reason is there; otherwise one specific domain error: 403,
  409 ``illegal_transition``, 400),
- drives the buttons (``machine.available_actions(user, obj)``: the transitions the user
  could make now; templates render what they are given and never re-test state strings).

Machines that need a rule beyond "this permission on this organisation" (the applying
department's own staff may not review it, for instance) pass ``refuse``: a function that
returns the error to raise, or None.

    ASSIGNMENT = Machine(
        "assignment",
        [Transition("accept", {"pending"}, "accepted", "assignment.respond", _("Accept")), ...],
        organisation=lambda a: a.community,
    )
    transition = ASSIGNMENT.begin(actor=actor, obj=assignment, action="accept", reason=note)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from registry import permissions
from registry.errors import DomainError, IllegalTransition, InvalidInput, PermissionDenied


@dataclass(frozen=True)
class Transition:
    """One allowed move: from which states, to which (None keeps the state), by whom."""

    action: str
    sources: frozenset[str]
    target: str | None
    permission: str
    label: str
    reason_required: bool = False
    # Asked before the action, naming what will happen ("" = no question: reversible).
    confirm: str = ""
    # How the button looks: "primary", "danger", "neutral".
    tone: str = "primary"
    # Free slot for a machine's own facts about a transition (its side, its form ...).
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sources", frozenset(self.sources))


Refusal = Callable[[Any, Any, Transition], DomainError | None]


class Machine:
    """A named table of transitions over objects whose state lives in ``state_field``."""

    def __init__(
        self,
        name: str,
        transitions: Iterable[Transition],
        *,
        organisation: Callable[[Any], Any],
        state_field: str = "state",
        state_label: Callable[[Any], str] | None = None,
        refuse: Refusal | None = None,
    ) -> None:
        self.name = name
        self.transitions: dict[str, Transition] = {t.action: t for t in transitions}
        self.organisation = organisation
        self.state_field = state_field
        self.state_label = state_label or (lambda obj: getattr(obj, f"get_{state_field}_display")())
        self.refuse = refuse

    def __getitem__(self, action: str) -> Transition:
        return self.transitions[action]

    def __contains__(self, action: str) -> bool:
        return action in self.transitions

    def __iter__(self):
        return iter(self.transitions.values())

    def labels(self) -> dict[str, str]:
        return {action: t.label for action, t in self.transitions.items()}

    def state_of(self, obj: Any) -> str:
        return getattr(obj, self.state_field)

    def actor_refusal(self, user: Any, obj: Any, transition: Transition) -> DomainError | None:
        """Why ``user`` may not make ``transition`` on ``obj`` (whatever its state), or None."""
        if not permissions.may(user, transition.permission, self.organisation(obj)):
            return PermissionDenied()
        if self.refuse is not None:
            return self.refuse(user, obj, transition)
        return None

    def available_actions(self, user: Any, obj: Any) -> list[Transition]:
        """The transitions ``user`` could make on ``obj`` now, in table order (for buttons;
        the service checks again under its row lock)."""
        state = self.state_of(obj)
        return [
            t
            for t in self.transitions.values()
            if state in t.sources and self.actor_refusal(user, obj, t) is None
        ]

    def begin(self, *, actor: Any, obj: Any, action: str, reason: str = "") -> Transition:
        """Check ``action`` on ``obj`` (which the caller has locked with select_for_update):
        the action exists, the actor may, the state allows it, a required reason is given."""
        transition = self.transitions.get(action)
        if transition is None:
            message = _("Unknown action “%(action)s”.") % {"action": action}
            raise InvalidInput(message, fields={"action": [message]})
        refusal = self.actor_refusal(actor, obj, transition)
        if refusal is not None:
            raise refusal
        if self.state_of(obj) not in transition.sources:
            raise IllegalTransition(
                _("“%(action)s” is not possible while it is “%(state)s”.")
                % {"action": transition.label, "state": self.state_label(obj)},
                state=self.state_of(obj),
            )
        if transition.reason_required and not (reason or "").strip():
            message = _("Give a reason for “%(action)s”.") % {"action": transition.label}
            raise InvalidInput(message, fields={"reason": [message]})
        return transition

    def apply(self, obj: Any, transition: Transition) -> str:
        """Set the new state on ``obj`` (not saved); return the state it came from."""
        from_state = self.state_of(obj)
        if transition.target is not None:
            setattr(obj, self.state_field, transition.target)
        return from_state
