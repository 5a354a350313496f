"""Forms of the monitoring pages: the off-platform report, the filters, resolving a flag."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from monitoring.filters import MonthField
from monitoring.models import Flag, OffPlatformReport
from registry import limits
from registry.models import Organisation

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, organisation: Organisation) -> str:
        parent = organisation.parent.name if organisation.parent_id else ""
        return f"{organisation.name}（{parent}）" if parent else organisation.name


class OffPlatformReportForm(forms.Form):
    community = forms.ModelChoiceField(label=_("Community"), queryset=Organisation.objects.none())
    department = OrganisationChoiceField(
        label=_("Department that demanded it"),
        queryset=Organisation.objects.none(),
        empty_label=_("— Choose the department —"),
    )
    title = forms.CharField(
        label=_("What was demanded"),
        max_length=200,
        help_text=_("For example: fill in a form of 38 questions for 16 households."),
    )
    channel = forms.ChoiceField(
        label=_("How it arrived"),
        choices=OffPlatformReport.Channel.choices,
        widget=forms.RadioSelect,
    )
    received_on = forms.DateField(
        label=_("Received on"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    due_date = forms.DateField(
        label=_("Due date"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    hours = forms.DecimalField(
        label=_("Effort (hours)"),
        required=False,
        min_value=Decimal("0"),
        max_digits=7,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
    description = forms.CharField(
        label=_("Details"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=limits.LONG_TEXT,
    )

    def __init__(self, *args, communities, departments, **kwargs) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("received_on", timezone.localdate())
        communities = list(communities)
        if len(communities) == 1:
            kwargs["initial"].setdefault("community", communities[0].pk)
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = Organisation.objects.filter(
            pk__in=[c.pk for c in communities]
        ).order_by("path")
        if len(communities) == 1:
            # One community: nothing to choose; it is named above the form.
            self.fields["community"].widget = forms.HiddenInput()
        self.fields["department"].queryset = departments


class OffPlatformFilterForm(forms.Form):
    department = forms.ChoiceField(label=_("Department"), required=False)
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=[("", _("All")), *OffPlatformReport.Channel.choices],
    )
    month = MonthField(
        label=_("Month"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month"}),
        help_text=_("Year and month, e.g. 2026-03."),
    )

    def __init__(self, *args, departments: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("All")), *departments]


UNRESOLVED = "unresolved"


class FlagFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *Flag.Kind.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            (UNRESOLVED, _("Open or acknowledged")),
            *Flag.Status.choices,
            ("all", _("All")),
        ],
    )
    severity = forms.ChoiceField(
        label=_("Severity"), required=False, choices=[("", _("All")), *Flag.Severity.choices]
    )
    area = forms.ChoiceField(label=_("Area"), required=False)

    def __init__(self, *args, areas, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        areas = list(areas)
        self.areas = {area.code: area for area in areas}
        top = min((area.depth for area in areas), default=0)
        # Indented by depth with ideographic spaces, so the tree shows inside a <select>.
        self.fields["area"].choices = [
            ("", _("All my areas")),
            *((area.code, "\u3000" * (area.depth - top) + area.name) for area in areas),
        ]


class FlagResolveForm(forms.Form):
    note = forms.CharField(
        label=_("How it was resolved"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
