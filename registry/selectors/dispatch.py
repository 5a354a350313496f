"""Reads of dispatches, assignments and the community inbox."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from registry import permissions
from registry.filters.base import apply_filters
from registry.filters.dispatch import AssignmentFilter, DispatchFilter
from registry.models import (
    Assignment,
    Dispatch,
    ListKind,
    Organisation,
    User,
    WorkItem,
)
from registry.models.dispatch import open_first
from registry.selectors.access import load


def _assignment_scope(user: User, action: str, field: str) -> Q:
    """``permissions.scope_q_by_id``: a grant held in a community or a department matched
    by id (the planner then reads the first page in order from the assignment_*_order
    indexes, where a join on the path made it sort every row of a busy department first:
    1.1 s for 70,000 rows), an area's through a semi-join read along assignment_area_order
    (docs/performance.md)."""
    return permissions.scope_q_by_id(user, action, field)


def assignment_list(*, user: User, filters=None) -> QuerySet[Assignment]:
    """Assignments of the user's communities (and areas above them) or of their department
    (AssignmentFilter)."""
    visible = _assignment_scope(user, "assignment.view_community", "community") | (
        _assignment_scope(user, "assignment.view_department", "department")
    )
    assignments = Assignment.objects.filter(visible).select_related(
        "dispatch", "community", "department", "work_item"
    )
    return apply_filters(AssignmentFilter, filters, assignments, user=user)


def inbox_order(queryset: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """Open tasks first, emergencies first among them, then the nearest due date, newest
    (the order of the assignment_inbox_order and assignment_dept_order indexes)."""
    return queryset.annotate(is_closed=open_first()).order_by(
        "is_closed", "-emergency", "due_date", "-created_at", "-id"
    )


# The columns of one inbox row (registry.serializers.dispatch.AssignmentSerializer's fields).
_ROW_VALUES = (
    "id",
    "community__code",
    "community__name",
    "department__code",
    "department__name",
    "work_item_id",
    "work_item__admission_number",
    "emergency",
    "dispatch__title",
    "dispatch__instructions",
    "dispatch__materials",
    "due_date",
    "hours",
    "dispatch__households_per_community",
    "state",
    "refusal_reason",
    "note",
    "created_at",
    "responded_at",
)


# What a task card shows (templates/registry/dispatch/_card.html and _item_status.html):
# a page leaves out the dispatch's instructions and materials and the other columns of
# the four joined rows.
_CARD_FIELDS = (
    "id",
    "state",
    "emergency",
    "due_date",
    "hours",
    "dispatch__title",
    "dispatch__households_per_community",
    "community__name",
    "department__name",
    "work_item__admission_number",
    "work_item__status",
)


def inbox_cards(queryset: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """``queryset`` (``inbox_list``'s) reading only the columns of the inbox's cards."""
    return queryset.only(*_CARD_FIELDS)


def inbox_values(queryset: QuerySet[Assignment]) -> QuerySet:
    """The columns ``inbox_rows`` shows, as dicts (one query, no model instances)."""
    return queryset.values(*_ROW_VALUES)


def inbox_rows(values) -> list[dict]:
    """The rows of a page of assignments as the API shows them, from ``inbox_values``
    (a sliced page of it) instead of five model instances per row and a ModelSerializer
    (the inbox's cost: docs/performance.md). Equal, field for field, to
    ``AssignmentSerializer`` (tests/registry/test_inbox_cache.py holds them together)."""
    from django.urls import reverse
    from rest_framework.fields import DateTimeField, DecimalField

    from registry.workdays import working_days_between

    verify = reverse("verify")
    when = DateTimeField()
    hours = DecimalField(max_digits=7, decimal_places=2)
    today = timezone.localdate()
    rows = []
    for r in values:
        due = r["due_date"]
        left = (
            -working_days_between(due, today) if due < today else working_days_between(today, due)
        )
        number = r["work_item__admission_number"]
        responded = r["responded_at"]
        rows.append(
            {
                "id": r["id"],
                "community": r["community__code"],
                "community_name": r["community__name"],
                "department": r["department__code"],
                "department_name": r["department__name"],
                "work_item": number,
                "verify_url": f"{verify}?number={number}" if r["work_item_id"] else None,
                "emergency": r["emergency"],
                "title": r["dispatch__title"],
                "instructions": r["dispatch__instructions"],
                "materials": r["dispatch__materials"],
                "due_date": due.isoformat(),
                "working_days_left": left,
                "hours": hours.to_representation(r["hours"]),
                "households": r["dispatch__households_per_community"],
                "state": r["state"],
                "refusal_reason": r["refusal_reason"],
                "note": r["note"],
                "created_at": when.to_representation(r["created_at"]),
                "responded_at": when.to_representation(responded) if responded else None,
            }
        )
    return rows


def inbox_cache_organisations(user: User) -> list[int] | None:
    """The organisations whose inbox versions key this user's first page, or None when it
    is not cached: a grant held in an area (a reviewer's or supervisor's view of many
    communities is read from the area-order index instead)."""
    grants = [
        *permissions.grants_for(user, "assignment.view_community"),
        *permissions.grants_for(user, "assignment.view_department"),
    ]
    if not grants or any(g.kind == Organisation.Kind.AREA for g in grants):
        return None
    return sorted({g.organisation_id for g in grants})


# action -> the organisation an assignment is judged on for it. Seeing one is either
# side's (community or department), so ``action=None`` asks only that it be visible.
ASSIGNMENT_ACTIONS = {
    "assignment.view_community": "community",
    "assignment.view_department": "department",
    "assignment.respond": "community",
}


def assignment_get(*, user: User, pk: int, action: str | None = None) -> Assignment:
    """One assignment the user sees from either side (else 404) and may ``action``
    (else 403)."""
    return load(
        assignment_list(user=user), user=user, action=action, judged_on=ASSIGNMENT_ACTIONS, pk=pk
    )


def dispatch_list(*, user: User, filters=None) -> QuerySet[Dispatch]:
    """Dispatches of the user's department, or, for an area's reviewers and supervisors,
    those of the departments under their area and those that reached any community of it
    (a city department's task in a district is the district's business too)
    (DispatchFilter)."""
    visible = permissions.scope_q(user, "dispatch.view", "department")
    areas = Q()
    for grant in permissions.grants_for(user, "dispatch.view"):
        if grant.kind == Organisation.Kind.AREA:
            areas |= Q(community__path__startswith=grant.path)
    if areas:
        visible |= Exists(Assignment.objects.filter(areas, dispatch=OuterRef("pk")))
    dispatches = Dispatch.objects.filter(visible).select_related(
        "department", "work_item", "created_by", "ratified_by", "ratification_refused_by"
    )
    return apply_filters(DispatchFilter, filters, dispatches, user=user)


# action -> the organisation a dispatch is judged on for it: the sending department
# (seeing one is the list's business: an area sees what reached its communities).
DISPATCH_ACTIONS = {
    "dispatch.view": "",
    "dispatch.create": "department",
    "dispatch.ratify": "department",
}


def dispatch_get(*, user: User, pk: int, action: str = "dispatch.view") -> Dispatch:
    """One dispatch the user sees (else 404) and may ``action`` (else 403)."""
    return load(
        dispatch_list(user=user), user=user, action=action, judged_on=DISPATCH_ACTIONS, pk=pk
    )


def dispatch_assignments(*, user: User, dispatch: Dispatch, filters=None) -> QuerySet[Assignment]:
    """The communities one dispatch reached, in tree order (AssignmentFilter: ``state``).
    ``dispatch`` comes from ``dispatch_get``, so the user may see all of them."""
    assignments = (
        Assignment.objects.filter(dispatch=dispatch)
        .select_related("community", "responded_by")
        .order_by("community__path")
    )
    return apply_filters(AssignmentFilter, filters, assignments, user=user)


def dispatch_refusal_counts(dispatch_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Per dispatch: how many assignments are in each state (one grouped query)."""
    counts: dict[int, dict[str, int]] = {}
    for dispatch_id, state, n in (
        Assignment.objects.filter(dispatch_id__in=list(dispatch_ids))
        .values_list("dispatch_id", "state")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts.setdefault(dispatch_id, {})[state] = n
    return counts


def dispatch_departments(*, user: User) -> QuerySet[Organisation]:
    """The departments the user may dispatch for (department-staff memberships)."""
    return (
        Organisation.objects.departments()
        .filter(permissions.scope_q(user, "dispatch.create", ""), is_active=True)
        .select_related("parent")
        .order_by("path")
    )


def dispatchable_work_items(
    *, user: User, today: datetime.date | None = None
) -> QuerySet[WorkItem]:
    """Admitted items in force today of the departments the user dispatches for."""
    today = today or timezone.localdate()
    return (
        WorkItem.objects.filter(
            permissions.scope_q(user, "dispatch.create", "department"),
            Q(valid_from__isnull=True) | Q(valid_from__lte=today),
            Q(valid_until__isnull=True) | Q(valid_until__gte=today),
            status=WorkItem.Status.ACTIVE,
            admission_number__isnull=False,
        )
        .exclude(list_kind=ListKind.NEGATIVE)
        .select_related("department")
        .prefetch_related("scope")
        .order_by("admission_number")
    )


def dispatch_target_organisations(*, departments: Iterable[Organisation]) -> list[Organisation]:
    """The areas and communities a department may address: everything under the area the
    department hangs off, in tree order (one query)."""
    query = Q()
    for department in departments:
        if department.parent_id is not None:
            query |= Q(path__startswith=department.parent.path)
    if not query:
        return []
    return list(
        Organisation.objects.filter(query, is_active=True)
        .exclude(kind=Organisation.Kind.DEPARTMENT)
        .only("id", "code", "name", "kind", "level", "path", "parent_id", "depth")
        .order_by("path")
    )


def dispatch_refusal_reasons(dispatch_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Per dispatch: how many refusals gave each reason code (one grouped query)."""
    reasons: dict[int, dict[str, int]] = {}
    for dispatch_id, reason, n in (
        Assignment.objects.filter(
            dispatch_id__in=list(dispatch_ids), state=Assignment.State.REFUSED
        )
        .values_list("dispatch_id", "refusal_reason")
        .annotate(n=Count("id"))
        .order_by()
    ):
        reasons.setdefault(dispatch_id, {})[reason] = n
    return reasons


def ratification_queue(*, user: User) -> QuerySet[Dispatch]:
    """Emergency tasks the user may ratify and nobody has decided on yet (ratified or
    refused), oldest first."""
    return (
        dispatch_list(user=user)
        .filter(
            permissions.scope_q(user, "dispatch.ratify", "department"),
            emergency=True,
            ratified_at__isnull=True,
            ratification_refused_at__isnull=True,
        )
        .order_by("created_at", "id")
    )


def inbox_list(*, user: User, filters=None) -> QuerySet[Assignment]:
    """Assignments seen from the community side only: the user's communities' inbox (and,
    for reviewers and supervisors, the communities of their area); AssignmentFilter."""
    assignments = Assignment.objects.filter(
        _assignment_scope(user, "assignment.view_community", "community")
    ).select_related("dispatch", "community", "department", "work_item")
    return apply_filters(AssignmentFilter, filters, assignments, user=user)


def inbox_get(*, user: User, pk: int, action: str = "assignment.view_community") -> Assignment:
    """One task of the user's communities' inbox (else 404) they may ``action`` (else 403)."""
    return load(
        inbox_list(user=user), user=user, action=action, judged_on=ASSIGNMENT_ACTIONS, pk=pk
    )


def assignment_state_counts(queryset: QuerySet[Assignment]) -> dict[str, int]:
    """state -> how many, for a (scoped) queryset of assignments (one grouped query)."""
    return dict(queryset.order_by().values_list("state").annotate(n=Count("id")))


def department_refusals(*, user: User, since: datetime.datetime) -> QuerySet[Assignment]:
    """Refusals of the user's departments' tasks answered since ``since``, newest first,
    with the task and the community joined (the department workbench's section)."""
    return (
        Assignment.objects.filter(
            _assignment_scope(user, "dispatch.create", "department"),
            state=Assignment.State.REFUSED,
            responded_at__gte=since,
        )
        .select_related("dispatch", "community")
        .order_by("-responded_at", "-id")
    )


def dispatch_filter_departments(*, user: User) -> list[tuple[str, str]]:
    """(code, name) of the departments whose tasks the user sees, for the list's department
    filter (one query)."""
    return list(
        Organisation.objects.filter(
            pk__in=dispatch_list(user=user).order_by().values("department_id")
        )
        .order_by("path")
        .values_list("code", "name")
    )


def dispatch_filter_areas(*, user: User) -> list[tuple[str, str]]:
    """(code, name) of the areas under the user's area grants (districts, streets), for the
    list's area filter (one query)."""
    query = Q()
    for grant in permissions.grants_for(user, "dispatch.view"):
        if grant.kind == Organisation.Kind.AREA:
            query |= Q(path__startswith=grant.path)
    if not query:
        return []
    return list(
        Organisation.objects.filter(query, kind=Organisation.Kind.AREA, is_active=True)
        .order_by("path")
        .values_list("code", "name")
    )
