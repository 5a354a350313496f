"""Pages of accounts in bulk and of an account's life: import with printable credentials,
the first sign-in's password change, and leaving (离任)."""

from __future__ import annotations

import base64
import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from registry import pages, services
from registry.errors import DomainError
from registry.excel import XLSX_CONTENT_TYPE
from registry.forms.deploy import AccountImportForm
from registry.models import User
from registry.services.accounts import credentials_workbook, may_deactivate


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def account_import(request: HttpRequest) -> HttpResponse:
    """Import people from Excel; the answer carries the one-time credentials, once: the
    printable sheet and a workbook per street embedded in the page, stored nowhere."""
    pages.require(request, "account.manage")
    form = AccountImportForm(request.POST or None, request.FILES or None)
    row_errors: list[dict] = []
    status, result, downloads = 200, None, []
    if request.method == "POST":
        if form.is_valid():
            try:
                result = services.accounts_import(
                    actor=request.user, upload=form.cleaned_data["file"]
                )
            except DomainError as exc:
                status = pages.show_error(request, exc, form)
                row_errors = exc.extra.get("rows", [])
            else:
                for street, credentials in result.by_street().items():
                    content = credentials_workbook(credentials, title=street)
                    downloads.append(
                        {
                            "street": street,
                            "count": len(credentials),
                            "filename": f"{street}-账号.xlsx",
                            "href": f"data:{XLSX_CONTENT_TYPE};base64,"
                            + base64.b64encode(content).decode(),
                        }
                    )
        else:
            status = 400
    return render(
        request,
        "registry/deploy/account_import.html",
        {
            "title": _("Import accounts from Excel"),
            "form": form,
            "row_errors": row_errors,
            "result": result,
            "downloads": downloads,
        },
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def password_change_required(request: HttpRequest) -> HttpResponse:
    """The first sign-in with a generated password: choose one's own (Django's validators)."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        services.user_password_changed(user=user)
        messages.success(request, _("Your password has been changed."))
        return redirect("home")
    return render(
        request,
        "registry/deploy/password_change.html",
        {
            "title": _("Choose your password"),
            "form": form,
            "forced": request.user.must_change_password,
        },
        status=400 if request.method == "POST" else 200,
    )


class DeactivateForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Username"), max_length=150)
    left_on = forms.DateField(label=gettext_lazy("Left on"), required=False)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200, required=False)

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor

    def clean_username(self) -> User:
        user = User.objects.filter(username=self.cleaned_data["username"].strip()).first()
        # An area administrator learns nothing of accounts outside the area: the same
        # answer as for a username nobody has.
        if user is None or not may_deactivate(self.actor, user):
            raise forms.ValidationError(_("No account of your area has this username."))
        return user

    def clean_left_on(self) -> datetime.date:
        return self.cleaned_data["left_on"] or timezone.localdate()


@login_required
@require_http_methods(["GET", "POST"])
def account_deactivate(request: HttpRequest) -> HttpResponse:
    """离任: switch an account off, keeping it and its history."""
    pages.require(request, "account.manage")
    form = DeactivateForm(
        request.POST or None,
        initial={"username": request.GET.get("username", "")},
        actor=request.user,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = services.user_deactivate(
                    actor=request.user,
                    user=data["username"],
                    left_on=data["left_on"],
                    reason=data["reason"],
                )
            except DomainError as exc:
                status = pages.show_error(request, exc, form)
            else:
                messages.success(
                    request,
                    _("%(name)s has been deactivated; their records keep their name.")
                    % {"name": user},
                )
                return redirect("account-deactivate")
        else:
            status = 400
    return render(
        request,
        "registry/deploy/account_deactivate.html",
        {"title": _("Deactivate an account (离任)"), "form": form},
        status=status,
    )
