"""The one filter path: every list, page or API, is filtered by a django-filter FilterSet.

Selectors take the filters (``filters=request.GET``) and call ``apply_filters`` on the
queryset they already scoped to the user (the HackSoft rule: scope first, filter after);
the API's DjangoFilterBackend uses the same FilterSets. A bad value is a 400 naming the
filter (``InvalidInput`` with per-field messages), never a quietly unfiltered list.
"""

from __future__ import annotations

from types import SimpleNamespace

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from registry.errors import InvalidInput
from registry.models import Organisation


def apply_filters(
    filterset_class: type[django_filters.FilterSet],
    filters,
    queryset: QuerySet,
    *,
    user=None,
) -> QuerySet:
    """``queryset`` narrowed by ``filters`` (a QueryDict or dict), or InvalidInput (400).
    ``None`` (a caller that filters nothing) leaves the queryset as it is."""
    if filters is None:
        return queryset
    filterset = filterset_class(
        data=filters or {}, queryset=queryset, request=SimpleNamespace(user=user)
    )
    if not filterset.is_valid():
        errors = {name: [str(m) for m in messages] for name, messages in filterset.errors.items()}
        raise InvalidInput(_("Check the filters."), fields=errors)
    return filterset.qs


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


@extend_schema_field(OpenApiTypes.INT)
class WholeNumberFilter(django_filters.NumberFilter):
    """A count (of days, say): ``7`` yes, ``7.5`` or ``seven`` a 400. Takes the form field's
    ``min_value`` / ``max_value``."""

    field_class = forms.IntegerField


class SelectorFilterBackend(DjangoFilterBackend):
    """The API's filter backend. The filtering itself is done by the selector the view
    calls (``selectors.x_list(user=, filters=request.query_params)``, the same call the
    pages make), so a page and the API cannot disagree; this backend only describes the
    view's ``filterset_class`` in the OpenAPI schema and leaves the queryset as it is.
    Filtering here as well would run every filter twice."""

    def filter_queryset(self, request, queryset, view):
        return queryset
