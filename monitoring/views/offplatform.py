"""Pages of off-platform reports: the report form, the list and the liaison's section.

Thin: selectors read (already scoped to the user), services write; NotFound and
PermissionDenied go on to registry.middleware.DomainErrorMiddleware.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from monitoring import selectors, services
from monitoring.forms import (
    OffPlatformFilterForm,
    OffPlatformReportForm,
)
from monitoring.permissions import REPORTER_VIEW
from registry import pages, permissions
from registry.errors import DomainError, PermissionDenied

PAGE_SIZE = 25
SECTION_SIZE = 5


# --- Off-platform reports ----------------------------------------------------------------------


def _report_form(request: HttpRequest, data=None) -> OffPlatformReportForm:
    communities = list(selectors.reporting_communities(user=request.user))
    if not communities:
        raise PermissionDenied()
    return OffPlatformReportForm(
        data,
        communities=communities,
        departments=selectors.reporting_departments(communities=communities),
    )


@login_required
def offplatform_new(request: HttpRequest) -> HttpResponse:
    """A cadre or liaison records a demand that reached the community off the platform."""
    pages.require(request, "offplatform.report")
    status = 200  # or the refusal's, when a service refuses
    back = pages.safe_next(request, reverse("offplatform-reports"))
    if request.method == "POST":
        form = _report_form(request, request.POST)
        if form.is_valid():
            try:
                report = services.offplatform_report_create(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                status = pages.show_error(request, exc, form)
            else:
                messages.success(
                    request,
                    _("Recorded: “%(title)s” from %(department)s.")
                    % {"title": report.title, "department": report.department.name},
                )
                return redirect(back)
    else:
        form = _report_form(request)
    communities = list(form.fields["community"].queryset)
    return render(
        request,
        "monitoring/report_new.html",
        {
            "title": _("Report a demand received off the platform"),
            "form": form,
            "community": communities[0] if len(communities) == 1 else None,
            "next": back,
        },
        status=status,
    )


@login_required
@require_GET
def offplatform_reports(request: HttpRequest) -> HttpResponse:
    """Reports the user sees: their community's, against their department, or in their area."""
    pages.require(request, "offplatform.view_community", "offplatform.view_department")
    visible = selectors.offplatform_list(user=request.user)
    # The form renders the filters; OffPlatformReportFilter (the API's too) applies them.
    form = OffPlatformFilterForm(
        request.GET or None, departments=selectors.offplatform_departments(visible)
    )
    reports = pages.filtered(request, selectors.offplatform_list, user=request.user)
    page = pages.paginate(request, reports.order_by("-received_on", "-id"), PAGE_SIZE)
    return render(
        request,
        "monitoring/reports.html",
        {
            "title": _("Off-platform demands"),
            "form": form,
            "page_obj": page,
            "may_report": permissions.may(request.user, "offplatform.report"),
            # Reporter protection: whoever sees reports as a department never sees who
            # filed them (a per-page rule, so a mixed-role user errs on the safe side).
            "show_reporter": permissions.may(request.user, REPORTER_VIEW)
            and not permissions.may(request.user, "offplatform.view_department"),
        },
    )


@login_required
@require_GET
def offplatform_section(request: HttpRequest) -> HttpResponse:
    """The liaison workbench's section (loaded by htmx): the report form and the
    community's recent reports."""
    pages.require(request, "offplatform.report")
    form = _report_form(request)
    recent = (
        selectors.offplatform_list(user=request.user)
        .filter(community__in=form.fields["community"].queryset)
        .order_by("-received_on", "-id")[:SECTION_SIZE]
    )
    return render(
        request,
        "monitoring/_liaison_section.html",
        {"form": form, "recent": recent, "next": reverse("workbench", args=["liaison"])},
    )
