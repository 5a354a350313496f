"""Filters for the register and the refusals; the querysets are scoped before filtering."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certificates.models import CertificateIssuance, CertificateRefusal
from registry.errors import InvalidInput
from registry.filters.base import AreaFilter, BoundedDateFilter, IdFilter, YearFilter
from registry.models import Organisation


def _known_organisation(code: str) -> None:
    """An unknown code is a mistake worth saying (400), not an empty register."""
    if not Organisation.objects.filter(code=code).exists():
        message = _("No organisation has the code %(code)s.") % {"code": code}
        raise InvalidInput(message, fields={"community": [message]})


class IssuanceFilter(django_filters.FilterSet):
    community = django_filters.CharFilter(method="filter_community")
    year = YearFilter(field_name="year")
    certificate_type = IdFilter(field_name="certificate_type_id")
    issued_from = BoundedDateFilter(field_name="issued_on", lookup_expr="gte")
    issued_until = BoundedDateFilter(field_name="issued_on", lookup_expr="lte")
    requested_by = django_filters.CharFilter(
        field_name="requested_by",
        lookup_expr="icontains",
        label=gettext_lazy("institution name contains"),
    )

    # The dashboard's figures: issuances in the communities of an area.
    area = AreaFilter(field_name="community", label=gettext_lazy("communities in this area"))

    class Meta:
        model = CertificateIssuance
        fields = ["community", "year", "certificate_type", "issued_from", "issued_until"]

    def filter_community(self, queryset, name, value):
        _known_organisation(value)
        return queryset.filter(community__code=value)


class RefusalFilter(django_filters.FilterSet):
    community = django_filters.CharFilter(method="filter_community")
    year = YearFilter(field_name="refused_on", lookup_expr="year")
    certificate_type = IdFilter(field_name="certificate_type_id")
    requested_by = django_filters.CharFilter(
        field_name="requested_by",
        lookup_expr="icontains",
        label=gettext_lazy("institution name contains"),
    )
    # The dashboard's figures: prohibited demand in an area and a period.
    area = AreaFilter(field_name="community", label=gettext_lazy("communities in this area"))
    refused_from = BoundedDateFilter(field_name="refused_on", lookup_expr="gte")
    refused_until = BoundedDateFilter(field_name="refused_on", lookup_expr="lte")

    class Meta:
        model = CertificateRefusal
        fields = ["community", "year", "certificate_type", "requested_by"]

    def filter_community(self, queryset, name, value):
        _known_organisation(value)
        return queryset.filter(community__code=value)
