"""Pages of the division-code import: upload, preview, apply as a job with its progress."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from registry import pages, services
from registry.errors import DomainError
from registry.forms.deploy import DivisionImportForm
from registry.models import DivisionImport
from registry.services.divisions import progress_key

SHOWN = 200  # rows of each kind of change on the page; the counts are always complete
KINDS = ["added", "renamed", "moved", "abolished", "reopened"]


def _load(request: HttpRequest, pk: int) -> DivisionImport:
    pages.require(request, "division.import")
    record = DivisionImport.objects.select_related("parent", "created_by").filter(pk=pk).first()
    if record is None:
        raise Http404
    return record


@login_required
@require_http_methods(["GET", "POST"])
def division_import(request: HttpRequest) -> HttpResponse:
    pages.require(request, "division.import")
    form = DivisionImportForm(request.POST or None, request.FILES or None)
    row_errors: list[dict] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                record = services.division_import_preview(
                    actor=request.user,
                    data=upload.read(),
                    file_name=upload.name,
                    parent=form.cleaned_data["parent"],
                )
            except DomainError as exc:
                status = pages.show_error(request, exc, form)
                row_errors = exc.extra.get("rows", [])
            else:
                return redirect("division-import-show", pk=record.pk)
        else:
            status = 400
    recent = DivisionImport.objects.select_related("created_by").defer("rows")[:10]
    return render(
        request,
        "registry/deploy/division_import.html",
        {
            "title": _("Import the division codes"),
            "form": form,
            "row_errors": row_errors,
            "recent": recent,
        },
        status=status,
    )


@login_required
@require_GET
def division_import_show(request: HttpRequest, pk: int) -> HttpResponse:
    record = _load(request, pk)
    summary = record.summary
    sections = [
        {"key": key, "entries": summary.get(key, [])[:SHOWN], "count": len(summary.get(key, []))}
        for key in KINDS
    ]
    return render(
        request,
        "registry/deploy/division_import_show.html",
        {
            "title": _("Division-code import: %(file)s") % {"file": record.file_name},
            "record": record,
            "sections": sections,
            "shown": SHOWN,
            "changes": sum(section["count"] for section in sections) + summary.get("updated", 0),
            "progress": _progress(record),
        },
    )


def _progress(record: DivisionImport) -> dict:
    done, total = cache.get(progress_key(record.pk)) or (0, len(record.rows))
    if record.state == DivisionImport.State.APPLIED:
        done = total
    percent = int(done * 100 / total) if total else 100
    return {"done": done, "total": total, "percent": percent}


@login_required
@require_GET
def division_import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    record = _load(request, pk)
    response = render(
        request,
        "registry/deploy/_division_progress.html",
        {"record": record, "progress": _progress(record)},
    )
    if record.state != DivisionImport.State.QUEUED:
        # Finished: reload the page once to show the outcome (htmx stops polling).
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def division_import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    record = _load(request, pk)
    try:
        services.division_import_start(actor=request.user, division_import=record)
    except DomainError as exc:
        pages.show_error(request, exc)
    else:
        messages.success(request, _("The import has started; this page shows its progress."))
    return redirect("division-import-show", pk=record.pk)
