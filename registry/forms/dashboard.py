"""The dashboard's query (area, period, baseline) and the baseline a supervisor saves.

The page and the API read the same parameters through ``DashboardParams``: ``area``,
``from``/``until`` (or ``period=month|quarter|year``) and ``baseline_from``/
``baseline_until`` (or ``baseline=saved|last_year``). Dates are bounded like every date a
user types (2000 .. the horizon, ``registry.filters.base.BoundedDateFilter``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry import limits
from registry.errors import InvalidInput
from registry.filters.base import BoundedDateFilter
from registry.models import Organisation, User
from registry.selectors import dashboard as board

BoundedDateField = BoundedDateFilter.field_class

PERIOD_PRESETS = [
    ("month", _("This month")),
    ("quarter", _("This quarter")),
    ("year", _("This year")),
]
BASELINE_PRESETS = [
    ("saved", _("The bureau's baseline")),
    ("last_year", _("Same period last year")),
]


class DashboardParams(forms.Form):
    area = forms.CharField(required=False, max_length=40)
    period = forms.ChoiceField(required=False, choices=PERIOD_PRESETS)
    baseline = forms.ChoiceField(required=False, choices=BASELINE_PRESETS)
    # "from" is a Python keyword: the field is added under its contract name below.
    until = BoundedDateField(required=False)
    baseline_from = BoundedDateField(required=False)
    baseline_until = BoundedDateField(required=False)
    format = forms.CharField(required=False, max_length=10)
    table = forms.CharField(required=False, max_length=80)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = BoundedDateField(required=False)


@dataclass
class DashboardRequest:
    area: Organisation
    period: board.Period
    baseline: board.Period
    # Where the baseline came from: "saved" (with its name), "last_year" or "custom".
    baseline_kind: str
    baseline_name: str
    preset: str
    # The parameters every drill-down link carries (the explicit dates).
    params: dict[str, str]


def dashboard_request(*, user: User, data) -> DashboardRequest:
    """The area, period and baseline the request asks for, or InvalidInput (400 in the
    API, a message on the page) naming the parameter."""
    form = DashboardParams(data)
    if not form.is_valid():
        fields = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
        raise InvalidInput(_("Check the dashboard's area and dates."), fields=fields)
    values = form.cleaned_data
    area = board.dashboard_area(user=user, code=values["area"])
    today = timezone.localdate()
    presets = board.presets(today)
    preset = values["period"] or ""
    start, end = values["from"], values["until"]
    if start or end:
        preset = ""
        period = board.Period(start or end.replace(month=1, day=1), end or today)
    else:
        preset = preset or "year"
        period = presets[preset]
    board.check_period(period.start, period.end, "from")

    b_start, b_end = values["baseline_from"], values["baseline_until"]
    saved = board.saved_baseline(area)
    if b_start or b_end:
        kind, name = "custom", ""
        baseline = board.Period(
            b_start or board.same_period_last_year(period).start,
            b_end or board.same_period_last_year(period).end,
        )
    elif values["baseline"] != "last_year" and saved is not None:
        kind, name = "saved", saved.name
        baseline = board.Period(saved.start, saved.end, saved.name)
    else:
        kind, name = "last_year", ""
        baseline = board.same_period_last_year(period)
    board.check_period(baseline.start, baseline.end, "baseline_from")
    params = {
        "area": area.code,
        "from": period.start.isoformat(),
        "until": period.end.isoformat(),
        "baseline_from": baseline.start.isoformat(),
        "baseline_until": baseline.end.isoformat(),
    }
    return DashboardRequest(area, period, baseline, kind, name, preset, params)


class BaselineForm(forms.Form):
    """The baseline period a supervisor saves for the area (e.g. the year before 准入)."""

    name = forms.CharField(label=_("Baseline name"), max_length=limits.SHORT_TEXT)
    # A date input shows only an ISO value: the localised format would leave it blank.
    start = BoundedDateField(
        label=_("Baseline from"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    end = BoundedDateField(
        label=_("Baseline until"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
