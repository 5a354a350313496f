from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from monitoring.models import Flag, OffPlatformReport
from registry.filters.base import BoundedDateFilter, organisation_from_code


class FlagFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=Flag.Kind.choices)
    status = django_filters.MultipleChoiceFilter(choices=Flag.Status.choices)
    severity = django_filters.MultipleChoiceFilter(choices=Flag.Severity.choices)
    area = django_filters.CharFilter(method="filter_area", label=_("area code"))

    class Meta:
        model = Flag
        fields = ["kind", "status", "severity", "area"]

    def filter_area(self, queryset, name, value):
        area = organisation_from_code(value, "area")
        return queryset.filter(organisation__path__startswith=area.path)


class OffPlatformReportFilter(django_filters.FilterSet):
    community = django_filters.CharFilter(field_name="community__code")
    department = django_filters.CharFilter(field_name="department__code")
    channel = django_filters.ChoiceFilter(choices=OffPlatformReport.Channel.choices)
    received_after = BoundedDateFilter(field_name="received_on", lookup_expr="gte")
    received_before = BoundedDateFilter(field_name="received_on", lookup_expr="lte")

    class Meta:
        model = OffPlatformReport
        fields = ["community", "department", "channel"]
