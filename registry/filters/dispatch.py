"""Filters of dispatches, the assignments they fan out to, and the community inbox.

The pages and the API both filter through these (``selectors.dispatch_list(filters=)``
and friends), so ``?emergency=`` means the same on /dispatch/ and /api/v1/dispatches/.
"""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from registry.filters.base import (
    AreaFilter,
    BooleanQueryFilter,
    BoundedDateFilter,
    DayFromFilter,
    DayUntilFilter,
    organisation_from_code,
)
from registry.models import Assignment, Dispatch

# "open" is the inbox's first tab: what still needs the community (pending or accepted).
OPEN = "open"


class AssignmentFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(
        choices=[(OPEN, _("Unfinished")), *Assignment.State.choices], method="filter_state"
    )
    community = django_filters.CharFilter(field_name="community__code")
    department = django_filters.CharFilter(field_name="department__code")
    work_item = django_filters.CharFilter(field_name="work_item__admission_number")
    emergency = BooleanQueryFilter()
    due_before = BoundedDateFilter(field_name="due_date", lookup_expr="lte")
    due_after = BoundedDateFilter(field_name="due_date", lookup_expr="gte")
    # The dashboard's drill-down: what reached the communities of an area in a period.
    area = AreaFilter(field_name="community", label=_("communities in this area (code)"))
    received_from = DayFromFilter(field_name="created_at", label=_("received on or after"))
    received_until = DayUntilFilter(field_name="created_at", label=_("received on or before"))

    class Meta:
        model = Assignment
        fields = ["state", "community", "department", "work_item", "emergency"]

    def filter_state(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        states = set(value)
        if OPEN in states:
            states = (states - {OPEN}) | set(Assignment.OPEN_STATES)
        return queryset.filter(state__in=states)


class DispatchFilter(django_filters.FilterSet):
    department = django_filters.CharFilter(field_name="department__code")
    work_item = django_filters.CharFilter(field_name="work_item__admission_number")
    emergency = BooleanQueryFilter()
    # Only an emergency task waits for ratification: a dispatch under an admitted item has
    # no ratified_at either, and is not "unratified".
    unratified = BooleanQueryFilter(
        method="filter_unratified", label=_("emergency tasks not yet ratified")
    )
    q = django_filters.CharFilter(
        field_name="title", lookup_expr="icontains", label=_("title contains")
    )
    # Tasks that reached a community in this area (or the community itself), by code.
    area = django_filters.CharFilter(method="filter_area", label=_("area or community code"))
    dispatched_after = BoundedDateFilter(
        field_name="created_at__date", lookup_expr="gte", label=_("dispatched on or after")
    )
    dispatched_before = BoundedDateFilter(
        field_name="created_at__date", lookup_expr="lte", label=_("dispatched on or before")
    )

    class Meta:
        model = Dispatch
        fields = [
            "department",
            "work_item",
            "emergency",
            "unratified",
            "q",
            "area",
            "dispatched_after",
            "dispatched_before",
        ]

    def filter_area(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        area = organisation_from_code(value.strip(), "area")
        reached = Assignment.objects.filter(
            dispatch=OuterRef("pk"), community__path__startswith=area.path
        )
        return queryset.filter(Exists(reached))

    def filter_unratified(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        waiting = Q(emergency=True, ratified_at__isnull=True)
        return queryset.filter(waiting) if value else queryset.exclude(waiting)
