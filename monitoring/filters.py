"""Filters of monitoring's lists: the pages and the API both go through them (the
selectors apply them), so a page and the API cannot disagree."""

from __future__ import annotations

import datetime
import re

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from monitoring.models import (
    Clue,
    EvaluationRound,
    Flag,
    MonitoringPoint,
    MonitoringReport,
    OffPlatformReport,
)
from registry.errors import InvalidInput
from registry.filters.base import (
    AreaFilter,
    BoundedDateFilter,
    DayFromFilter,
    DayUntilFilter,
    organisation_from_code,
)

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class MonthField(forms.CharField):
    """``YYYY-MM`` -> (first day, first day of the next month); anything else is invalid."""

    def to_python(self, value) -> tuple[datetime.date, datetime.date] | None:
        value = (super().to_python(value) or "").strip()
        if not value:
            return None
        match = _MONTH.match(value)
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise forms.ValidationError(_("Give a month as YYYY-MM."), code="invalid")
        start = datetime.date(int(match.group(1)), int(match.group(2)), 1)
        return start, (start + datetime.timedelta(days=32)).replace(day=1)


class MonthFilter(django_filters.Filter):
    field_class = MonthField

    def filter(self, qs: QuerySet, value) -> QuerySet:
        if not value:
            return qs
        start, end = value
        return qs.filter(**{f"{self.field_name}__gte": start, f"{self.field_name}__lt": end})


class FlagFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=Flag.Kind.choices)
    status = django_filters.MultipleChoiceFilter(choices=Flag.Status.choices)
    severity = django_filters.MultipleChoiceFilter(choices=Flag.Severity.choices)
    area = django_filters.CharFilter(method="filter_area", label=_("area code"))
    # The dashboard's drill-down: flags first raised in a period.
    seen_from = DayFromFilter(field_name="first_seen_at", label=_("first raised on or after"))
    seen_until = DayUntilFilter(field_name="first_seen_at", label=_("first raised on or before"))

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
    month = MonthFilter(field_name="received_on", label=_("received in month (YYYY-MM)"))
    area = AreaFilter(field_name="community", label=_("communities in this area (code)"))

    class Meta:
        model = OffPlatformReport
        fields = ["community", "department", "channel", "month"]


class MonitoringPointFilter(django_filters.FilterSet):
    area = django_filters.CharFilter(method="filter_area", label=_("area code"))

    class Meta:
        model = MonitoringPoint
        fields = ["area"]

    def filter_area(self, queryset, name, value):
        area = organisation_from_code(value, "area")
        return queryset.filter(community__path__startswith=area.path)


class MonitoringReportFilter(django_filters.FilterSet):
    area = django_filters.CharFilter(method="filter_area", label=_("area code"))
    period = django_filters.CharFilter(method="filter_period", label=_("month (YYYY-MM)"))
    state = django_filters.MultipleChoiceFilter(choices=MonitoringReport.State.choices)
    community = django_filters.CharFilter(field_name="community__code")

    class Meta:
        model = MonitoringReport
        fields = ["area", "period", "state", "community"]

    def filter_area(self, queryset, name, value):
        area = organisation_from_code(value, "area")
        return queryset.filter(community__path__startswith=area.path)

    def filter_period(self, queryset, name, value):
        return queryset.filter(period=parse_period(value, "period"))


class ClueFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(choices=Clue.State.choices)
    department = django_filters.CharFilter(field_name="department__code")
    area = django_filters.CharFilter(method="filter_area", label=_("area code"))
    reported_from = DayFromFilter(field_name="created_at", label=_("reported on or after"))
    reported_until = DayUntilFilter(field_name="created_at", label=_("reported on or before"))

    class Meta:
        model = Clue
        fields = ["state", "department", "area"]

    def filter_area(self, queryset, name, value):
        area = organisation_from_code(value, "area")
        return queryset.filter(
            Q(community__path__startswith=area.path)
            | Q(community__isnull=True, department__path__startswith=area.path)
        )


class EvaluationRoundFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=EvaluationRound.State.choices)
    area = django_filters.CharFilter(method="filter_area", label=_("area code"))

    class Meta:
        model = EvaluationRound
        fields = ["state", "area"]

    def filter_area(self, queryset, name, value):
        area = organisation_from_code(value, "area")
        return queryset.filter(area__path__startswith=area.path)


def parse_period(value: str, field: str) -> datetime.date:
    """ "YYYY-MM" as the month's first day, or a 400 on ``field``."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", (value or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        message = _("Give a month as YYYY-MM.")
        raise InvalidInput(message, fields={field: [message]})
    return datetime.date(int(match.group(1)), int(match.group(2)), 1)
