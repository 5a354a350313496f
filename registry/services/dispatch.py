"""The dispatch gate and the community inbox.

A department reaches communities only through an admitted work item: ``dispatch_create``
checks every rule of the brief ("Dispatch") and refuses the whole dispatch, creating
nothing, with every reason at once. Emergency tasks skip the gate with a justification
and wait for a reviewer's ratification. Fan-out is one bulk insert.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry import audit_actions, inbox_cache, permissions
from registry.audit import audit_record
from registry.errors import InvalidInput, PermissionDenied, RuleRefused
from registry.models import Assignment, Dispatch, Frequency, Organisation, User, WorkItem
from registry.selectors.organisations import communities_in_scope
from registry.services.common import require
from registry.services.notifications import notify_dispatch_assignments, notify_organisations
from registry.transitions import Machine, Transition
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
        g.organisation_id == department.pk for g in permissions.grants_for(actor, "dispatch.create")
    )


def _department_for(actor: User, work_item: WorkItem | None, department: Organisation | None):
    if work_item is not None and work_item.department_id:
        return work_item.department  # the gate then checks the dispatcher belongs to it
    if department is not None:
        return department
    own = permissions.grants_for(actor, "dispatch.create")
    if len(own) == 1:
        return Organisation.objects.get(pk=own[0].organisation_id)
    message = _("Name the department that sends this task.")
    raise InvalidInput(message, fields={"department": [message]})


def due_date_reasons(
    *, work_item: WorkItem | None, due_date: datetime.date, today: datetime.date
) -> list[GateReason]:
    """The gate's rules on a due date alone: within the admission's validity, and at least
    the minimum lead time in working days from today. A later due date given to a task
    already sent (``dispatch_amend_due_date``) obeys the same two."""
    reasons: list[GateReason] = []
    if work_item is not None and work_item.valid_until and due_date > work_item.valid_until:
        reasons.append(
            GateReason(
                "past_validity",
                _("The due date %(due)s is after the admission ends on %(end)s.")
                % {"due": due_date, "end": work_item.valid_until},
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


def within_horizon(due_date: datetime.date, today: datetime.date) -> None:
    """A sane horizon for every due date, emergencies included: nothing a community is asked
    to do is due years away, and a typo (2500 for 2025) is caught here, at the edge."""
    horizon = today + datetime.timedelta(days=settings.PORTAL["DATE_HORIZON_DAYS"])
    if due_date > horizon:
        message = _("The due date is after %(horizon)s: give a date within %(days)s days.") % {
            "horizon": horizon.isoformat(),
            "days": settings.PORTAL["DATE_HORIZON_DAYS"],
        }
        raise InvalidInput(message, fields={"due_date": [message]})


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
    reasons += due_date_reasons(work_item=work_item, due_date=due_date, today=today)
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
    # The item's earlier assignments this period (at most one per community of its scope:
    # this rule), matched to the targets here: no list of 20,000 ids sent to the database.
    # A recalled (withdrawn) or refused task does not count.
    earlier = Assignment.objects.filter(work_item=work_item).exclude(
        state__in=[Assignment.State.REFUSED, Assignment.State.WITHDRAWN]
    )
    if start is not None:
        earlier = earlier.filter(
            created_at__gte=timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
        )
    had = set(earlier.values_list("community_id", flat=True))
    repeated = sorted({c.code for c in communities if c.pk in had})
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
    return reasons


@transaction.atomic
def dispatch_create(
    *,
    actor: User,
    work_item: WorkItem | None,
    title: str,
    communities: Sequence[Organisation] = (),
    areas: Sequence[Organisation] = (),
    due_date: datetime.date,
    hours_per_community: Decimal,
    households_per_community: int = 0,
    instructions: str = "",
    materials: str = "",
    emergency: bool = False,
    justification: str = "",
    department: Organisation | None = None,
) -> Dispatch:
    """Send a task to communities (those named, and every active community under the
    ``areas`` named), or refuse it whole (422 ``dispatch_refused``).

    The areas are expanded here, once, for the page and the API alike: one prefix query
    whatever their number."""
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
    targets = list(communities)
    if areas:
        not_areas = [a.code for a in areas if a.kind != Organisation.Kind.AREA]
        if not_areas:
            message = _("Not areas: %(codes)s") % {"codes": ", ".join(not_areas)}
            raise InvalidInput(message, fields={"areas": [message]})
        targets += communities_in_scope(areas)
    unique = list({c.pk: c for c in targets}.values())
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
    within_horizon(due_date, today)
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
    _fan_out(dispatch, [c.pk for c in unique])
    inbox_cache.bump_dispatch(dispatch)
    notify_dispatch_assignments(
        dispatch=dispatch,
        kind="assignment.received",
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


def _fan_out(dispatch: Dispatch, community_ids: list[int]) -> None:
    """One assignment per community. On PostgreSQL one ``INSERT ... SELECT`` over an array
    of the ids: the row's other columns are the same for every community, so nothing is
    built per row in Python (20,000 model instances cost 3 s; docs/performance.md). The
    columns and their values come from the model (a template row), so a column added
    later is written too. Elsewhere (the SQLite demo) a bulk insert."""
    template = Assignment(
        dispatch=dispatch,
        department_id=dispatch.department_id,
        work_item_id=dispatch.work_item_id,
        emergency=dispatch.emergency,
        due_date=dispatch.due_date,
        hours=dispatch.hours_per_community,
    )
    if connection.vendor != "postgresql":
        rows = []
        for pk in community_ids:
            row = copy.copy(template)
            row.community_id = pk
            rows.append(row)
        Assignment.objects.bulk_create(rows, batch_size=500)
        return
    fields = [f for f in Assignment._meta.concrete_fields if not f.primary_key]
    columns, selected, params = [], [], []
    for f in fields:
        columns.append(connection.ops.quote_name(f.column))
        if f.attname == "community_id":
            selected.append("c")
        else:
            selected.append("%s")
            params.append(f.get_db_prep_save(f.pre_save(template, add=True), connection))
    table = connection.ops.quote_name(Assignment._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) "
            f"SELECT {', '.join(selected)} FROM unnest(%s::bigint[]) AS c",
            [*params, community_ids],
        )


# --- The inbox -------------------------------------------------------------------------------

_A = Assignment.State
# A cadre of the community answers what reached it. Refusing needs a reason code (checked
# by the service: it is a choice, not free text) and tells the department and its
# jurisdiction's admission office.
ASSIGNMENT = Machine(
    "assignment",
    [
        Transition(
            "accept", {_A.PENDING}, _A.ACCEPTED, "assignment.respond", gettext_lazy("Accept")
        ),
        Transition(
            "complete",
            {_A.ACCEPTED},
            _A.COMPLETED,
            "assignment.respond",
            gettext_lazy("Complete"),
            summary=gettext_lazy("Mark as completed"),
        ),
        Transition(
            "refuse",
            {_A.PENDING, _A.ACCEPTED},
            _A.REFUSED,
            "assignment.respond",
            gettext_lazy("Refuse"),
            summary=gettext_lazy("Refuse this task"),
            confirm=gettext_lazy(
                "Refuse this task? The department and the admission office will be told the reason."
            ),
            tone="danger",
        ),
        # The department's recall (services/dispatch_corrections.py) withdraws what no
        # community has taken up; no cadre is offered it.
        Transition(
            "withdraw", {_A.PENDING, _A.REFUSED}, _A.WITHDRAWN, None, gettext_lazy("Withdraw")
        ),
    ],
    organisation=lambda assignment: assignment.community,
    illegal_message=gettext_lazy("“%(action)s” is not possible while the task is “%(state)s”."),
    # Every transition, present and future, changes what the community's inbox and the
    # department's list show: their cached first pages get new versions in this transaction.
    on_apply=lambda assignments, _transition: inbox_cache.bump(
        [pk for a in assignments for pk in (a.community_id, a.department_id)]
    ),
)
ASSIGNMENT_ACTIONS = ASSIGNMENT.user_actions()


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
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("community", "department__parent", "dispatch")
        .get(pk=assignment.pk)
    )
    transition = ASSIGNMENT.begin(actor=actor, obj=assignment, action=action)
    if action == "refuse":
        if reason_code not in Assignment.RefusalReason.values:
            message = _("Choose a refusal reason.")
            raise InvalidInput(message, fields={"reason_code": [message]})
        if reason_code == Assignment.RefusalReason.OTHER and not note.strip():
            message = _("Explain the refusal.")
            raise InvalidInput(message, fields={"note": [message]})
        assignment.refusal_reason = reason_code
    before = {"state": ASSIGNMENT.apply(assignment, transition)}
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
        after={
            "state": assignment.state,
            "reason_code": assignment.refusal_reason,
            "note": assignment.note,
        },
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


# --- Changes the department makes to every assignment of a dispatch -------------------------
# The only writes of assignment rows besides assignment_respond and the fan-out: whatever
# must follow a change of an assignment (a cached inbox page) is hooked here.


def assignments_withdraw(*, dispatch: Dispatch) -> list[Assignment]:
    """Withdraw every assignment of ``dispatch`` (the caller holds its lock and has checked
    the recall): each row is locked and checked against ASSIGNMENT's ``withdraw``, so a
    community accepting at the same moment either wins (409 for the recall) or finds the
    task withdrawn. One update for all of them."""
    assignments = list(
        Assignment.objects.select_for_update(of=("self",))
        .filter(dispatch=dispatch)
        .select_related("community")
        .order_by("pk")
    )
    transition = ASSIGNMENT["withdraw"]
    for assignment in assignments:
        ASSIGNMENT.begin(actor=None, obj=assignment, action="withdraw", system=True)
    # One version bump for the whole recall (the machine's on_apply), not one per row.
    ASSIGNMENT.apply_all(assignments, transition)
    Assignment.objects.filter(pk__in=[a.pk for a in assignments]).update(
        state=Assignment.State.WITHDRAWN
    )
    return assignments


def assignments_move_due_date(*, dispatch: Dispatch, due_date: datetime.date) -> list[Assignment]:
    """Give the open assignments of ``dispatch`` its new due date (one update); the
    answered ones keep the date they were answered under."""
    assignments = list(
        Assignment.objects.select_for_update(of=("self",))
        .filter(dispatch=dispatch, state__in=Assignment.OPEN_STATES)
        .select_related("community")
        .order_by("pk")
    )
    Assignment.objects.filter(pk__in=[a.pk for a in assignments]).update(due_date=due_date)
    # Not a state change, but the inboxes and the department's list show the due date.
    inbox_cache.bump([pk for a in assignments for pk in (a.community_id, a.department_id)])
    return assignments
