"""The dispatch gate and the community inbox.

A department reaches communities only through an admitted work item: ``dispatch_create``
checks every rule of the brief ("Dispatch") and refuses the whole dispatch, creating
nothing, with every reason at once. Emergency tasks skip the gate with a justification
and wait for a reviewer's ratification. Fan-out is one bulk insert.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry import audit_actions, permissions
from registry.audit import audit_record
from registry.errors import IllegalTransition, InvalidInput, PermissionDenied, RuleRefused
from registry.models import Assignment, Dispatch, Frequency, Organisation, Role, User, WorkItem
from registry.services.common import require
from registry.services.notifications import notify_organisations
from registry.workdays import working_days_between


@dataclass
class GateReason:
    code: str
    detail: str
    communities: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = asdict(self)
        if not data["communities"]:
            data.pop("communities")
        return data


def period_start(frequency: str, today: datetime.date) -> datetime.date | None:
    """The first day of the item's current period; None for "once" (any earlier time)."""
    if frequency == Frequency.WEEKLY:
        return today - datetime.timedelta(days=today.weekday())
    if frequency == Frequency.MONTHLY:
        return today.replace(day=1)
    if frequency == Frequency.QUARTERLY:
        return today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    if frequency == Frequency.YEARLY:
        return today.replace(month=1, day=1)
    return None


def _is_staff_of(actor: User, department: Organisation | None) -> bool:
    return department is not None and any(
        g.role == Role.DEPARTMENT_STAFF and g.organisation_id == department.pk
        for g in permissions.grants_of(actor)
    )


def _department_for(actor: User, work_item: WorkItem | None, department: Organisation | None):
    if work_item is not None and work_item.department_id:
        return work_item.department  # the gate then checks the dispatcher belongs to it
    if department is not None:
        return department
    own = [g for g in permissions.grants_of(actor) if g.role == Role.DEPARTMENT_STAFF]
    if len(own) == 1:
        return Organisation.objects.get(pk=own[0].organisation_id)
    message = _("Name the department that sends this task.")
    raise InvalidInput(message, fields={"department": [message]})


def gate_reasons(
    *,
    actor: User,
    work_item: WorkItem | None,
    communities: Sequence[Organisation],
    due_date: datetime.date,
    hours_per_community: Decimal,
    households_per_community: int,
    today: datetime.date,
) -> list[GateReason]:
    """Every rule the dispatch breaks (empty: it may go). Reads only."""
    if work_item is None or work_item.admission_number is None:
        return [GateReason("not_admitted", _("The task names no admitted work item."))]
    reasons: list[GateReason] = []
    number = work_item.admission_number
    if not work_item.is_active_on(today):
        reasons.append(
            GateReason(
                "item_inactive",
                _(
                    "Work item %(number)s is not in force today (%(status)s, valid %(start)s to "
                    "%(end)s)."
                )
                % {
                    "number": number,
                    "status": work_item.get_status_display(),
                    "start": work_item.valid_from,
                    "end": work_item.valid_until,
                },
            )
        )
    if work_item.valid_until and due_date > work_item.valid_until:
        reasons.append(
            GateReason(
                "past_validity",
                _("The due date %(due)s is after the admission ends on %(end)s.")
                % {"due": due_date, "end": work_item.valid_until},
            )
        )
    if not _is_staff_of(actor, work_item.department):
        reasons.append(
            GateReason(
                "not_item_department",
                _("Only staff of %(department)s may dispatch under %(number)s.")
                % {
                    "department": work_item.department.name if work_item.department else "-",
                    "number": number,
                },
            )
        )
    scope_paths = [org.path for org in work_item.scope.all()]
    outside = [
        c.code for c in communities if not any(c.path.startswith(path) for path in scope_paths)
    ]
    if outside:
        reasons.append(
            GateReason(
                "out_of_scope",
                _("%(n)s communities are outside the scope admitted for %(number)s.")
                % {"n": len(outside), "number": number},
                outside,
            )
        )
    start = period_start(work_item.frequency, today)
    earlier = Assignment.objects.filter(
        work_item=work_item, community__in=[c.pk for c in communities]
    ).exclude(state=Assignment.State.REFUSED)
    if start is not None:
        earlier = earlier.filter(
            created_at__gte=timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
        )
    repeated = sorted(set(earlier.values_list("community__code", flat=True)))
    if repeated:
        reasons.append(
            GateReason(
                "frequency_exceeded",
                _(
                    "%(number)s is admitted %(frequency)s; %(n)s communities already had it this "
                    "period."
                )
                % {
                    "number": number,
                    "frequency": work_item.get_frequency_display(),
                    "n": len(repeated),
                },
                repeated,
            )
        )
    if (
        hours_per_community > work_item.hours_per_occurrence
        or households_per_community > work_item.households_per_occurrence
    ):
        reasons.append(
            GateReason(
                "burden_exceeded",
                _(
                    "Admitted per occurrence: %(hours)s hours and %(households)s households; "
                    "asked: %(asked_hours)s hours and %(asked_households)s households."
                )
                % {
                    "hours": work_item.hours_per_occurrence,
                    "households": work_item.households_per_occurrence,
                    "asked_hours": hours_per_community,
                    "asked_households": households_per_community,
                },
            )
        )
    minimum = settings.PORTAL["DISPATCH_MIN_LEAD_WORKING_DAYS"]
    allowed = working_days_between(today, due_date)
    if allowed < minimum:
        reasons.append(
            GateReason(
                "lead_time_too_short",
                _(
                    "Only %(allowed)s working days until the due date; at least %(minimum)s are "
                    "required."
                )
                % {"allowed": allowed, "minimum": minimum},
            )
        )
    return reasons


