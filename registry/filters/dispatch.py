from __future__ import annotations

import django_filters

from registry.models import Assignment, Dispatch


class AssignmentFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(choices=Assignment.State.choices)
    community = django_filters.CharFilter(field_name="community__code")
    department = django_filters.CharFilter(field_name="department__code")
    work_item = django_filters.CharFilter(field_name="work_item__admission_number")
    emergency = django_filters.BooleanFilter()
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")

    class Meta:
        model = Assignment
        fields = ["state", "community", "department", "work_item", "emergency"]


class DispatchFilter(django_filters.FilterSet):
    department = django_filters.CharFilter(field_name="department__code")
    work_item = django_filters.CharFilter(field_name="work_item__admission_number")
    emergency = django_filters.BooleanFilter()
    unratified = django_filters.BooleanFilter(field_name="ratified_at", lookup_expr="isnull")

    class Meta:
        model = Dispatch
        fields = ["department", "work_item", "emergency", "unratified"]
