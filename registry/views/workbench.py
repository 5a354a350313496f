"""Pages: signing in and out, the signed-in user's home and each role's workbench."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from registry import auth, permissions, plugins
from registry.forms.accounts import LoginForm

# Each workbench (its slug is in the URL), in the order a user holding several sees them;
# who has one is the permission action ``workbench.<slug>``, not a second role table.
WORKBENCHES = {
    "department": _("Department workbench"),
    "reviewer": _("Admission review workbench"),
    "community": _("Community workbench"),
    "liaison": _("Monitoring-point workbench"),
    "supervisor": _("Supervision workbench"),
    "administrator": _("Account administration workbench"),
}


def workbenches_for(user) -> list[tuple[str, str]]:
    return [
        (slug, title)
        for slug, title in WORKBENCHES.items()
        if permissions.may(user, f"workbench.{slug}")
    ]


def workbench_sections(user, slug: str) -> list[dict]:
    """The sections registered for workbench ``slug`` that ``user`` may see, each with
    what its template needs: the URLs of a lazy section, or the links of its place."""
    entries = []
    for section in plugins.workbench_sections(slug):
        if not plugins.allowed(user, section.action):
            continue
        entry = {"section": section, "url": None, "link": None, "links": []}
        if section.url_name:
            entry["url"] = plugins.url_or_none(section.url_name)
            if entry["url"] is None:
                continue  # its app is not installed here
            entry["link"] = plugins.url_or_none(section.link_name) if section.link_name else ""
        if section.name:
            entry["links"] = plugins.visible_links(user, plugins.section_links(section.name))
        entries.append(entry)
    return entries


class LoginView(auth_views.LoginView):
    template_name = "registry/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **auth.login_page_context()}


class LogoutView(auth_views.LogoutView):
    """Sign out (POST only, as in Django 5) and say so on the sign-in page."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        was_signed_in = request.user.is_authenticated
        response = super().post(request, *args, **kwargs)
        if was_signed_in:
            # The session is gone by now; the message travels in the messages cookie.
            messages.success(request, _("You have signed out."))
        return response


def home(request: HttpRequest) -> HttpResponse:
    """A visitor gets the public front page an app registered (``plugins.front_page``), or
    the sign-in page; a user their first workbench; an administrator without roles the
    admin."""
    if not request.user.is_authenticated:
        front = plugins.front_page_view()
        if front is None:
            return redirect_to_login(request.get_full_path())
        return front(request)
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
    # The memberships that open this workbench (one role each today).
    grants = permissions.grants_for(request.user, f"workbench.{role}")
    held_role = grants[0].role
    memberships = (
        request.user.memberships.filter(role__in={grant.role for grant in grants})
        .select_related("organisation", "organisation__parent")
        .order_by("organisation__path")
    )
    return render(
        request,
        "registry/workbench.html",
        {
            "title": WORKBENCHES[role],
            "role": held_role,
            "memberships": memberships,
            "sections": workbench_sections(request.user, role),
        },
    )


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """What a locked-out client gets (settings.AXES_LOCKOUT_CALLABLE): the API's JSON or
    the sign-in page with the lockout message. Here, beside the sign-in page, so that
    registry.auth need not import the forms that import it."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": auth.lockout_message(), "code": "locked_out"}, status=429)
    form = LoginForm(request)
    return render(
        request,
        "registry/login.html",
        {"form": form, "locked_out": auth.lockout_message(), **auth.login_page_context()},
        status=429,
    )
