"""Forms of the dispatch pages and the community inbox. They check the shape of the input;
the rules (the gate, the transitions) are the services'."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from registry import limits
from registry.models import Assignment, Organisation, WorkItem

# The gate's reason codes (services.dispatch.gate_reasons), in words.
GATE_REASON_LABELS = {
    "not_admitted": _("No admitted work item"),
    "item_inactive": _("Work item not in force"),
    "past_validity": _("Due after the admission ends"),
    "not_item_department": _("Not the item's department"),
    "out_of_scope": _("Outside the admitted scope"),
    "frequency_exceeded": _("Admitted frequency exceeded"),
    "burden_exceeded": _("More than the admitted burden"),
    "lead_time_too_short": _("Too little time allowed"),
}


@dataclass
class TargetNode:
    """One area of the target tree with the areas and communities under it."""

    organisation: Organisation
    areas: list[TargetNode] = field(default_factory=list)
    communities: list[Organisation] = field(default_factory=list)

    @property
    def community_count(self) -> int:
        return len(self.communities) + sum(area.community_count for area in self.areas)


def build_target_tree(organisations: list[Organisation]) -> list[TargetNode]:
    """Nest areas and communities (given in path order) into district > street > community."""
    nodes: dict[int, TargetNode] = {}
    roots: list[TargetNode] = []
    for organisation in organisations:
        if organisation.kind != Organisation.Kind.AREA:
            continue
        node = nodes[organisation.pk] = TargetNode(organisation)
        parent = nodes.get(organisation.parent_id)
        (parent.areas if parent else roots).append(node)
    for organisation in organisations:
        if organisation.kind == Organisation.Kind.COMMUNITY and organisation.parent_id in nodes:
            nodes[organisation.parent_id].communities.append(organisation)
    return roots


class WorkItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, item: WorkItem) -> str:
        return f"{item.admission_number} {item.title}"


class DispatchForm(forms.Form):
    work_item = WorkItemChoiceField(
        label=_("Admitted work item"),
        queryset=WorkItem.objects.none(),
        required=False,
        empty_label=_("— Choose the admitted work item —"),
        help_text=_("Only your department's items in force today are listed."),
    )
    department = forms.ModelChoiceField(
        label=_("Sending department"), queryset=Organisation.objects.none(), required=False
    )
    title = forms.CharField(label=_("Task title"), max_length=200)
    instructions = forms.CharField(
        label=_("Instructions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=limits.LONG_TEXT,
    )
    materials = forms.CharField(
        label=_("Materials to return"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What each community sends back, if anything."),
        max_length=limits.LONG_TEXT,
    )
    due_date = forms.DateField(
        label=_("Due date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    hours_per_community = forms.DecimalField(
        label=_("Hours per community"),
        min_value=Decimal("0"),
        max_digits=7,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
    households_per_community = forms.IntegerField(
        label=_("Households to visit per community"),
        min_value=0,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    communities = forms.MultipleChoiceField(label=_("Communities"), required=False)
    areas = forms.MultipleChoiceField(label=_("Whole areas"), required=False)
    emergency = forms.BooleanField(
        label=_("Emergency task (skips the admission gate)"),
        required=False,
        help_text=_(
            "Only for a real emergency: the task is marked as such everywhere and the "
            "admission office must ratify it within 7 days."
        ),
    )
    justification = forms.CharField(
        label=_("Justification for the emergency"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=limits.LONG_TEXT,
    )

    def __init__(
        self,
        *args,
        work_items,
        departments: list[Organisation],
        targets: list[Organisation],
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["work_item"].queryset = work_items
        self.fields["department"].queryset = Organisation.objects.filter(
            pk__in=[d.pk for d in departments]
        )
        if len(departments) < 2:
            # One department: the task is sent by it; nothing to choose.
            del self.fields["department"]
        self.targets = {o.code: o for o in targets}
        self.fields["communities"].choices = [
            (o.code, o.name) for o in targets if o.kind == Organisation.Kind.COMMUNITY
        ]
        self.fields["areas"].choices = [
            (o.code, o.name) for o in targets if o.kind == Organisation.Kind.AREA
        ]

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("communities") and not data.get("areas"):
            self.add_error("communities", _("Choose at least one community."))
        if data.get("emergency") and not (data.get("justification") or "").strip():
            self.add_error("justification", _("An emergency task needs a written justification."))
        return data

    def selected_codes(self) -> set[str]:
        """The ticked boxes, valid or not, so a page shown again keeps them."""
        if self.is_bound:
            return set(self.data.getlist("communities")) | set(self.data.getlist("areas"))
        initial = self.initial
        return set(initial.get("communities") or []) | set(initial.get("areas") or [])

    def chosen_targets(self) -> tuple[list[Organisation], list[Organisation]]:
        """(communities, areas) ticked, as organisations."""
        return (
            [self.targets[code] for code in self.cleaned_data.get("communities", [])],
            [self.targets[code] for code in self.cleaned_data.get("areas", [])],
        )


class RatifyForm(forms.Form):
    note = forms.CharField(
        label=_("Ratification note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RefuseRatificationForm(forms.Form):
    """不予追认: the opinion is required (the service says so in its own words)."""

    note = forms.CharField(
        label=_("Opinion (why it is not ratified)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CompleteForm(forms.Form):
    note = forms.CharField(
        label=_("Materials returned (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RefuseForm(forms.Form):
    reason_code = forms.ChoiceField(
        label=_("Reason for refusing"),
        choices=[("", _("— Choose a reason —")), *Assignment.RefusalReason.choices],
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the reason is “Other”."),
    )

    def clean(self) -> dict:
        data = super().clean()
        if (
            data.get("reason_code") == Assignment.RefusalReason.OTHER
            and not (data.get("note") or "").strip()
        ):
            self.add_error("note", _("Explain the refusal."))
        return data


class RecallForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the task recalled? (the communities are told)"),
        max_length=limits.NOTE_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AmendDueDateForm(forms.Form):
    due_date = forms.DateField(
        label=_("New due date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("Why more time? (the communities are told)"),
        max_length=limits.NOTE_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