@transaction.atomic
def dispatch_create(
    *,
    actor: User,
    work_item: WorkItem | None,
    title: str,
    communities: Sequence[Organisation],
    due_date: datetime.date,
    hours_per_community: Decimal,
    households_per_community: int = 0,
    instructions: str = "",
    materials: str = "",
    emergency: bool = False,
    justification: str = "",
    department: Organisation | None = None,
) -> Dispatch:
    """Send a task to communities, or refuse it whole (422 ``dispatch_refused``)."""
    if not permissions.may(actor, "dispatch.create"):
        raise PermissionDenied()
    if work_item is not None:
        # Serialises dispatches under one item, so the frequency rule holds under races.
        work_item = (
            WorkItem.objects.select_for_update(of=("self",))
            .select_related("department")
            .get(pk=work_item.pk)
        )
    department = _department_for(actor, work_item, department)
    unique = list({c.pk: c for c in communities}.values())
    if not unique:
        message = _("Choose at least one community.")
        raise InvalidInput(message, fields={"communities": [message]})
    not_communities = [c.code for c in unique if c.kind != Organisation.Kind.COMMUNITY]
    if not_communities:
        message = _("Not communities: %(codes)s") % {"codes": ", ".join(not_communities)}
        raise InvalidInput(message, fields={"communities": [message]})
    if not title.strip():
        raise InvalidInput(_("Give the task a title."), fields={"title": [_("Required.")]})
    today = timezone.localdate()
    if emergency:
        require(actor, "dispatch.create", department)
        if not justification.strip():
            message = _("An emergency task needs a written justification.")
            raise InvalidInput(message, fields={"justification": [message]})
        # The gate is skipped, not the map: a department reaches only its own jurisdiction.
        jurisdiction = department.parent
        outside = [c.code for c in unique if not c.path.startswith(jurisdiction.path)]
        if outside:
            reason = GateReason(
                "out_of_scope",
                _("%(n)s communities are outside %(jurisdiction)s, where %(department)s works.")
                % {
                    "n": len(outside),
                    "jurisdiction": jurisdiction.name,
                    "department": department.name,
                },
                outside,
            )
            raise RuleRefused(reason.detail, code="dispatch_refused", reasons=[reason.as_dict()])
        if due_date < today:
            message = _("The due date is in the past.")
            raise InvalidInput(message, fields={"due_date": [message]})
    else:
        reasons = gate_reasons(
            actor=actor,
            work_item=work_item,
            communities=unique,
            due_date=due_date,
            hours_per_community=hours_per_community,
            households_per_community=households_per_community,
            today=today,
        )
        if reasons:
            raise RuleRefused(
                _("The dispatch was refused: %(reasons)s")
                % {"reasons": "；".join(r.detail for r in reasons)},
                code="dispatch_refused",
                reasons=[r.as_dict() for r in reasons],
            )
    dispatch = Dispatch.objects.create(
        department=department,
        work_item=work_item,
        created_by=actor,
        title=title.strip(),
        instructions=instructions,
        materials=materials,
        due_date=due_date,
        hours_per_community=hours_per_community,
        households_per_community=households_per_community,
        lead_working_days=working_days_between(today, due_date),
        emergency=emergency,
        justification=justification.strip(),
        community_count=len(unique),
    )
    assignments = Assignment.objects.bulk_create(
        [
            Assignment(
                dispatch=dispatch,
                community=community,
                department=department,
                work_item=work_item,
                emergency=emergency,
                due_date=due_date,
                hours=hours_per_community,
            )
            for community in unique
        ],
        batch_size=2000,
    )
    notify_organisations(
        organisations=unique,
        kind="assignment.received",
        # Each community's notification opens its own task in the inbox.
        links={a.community_id: reverse("inbox-task", args=[a.pk]) for a in assignments},
        title=(_("Emergency task: %(title)s") if emergency else _("New task: %(title)s"))
        % {"title": dispatch.title},
        body=_("From %(department)s, due %(due)s.")
        % {"department": department.name, "due": due_date},
    )
    audit_record(
        actor=actor,
        action=audit_actions.DISPATCH_CREATE,
        obj=dispatch,
        after={
            "work_item": work_item.admission_number if work_item else None,
            "department": department.code,
            "communities": len(unique),
            "due_date": due_date,
            "emergency": emergency,
        },
    )
    return dispatch


