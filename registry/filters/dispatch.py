from __future__ import annotations

import django_filters

from registry.filters.base import BooleanQueryFilter, BoundedDateFilter
from registry.models import Assignment, Dispatch


class AssignmentFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(choices=Assignment.State.choices)
    community = django_filters.CharFilter(field_name="community__code")
    department = django_filters.CharFilter(field_name="department__code")
    work_item = django_filters.CharFilter(field_name="work_item__admission_number")
    emergency = BooleanQueryFilter()
    due_before = BoundedDateFilter(field_name="due_date", lookup_expr="lte")
    due_after = BoundedDateFilter(field_name="due_date", lookup_expr="gte")

    class Meta:
        model = Assignment
        fields = ["state", "community", "department", "work_item", "emergency"]


class DispatchFilter(django_filters.FilterSet):
    department = django_filters.CharFilter(field_name="department__code")
    work_item = django_filters.CharFilter(field_name="work_item__admission_number")
    emergency = BooleanQueryFilter()
    unratified = django_filters.BooleanFilter(field_name="ratified_at", lookup_expr="isnull")

    class Meta:
        model = Dispatch
        fields = ["department", "work_item", "emergency", "unratified"]
