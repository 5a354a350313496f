"""Reads for organisations and users, already scoped to what the user may see."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from registry import permissions
from registry.errors import NotFound, PermissionDenied
from registry.models import (
    Application,
    Assignment,
    Dispatch,
    ListKind,
    Organisation,
    User,
    WorkItem,
    path_prefixes,
)
from registry.models.dispatch import open_first


def organisation_list(*, user: User) -> QuerySet[Organisation]:
    """The organisation tree is reference data: every user with a role may read all of it."""
    if not permissions.may(user, "organisation.view"):
        return Organisation.objects.none()
    return Organisation.objects.select_related("parent").order_by("path")


def organisation_get(*, user: User, code: str) -> Organisation:
    try:
        return organisation_list(user=user).get(code=code)
    except Organisation.DoesNotExist:
        raise NotFound() from None


def area_get(*, code: str) -> Organisation:
    """An area by code, for public pages (areas are public reference data)."""
    try:
        return Organisation.objects.areas().get(code=code)
    except Organisation.DoesNotExist:
        raise NotFound() from None


def communities_under(organisation: Organisation) -> QuerySet[Organisation]:
    """Every active community or village under ``organisation``: one indexed prefix query."""
    return Organisation.objects.communities().filter(
        path__startswith=organisation.path, is_active=True
    )


def user_list(*, user: User) -> QuerySet[User]:
    if not permissions.may(user, "user.manage"):
        raise PermissionDenied()
    return User.objects.prefetch_related("memberships__organisation").order_by("username")


def user_get(*, user: User, pk: int) -> User:
    try:
        return user_list(user=user).get(pk=pk)
    except User.DoesNotExist:
        raise NotFound() from None


def communities_in_scope(scope: Iterable[Organisation]) -> QuerySet[Organisation]:
    """Active communities that are, or lie under, any of the scope organisations."""
    query = Q()
    for organisation in scope:
        query |= Q(path__startswith=organisation.path)
    if not query:
        return Organisation.objects.none()
    return Organisation.objects.communities().filter(query, is_active=True)


# --- Admission ---------------------------------------------------------------------------------


def application_list(*, user: User) -> QuerySet[Application]:
    """Applications the user may see: their department's, or those under their area."""
    return (
        Application.objects.filter(permissions.scope_q(user, "application.view", "department"))
        .select_related("department", "jurisdiction", "work_item", "created_by")
        .prefetch_related("scope")
    )


