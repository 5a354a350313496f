"""The holiday calendar's page for administrators: which years the portal knows, a year's
days, and the State Council's schedule imported from a small sheet — previewed first (what
is added, what changes), applied on confirmation. Single days stay editable in the admin."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from registry import pages, services, workdays
from registry.errors import DomainError
from registry.excel import xlsx_response
from registry.forms.deploy import CalendarImportForm
from registry.models import CalendarDay
from registry.services.calendar import calendar_template

ACTION = "calendar.manage"


def _year(request: HttpRequest, default: int) -> int:
    try:
        year = int(request.GET.get("year", default))
    except ValueError:
        return default
    # The years a calendar can mean; anything else is a typo, not a request to walk 9999.
    return year if 2000 <= year <= default + 5 else default


def _years_overview(today: datetime.date) -> list[dict]:
    """This year, the next, and every year the table holds: where each one's days come from."""
    counts = {
        row["year"]: row
        for row in CalendarDay.objects.annotate(year=ExtractYear("day"))
        .values("year")
        .annotate(
            holidays=Count("pk", filter=Q(kind=CalendarDay.Kind.HOLIDAY)),
            workdays=Count("pk", filter=Q(kind=CalendarDay.Kind.WORKDAY)),
        )
    }
    overview = []
    for year in sorted({today.year, today.year + 1, *counts}):
        row = counts.get(year, {})
        overview.append(
            {
                "year": year,
                "holidays": row.get("holidays", 0),
                "workdays": row.get("workdays", 0),
                "in_table": year in counts,
                "covered": workdays.is_covered(year),
            }
        )
    return overview


@login_required
@require_http_methods(["GET", "POST"])
def calendar(request: HttpRequest) -> HttpResponse:
    pages.require(request, ACTION)
    today = timezone.localdate()
    form = CalendarImportForm(request.POST or None, request.FILES or None)
    plan, row_errors, status = None, [], 200
    if request.method == "POST" and "plan" in request.POST:
        # The confirmation: apply exactly the rows that were previewed.
        try:
            rows = services.calendar_plan_load(request.POST["plan"])
            done = services.calendar_apply(actor=request.user, rows=rows)
        except DomainError as exc:
            status = pages.show_error(request, exc)
        else:
            messages.success(
                request,
                _("%(added)s days added and %(changed)s changed; %(same)s were already so.")
                % {
                    "added": len(done.added),
                    "changed": len(done.changed),
                    "same": done.unchanged,
                },
            )
            year = done.years[0] if done.years else today.year
            return redirect(f"{reverse('calendar')}?year={year}")
    elif request.method == "POST":
        if form.is_valid():
            try:
                plan = services.calendar_import_preview(
                    actor=request.user, upload=form.cleaned_data["file"]
                )
            except DomainError as exc:
                status = pages.show_error(request, exc, form)
                row_errors = exc.extra.get("rows", [])
        else:
            status = 400
    year = _year(request, today.year)
    return render(
        request,
        "registry/deploy/calendar.html",
        {
            "title": _("Holiday calendar"),
            "form": form,
            "plan": plan,
            "row_errors": row_errors,
            "overview": _years_overview(today),
            "year": year,
            "days": CalendarDay.objects.filter(day__year=year).order_by("day"),
        },
        status=status,
    )


@login_required
@require_GET
def calendar_template_download(request: HttpRequest) -> HttpResponse:
    pages.require(request, ACTION)
    return xlsx_response(calendar_template(), _("holiday-calendar.xlsx"), fallback="holidays.xlsx")
