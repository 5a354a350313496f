"""The one filter path: every list, page or API, is filtered by a django-filter FilterSet.

Selectors take the filters (``filters=request.GET``) and call ``apply_filters`` on the
queryset they already scoped to the user (the HackSoft rule: scope first, filter after);
the API's DjangoFilterBackend uses the same FilterSets. A bad value is a 400 naming the
filter (``InvalidInput`` with per-field messages), never a quietly unfiltered list.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from registry.errors import InvalidInput
from registry.models import Organisation
from registry.services.common import EARLIEST_DATE, check_date_in_horizon, horizon_date

# Query parameters that are the list's, not a filter's.
NOT_FILTERS = frozenset({"page", "page_size"})


def apply_filters(
    filterset_class: type[django_filters.FilterSet],
    filters,
    queryset: QuerySet,
    *,
    user=None,
) -> QuerySet:
    """``queryset`` narrowed by ``filters`` (a QueryDict or dict), or InvalidInput (400).
    ``None`` (a caller that filters nothing) leaves the queryset as it is."""
    if filters is None or not (set(filters) - NOT_FILTERS):
        # Nothing to filter by: no form to build and validate (a fixed cost of every list
        # request, 0.7 ms of the inbox's; docs/performance.md).
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


class SelectorFilterBackend(DjangoFilterBackend):
    """The API's filter backend. The filtering itself is done by the selector the view
    calls (``selectors.x_list(user=, filters=request.query_params)``, the same call the
    pages make), so a page and the API cannot disagree; this backend only describes the
    view's ``filterset_class`` in the OpenAPI schema and leaves the queryset as it is.
    Filtering here as well would run every filter twice."""

    def filter_queryset(self, request, queryset, view):
        return queryset


# --- Bounded numbers and dates --------------------------------------------------------------
# An unbounded number reached timedelta() or a year lookup and became a 500
# (?older_than_days=-99999999999, ?year=-1). Each filter field carries the range a person
# could mean; outside it the filter set is invalid, so apply_filters answers 400.


class _BoundedDateField(forms.DateField):
    def validate(self, value):
        super().validate(value)
        if value is not None:
            try:
                check_date_in_horizon(value, "date")
            except InvalidInput as exc:
                raise forms.ValidationError(str(exc.message), code="out_of_range") from None


class _YearField(forms.IntegerField):
    """A year from 2000 to the horizon's year (read at each request, not at import)."""

    def validate(self, value):
        super().validate(value)
        if value is not None and not EARLIEST_DATE.year <= value <= horizon_date().year:
            raise forms.ValidationError(
                _("Give a year between %(first)s and %(last)s.")
                % {"first": EARLIEST_DATE.year, "last": horizon_date().year},
                code="out_of_range",
            )


@extend_schema_field(OpenApiTypes.DATE)
class BoundedDateFilter(django_filters.DateFilter):
    """A date filter that refuses dates before 2000 or past the horizon (400)."""

    field_class = _BoundedDateField


@extend_schema_field(OpenApiTypes.INT)
class YearFilter(django_filters.NumberFilter):
    """A year filter (2000 .. the horizon's year); ``?year=-1`` is a 400, not a 500."""

    field_class = _YearField


@extend_schema_field(OpenApiTypes.INT)
class DayCountFilter(django_filters.NumberFilter):
    """A whole number of days, 0 to ten years (``?older_than_days=``)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 3650)
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """A row id: a positive whole number that fits the column (bigint)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


# --- Periods: dates as whole local days ----------------------------------------------------


def day_start(day: datetime.date) -> datetime.datetime:
    """The first instant of ``day`` in the portal's time zone (a timestamp column compared
    with this keeps its index, where ``__date`` would not)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class DayFromFilter(BoundedDateFilter):
    """Rows whose timestamp falls on or after this day (local time)."""

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        return qs.filter(**{f"{self.field_name}__gte": day_start(value)})


class DayUntilFilter(BoundedDateFilter):
    """Rows whose timestamp falls on or before this day (local time)."""

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        next_day = day_start(value + datetime.timedelta(days=1))
        return qs.filter(**{f"{self.field_name}__lt": next_day})


# Up to this many organisations under an area, ``AreaFilter`` names them by id.
AREA_IDS_AT_MOST = 5_000


class AreaFilter(django_filters.CharFilter):
    """``?area=<code>``: rows whose organisation (``field_name``) lies in that area.

    A district or a city is matched by the ids of the organisations under it (one indexed
    read of the tree), which lets the planner read just their rows from the big tables'
    indexes: a path prefix joined to the tree made it scan every assignment of the
    province, 0.39 s against 0.04 s for a district's 236 communities
    (docs/performance.md). Above ``AREA_IDS_AT_MOST`` (a province) the prefix stays: most
    rows match anyway. The same rows either way."""

    def filter(self, qs, value):
        if not value:
            return qs
        # Every AreaFilter is declared as ``area``: the 400 names that parameter.
        area = organisation_from_code(value, "area")
        ids = list(
            Organisation.objects.filter(path__startswith=area.path).values_list("id", flat=True)[
                : AREA_IDS_AT_MOST + 1
            ]
        )
        if len(ids) <= AREA_IDS_AT_MOST:
            return qs.filter(**{f"{self.field_name}_id__in": ids})
        return qs.filter(**{f"{self.field_name}__path__startswith": area.path})
