"""Pages of off-platform reports: the report form, the list and the liaison's section.

Thin: selectors read (already scoped to the user), services write; NotFound and
PermissionDenied go on to registry.middleware.DomainErrorMiddleware.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from monitoring import selectors, services
from monitoring.forms import (
    OffPlatformFilterForm,
    OffPlatformReportForm,
)
from monitoring.permissions import REPORTER_VIEW
from registry import pages, permissions
from registry.errors import DomainError, IllegalTransition, PermissionDenied

PAGE_SIZE = 25
SECTION_SIZE = 5


# --- Off-platform reports ----------------------------------------------------------------------


def _report_form(request: HttpRequest, data=None, files=None, **kwargs) -> OffPlatformReportForm:
    communities = list(selectors.reporting_communities(user=request.user))
    if not communities:
        raise PermissionDenied()
    return OffPlatformReportForm(
        data,
        files,
        communities=communities,
        departments=selectors.reporting_departments(communities=communities),
        **kwargs,
    )


@login_required
def offplatform_new(request: HttpRequest) -> HttpResponse:
    """A cadre or liaison records a demand that reached the community off the platform."""
    pages.require(request, "offplatform.report")
    status = 200  # or the refusal's, when a service refuses
    back = pages.safe_next(request, reverse("offplatform-reports"))
    if request.method == "POST":
        form = _report_form(request, request.POST, request.FILES)
        if form.is_valid():
            try:
                report = services.offplatform_report_create(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                status = pages.show_error(request, exc, form)
            else:
                messages.success(
                    request,
                    _("Recorded: “%(title)s” from %(department)s.")
                    % {
                        "title": report.title,
                        "department": report.department.name
                        if report.department
                        else _("Other / not sure"),
                    },
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


# --- One report: what the community filed, its evidence, and its corrections ------------------


@login_required
@require_GET
def offplatform_report(request: HttpRequest, pk: int) -> HttpResponse:
    """One report, with edit and withdraw for the reporting community's cadres while no clue
    uses it (services.OFFPLATFORM_REPORT)."""
    report = selectors.offplatform_get(user=request.user, pk=pk)
    actions = services.OFFPLATFORM_REPORT.buttons(
        request.user,
        report,
        url=lambda action: reverse(f"offplatform-{action}", args=[report.pk]),
    )
    return render(
        request,
        "monitoring/report_page.html",
        {
            "title": report.title,
            "report": report,
            # The edit is a page of its own (a link); the withdrawal a confirmed POST.
            "edit": next((b for b in actions if b.action == "edit"), None),
            "actions": [b for b in actions if b.action != "edit"],
            "show_evidence": bool(report.evidence)
            and selectors.evidence_visible(user=request.user, report=report),
            "show_reporter": selectors.evidence_visible(user=request.user, report=report),
        },
    )


def _edit_initial(report) -> dict:
    return {
        "community": report.community_id,
        "department": report.department_id,
        "title": report.title,
        "channel": report.channel,
        "received_on": report.received_on,
        "due_date": report.due_date,
        "hours": report.hours,
        "description": report.description,
    }


@login_required
def offplatform_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The reporting community's cadre corrects the report (and may attach evidence)."""
    report = selectors.offplatform_get(user=request.user, pk=pk, action="offplatform.report")
    status = 200
    page = reverse("offplatform-report", args=[report.pk])
    posted = request.method == "POST"
    form = _report_form(
        request,
        request.POST if posted else None,
        request.FILES if posted else None,
        initial=_edit_initial(report),
    )
    # A report stays with its community: the choice is not offered again.
    form.fields["community"].disabled = True
    if posted and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k not in ("community", "evidence")}
        try:
            services.offplatform_report_update(
                actor=request.user,
                report=report,
                evidence=form.cleaned_data.get("evidence"),
                **changes,
            )
        except IllegalTransition as exc:
            messages.error(request, str(exc.message))
            return redirect(page)
        except DomainError as exc:
            status = pages.show_error(request, exc, form)
        else:
            messages.success(request, _("The report is corrected."))
            return redirect(page)
    return render(
        request,
        "monitoring/report_edit.html",
        {
            "title": _("Correct the report"),
            "report": report,
            "form": form,
            "action_url": reverse("offplatform-edit", args=[report.pk]),
            "submit_label": _("Save the correction"),
            "next": page,
        },
        status=status,
    )


@login_required
@require_POST
def offplatform_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw the report (after the page's confirmation) while no clue uses it."""
    report = selectors.offplatform_get(user=request.user, pk=pk, action="offplatform.report")
    try:
        services.offplatform_report_withdraw(actor=request.user, report=report)
    except IllegalTransition as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request, _("“%(title)s” is withdrawn; it no longer counts.") % {"title": report.title}
        )
    return redirect("offplatform-report", pk=report.pk)


@login_required
@require_GET
def offplatform_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """The evidence image, only to the community's side (never to a department: it may show
    who reported). Media is never served publicly."""
    report = selectors.offplatform_get(user=request.user, pk=pk)
    if not selectors.evidence_visible(user=request.user, report=report):
        raise PermissionDenied()
    if not report.evidence or not default_storage.exists(report.evidence.name):
        raise Http404
    response = FileResponse(
        default_storage.open(report.evidence.name, "rb"), content_type="image/jpeg"
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
