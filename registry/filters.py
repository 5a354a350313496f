from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from registry.errors import InvalidInput
from registry.models import Organisation


def organisation_from_code(code: str, field: str) -> Organisation:
    """The organisation a filter names by code, or a 400 on that filter's name."""
    organisation = Organisation.objects.filter(code=code).only("pk", "path").first()
    if organisation is None:
        message = _("No organisation has the code %(code)s.") % {"code": code}
        raise InvalidInput(message, fields={field: [message]})
    return organisation


@extend_schema_field(OpenApiTypes.BOOL)
class BooleanQueryFilter(django_filters.TypedChoiceFilter):
    """``true``/``false`` (or ``1``/``0``). Anything else is a 400: django-filter's own
    BooleanFilter would quietly drop ``?is_monitoring_point=yes`` and return every row."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "choices", [("true", _("Yes")), ("false", _("No")), ("1", _("Yes")), ("0", _("No"))]
        )
        kwargs.setdefault("coerce", lambda value: value in ("true", "1"))
        super().__init__(*args, **kwargs)


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
