"""The supervisors' dashboard page (/dashboard/): every registered section for an area, a
period and a baseline; each table with its chart and its .xlsx (``?format=xlsx``, the
page's own URL); and the baseline a supervisor saves for the area."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from registry import excel, pages, permissions, services
from registry.errors import DomainError, InvalidInput, NotFound
from registry.forms.dashboard import (
    BASELINE_PRESETS,
    PERIOD_PRESETS,
    BaselineForm,
    dashboard_request,
)
from registry.selectors import dashboard as board

# Column widths in Excel by the kind of column.
WIDTHS = {"text": 28, "int": 12, "number": 14, "percent": 14, "date": 12}


def _shown(value: Any, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "percent":
        return f"{formats.number_format(value, 1)}%"
    if kind == "number":
        return formats.number_format(value, 1)
    return str(value)


def _any_figure(rows: list[dict], keys: list[str]) -> bool:
    return any(row.get(key) for row in rows for key in keys)


def _table_view(spec: dict) -> dict:
    """A table as the template draws it: cells with their text and link."""

    def cells(row: dict) -> list[dict]:
        links = row.get("links") or {}
        return [
            {
                "text": _shown(row.get(c["key"]), c["kind"]),
                "href": links.get(c["key"]),
                "numeric": c["kind"] != "text",
            }
            for c in spec["columns"]
        ]

    chart = None
    if spec.get("chart") and _any_figure(spec["rows"], spec["chart"]["y"]):
        ch = spec["chart"]
        labels = {c["key"]: c["label"] for c in spec["columns"]}
        chart = {
            "type": ch["type"],
            "title": spec["title"],
            "categories": [str(r.get(ch["x"], "")) for r in spec["rows"]],
            "series": [
                {"name": labels.get(y, y), "data": [r.get(y) for r in spec["rows"]]}
                for y in ch["y"]
            ],
        }
    return {
        **spec,
        "body": [cells(r) for r in spec["rows"]],
        "apart": [cells(r) for r in spec.get("unranked") or []],
        "chart_data": chart,
    }


def _totals_view(result: dict, baseline: dict) -> list[dict]:
    rows = []
    for key, value in result["totals"].items():
        then = baseline["totals"].get(key)
        rows.append(
            {
                "key": key,
                "label": result["labels"].get(key, key),
                "value": _shown(value, "number" if isinstance(value, float) else "int"),
                "baseline": _shown(then, "number" if isinstance(then, float) else "int"),
                "change": board.change(value, then),
                "href": result["links"].get(key),
            }
        )
    return rows


def _compare_chart(section_heading: str, totals: list[dict], result: dict, baseline: dict):
    """The section's totals this period against the baseline (同比), as bars."""
    keys = [t["key"] for t in totals if isinstance(result["totals"][t["key"]], int)]
    if not _any_figure([result["totals"], baseline["totals"]], keys):
        return None  # nothing to compare: the totals above say so without a bare chart
    return {
        "type": "bar",
        "title": section_heading,
        "categories": [result["labels"].get(k, k) for k in keys],
        "series": [
            {"name": _("This period"), "data": [result["totals"][k] for k in keys]},
            {"name": _("Baseline"), "data": [baseline["totals"].get(k) for k in keys]},
        ],
        "changes": [board.change(result["totals"][k], baseline["totals"].get(k)) for k in keys],
    }


