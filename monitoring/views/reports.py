"""Pages of the monthly monitoring report: the liaison's phone-first report (pre-filled
list, add and correct entries, submit with confirmation) and the supervisors' list with
totals per department and the Excel export. Thin: selectors read, services write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from monitoring import deadlines, selectors, services
from monitoring.excel import XLSX_CONTENT_TYPE, reports_workbook
from monitoring.filters import parse_period
from monitoring.forms import ReportCorrectionForm, ReportEntryForm
from monitoring.models import MonitoringReport, ReportEntry
from monitoring.permissions import (
    CLUE_RAISE,
    REPORT_EXPORT,
    REPORT_FILE,
    REPORT_VIEW,
)
from registry import pages, permissions
from registry.errors import DomainError, InvalidInput

PAGE_SIZE = 25


def _period_from(request: HttpRequest):
    value = request.GET.get("period") or request.POST.get("period")
    if value:
        try:
            return parse_period(value, "period")
        except InvalidInput:
            return None
    return None


@login_required
@require_GET
def monthly_reports(request: HttpRequest) -> HttpResponse:
    """Liaisons: their points' reports and "open this month's". Supervisors: the area's
    reports for a month, with totals per department and the Excel download."""
    pages.require(request, REPORT_VIEW)
    today = timezone.localdate()
    # MonitoringReportFilter (the API's too); a bad value is a message over the full list.
    reports = pages.filtered(request, selectors.report_list, user=request.user)
    page = pages.paginate(request, reports, PAGE_SIZE)
    points = selectors.liaison_points(user=request.user, day=today)
    opened = set(
        MonitoringReport.objects.filter(
            community__in=points, period=deadlines.month_start(today)
        ).values_list("community_id", flat=True)
    )
    return render(
        request,
        "monitoring/monthly_reports.html",
        {
            "title": _("Monthly monitoring reports"),
            "page_obj": page,
            "to_open": [p for p in points if p.pk not in opened],
            "this_month": f"{today:%Y-%m}",
            "totals": selectors.totals_by_department(reports)
            if permissions.may(request.user, REPORT_EXPORT)
            else [],
            "may_export": permissions.may(request.user, REPORT_EXPORT),
            "period": request.GET.get("period", ""),
            "state": request.GET.get("state", ""),
        },
    )


@login_required
@require_POST
def monthly_open(request: HttpRequest) -> HttpResponse:
    pages.require(request, REPORT_FILE)
    today = timezone.localdate()
    period = _period_from(request) or deadlines.month_start(today)
    points = {str(p.pk): p for p in selectors.liaison_points(user=request.user, day=period)}
    community = points.get(request.POST.get("community", ""))
    if community is None:
        messages.error(request, _("Choose a monitoring point you report for."))
        return redirect("monthly-reports")
    try:
        report = services.monitoring_report_open(
            actor=request.user, community=community, period=period
        )
    except DomainError as exc:
        pages.show_error(request, exc)
        existing = (
            MonitoringReport.objects.filter(community=community, period=period)
            .exclude(state=MonitoringReport.State.SUPERSEDED)
            .first()
        )
        return (
            redirect("monthly-report", pk=existing.pk) if existing else redirect("monthly-reports")
        )
    messages.success(
        request,
        _("The report of %(month)s is open with %(count)s entries from the platform.")
        % {"month": report.period_label, "count": report.entries.count()},
    )
    return redirect("monthly-report", pk=report.pk)


@login_required
@require_GET
def monthly_report(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(user=request.user, pk=pk)
    entries = list(report.entries.all())
    may_edit = report.is_editable and permissions.may(request.user, REPORT_FILE, report.community)
    return render(
        request,
        "monitoring/monthly_report.html",
        {
            "title": _("Monitoring report %(month)s") % {"month": report.period_label},
            "report": report,
            "entries": entries,
            "may_edit": may_edit,
            "actions": services.MONITORING_REPORT.buttons(
                request.user,
                report,
                url=lambda action: reverse("monthly-action", args=[report.pk, action]),
                form=lambda transition: (
                    ReportCorrectionForm(auto_id="reason-%s")
                    if transition.reason_required
                    else None
                ),
            ),
            "may_raise_clue": permissions.may(request.user, CLUE_RAISE, report.community),
            "totals": {
                "hours": sum((e.hours or 0) for e in entries),
                "households": sum((e.households or 0) for e in entries),
            },
        },
    )


def _departments(report: MonitoringReport):
    return selectors.reporting_departments(communities=[report.community])


@login_required
@require_http_methods(["GET", "POST"])
def entry_new(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(user=request.user, pk=pk, action=REPORT_FILE)
    status = 200
    form = ReportEntryForm(
        request.POST or None,
        departments=_departments(report),
        initial={"demanded_on": min(timezone.localdate(), deadlines.month_end(report.period))},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.report_entry_add(actor=request.user, report=report, **form.cleaned_data)
        except DomainError as exc:
            status = pages.show_error(request, exc, form)
        else:
            messages.success(request, _("Added: %(title)s") % {"title": form.cleaned_data["title"]})
            return redirect("monthly-report", pk=report.pk)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "monitoring/monthly_entry.html",
        {"title": _("Add a demand"), "report": report, "form": form, "entry": None},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, pk: int, entry_id: int) -> HttpResponse:
    report = selectors.report_get(user=request.user, pk=pk, action=REPORT_FILE)
    entry = selectors.entry_get(report=report, pk=entry_id)
    prefilled = entry.source != ReportEntry.Source.MANUAL
    initial = {name: getattr(entry, name) for name in services.reports.ENTRY_FIELDS}
    form = ReportEntryForm(
        request.POST or None,
        departments=_departments(report),
        prefilled=prefilled,
        initial=initial,
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.report_entry_update(
                actor=request.user, report=report, entry=entry, **form.cleaned_data
            )
        except DomainError as exc:
            status = pages.show_error(request, exc, form)
        else:
            messages.success(request, _("Corrected: %(title)s") % {"title": entry.title})
            return redirect("monthly-report", pk=report.pk)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "monitoring/monthly_entry.html",
        {"title": _("Correct an entry"), "report": report, "form": form, "entry": entry},
        status=status,
    )


@login_required
@require_POST
def entry_delete(request: HttpRequest, pk: int, entry_id: int) -> HttpResponse:
    report = selectors.report_get(user=request.user, pk=pk)
    entry = selectors.entry_get(report=report, pk=entry_id)
    try:
        services.report_entry_delete(actor=request.user, report=report, entry=entry)
    except DomainError as exc:
        pages.show_error(request, exc)
    else:
        messages.success(request, _("Deleted: %(title)s") % {"title": entry.title})
    return redirect("monthly-report", pk=report.pk)


@login_required
@require_POST
def monthly_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    report = selectors.report_get(user=request.user, pk=pk)
    try:
        if action == "submit":
            services.monitoring_report_submit(actor=request.user, report=report)
            messages.success(
                request, _("The report of %(month)s is submitted.") % {"month": report.period_label}
            )
        elif action == "correct":
            correction = services.monitoring_report_correct(
                actor=request.user, report=report, reason=request.POST.get("reason", "")
            )
            messages.success(
                request,
                _("A correction (version %(version)s) is open.") % {"version": correction.version},
            )
            return redirect("monthly-report", pk=correction.pk)
        else:
            raise InvalidInput(_("Unknown action “%(action)s”.") % {"action": action})
    except DomainError as exc:
        pages.show_error(request, exc)
    return redirect("monthly-report", pk=report.pk)


@login_required
@require_GET
def monthly_section(request: HttpRequest) -> HttpResponse:
    """The liaison workbench's section: this month's report, open it or carry on."""
    pages.require(request, REPORT_FILE)
    today = timezone.localdate()
    points = selectors.liaison_points(user=request.user, day=today)
    reports = {
        r.community_id: r
        for r in MonitoringReport.objects.filter(
            community__in=points, period=deadlines.month_start(today)
        ).exclude(state=MonitoringReport.State.SUPERSEDED)
    }
    rows = [{"community": p, "report": reports.get(p.pk)} for p in points]
    return render(
        request,
        "monitoring/_monthly_section.html",
        {
            "rows": rows,
            "this_month": f"{today:%Y-%m}",
            "due": deadlines.report_due_date(deadlines.month_start(today)),
        },
    )


@login_required
@require_GET
def monthly_export(request: HttpRequest) -> HttpResponse:
    """Every entry of the area's reports (the page's filters) as a workbook, streamed row by
    row in write-only mode. Formula-looking text is written as text."""
    pages.require(request, REPORT_EXPORT)
    filters = request.GET.copy()
    reports = selectors.report_list(user=request.user, filters=filters)
    content = reports_workbook(
        selectors.export_entries(reports).iterator(chunk_size=2000),
        title=_("Monitoring reports"),
    )
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="monitoring-reports.xlsx"'
    return response
