"""Forms for the certificates pages: shapes and widgets; the services validate."""

from __future__ import annotations

import secrets

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from certificates.models import CertificateType
from registry import limits

Status = CertificateType.Status


class UnrenderedTextInput(forms.TextInput):
    """Typed in clear, never sent back: a form re-shown with errors has the field empty,
    so an ID number cannot end up in a page, a cache or the browser's history."""

    def format_value(self, value):
        return None


class TypeSelect(forms.Select):
    """Options grouped by status, each carrying what the page needs to warn at once."""

    def __init__(self, *args, option_data: dict[str, dict[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.option_data = option_data or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["attrs"].update(self.option_data.get(str(value), {}))
        return option


def type_choices(types: list[CertificateType]) -> list:
    retained = [(str(t.pk), t.name) for t in types if t.status == Status.RETAINED]
    prohibited = [(str(t.pk), t.name) for t in types if t.status == Status.PROHIBITED]
    choices: list = [("", _("Choose the certificate asked for"))]
    if retained:
        choices.append((_("May be issued"), retained))
    if prohibited:
        choices.append((_("Must not be issued (a refusal notice is printed)"), prohibited))
    return choices


class IssueForm(forms.Form):
    community = forms.ChoiceField(label=_("Community"))
    certificate_type = forms.ChoiceField(label=_("Certificate asked for"))
    applicant_name = forms.CharField(
        label=pgettext_lazy("person", "Applicant's name"), max_length=50
    )
    applicant_id_number = forms.CharField(
        label=_("Applicant's ID number"),
        max_length=32,
        help_text=_("Stored only masked (like 1*************1234); never kept in full."),
        widget=UnrenderedTextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=200,
        help_text=_("What the resident needs the certificate for."),
    )
    requested_by = forms.CharField(
        label=_("Institution that asked for it"),
        max_length=200,
        help_text=_("Who asked the resident to bring this certificate (a bank, a school ...)."),
        widget=forms.TextInput(attrs={"list": "institutions", "autocomplete": "off"}),
    )
    facts = forms.CharField(
        label=_("What the committee certifies"),
        required=False,
        max_length=limits.NOTE_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The fact, as the committee verified it (for a residence certificate: lives at "
            "... since ...). It is printed after the type's own wording."
        ),
    )
    # One per form shown: submitting the same form twice (a reload) registers one line.
    request_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=32)

    def __init__(self, *args, communities, types: list[CertificateType], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("request_token", secrets.token_urlsafe(16))
        self.communities = list(communities)
        self.types = {str(t.pk): t for t in types}
        field = self.fields["community"]
        field.choices = [(c.code, c.name) for c in self.communities]
        if len(self.communities) == 1:
            field.widget = forms.HiddenInput()
            field.initial = self.communities[0].code
        type_field = self.fields["certificate_type"]
        type_field.choices = type_choices(types)
        type_field.widget = TypeSelect(
            choices=type_field.choices,
            option_data={
                str(t.pk): {"data-status": t.status, "data-redirect": t.redirect}
                for t in types
                if t.status == Status.PROHIBITED
            },
            attrs={"data-certificate-type": ""},
        )

    def community_object(self):
        code = self.cleaned_data["community"]
        return next(c for c in self.communities if c.code == code)

    def type_object(self) -> CertificateType:
        return self.types[self.cleaned_data["certificate_type"]]


class ReprintForm(forms.Form):
    """A reprint carries the full ID number again: the cadre types it, it is checked
    against the registered hash, printed, and forgotten."""

    applicant_id_number = forms.CharField(
        label=_("Applicant's ID number"),
        max_length=32,
        help_text=_("Type the number from the resident's ID card; it is printed, not stored."),
        widget=UnrenderedTextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is withdrawn"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ProposeForm(forms.Form):
    department = forms.ModelChoiceField(queryset=None, label=_("Department"), empty_label=None)
    name = forms.CharField(label=_("Certificate name"), max_length=100)
    verification = forms.CharField(
        label=_("What the committee verifies"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the community knows first-hand and checks before issuing it."),
        max_length=limits.LONG_TEXT,
    )
    materials = forms.CharField(
        label=_("What the resident brings"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=limits.LONG_TEXT,
    )
    synonyms = forms.CharField(
        label=_("Other names"),
        required=False,
        help_text=_("Other names residents use, separated by 、 or commas."),
    )
    legal_basis = forms.CharField(
        label=_("Legal basis or source document"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=limits.LONG_TEXT,
    )
    description = forms.CharField(
        label=_("Why the community should issue it"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=limits.LONG_TEXT,
    )
    submit_now = forms.BooleanField(label=_("Submit for review now"), required=False, initial=True)

    def __init__(self, *args, departments, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


class CatalogueImportForm(forms.Form):
    jurisdiction = forms.ModelChoiceField(queryset=None, label=_("Catalogue of"), empty_label=None)
    file = forms.FileField(
        label=_("Excel workbook (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def __init__(self, *args, areas, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = areas
