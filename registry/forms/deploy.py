"""Forms of the deployment pages: the division-code import and accounts in bulk."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from registry.models import Organisation


class DivisionImportForm(forms.Form):
    file = forms.FileField(
        label=_("Division-code file (CSV or .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    parent = forms.CharField(
        label=_("Attach under (area code, optional)"),
        required=False,
        max_length=32,
        help_text=_("Only when the file starts below the province, e.g. a city's file."),
    )

    def clean_parent(self) -> Organisation | None:
        code = self.cleaned_data["parent"].strip()
        if not code:
            return None
        parent = Organisation.objects.areas().filter(code=code).first()
        if parent is None:
            raise forms.ValidationError(_("No area has this code."))
        return parent


class AccountImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class CalendarImportForm(forms.Form):
    file = forms.FileField(
        label=_("The schedule as a sheet (.xlsx: 日期, 类型, 名称)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
