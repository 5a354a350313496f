"""Forms of the public portal. They check the shape of the input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from public import selectors
from public.models import Complaint
from registry import limits
from registry.models import Organisation


class ComplaintForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Complaint or suggestion"),
        choices=Complaint.Kind.choices,
        widget=forms.RadioSelect,
        initial=Complaint.Kind.SUGGESTION,
    )
    area = forms.ModelChoiceField(
        label=_("To"),
        # Set per form: the bureau is read from the tree (no query at import time).
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=None,
        help_text=_("The bureau, or the district your message is about."),
    )
    subject = forms.CharField(
        label=pgettext_lazy("complaint", "Subject"), max_length=limits.SHORT_TEXT
    )
    text = forms.CharField(
        label=_("Your message"),
        max_length=limits.NOTE_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("At most %(limit)s characters. Do not include ID numbers.")
        % {"limit": limits.NOTE_TEXT},
    )
    contact = forms.CharField(
        label=_("Contact (optional)"),
        max_length=limits.SHORT_TEXT,
        required=False,
        help_text=_(
            "A telephone number or e-mail if you want the bureau to reach you. Only the "
            "bureau sees it; the public lookup never shows it."
        ),
    )
    # A field people never see (hidden by the stylesheet); robots fill every field.
    website = forms.CharField(label=_("Leave this empty"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = selectors.complaint_areas()
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("This field must be left empty."))
        return ""


class LookupForm(forms.Form):
    number = forms.CharField(
        label=_("Reference number"),
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": "JY2026-XXXX-XXXX", "autocomplete": "off"}),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"),
        max_length=limits.NOTE_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The sender reads this with their reference number."),
    )