def application_get(*, user: User, pk: int) -> Application:
    try:
        return (
            application_list(user=user)
            .select_related("hearing", "renewal_of")
            .prefetch_related("transitions__actor", "hearing__participants")
            .get(pk=pk)
        )
    except (Application.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def review_queue(*, user: User) -> QuerySet[Application]:
    """What waits for the user's decision, oldest submission first."""
    return (
        application_list(user=user)
        .filter(permissions.scope_q(user, "application.review", "jurisdiction"))
        .filter(
            state__in=[
                Application.State.SUBMITTED,
                Application.State.UNDER_REVIEW,
                Application.State.HEARING,
            ]
        )
        .order_by("submitted_at", "id")
    )


def work_item_list(*, user: User) -> QuerySet[WorkItem]:
    """Lists are published: anyone with a role reads every item."""
    if not permissions.may(user, "work_item.view"):
        return WorkItem.objects.none()
    return WorkItem.objects.select_related("jurisdiction", "department").prefetch_related("scope")


def work_item_get(*, user: User, admission_number: str) -> WorkItem:
    try:
        return work_item_list(user=user).get(admission_number=admission_number)
    except WorkItem.DoesNotExist:
        raise NotFound() from None


def work_items_covering(community: Organisation) -> QuerySet[WorkItem]:
    """Items whose scope names the community or an area above it (one indexed IN query)."""
    return WorkItem.objects.filter(scope__path__in=path_prefixes(community.path)).distinct()


def work_item_verify(*, number: str, today: datetime.date | None = None) -> dict:
    """Public check of an admission number; an unknown number is simply not valid."""
    today = today or timezone.localdate()
    item = (
        WorkItem.objects.select_related("department", "jurisdiction")
        .filter(admission_number=(number or "").strip())
        .exclude(list_kind=ListKind.NEGATIVE)
        .first()
    )
    if item is None:
        return {
            "number": number,
            "valid": False,
            "status": None,
            "title": None,
            "department": None,
            "jurisdiction": None,
            "valid_from": None,
            "valid_until": None,
        }
    return {
        "number": item.admission_number,
        "valid": item.is_active_on(today),
        "status": item.status,
        "title": item.title,
        "department": item.department.name if item.department else None,
        "jurisdiction": item.jurisdiction.name,
        "valid_from": item.valid_from,
        "valid_until": item.valid_until,
    }


def published_list(
    *, jurisdiction: Organisation, list_kind: str, as_of: datetime.date | None = None
) -> list[WorkItem]:
    """The list as it stood at the end of ``as_of`` (today if None), rebuilt from history."""
    today = timezone.localdate()
    day = as_of or today
    if day >= today:
        items = WorkItem.objects.filter(jurisdiction=jurisdiction, list_kind=list_kind)
    else:
        end_of_day = timezone.make_aware(
            datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
        )
        items = WorkItem.history.as_of(end_of_day).filter(
            jurisdiction=jurisdiction, list_kind=list_kind
        )
    items = items.filter(status__in=[WorkItem.Status.ACTIVE, WorkItem.Status.EXPIRED])
    if list_kind != ListKind.NEGATIVE:
        items = items.filter(valid_from__lte=day, valid_until__gte=day)
    department_names = dict(
        Organisation.objects.departments()
        .values_list("pk", "name")
        .filter(pk__in={i.department_id for i in items if i.department_id})
    )
    result = sorted(items, key=lambda i: (i.admission_number or "", i.title))
    scope_codes: dict[int, list[str]] = {}
    for item_id, code in (
        WorkItem.scope.through.objects.filter(workitem_id__in=[i.id for i in result])
        .order_by("organisation__code")
        .values_list("workitem_id", "organisation__code")
    ):
        scope_codes.setdefault(item_id, []).append(code)
    for item in result:
        item.department_name = department_names.get(item.department_id, "")
        item.scope_codes = scope_codes.get(item.id, [])
    return result


# --- Dispatch and the inbox ----------------------------------------------------------------


def _assignment_scope(user: User, action: str, field: str) -> Q:
    """``permissions.scope_q`` for assignments, with a grant held in a community or a
    department matched by id. Those are leaves of the tree (only areas contain
    organisations), so the id selects exactly what the path prefix does; but an equality
    lets the planner estimate the rows and read the first page in order from the
    assignment_*_order indexes, where a join on the path made it sort every row of a busy
    department first (1.1 s for 70,000 rows; docs/performance.md)."""
    grants = [g for g in permissions.grants_of(user) if g.role in permissions.ACTION_ROLES[action]]
    query = Q(pk__in=[])  # nothing, unless a grant says otherwise (as scope_q)
    leaves = [g.organisation_id for g in grants if g.kind != Organisation.Kind.AREA]
    if leaves:
        query |= Q(**{f"{field}_id__in": leaves})
    for grant in grants:
        if grant.kind == Organisation.Kind.AREA:
            query |= Q(**{f"{field}__path__startswith": grant.path})
    return query


def assignment_list(*, user: User) -> QuerySet[Assignment]:
    """Assignments of the user's communities (and areas above them) or of their department."""
    visible = _assignment_scope(user, "assignment.view_community", "community") | (
        _assignment_scope(user, "assignment.view_department", "department")
    )
    return Assignment.objects.filter(visible).select_related(
        "dispatch", "community", "department", "work_item"
    )


def inbox_order(queryset: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """Open tasks first, emergencies first among them, then the nearest due date, newest
    (the order of the assignment_inbox_order and assignment_dept_order indexes)."""
    return queryset.annotate(is_closed=open_first()).order_by(
        "is_closed", "-emergency", "due_date", "-created_at", "-id"
    )


def assignment_get(*, user: User, pk: int) -> Assignment:
    try:
        return assignment_list(user=user).get(pk=pk)
    except (Assignment.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def dispatch_list(*, user: User) -> QuerySet[Dispatch]:
    return Dispatch.objects.filter(
        permissions.scope_q(user, "dispatch.view", "department")
    ).select_related("department", "work_item", "created_by", "ratified_by")


def dispatch_get(*, user: User, pk: int) -> Dispatch:
    try:
        return dispatch_list(user=user).get(pk=pk)
    except (Dispatch.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


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


# --- Pages of dispatch, the community inbox and notifications --------------------------------
# (Appended for the pages; imports are local so the section stays self-contained.)


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
    """Emergency tasks the user may ratify and nobody has yet, oldest first."""
    return (
        dispatch_list(user=user)
        .filter(
            permissions.scope_q(user, "dispatch.ratify", "department"),
            emergency=True,
            ratified_at__isnull=True,
        )
        .order_by("created_at", "id")
    )


def inbox_list(*, user: User) -> QuerySet[Assignment]:
    """Assignments seen from the community side only: the user's communities' inbox (and,
    for reviewers and supervisors, the communities of their area)."""
    return Assignment.objects.filter(
        permissions.scope_q(user, "assignment.view_community", "community")
    ).select_related("dispatch", "community", "department", "work_item")


def inbox_get(*, user: User, pk: int) -> Assignment:
    try:
        return inbox_list(user=user).get(pk=pk)
    except (Assignment.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def assignment_state_counts(queryset: QuerySet[Assignment]) -> dict[str, int]:
    """state -> how many, for a (scoped) queryset of assignments (one grouped query)."""
    return dict(queryset.order_by().values_list("state").annotate(n=Count("id")))


def notification_list(*, user: User) -> QuerySet:
    """Notifications addressed to the organisations the user is a member of, newest first."""
    from registry.models import Notification

    organisations = {grant.organisation_id for grant in permissions.grants_of(user)}
    return (
        Notification.objects.filter(recipient_id__in=organisations)
        .select_related("recipient")
        .order_by("-created_at", "-id")
    )


def notification_get(*, user: User, pk: int):
    from registry.models import Notification

    try:
        return notification_list(user=user).get(pk=pk)
    except (Notification.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def notification_unread_count(*, user: User) -> int:
    return notification_list(user=user).filter(read_at__isnull=True).count()


# --- Pages of the admission workflow and the published lists --------------------------------


def departments_for_applications(*, user: User) -> QuerySet[Organisation]:
    """The departments in which the user may draft applications, with their parent area."""
    ids = [
        grant.organisation_id
        for grant in permissions.grants_of(user)
        if grant.role in permissions.ACTION_ROLES["application.edit"]
        and grant.kind == Organisation.Kind.DEPARTMENT
    ]
    return (
        Organisation.objects.departments()
        .filter(pk__in=ids, is_active=True)
        .select_related("parent")
        .order_by("path")
    )


def application_scope_options(*, department: Organisation) -> QuerySet[Organisation]:
    """What an application of ``department`` may cover: the areas and communities of its
    jurisdiction (the department's parent area, itself included), in tree order."""
    jurisdiction = department.parent
    return (
        Organisation.objects.filter(path__startswith=jurisdiction.path, is_active=True)
        .exclude(kind=Organisation.Kind.DEPARTMENT)
        .order_by("path")
    )


def areas_managed_by(*, user: User) -> QuerySet[Organisation]:
    """Areas whose lists the user manages (reviewers: their area and the areas under it)."""
    return (
        Organisation.objects.areas()
        .filter(permissions.scope_q(user, "work_item.manage", ""), is_active=True)
        .order_by("path")
    )


def departments_with_items() -> QuerySet[Organisation]:
    """Departments responsible for at least one work item (for list filters)."""
    return (
        Organisation.objects.departments()
        .filter(pk__in=WorkItem.objects.exclude(department=None).values("department_id"))
        .order_by("path")
    )


def organisation_names(codes: Iterable[str]) -> dict[str, str]:
    """code -> name for the given codes (one query)."""
    return dict(Organisation.objects.filter(code__in=set(codes)).values_list("code", "name"))


def published_list_index() -> list[dict]:
    """Every area with items on a list, and how many are active today per list kind.

    Public: two queries (the counts grouped by area and kind, then the areas)."""
    today = timezone.localdate()
    active_today = Q(status=WorkItem.Status.ACTIVE) & (
        Q(list_kind=ListKind.NEGATIVE) | (Q(valid_from__lte=today) & Q(valid_until__gte=today))
    )
    counts: dict[int, dict[str, int]] = {}
    for jurisdiction_id, list_kind, n in (
        WorkItem.objects.filter(active_today)
        .values_list("jurisdiction_id", "list_kind")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts.setdefault(jurisdiction_id, {})[list_kind] = n
    areas = Organisation.objects.areas().filter(pk__in=list(counts)).order_by("path")
    return [
        {
            "area": area,
            "counts": [
                (kind, label, counts[area.pk].get(kind, 0)) for kind, label in ListKind.choices
            ],
        }
        for area in areas
    ]
