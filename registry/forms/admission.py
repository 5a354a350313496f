"""Forms for the admission pages: applications, review actions, lists, imports, filters.

Forms parse and validate what a person typed; the services decide. A domain error a service
raises is put back on the form (``registry.pages.show_error``) so the page shows it next to
the input.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from registry import limits, selectors
from registry.models import (
    APPLICATION_LIST_KINDS,
    Application,
    Frequency,
    HearingParticipant,
    ListKind,
    Organisation,
    WorkItem,
)

# Data fields and pasted participants: one per line, or separated by (Chinese) commas.
_SPLIT = re.compile(r"[,，、;；\n\r]+")
DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
MAX_PARTICIPANTS = 200
# Rows the hearing form shows at first; "Add a row" adds more.
PARTICIPANT_ROWS = 5


def split_values(text: str) -> list[str]:
    return [value.strip() for value in _SPLIT.split(text or "") if value.strip()]


# --- Applications --------------------------------------------------------------------------


class ApplicationForm(forms.Form):
    """A department's application: what the item is, where, and what it asks of each
    community. The scope is picked from the department's jurisdiction."""

    title = forms.CharField(label=_("Title"), max_length=200)
    list_kind = forms.ChoiceField(
        label=_("List"), choices=APPLICATION_LIST_KINDS, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What communities are asked to do, and how."),
        max_length=limits.LONG_TEXT,
    )
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The law or regulation and its article, e.g. 《统计法》第七条."),
        max_length=limits.LONG_TEXT,
    )
    scope = forms.ModelMultipleChoiceField(
        label=_("Scope"),
        queryset=Organisation.objects.none(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Name at least one area or community the item covers."),
            "invalid_choice": _("%(value)s is not an area or community of this jurisdiction."),
        },
    )
    frequency = forms.ChoiceField(label=_("Frequency"), choices=Frequency.choices)
    hours_per_occurrence = forms.DecimalField(
        label=_("Hours per occurrence, per community"),
        min_value=Decimal("0"),
        max_value=Decimal("10000"),
        max_digits=7,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
    households_per_occurrence = forms.IntegerField(
        label=_("Households to visit per occurrence"),
        min_value=0,
        max_value=1_000_000,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    ledgers = forms.IntegerField(
        label=_("Ledgers to keep"),
        min_value=0,
        max_value=10_000,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    data_fields = forms.CharField(
        label=_("Data fields to collect"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, or separated by commas: 姓名, 住址, 联系电话."),
        max_length=limits.LONG_TEXT,
    )
    funding_per_community = forms.DecimalField(
        label=_("Yearly funding per community (yuan)"),
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        initial=Decimal("0"),
        help_text=_("费随事转: the funding that follows the task to each community."),
        widget=forms.NumberInput(attrs={"step": "100", "inputmode": "decimal"}),
    )
    valid_months = forms.IntegerField(
        label=_("Validity requested (months)"),
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    # The fields passed to the services as they are (scope and data fields are converted).
    SERVICE_FIELDS = [
        "title",
        "list_kind",
        "description",
        "legal_basis",
        "frequency",
        "hours_per_occurrence",
        "households_per_occurrence",
        "ledgers",
        "funding_per_community",
        "valid_months",
    ]

    def __init__(self, *args: Any, department: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.department = department
        self.fields["scope"].queryset = selectors.application_scope_options(department=department)
        maximum = settings.PORTAL["ADMISSION_MAX_MONTHS"]
        self.fields["valid_months"].max_value = maximum
        self.fields["valid_months"].validators.append(MaxValueValidator(maximum))
        self.fields["valid_months"].widget.attrs["max"] = maximum
        self.fields["valid_months"].help_text = _("At most %(max)s months.") % {"max": maximum}
        self.fields["valid_months"].initial = settings.PORTAL["ADMISSION_DEFAULT_MONTHS"]
        self._scope_options: list[Organisation] | None = None

    @classmethod
    def initial_from(cls, application: Application | WorkItem) -> dict[str, Any]:
        """The form as an application left it, or pre-filled from the work item a renewal
        renews (which has no validity in months: the default applies)."""
        initial = {
            name: getattr(application, name)
            for name in cls.SERVICE_FIELDS
            if hasattr(application, name)
        }
        initial["scope"] = [organisation.code for organisation in application.scope.all()]
        initial["data_fields"] = "\n".join(application.data_fields or [])
        return initial

    def clean_data_fields(self) -> list[str]:
        return split_values(self.cleaned_data.get("data_fields", ""))[:500]

    def service_fields(self) -> dict[str, Any]:
        """Keyword arguments for application_create / application_update."""
        data = self.cleaned_data
        fields = {name: data[name] for name in self.SERVICE_FIELDS}
        fields["data_fields"] = data["data_fields"]
        fields["scope"] = list(data["scope"])
        return fields

    # The live checks run on whatever is valid so far; the rest counts as empty.
    def checks_input(self) -> dict[str, Any]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        scope = data.get("scope")
        if scope is None:  # some codes were unknown: keep the known ones
            codes = set(self.data.getlist("scope")) if hasattr(self.data, "getlist") else set()
            scope = [o for o in self.scope_options() if o.code in codes]
        return {
            "department": self.department,
            "jurisdiction": self.department.parent,
            "title": data.get("title", ""),
            "description": data.get("description", ""),
            "data_fields": data.get("data_fields") or [],
            "frequency": data.get("frequency", ""),
            "hours_per_occurrence": data.get("hours_per_occurrence") or Decimal("0"),
            "funding_per_community": data.get("funding_per_community") or Decimal("0"),
            "scope": list(scope),
        }

    # --- The scope picker: every area of the jurisdiction, its communities under it -------

    def scope_options(self) -> list[Organisation]:
        if self._scope_options is None:
            self._scope_options = list(self.fields["scope"].queryset)
        return self._scope_options

    def chosen_codes(self) -> set[str]:
        value = self["scope"].value() or []
        return {getattr(v, "code", v) for v in value}

    def scope_groups(self) -> list[dict[str, Any]]:
        """One group per area (tree order): the area's own box, then its communities."""
        options = self.scope_options()
        chosen = self.chosen_codes()
        areas = [o for o in options if o.kind == Organisation.Kind.AREA]
        if not areas:
            return []
        top_depth = areas[0].depth
        communities = defaultdict(list)
        reached: dict[str, int] = defaultdict(int)
        area_paths = {a.path for a in areas}
        for organisation in options:
            if organisation.kind != Organisation.Kind.COMMUNITY:
                continue
            communities[organisation.parent_id].append(organisation)
            # Count the community for every area above it.
            parts = organisation.path.strip("/").split("/")
            for i in range(1, len(parts)):
                prefix = "/" + "/".join(parts[:i]) + "/"
                if prefix in area_paths:
                    reached[prefix] += 1
        groups = []
        for area in areas:
            members = [
                {"organisation": c, "checked": c.code in chosen} for c in communities[area.pk]
            ]
            groups.append(
                {
                    "area": area,
                    "checked": area.code in chosen,
                    "indent": area.depth - top_depth,
                    "reached": reached[area.path],
                    "communities": members,
                    "open": any(m["checked"] for m in members),
                }
            )
        return groups


# --- Review actions --------------------------------------------------------------------------


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RequiredReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class RequireHearingForm(ReasonForm):
    scheduled_on = forms.DateField(label=_("Hearing date"), required=False, widget=DATE_WIDGET)
    location = forms.CharField(label=_("Location"), required=False, max_length=200)
    field_order = ["scheduled_on", "location", "reason"]


class ApproveForm(RequiredReasonForm):
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Leave empty to grant the validity the department asked for."),
    )
    # Shown (and required by the service) only when the checks found the funding missing.
    funding_note = forms.CharField(
        label=_("How the missing funding is dealt with (费随事转)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Recorded in the history with your reason."),
    )

    def __init__(self, *args: Any, funding_missing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not funding_missing:
            del self.fields["funding_note"]


OPINION_ALIASES = {
    "同意": HearingParticipant.Opinion.FOR,
    "赞成": HearingParticipant.Opinion.FOR,
    "支持": HearingParticipant.Opinion.FOR,
    "反对": HearingParticipant.Opinion.AGAINST,
    "不同意": HearingParticipant.Opinion.AGAINST,
    "弃权": HearingParticipant.Opinion.ABSTAIN,
    "yes": HearingParticipant.Opinion.FOR,
    "no": HearingParticipant.Opinion.AGAINST,
}


def _opinion(text: str) -> str | None:
    text = (text or "").strip()
    if text in HearingParticipant.Opinion.values:
        return text
    if text.lower() in OPINION_ALIASES:
        return OPINION_ALIASES[text.lower()]
    for value, label in HearingParticipant.Opinion.choices:
        if text == str(label):
            return value
    return OPINION_ALIASES.get(text)


class RecordHearingForm(ReasonForm):
    """The hearing record. Participants come as repeated rows (participant-name,
    participant-organisation, participant-opinion, participant-comment) and, optionally, as
    pasted lines "name, organisation, opinion, comment"."""

    held_on = forms.DateField(label=_("Held on"), widget=DATE_WIDGET)
    location = forms.CharField(label=_("Location"), required=False, max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=limits.LONG_TEXT,
    )
    pasted = forms.CharField(
        label=_("Or paste the participants"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One participant per line: name, organisation, opinion (同意/反对/弃权), comment. "
            "Copied from a spreadsheet, tabs work too."
        ),
        max_length=limits.LONG_TEXT,
    )
    # Offered when the hearing had a planned date: recording an earlier one must be confirmed.
    confirm_early = forms.BooleanField(
        label=_("The hearing was held before its planned date"), required=False
    )
    field_order = ["held_on", "location", "summary", "reason"]

    ROW_FIELDS = ["name", "organisation", "opinion", "comment"]

    def __init__(
        self,
        *args: Any,
        participants: list[dict] | None = None,
        planned: datetime.date | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("Note")
        self.planned = planned
        if planned is None:
            del self.fields["confirm_early"]
        self.initial_participants = participants or []
        self.row_errors: dict[int, list[str]] = {}

    def _posted_rows(self) -> list[dict[str, str]]:
        columns = [self.data.getlist(self.add_prefix(f"participant-{f}")) for f in self.ROW_FIELDS]
        count = max((len(c) for c in columns), default=0)
        return [
            {
                f: (c[i] if i < len(c) else "").strip()
                for f, c in zip(self.ROW_FIELDS, columns, strict=True)
            }
            for i in range(count)
        ]

    def participant_rows(self) -> list[dict[str, Any]]:
        """The rows to show: what was posted (with errors), or the recorded participants."""
        if self.is_bound:
            rows = self._posted_rows()
        else:
            rows = [{f: p.get(f, "") for f in self.ROW_FIELDS} for p in self.initial_participants]
        rows = [dict(row, errors=self.row_errors.get(i, [])) for i, row in enumerate(rows)]
        # At least a few rows to type into; below recorded participants, one empty row more.
        wanted = max(PARTICIPANT_ROWS, len(rows) + (0 if self.is_bound else 1))
        rows += [
            {**dict.fromkeys(self.ROW_FIELDS, ""), "errors": []} for _ in range(wanted - len(rows))
        ]
        return rows

    def opinion_choices(self):
        return HearingParticipant.Opinion.choices

    def clean_held_on(self) -> datetime.date:
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(
                _("A hearing is recorded after it is held; the date is in the future.")
            )
        return held_on

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        participants: list[dict[str, str]] = []
        for index, row in enumerate(self._posted_rows()):
            if not any(row.values()):
                continue  # an empty row is simply unused
            problems = []
            if not row["name"]:
                problems.append(_("Give the participant's name."))
            opinion = _opinion(row["opinion"])
            if opinion is None:
                problems.append(_("Choose an opinion: for, against or abstain."))
            if problems:
                self.row_errors[index] = problems
                continue
            participants.append({**row, "opinion": opinion})
        for number, line in enumerate((data.get("pasted") or "").splitlines(), start=1):
            if not line.strip():
                continue
            cells = [c.strip() for c in re.split(r"\t|[,，]", line)]
            cells += [""] * (4 - len(cells))
            name, organisation, opinion_text = cells[:3]
            comment = "，".join(c for c in cells[3:] if c)
            opinion = _opinion(opinion_text)
            if not name or opinion is None:
                self.add_error(
                    "pasted",
                    _("Line %(n)s: give a name and an opinion (同意, 反对 or 弃权).")
                    % {"n": number},
                )
                continue
            participants.append(
                {
                    "name": name[:100],
                    "organisation": organisation[:200],
                    "opinion": opinion,
                    "comment": comment,
                }
            )
        if self.row_errors:
            self.add_error(None, _("Some participant rows are incomplete; see below."))
        elif not participants and not self.errors.get("pasted"):
            self.add_error(None, _("List the hearing's participants and their opinions."))
        if len(participants) > MAX_PARTICIPANTS:
            self.add_error(None, _("At most %(n)s participants.") % {"n": MAX_PARTICIPANTS})
        for row in participants:
            row["name"] = row["name"][:100]
            row["organisation"] = row["organisation"][:200]
        data["participants"] = participants
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "held_on": data["held_on"],
            "location": data["location"],
            "summary": data["summary"],
            "reason": data["reason"],
            "participants": data["participants"],
            "confirm_early": bool(data.get("confirm_early")),
        }


class WorkItemStatusForm(RequiredReasonForm):
    pass


# --- Lists -----------------------------------------------------------------------------------


class ListImportForm(forms.Form):
    jurisdiction = forms.ModelChoiceField(
        label=_("Jurisdiction"),
        queryset=Organisation.objects.none(),
        to_field_name="code",
        empty_label=None,
    )
    file = forms.FileField(
        label=_("Excel workbook (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def __init__(self, *args: Any, areas, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = areas
        self.fields["jurisdiction"].label_from_instance = lambda o: f"{o.name}（{o.code}）"


class AsOfForm(forms.Form):
    as_of = forms.DateField(label=_("As of"), required=False, widget=DATE_WIDGET)


# --- Filters ---------------------------------------------------------------------------------


def _blank(label) -> list[tuple[str, Any]]:
    return [("", label)]


class ApplicationFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=_blank(_("All states")) + list(Application.State.choices),
    )


QUEUE_STATES = [
    Application.State.SUBMITTED,
    Application.State.UNDER_REVIEW,
    Application.State.HEARING,
    Application.State.HEARING_HELD,
]


class ReviewQueueFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=_blank(_("All waiting")) + [(s.value, s.label) for s in QUEUE_STATES],
    )
    department = forms.ChoiceField(label=_("Department"), required=False)
    older_than_days = forms.IntegerField(
        label=_("Submitted more than … days ago"),
        required=False,
        min_value=0,
        max_value=3650,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": "7"}),
    )

    def __init__(self, *args: Any, departments: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = _blank(_("All departments")) + [
            (code, name) for code, name in departments
        ]


class WorkItemFilterForm(forms.Form):
    q = forms.CharField(
        label=pgettext_lazy("search box", "Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Title or admission number")}
        ),
    )
    list_kind = forms.ChoiceField(
        label=_("List"), required=False, choices=_blank(_("All lists")) + list(ListKind.choices)
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=_blank(_("All statuses")) + list(WorkItem.Status.choices),
    )
    department = forms.ChoiceField(label=_("Department"), required=False)

    def __init__(self, *args: Any, departments: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = _blank(_("All departments")) + departments
