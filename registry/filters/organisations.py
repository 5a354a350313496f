from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from registry.filters.base import BooleanQueryFilter, organisation_from_code
from registry.models import Organisation


class OrganisationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Organisation.Kind.choices)
    level = django_filters.ChoiceFilter(choices=Organisation.Level.choices)
    parent = django_filters.CharFilter(field_name="parent__code", label=_("parent code"))
    under = django_filters.CharFilter(method="filter_under", label=_("every descendant of code"))
    is_monitoring_point = BooleanQueryFilter()

    class Meta:
        model = Organisation
        fields = ["kind", "level", "parent", "under", "is_monitoring_point"]

    def filter_under(self, queryset, name, value):
        ancestor = organisation_from_code(value, "under")
        return queryset.filter(path__startswith=ancestor.path).exclude(pk=ancestor.pk)
