from __future__ import annotations

import datetime

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.filters.base import (
    AreaFilter,
    DayCountFilter,
    DayFromFilter,
    DayUntilFilter,
    organisation_from_code,
)
from registry.models import Application, ListKind, WorkItem, path_prefixes


class ApplicationFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(choices=Application.State.choices)
    department = django_filters.CharFilter(field_name="department__code")
    list_kind = django_filters.ChoiceFilter(choices=ListKind.choices)
    older_than_days = DayCountFilter(
        method="filter_older_than", label=_("submitted more than N days ago")
    )
    # The dashboard's drill-down: decisions of an area's reviewers in a period.
    area = AreaFilter(field_name="jurisdiction", label=_("reviewed in this area (code)"))
    decided_from = DayFromFilter(field_name="decided_at", label=_("decided on or after"))
    decided_until = DayUntilFilter(field_name="decided_at", label=_("decided on or before"))

    class Meta:
        model = Application
        fields = ["state", "department", "list_kind", "older_than_days"]

    def filter_older_than(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        cutoff = timezone.now() - datetime.timedelta(days=int(value))
        return queryset.filter(submitted_at__lte=cutoff)


class WorkItemFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=WorkItem.Status.choices)
    list_kind = django_filters.ChoiceFilter(choices=ListKind.choices)
    department = django_filters.CharFilter(field_name="department__code")
    jurisdiction = django_filters.CharFilter(field_name="jurisdiction__code")
    community = django_filters.CharFilter(
        method="filter_community", label=_("items whose scope covers this community code")
    )
    # One search for the page and the API: a title word or (part of) an admission number.
    q = django_filters.CharFilter(method="filter_q", label=_("title or admission number"))

    class Meta:
        model = WorkItem
        fields = ["status", "list_kind", "department", "jurisdiction", "community", "q"]

    def filter_community(self, queryset, name, value):
        community = organisation_from_code(value, "community")
        return queryset.filter(scope__path__in=path_prefixes(community.path)).distinct()

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(admission_number__icontains=value))
