"""The one shape of every state machine in the portal.

A machine is data: a table of ``Transition`` rows (action, from which states, to which, the
permission it needs on the object's organisation, whether a reason is required, how its
button looks and what to ask before doing it). The same table

- decides in the service (``machine.begin(...)`` under the caller's row lock: the actor may,
  the state allows it, the reason is there; otherwise one specific domain error: 403,
  409 ``illegal_transition``, 400),
- drives the buttons (``machine.available_actions(user, obj)``: the transitions the user
  could make now; ``machine.buttons(...)`` pairs them with their URL and form, and
  ``templates/partials/action.html`` renders one; templates never re-test state strings).

Machines that need a rule beyond "this permission on this organisation" (the applying
department's own staff may not review it, for instance) pass ``refuse``: a function that
returns the error to raise, or None. A transition whose ``permission`` is None is the
platform's own (the daily expiry, a renewal's reactivation): no user is offered it or may
ask for it; services make it with ``begin(..., system=True)``.

    ASSIGNMENT = Machine(
        "assignment",
        [Transition("accept", {"pending"}, "accepted", "assignment.respond", _("Accept")), ...],
        organisation=lambda a: a.community,
    )
    transition = ASSIGNMENT.begin(actor=actor, obj=assignment, action="accept", reason=note)
    ASSIGNMENT.apply(assignment, transition)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry import permissions
from registry.errors import DomainError, IllegalTransition, InvalidInput, PermissionDenied


@dataclass(frozen=True)
class Transition:
    """One allowed move: from which states, to which (None keeps the state), by whom."""

    action: str
    sources: frozenset[str]
    target: str | None
    # The permission needed on the object's organisation; None: only the platform makes it.
    permission: str | None
    label: str
    reason_required: bool = False
    # Asked before the action, naming what will happen ("" = no question: reversible).
    confirm: str = ""
    # How the button looks: "primary", "danger" or "secondary".
    tone: str = "primary"
    # What opens the action's form when it should read differently from the button
    # ("Refuse this task…" opens the form whose button says "Refuse").
    summary: str = ""
    # The 409's message when the state does not allow it ("" = the machine's message).
    illegal: str = ""
    # The service's name for the reason (the API's field) and what to say when it is missing.
    reason_field: str = "reason"
    reason_error: str = ""
    # Free slot for a machine's own facts about a transition (its side, its form ...).
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sources", frozenset(self.sources))

    @property
    def is_system(self) -> bool:
        return self.permission is None


Refusal = Callable[[Any, Any, Transition], DomainError | None]
OrganisationOf = Callable[[Any], Any]


class Machine:
    """A named table of transitions over objects whose state lives in ``state_field``
    (or is worked out by ``state``, for a state no column holds)."""

    def __init__(
        self,
        name: str,
        transitions: Iterable[Transition],
        *,
        organisation: OrganisationOf | Mapping[str, OrganisationOf],
        state_field: str = "state",
        state: Callable[[Any], str] | None = None,
        state_label: Callable[[Any], str] | None = None,
        refuse: Refusal | None = None,
        illegal_message: Any = None,
        on_apply: Callable[[list[Any], Transition], None] | None = None,
    ) -> None:
        """``organisation`` gives the organisation a transition's permission is checked on:
        one function for the whole machine, or one per permission (an application's
        department edits it, its jurisdiction reviews it). ``illegal_message`` formats
        ``action`` and ``state`` (the labels) for the 409. ``on_apply(objs, transition)``
        runs in ``apply`` and ``apply_all``, inside the service's transaction, for every
        transition of the machine: what every change must also do (the assignment machine
        bumps the inbox versions there, so a transition added later cannot forget it). It
        gets a list, so a fan-out (a recall of 1,000 assignments) pays for it once."""
        self.name = name
        self.transitions: dict[str, Transition] = {t.action: t for t in transitions}
        self.organisation = organisation
        self.state_field = state_field
        self._state = state
        self.state_label = state_label or (lambda obj: getattr(obj, f"get_{state_field}_display")())
        self.refuse = refuse
        self.on_apply = on_apply
        self.illegal_message = illegal_message or gettext_lazy(
            "“%(action)s” is not possible while it is “%(state)s”."
        )
        if state is not None and any(t.target is not None for t in self.transitions.values()):
            raise ValueError(f"{name}: a worked-out state has no column to set; use target=None")

    def __getitem__(self, action: str) -> Transition:
        return self.transitions[action]

    def __contains__(self, action: str) -> bool:
        return action in self.transitions

    def __iter__(self):
        return iter(self.transitions.values())

    def labels(self) -> dict[str, str]:
        return {action: t.label for action, t in self.transitions.items()}

    def user_actions(self) -> list[str]:
        """The actions a user may ask for (a URL's ``<action>``, the API's actions)."""
        return [t.action for t in self.transitions.values() if not t.is_system]

    def state_of(self, obj: Any) -> str:
        if self._state is not None:
            return self._state(obj)
        return getattr(obj, self.state_field)

    def organisation_for(self, obj: Any, transition: Transition) -> Any:
        if isinstance(self.organisation, Mapping):
            return self.organisation[transition.permission](obj)
        return self.organisation(obj)

    def actor_refusal(self, user: Any, obj: Any, transition: Transition) -> DomainError | None:
        """Why ``user`` may not make ``transition`` on ``obj`` (whatever its state), or None."""
        if transition.is_system:
            return PermissionDenied()
        if not permissions.may(user, transition.permission, self.organisation_for(obj, transition)):
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

    def begin(
        self, *, actor: Any, obj: Any, action: str, reason: str = "", system: bool = False
    ) -> Transition:
        """Check ``action`` on ``obj`` (which the caller has locked with select_for_update):
        the action exists, the actor may, the state allows it, a required reason is given.

        ``system=True`` is for the platform's own transitions (permission None), which have
        no actor to check; a user asking for one is told the action does not exist."""
        transition = self.transitions.get(action)
        if transition is None or transition.is_system != system:
            if transition is not None and system:
                raise ValueError(f"{self.name}.{action} is a user's transition, not the system's")
            message = _("Unknown action “%(action)s”.") % {"action": action}
            raise InvalidInput(message, fields={"action": [message]})
        if not system:
            refusal = self.actor_refusal(actor, obj, transition)
            if refusal is not None:
                raise refusal
        if self.state_of(obj) not in transition.sources:
            message = transition.illegal or self.illegal_message
            raise IllegalTransition(
                str(message) % {"action": transition.label, "state": self.state_label(obj)},
                state=self.state_of(obj),
            )
        if transition.reason_required and not (reason or "").strip():
            message = transition.reason_error or _("Give a reason for “%(action)s”.") % {
                "action": transition.label
            }
            raise InvalidInput(str(message), fields={transition.reason_field: [str(message)]})
        return transition

    def apply(self, obj: Any, transition: Transition) -> str:
        """Set the new state on ``obj`` (not saved); return the state it came from."""
        from_state = self.state_of(obj)
        if transition.target is not None:
            setattr(obj, self.state_field, transition.target)
        if self.on_apply is not None:
            self.on_apply([obj], transition)
        return from_state

    def apply_all(self, objs: list[Any], transition: Transition) -> None:
        """``apply`` for many objects that each passed ``begin`` for ``transition`` (not
        saved): the machine's ``on_apply`` runs once for all of them."""
        if transition.target is not None:
            for obj in objs:
                setattr(obj, self.state_field, transition.target)
        if self.on_apply is not None and objs:
            self.on_apply(objs, transition)

    def buttons(
        self,
        user: Any,
        obj: Any,
        *,
        url: Callable[[str], str],
        form: Callable[[Transition], Any] | None = None,
        bound: tuple[str, Any] | None = None,
        next: str = "",
        options: Mapping[str, Mapping[str, Any]] | None = None,
        compact: bool = False,
    ) -> list[ActionButton]:
        """The buttons for what ``user`` may do on ``obj`` now, for
        ``partials/action.html``: each transition with its URL and (unbound) form; the
        ``bound`` form (action, form) that came back with errors replaces its own and opens.
        ``options`` adds per-action presentation (``note``, ``warning``, ``body``, ``open``,
        ``inline``, ``heading``)."""
        options = options or {}
        result = []
        for transition in self.available_actions(user, obj):
            is_bound = bound is not None and bound[0] == transition.action
            extra = dict(options.get(transition.action, {}))
            opened = bool(extra.pop("open", False)) or is_bound
            result.append(
                ActionButton(
                    transition=transition,
                    url=url(transition.action),
                    form=bound[1] if is_bound else (form(transition) if form else None),
                    next=next,
                    compact=compact,
                    dom_id=extra.pop("dom_id", f"action-{transition.action}"),
                    open=opened,
                    **extra,
                )
            )
        return result


@dataclass
class ActionButton:
    """One offered transition as ``templates/partials/action.html`` renders it."""

    transition: Transition
    url: str
    form: Any = None
    open: bool = False
    next: str = ""
    # A sentence above the fields (what happens), a template in place of the form's
    # fields (the hearing's participants table), fields without a disclosure (a queue row).
    note: str = ""
    body: str = ""
    inline: bool = False
    compact: bool = False
    dom_id: str = ""
    # The disclosure's summary when this page's situation reads differently ("Correct the
    # hearing record" once it is recorded); "" = the transition's.
    heading: str = ""
    # A warning above the fields that the decision must address (费随事转 at approval).
    warning: str = ""

    @property
    def action(self) -> str:
        return self.transition.action

    @property
    def label(self) -> str:
        return self.transition.label

    @property
    def summary(self) -> str:
        return self.heading or self.transition.summary or self.transition.label

    @property
    def tone(self) -> str:
        return self.transition.tone

    @property
    def confirm(self) -> str:
        return self.transition.confirm

    @property
    def has_fields(self) -> bool:
        return bool(
            self.body
            or self.note
            or self.warning
            or (self.form is not None and self.form.visible_fields())
        )
