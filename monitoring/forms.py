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


# The department list's last choice: the cadre does not know (or it was nobody's office).
UNKNOWN_DEPARTMENT = "unknown"


class ReportedDepartmentField(OrganisationChoiceField):
    """The departments above the community, its street office, and "其他/不清楚"
    (cleaned to None: a report need not name a department to count)."""

    def label_from_instance(self, organisation: Organisation) -> str:
        if organisation.kind == Organisation.Kind.AREA:
            return _("%(street)s (street office)") % {"street": organisation.name}
        return super().label_from_instance(organisation)

    def to_python(self, value):
        if value == UNKNOWN_DEPARTMENT:
            return UNKNOWN_DEPARTMENT
        return super().to_python(value)

    def prepare_value(self, value):
        return (
            UNKNOWN_DEPARTMENT
            if value is None and self._unknown_initial
            else super().prepare_value(value)
        )

    _unknown_initial = False


class OffPlatformReportForm(forms.Form):
    community = forms.ModelChoiceField(label=_("Community"), queryset=Organisation.objects.none())
    department = ReportedDepartmentField(
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
    # Checked by content and re-encoded by the service (registry/images.py), not here.
    evidence = forms.FileField(
        label=_("Evidence (optional)"),
        required=False,
        help_text=_(
            "A screenshot of the WeChat message or a photo of the paper, JPEG or PNG. "
            "The department never sees it."
        ),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png"}),
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
        field = self.fields["department"]
        field.queryset = departments
        field.widget.choices = [
            *field.choices,
            (UNKNOWN_DEPARTMENT, _("Other / not sure")),
        ]
        # Editing a report that named no department: "其他/不清楚" stays chosen.
        field._unknown_initial = "department" in self.initial and self.initial["department"] is None

    def clean_department(self):
        value = self.cleaned_data["department"]
        return None if value == UNKNOWN_DEPARTMENT else value


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


_DATE = {"type": "date"}


class ReportEntryForm(forms.Form):
    """A report entry: every field for one the liaison adds; the figures for a pre-filled one."""

    department = OrganisationChoiceField(
        label=_("Department that demanded it"),
        queryset=Organisation.objects.none(),
        empty_label=_("— Choose the department —"),
    )
    title = forms.CharField(label=_("What was demanded"), max_length=200)
    channel = forms.ChoiceField(label=_("How it arrived"), widget=forms.RadioSelect)
    demanded_on = forms.DateField(
        label=_("Demanded on"), widget=forms.DateInput(format="%Y-%m-%d", attrs=_DATE)
    )
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs=_DATE)
    )
    hours = forms.DecimalField(
        label=_("Effort (hours)"),
        required=False,
        min_value=Decimal("0"),
        max_digits=7,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
    households = forms.IntegerField(
        label=_("Households or questions"),
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    cadres_involved = forms.IntegerField(
        label=_("Cadres involved"),
        required=False,
        min_value=0,
        max_value=999,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, departments, prefilled: bool = False, **kwargs) -> None:
        from monitoring.models import ReportEntry

        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["channel"].choices = [
            c for c in ReportEntry.Channel.choices if c[0] != ReportEntry.Channel.PLATFORM
        ]
        if prefilled:
            # Where a pre-filled entry came from is the platform's record: only its figures
            # are the liaison's to correct.
            for name in ("department", "title", "channel", "demanded_on"):
                del self.fields[name]


class ClueForm(forms.Form):
    department = OrganisationChoiceField(
        label=_("Department concerned"),
        queryset=Organisation.objects.none(),
        empty_label=_("— Choose the department —"),
    )
    summary = forms.CharField(label=_("The problem in one line"), max_length=200)
    details = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, departments, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


class ReportCorrectionForm(forms.Form):
    """Why a submitted report is corrected (the report machine's ``correct``)."""

    reason = forms.CharField(
        label=_("What is corrected, and why"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ClueActionForm(forms.Form):
    """The fields of every clue action; the page shows those its action needs."""

    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    note = forms.CharField(
        label=_("Analysis"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    visited_on = forms.DateField(
        label=_("Visited on"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs=_DATE),
    )
    findings = forms.CharField(
        label=_("What was found on site"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    requirements = forms.CharField(
        label=_("What must change"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_working_days = forms.IntegerField(
        label=_("Working days allowed"), required=False, min_value=1, max_value=60
    )
    measures = forms.CharField(
        label=_("Measures taken"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    new_due_date = forms.DateField(
        label=_("New due date asked for"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs=_DATE),
    )
    checked_on = forms.DateField(
        label=_("Rectification checked on"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs=_DATE),
    )

    FIELDS = {
        "analyse": ["note"],
        "dismiss": ["reason"],
        "verify": ["visited_on", "findings"],
        "send-notice": ["requirements", "due_working_days"],
        "respond": ["measures"],
        "request-extension": ["new_due_date", "reason"],
        "grant-extension": ["reason"],
        "refuse-extension": ["reason"],
        "close": ["checked_on", "reason"],
        "reopen": ["reason"],
    }
    REQUIRED = {
        "verify": ["visited_on", "findings"],
        "send-notice": ["requirements"],
        "respond": ["measures"],
        "request-extension": ["new_due_date"],
        "close": ["checked_on"],
    }

    def __init__(self, *args, action: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.action = action
        for name in list(self.fields):
            if name not in self.FIELDS.get(action, []):
                del self.fields[name]
        for name in self.REQUIRED.get(action, []):
            self.fields[name].required = True


# --- Reverse evaluation (反向评价) -----------------------------------------------------------


def _date_input() -> forms.DateInput:
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class EvaluationRoundForm(forms.Form):
    area = forms.ModelChoiceField(label=_("Area"), queryset=Organisation.objects.none())
    title = forms.CharField(
        label=_("Title"),
        max_length=limits.SHORT_TEXT,
        help_text=_("For example: reverse evaluation of the departments, third quarter 2026."),
    )
    period_from = forms.DateField(label=_("Period from"), widget=_date_input())
    period_until = forms.DateField(
        label=_("Period until"),
        widget=_date_input(),
        help_text=_(
            "The departments that dispatched to a community in the period are on its form."
        ),
    )
    opens_on = forms.DateField(label=_("Opens on"), widget=_date_input())
    closes_on = forms.DateField(
        label=_("Closes on"),
        widget=_date_input(),
        help_text=_("Communities are reminded two working days before."),
    )

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas if areas is not None else Organisation.objects.none()


class EvaluationAuthorsForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for seeing who wrote the comments"),
        max_length=limits.NOTE_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Recorded in the audit log with your name. The authors show on this view only."
        ),
    )


SCORE_CHOICES = [(str(n), str(n)) for n in range(1, 6)]


class EvaluationResponseForm(forms.Form):
    """One radio group per department and dimension (``score-<code>-<dimension>``) and one
    comment per department (``comment-<code>``), built from the form's rows."""

    def __init__(self, *args, rows: list[dict], dimensions: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.dimensions = dimensions
        for row in rows:
            code = row["department"].code
            for dimension, label in dimensions:
                current = row["scores"].get(dimension)
                self.fields[f"score-{code}-{dimension}"] = forms.ChoiceField(
                    label=label,
                    choices=SCORE_CHOICES,
                    required=False,
                    widget=forms.RadioSelect,
                    initial=str(current) if current else None,
                )
            self.fields[f"comment-{code}"] = forms.CharField(
                label=_("Comment (optional)"),
                required=False,
                max_length=limits.NOTE_TEXT,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=row["comment"],
            )

    def ratings(self) -> list[dict]:
        """The answers given, as the service takes them."""
        result = []
        for row in self.rows:
            code = row["department"].code
            comment = self.cleaned_data.get(f"comment-{code}", "")
            for dimension, _label in self.dimensions:
                value = self.cleaned_data.get(f"score-{code}-{dimension}")
                if value:
                    result.append(
                        {
                            "department": row["department"],
                            "dimension": dimension,
                            "score": int(value),
                            "comment": comment,
                        }
                    )
        return result

    def groups(self) -> list[dict]:
        """For the template: per department its bound score fields and comment field."""
        return [
            {
                "row": row,
                "scores": [
                    self[f"score-{row['department'].code}-{dimension}"]
                    for dimension, _label in self.dimensions
                ],
                "comment": self[f"comment-{row['department'].code}"],
            }
            for row in self.rows
        ]
