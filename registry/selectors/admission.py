"""Reads of applications, work items and the published lists."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from registry import permissions
from registry.filters.admission import ApplicationFilter, WorkItemFilter
from registry.filters.base import apply_filters
from registry.models import (
    Application,
    ListKind,
    Organisation,
    User,
    WorkItem,
    path_prefixes,
)
from registry.selectors.access import load


def application_list(*, user: User, filters=None) -> QuerySet[Application]:
    """Applications the user may see (their department's, or those under their area),
    narrowed by ``filters`` (ApplicationFilter; a bad value is InvalidInput)."""
    visible = (
        Application.objects.filter(permissions.scope_q(user, "application.view", "department"))
        .select_related("department", "jurisdiction", "work_item", "created_by")
        .prefetch_related("scope")
    )
    return apply_filters(ApplicationFilter, filters, visible, user=user)


# action -> the organisation an application is judged on for it.
APPLICATION_ACTIONS = {
    "application.view": "department",
    "application.edit": "department",
    "application.review": "jurisdiction",
}


def application_get(*, user: User, pk: int, action: str = "application.view") -> Application:
    """One application the user sees (else 404) and may ``action`` (else 403)."""
    return load(
        application_list(user=user)
        .select_related("hearing", "renewal_of")
        .prefetch_related("transitions__actor", "hearing__participants"),
        user=user,
        action=action,
        judged_on=APPLICATION_ACTIONS,
        pk=pk,
    )


def review_queue(*, user: User, filters=None) -> QuerySet[Application]:
    """What waits for the user's decision, oldest submission first (ApplicationFilter:
    ``state``, ``department``, ``older_than_days``)."""
    return (
        application_list(user=user, filters=filters)
        .filter(permissions.scope_q(user, "application.review", "jurisdiction"))
        .filter(
            state__in=[
                Application.State.SUBMITTED,
                Application.State.UNDER_REVIEW,
                Application.State.HEARING,
                Application.State.HEARING_HELD,
            ]
        )
        .order_by("submitted_at", "id")
    )


def work_item_list(*, user: User, filters=None) -> QuerySet[WorkItem]:
    """Lists are published: anyone with a role reads every item (WorkItemFilter)."""
    if not permissions.may(user, "work_item.view"):
        return WorkItem.objects.none()
    items = WorkItem.objects.select_related("jurisdiction", "department").prefetch_related("scope")
    return apply_filters(WorkItemFilter, filters, items, user=user)


# action -> the organisation a work item is judged on for it (lists are published, so
# seeing one needs only a role).
WORK_ITEM_ACTIONS = {"work_item.view": "", "work_item.manage": "jurisdiction"}


def work_item_get(*, user: User, admission_number: str, action: str = "work_item.view") -> WorkItem:
    """One work item by its admission number (else 404) that the user may ``action``
    (else 403)."""
    return load(
        work_item_list(user=user),
        user=user,
        action=action,
        judged_on=WORK_ITEM_ACTIONS,
        admission_number=admission_number,
    )


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


def published_items(*, as_of: datetime.date | None = None, **filters) -> QuerySet:
    """Items on the lists as they stood at the end of ``as_of`` (today if None), rebuilt
    from history (``filters``: which jurisdictions and lists). The published list page and
    the dashboard's list counts both read this, so they cannot disagree."""
    today = timezone.localdate()
    day = as_of or today
    if day >= today:
        items = WorkItem.objects.filter(**filters)
    else:
        end_of_day = timezone.make_aware(
            datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
        )
        items = WorkItem.history.as_of(end_of_day).filter(**filters)
    items = items.filter(status__in=[WorkItem.Status.ACTIVE, WorkItem.Status.EXPIRED])
    # The negative list has no validity: what must never reach a community stays on it.
    return items.filter(
        Q(list_kind=ListKind.NEGATIVE) | Q(valid_from__lte=day, valid_until__gte=day)
    )


def published_counts(
    *, jurisdictions: list[Organisation], as_of: datetime.date | None = None
) -> dict[tuple[int, str], int]:
    """(jurisdiction id, list kind) -> items on that list at the end of ``as_of`` (one
    grouped query)."""
    items = published_items(as_of=as_of, jurisdiction__in=[j.pk for j in jurisdictions])
    return {
        (jurisdiction_id, kind): n
        for jurisdiction_id, kind, n in items.order_by()
        .values_list("jurisdiction_id", "list_kind")
        .annotate(n=Count("id"))
    }


def published_list(
    *, jurisdiction: Organisation, list_kind: str, as_of: datetime.date | None = None
) -> list[WorkItem]:
    """The list as it stood at the end of ``as_of`` (today if None), rebuilt from history."""
    items = list(published_items(as_of=as_of, jurisdiction=jurisdiction, list_kind=list_kind))
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


def departments_for_applications(*, user: User) -> QuerySet[Organisation]:
    """The departments in which the user may draft applications, with their parent area."""
    ids = [
        grant.organisation_id
        for grant in permissions.grants_for(user, "application.edit")
        if grant.kind == Organisation.Kind.DEPARTMENT
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


def departments_with_items() -> QuerySet[Organisation]:
    """Departments responsible for at least one work item (for list filters)."""
    return (
        Organisation.objects.departments()
        .filter(pk__in=WorkItem.objects.exclude(department=None).values("department_id"))
        .order_by("path")
    )


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


# --- Renewals: what a department should renew before it lapses -----------------------------

# Applications still on their way (a second renewal of the same item would be noise).
OPEN_APPLICATION_STATES = ("draft", "submitted", "under_review", "hearing", "returned")


def expiring_work_items(*, user: User, today, days: int) -> QuerySet[WorkItem]:
    """The user's departments' items (active or suspended) that end within ``days``, soonest first,
    each with ``renewal_open`` (a renewal application is already under way): one query."""
    from django.db.models import Exists, OuterRef

    renewing = Application.objects.filter(
        renewal_of=OuterRef("pk"), state__in=OPEN_APPLICATION_STATES
    )
    return (
        WorkItem.objects.filter(
            permissions.scope_q(user, "application.edit", "department"),
            # A suspended item may be renewed too (WORK_ITEM's renew), a revoked one not.
            status__in=[WorkItem.Status.ACTIVE, WorkItem.Status.SUSPENDED],
            admission_number__isnull=False,
            valid_until__gte=today,
            valid_until__lte=today + datetime.timedelta(days=days),
        )
        .annotate(renewal_open=Exists(renewing))
        .order_by("valid_until", "admission_number")
    )


def renewable_work_item(*, user: User, admission_number: str) -> WorkItem:
    """An item of one of the user's departments that a renewal may be applied for (not
    revoked), else NotFound: another department's item is not theirs to renew."""
    from registry.errors import NotFound

    item = (
        WorkItem.objects.filter(
            permissions.scope_q(user, "application.edit", "department"),
            admission_number=admission_number,
        )
        .exclude(status=WorkItem.Status.REVOKED)
        .select_related("department")
        .prefetch_related("scope")
        .first()
    )
    if item is None:
        raise NotFound()
    return item
