"""Pages of downloads and background jobs: a list's Excel download (at once, or as a job
with its progress page), the job's progress (polled by htmx) and its file (owner only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from registry import exports, jobs, pages
from registry.models import Job
from registry.selectors.jobs import job_get


@login_required
@require_GET
def export(request: HttpRequest, name: str) -> HttpResponse:
    """``/exports/<list>/?<the list's filters>``: the .xlsx now, or a job for a long list."""
    spec = exports.get(name)
    if spec is None:
        raise Http404
    pages.require(request, *spec.actions)
    filters = exports.filters_of(request.GET)
    if exports.too_many_for_inline(spec, request.user, filters):
        job = exports.start_job(spec, request.user, filters)
        return redirect("job-page", pk=job.pk)
    return exports.inline_response(spec, request.user, filters)


def _context(job: Job) -> dict:
    kind = jobs.kinds().get(job.kind)
    back = ""
    if kind is not None and kind.back_url_name:
        try:
            back = reverse(kind.back_url_name)
        except NoReverseMatch:
            back = ""
    return {
        "job": job,
        "label": kind.label if kind is not None else job.kind,
        "back": back,
        "title": _("Background job: %(label)s") % {"label": kind.label if kind else job.kind},
    }


@login_required
@require_GET
def job_page(request: HttpRequest, pk: int) -> HttpResponse:
    job = job_get(user=request.user, pk=pk)
    return render(request, "registry/jobs/job.html", _context(job))


@login_required
@require_GET
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress panel alone, polled every second until the job has finished."""
    job = job_get(user=request.user, pk=pk)
    return render(request, "registry/jobs/_progress.html", _context(job))


@login_required
@require_GET
def job_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = job_get(user=request.user, pk=pk)
    if job.state != Job.State.DONE or not job.file:
        raise Http404
    return exports.xlsx_file_response(job.file.open("rb"), job.file_name or "export.xlsx")
