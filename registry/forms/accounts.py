"""Forms for the portal's pages."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Django's sign-in form, with plainer messages and hints for phones and password managers."""

    error_messages = {
        "invalid_login": _(
            "The username or password is incorrect. Note that both are case-sensitive."
        ),
        "inactive": _("This account has been disabled. Please contact your administrator."),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username")
        self.fields["username"].widget.attrs.update(
            autocomplete="username", autocapitalize="none", spellcheck="false"
        )
        self.fields["password"].label = _("Password")
        self.fields["password"].widget.attrs.update(autocomplete="current-password")

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            if getattr(self.request, "demo_login_refused", False):
                # Say why: the published demo password is refused in production.
                from registry.auth import demo_refused_message

                raise forms.ValidationError(demo_refused_message(), code="demo_refused") from None
            raise
