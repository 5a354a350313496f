"""Pages: signing in and out, the signed-in user's home and each role's workbench."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from registry import permissions
from registry.forms.accounts import LoginForm
from registry.models import Role

# Each role's home, in the order a user holding several sees them.
WORKBENCHES = {
    "department": (Role.DEPARTMENT_STAFF, _("Department workbench")),
    "reviewer": (Role.REVIEWER, _("Admission review workbench")),
    "community": (Role.COMMUNITY_CADRE, _("Community workbench")),
    "liaison": (Role.LIAISON, _("Monitoring-point workbench")),
    "supervisor": (Role.SUPERVISOR, _("Supervision workbench")),
}


def workbenches_for(user) -> list[tuple[str, str]]:
    roles = permissions.roles_of(user)
    return [(slug, title) for slug, (role, title) in WORKBENCHES.items() if role in roles]


class LoginView(auth_views.LoginView):
    template_name = "registry/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        from registry.auth import login_page_context

        return {**super().get_context_data(**kwargs), **login_page_context()}


class LogoutView(auth_views.LogoutView):
    """Sign out (POST only, as in Django 5) and say so on the sign-in page."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        was_signed_in = request.user.is_authenticated
        response = super().post(request, *args, **kwargs)
        if was_signed_in:
            # The session is gone by now; the message travels in the messages cookie.
            messages.success(request, _("You have signed out."))
        return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send the user to their first workbench; an administrator without roles to the admin."""
    benches = workbenches_for(request.user)
    if benches:
        return redirect("workbench", role=benches[0][0])
    if request.user.is_superuser:
        return redirect("admin:index")
    return render(request, "registry/no_role.html")


@login_required
def workbench(request: HttpRequest, role: str) -> HttpResponse:
    if role not in WORKBENCHES or not permissions.may(request.user, f"workbench.{role}"):
        raise PermissionDenied
    held_role, title = WORKBENCHES[role]
    memberships = (
        request.user.memberships.filter(role=held_role)
        .select_related("organisation", "organisation__parent")
        .order_by("organisation__path")
    )
    return render(
        request,
        f"registry/workbench_{role}.html",
        {"title": title, "role": held_role, "memberships": memberships},
    )