def _xlsx(figures, query, wanted: str) -> HttpResponse:
    """One table (``?table=<section>.<table>``) or every table, as sheets."""
    sheets = []
    for section, result, baseline in figures:
        for which, answer in ((_("This period"), result), (_("Baseline"), baseline)):
            for spec in answer["tables"]:
                name = f"{section.key}.{spec['key']}"
                if wanted and wanted != name:
                    continue
                columns = [
                    excel.Column(c["key"], c["label"], WIDTHS.get(c["kind"], 14))
                    for c in spec["columns"]
                ]
                rows = [
                    [r.get(c.key) for c in columns]
                    for r in spec["rows"] + (spec.get("unranked") or [])
                ]
                title = f"{spec['title']}" if wanted else f"{section.heading}-{spec['title']}"
                sheets.append(excel.Sheet(f"{which}-{title}", columns, rows))
    if not sheets:
        raise Http404()
    period = query.period
    filename = f"dashboard-{query.area.code}-{period.start}-{period.end}.xlsx"
    return excel.xlsx_response(excel.workbook_bytes(*sheets), filename, fallback=filename)


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    pages.require(request, "dashboard.view")
    try:
        query = dashboard_request(user=request.user, data=request.GET)
    except NotFound as exc:
        raise Http404(str(exc.message)) from None
    except InvalidInput as exc:
        problems = [str(m) for ms in (exc.extra.get("fields") or {}).values() for m in ms]
        messages.error(request, " ".join(problems) or str(exc.message))
        query = dashboard_request(user=request.user, data={"area": request.GET.get("area", "")})
    figures = board.dashboard_figures(
        user=request.user,
        area=query.area,
        period=query.period,
        baseline=query.baseline,
        params=query.params,
    )
    if request.GET.get("format") == "xlsx":
        return _xlsx(figures, query, request.GET.get("table", ""))

    sections = []
    for section, result, baseline in figures:
        totals = _totals_view(result, baseline)
        tables = [_table_view(t) for t in result["tables"]]
        for spec in tables:
            spec["xlsx"] = "?" + urlencode(
                {**query.params, "format": "xlsx", "table": f"{section.key}.{spec['key']}"}
            )
            spec["chart_id"] = f"chart-{section.key}-{spec['key']}"
        sections.append(
            {
                "section": section,
                "result": result,
                "totals": totals,
                "tables": tables,
                "compare_id": f"chart-{section.key}-compare",
                "compare": _compare_chart(str(section.heading), totals, result, baseline)
                if result["available"]
                else None,
            }
        )
    area = query.area
    crumbs = []
    if area.parent_id is not None:
        ancestors = board.dashboard_ancestors(user=request.user, area=area)
        crumbs = [
            (a.name, reverse("dashboard") + "?" + urlencode({**query.params, "area": a.code}))
            for a in ancestors
        ]
    may_save = permissions.may(request.user, "dashboard.baseline", area) and area.kind == "area"
    return render(
        request,
        "registry/dashboard/dashboard.html",
        {
            "title": _("Burden dashboard"),
            "query": query,
            "area": area,
            "crumbs": crumbs,
            "sections": sections,
            "areas": board.dashboard_areas(user=request.user),
            "period_presets": [
                (value, label, "?" + urlencode({"area": area.code, "period": value}))
                for value, label in PERIOD_PRESETS
            ],
            "baseline_presets": [
                (value, label, "?" + urlencode({**_period_only(query.params), "baseline": value}))
                for value, label in BASELINE_PRESETS
            ],
            "xlsx_all": "?" + urlencode({**query.params, "format": "xlsx"}),
            "baseline_form": BaselineForm(
                initial={
                    "name": query.baseline_name or _("Before the admission rules"),
                    "start": query.baseline.start,
                    "end": query.baseline.end,
                }
            )
            if may_save
            else None,
            "min_events": board.min_events(),
        },
    )


def _period_only(params: dict[str, str]) -> dict[str, str]:
    return {k: params[k] for k in ("area", "from", "until") if k in params}


@login_required
@require_POST
def dashboard_baseline(request: HttpRequest) -> HttpResponse:
    """Save the area's baseline period, then show the dashboard against it."""
    pages.require(request, "dashboard.baseline")
    try:
        area = board.dashboard_area(user=request.user, code=request.POST.get("area", ""))
    except NotFound:
        raise Http404() from None
    back = reverse("dashboard") + "?" + urlencode({"area": area.code, "baseline": "saved"})
    form = BaselineForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(back)
    try:
        services.dashboard_baseline_save(actor=request.user, area=area, **form.cleaned_data)
    except DomainError as exc:
        pages.show_error(request, exc)
        return redirect(back)
    messages.success(
        request,
        _("Baseline saved: %(name)s, %(start)s to %(end)s.")
        % {
            "name": form.cleaned_data["name"],
            "start": formats.date_format(form.cleaned_data["start"]),
            "end": formats.date_format(form.cleaned_data["end"]),
        },
    )
    return redirect(back)
