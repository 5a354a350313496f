"""Forms for the plaque pages: shapes and widgets for a phone; the services validate."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models import Organisation, WorkItem
from signage.models import Kind, Placement

PHOTO_ACCEPT = "image/jpeg,image/png"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PhotoInput(forms.ClearableFileInput):
    """Opens the phone's camera (the back one) or its gallery."""

    def __init__(self):
        super().__init__(attrs={"accept": PHOTO_ACCEPT, "capture": "environment"})


class CodeChoiceField(forms.ModelChoiceField):
    def __init__(self, queryset, **kwargs):
        super().__init__(queryset, to_field_name="code", **kwargs)

    def label_from_instance(self, obj):
        return obj.name


class WorkItemChoiceField(forms.ModelChoiceField):
    def __init__(self, queryset, **kwargs):
        super().__init__(queryset, to_field_name="admission_number", **kwargs)

    def label_from_instance(self, obj):
        return f"{obj.admission_number} {obj.title}"


class PlaqueForm(forms.Form):
    community = CodeChoiceField(Organisation.objects.none(), label=_("Community"))
    text = forms.CharField(
        label=_("Text on the sign"),
        max_length=200,
        help_text=_("As written on the sign, e.g. 朝阳社区居民委员会."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    placement = forms.ChoiceField(
        label=_("Placement"), choices=Placement.choices, widget=forms.RadioSelect
    )
    location = forms.CharField(
        label=_("Where it hangs"),
        max_length=200,
        required=False,
        help_text=_("e.g. left of the main door, second-floor corridor."),
    )
    installed_on = forms.DateField(label=_("Up since"), widget=DateInput())
    issuer = CodeChoiceField(
        Organisation.objects.none(),
        label=_("Department that asked for it"),
        required=False,
        empty_label=_("None / not known"),
    )
    work_item = WorkItemChoiceField(
        WorkItem.objects.none(),
        label=_("Work item that backs it"),
        required=False,
        empty_label=_("None"),
        help_text=_("A sign no active admitted item backs is beyond the standard, unless named."),
    )
    photo = forms.FileField(
        label=_("Photo of the sign"),
        required=False,
        widget=PhotoInput(),
        help_text=_("JPEG or PNG. Location data in the photo is removed."),
    )

    def __init__(self, *args, communities, departments, work_items, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.communities = communities
        self.fields["community"].queryset = Organisation.objects.filter(
            pk__in=[c.pk for c in communities]
        )
        if len(communities) == 1:
            self.fields["community"].initial = communities[0].code
            self.fields["community"].widget = forms.HiddenInput()
        self.fields["issuer"].queryset = departments
        self.fields["work_item"].queryset = work_items
        self.fields["installed_on"].initial = timezone.localdate()
        self.fields["placement"].initial = Placement.EXTERIOR


class RemoveForm(forms.Form):
    removed_on = forms.DateField(label=_("Taken down on"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("e.g. not on the standard list; the work item it belonged to has ended."),
    )
    photo = forms.FileField(label=_("Photo of the bare wall"), required=False, widget=PhotoInput())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["removed_on"].initial = timezone.localdate()


class StandardForm(forms.Form):
    area = CodeChoiceField(Organisation.objects.none(), label=_("Area"))
    named_signs = forms.CharField(
        label=_("Named signs every community keeps"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("One per line. A sign whose text contains one of these is a named sign."),
    )
    max_exterior = forms.IntegerField(label=_("Most exterior signs"), min_value=0)
    max_interior = forms.IntegerField(label=_("Most interior signs"), min_value=0)
    kinds_not_allowed = forms.MultipleChoiceField(
        label=_("Kinds not allowed on walls"),
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    effective_from = forms.DateField(label=_("Effective from"), widget=DateInput())

    def __init__(self, *args, areas, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        self.fields["effective_from"].initial = timezone.localdate()

    def names(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["named_signs"].splitlines()]


class CensusForm(forms.Form):
    area = CodeChoiceField(Organisation.objects.none(), label=_("Street or district"))
    file = forms.FileField(
        label=_("Census workbook (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def __init__(self, *args, areas, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
