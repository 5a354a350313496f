"""The API of downloads and background jobs.

``GET /api/v1/<list>/export/?<the list's filters>``: the list as .xlsx (200), or, above
``PORTAL["EXPORT_INLINE_MAX_ROWS"]`` rows, ``202 {"job": id, "status_url": ...}``.
``GET /api/v1/jobs/<id>/``: ``{"id", "kind", "state", "done", "total", "error",
"result", "download_url"?}`` (the URL once the file is ready); ``GET
/api/v1/jobs/<id>/download/``: the file. A job is its owner's alone: 404 for anyone else.
Big imports answer the same ``202`` (``job_started``).
"""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from registry import excel, exports
from registry.models import Job
from registry.permissions import AUTHENTICATED
from registry.selectors.jobs import job_get


class JobStartedSerializer(serializers.Serializer):
    job = serializers.IntegerField()
    status_url = serializers.URLField()


class JobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    state = serializers.ChoiceField(choices=Job.State.choices)
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    error = serializers.CharField(allow_blank=True)
    result = serializers.DictField()
    download_url = serializers.URLField(
        required=False, help_text="Present once the job is done and its file is ready."
    )


def job_status(request, job: Job) -> dict:
    body = {
        "id": job.pk,
        "kind": job.kind,
        "state": job.state,
        "done": job.done,
        "total": job.total,
        "error": job.error,
        "result": job.result,
    }
    if job.state == Job.State.DONE and job.file:
        body["download_url"] = request.build_absolute_uri(
            reverse("job-download-api", args=[job.pk])
        )
    return body


def job_started(request, job: Job) -> Response:
    """``202 {"job", "status_url"}``: the answer of an export or import that became a job."""
    url = request.build_absolute_uri(reverse("job-detail", args=[job.pk]))
    return Response(
        {"job": job.pk, "status_url": url},
        status=status.HTTP_202_ACCEPTED,
        headers={"Location": url},
    )


EXPORT_RESPONSES = {
    (200, excel.XLSX_CONTENT_TYPE): OpenApiTypes.BINARY,
    202: OpenApiResponse(
        JobStartedSerializer,
        description="More rows than EXPORT_INLINE_MAX_ROWS: the file is written by a "
        "background job; follow status_url.",
    ),
}


def export_action(name: str, *, description: str = ""):
    """``GET <list>/export/``: the list, filtered as ``GET <list>/`` is, as .xlsx (200) or
    as a background job (202). Add it to a list's viewset as ``export = export_action(...)``;
    the viewset's ``permission_actions`` names its ``export`` permission."""

    @extend_schema(
        filters=True,
        responses=EXPORT_RESPONSES,
        description=description
        or "The list, with the same filters as the list itself, as an Excel workbook.",
    )
    @action(detail=False, methods=["get"], url_path="export", url_name="export")
    def export(self, request):
        spec = exports.get(name)
        filters = exports.filters_of(request.query_params)
        if exports.too_many_for_inline(spec, request.user, filters):
            return job_started(request, exports.start_job(spec, request.user, filters))
        return exports.inline_response(spec, request.user, filters)

    return export


class JobViewSet(viewsets.GenericViewSet):
    """The user's own background jobs: their progress and their files."""

    serializer_class = JobSerializer
    permission_actions = {"retrieve": AUTHENTICATED, "download": AUTHENTICATED}
    queryset = Job.objects.none()

    @extend_schema(responses=JobSerializer)
    def retrieve(self, request, pk=None):
        job = job_get(user=request.user, pk=_pk(pk))
        return Response(job_status(request, job))

    @extend_schema(
        responses={
            (200, excel.XLSX_CONTENT_TYPE): OpenApiTypes.BINARY,
        }
    )
    @action(detail=True, methods=["get"], url_path="download", url_name="download-api")
    def download(self, request, pk=None):
        job = job_get(user=request.user, pk=_pk(pk))
        if job.state != Job.State.DONE or not job.file:
            raise Http404
        return exports.xlsx_file_response(job.file.open("rb"), job.file_name or "export.xlsx")


def _pk(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None
