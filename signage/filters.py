"""The registry's and the standards' FilterSets (the one filter path: registry.filters.base)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from registry.filters.base import BooleanQueryFilter, organisation_from_code
from signage.models import Kind, Placement, Plaque, PlaqueStandard


class PlaqueFilter(django_filters.FilterSet):
    community = django_filters.CharFilter(method="filter_community", label=_("community code"))
    area = django_filters.CharFilter(method="filter_area", label=_("area code (and under it)"))
    status = django_filters.ChoiceFilter(choices=Plaque.Status.choices)
    within_standard = BooleanQueryFilter(field_name="within_standard")
    kind = django_filters.ChoiceFilter(choices=Kind.choices)
    placement = django_filters.ChoiceFilter(choices=Placement.choices)
    issuer = django_filters.CharFilter(field_name="issuer__code", label=_("department code"))
    work_item = django_filters.CharFilter(
        field_name="work_item__admission_number", label=_("admission number")
    )

    class Meta:
        model = Plaque
        fields = ["community", "area", "status", "within_standard", "kind", "placement"]

    def filter_community(self, queryset, name, value):
        community = organisation_from_code(value, "community")
        return queryset.filter(community=community)

    def filter_area(self, queryset, name, value):
        area = organisation_from_code(value, "area")
        return queryset.filter(community__path__startswith=area.path)


class StandardFilter(django_filters.FilterSet):
    area = django_filters.CharFilter(method="filter_area", label=_("area code"))

    class Meta:
        model = PlaqueStandard
        fields = ["area"]

    def filter_area(self, queryset, name, value):
        """The standards above the area (what shapes its own), its own, and those of the
        areas under it (how its districts tightened it)."""
        from django.db.models import Q

        from registry.models import path_prefixes

        area = organisation_from_code(value, "area")
        return queryset.filter(
            Q(area__path__in=path_prefixes(area.path)) | Q(area__path__startswith=area.path)
        )