@transaction.atomic
def dispatch_ratify(*, actor: User, dispatch: Dispatch, note: str = "") -> Dispatch:
    """A reviewer ratifies an emergency task (within 7 days, or it is flagged)."""
    dispatch = (
        Dispatch.objects.select_for_update(of=("self",))
        .select_related("department__parent")
        .get(pk=dispatch.pk)
    )
    require(actor, "dispatch.ratify", dispatch.department)
    if not dispatch.emergency or dispatch.ratified_at is not None:
        raise IllegalTransition(_("Only an emergency task not yet ratified can be ratified."))
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


# --- The inbox -------------------------------------------------------------------------------

ASSIGNMENT_ACTION_LABELS = {
    "accept": gettext_lazy("Accept"),
    "complete": gettext_lazy("Complete"),
    "refuse": gettext_lazy("Refuse"),
}
# action -> (states it may start from, the state it leads to)
ASSIGNMENT_ACTIONS = {
    "accept": ({Assignment.State.PENDING}, Assignment.State.ACCEPTED),
    "complete": ({Assignment.State.ACCEPTED}, Assignment.State.COMPLETED),
    "refuse": ({Assignment.State.PENDING, Assignment.State.ACCEPTED}, Assignment.State.REFUSED),
}


@transaction.atomic
def assignment_respond(
    *,
    actor: User,
    assignment: Assignment,
    action: str,
    reason_code: str = "",
    note: str = "",
) -> Assignment:
    """A cadre of the community accepts, completes or refuses (with a reason code)."""
    sources, target = ASSIGNMENT_ACTIONS[action]
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("community", "department__parent", "dispatch")
        .get(pk=assignment.pk)
    )
    require(actor, "assignment.respond", assignment.community)
    if assignment.state not in sources:
        raise IllegalTransition(
            _("“%(action)s” is not possible while the task is “%(state)s”.")
            % {"state": assignment.get_state_display(), "action": ASSIGNMENT_ACTION_LABELS[action]}
        )
    if action == "refuse":
        if reason_code not in Assignment.RefusalReason.values:
            message = _("Choose a refusal reason.")
            raise InvalidInput(message, fields={"reason_code": [message]})
        if reason_code == Assignment.RefusalReason.OTHER and not note.strip():
            message = _("Explain the refusal.")
            raise InvalidInput(message, fields={"note": [message]})
        assignment.refusal_reason = reason_code
    before = {"state": assignment.state}
    assignment.state = target
    if note.strip():  # an answer without a note keeps the note given before
        assignment.note = note.strip()
    assignment.responded_by = actor
    assignment.responded_at = timezone.now()
    assignment.save(
        update_fields=["state", "refusal_reason", "note", "responded_by", "responded_at"]
    )
    audit_record(
        actor=actor,
        action=audit_actions.for_transition("assignment", action),
        obj=assignment,
        before=before,
        after={"state": target, "reason_code": assignment.refusal_reason, "note": assignment.note},
    )
    if action == "refuse":
        # The department learns why; so does the admission office of its jurisdiction.
        recipients = [assignment.department]
        if assignment.department.parent_id:
            recipients.append(assignment.department.parent)
        notify_organisations(
            organisations=recipients,
            kind="assignment.refused",
            link=reverse("dispatch-show", args=[assignment.dispatch_id]),
            title=_("%(community)s refused “%(title)s”: %(reason)s")
            % {
                "community": assignment.community.name,
                "title": assignment.dispatch.title,
                "reason": assignment.get_refusal_reason_display(),
            },
            body=assignment.note,
        )
    return assignment
