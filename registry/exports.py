"""Every list downloads as .xlsx, filtered exactly as the page or the API shows it.

A list's export is a ``ListExport``: the list's selector (scoped to the user, filtered by
the same FilterSet through ``apply_filters``: the file holds exactly the rows the list
shows), the fields read with ``values_list`` (no model instances), the Excel kit's
columns, and a function turning a tuple of fields into the row's cells (labels for
choices, dates as dates). Apps register theirs with ``register`` from ``ready()``; the
hub names none of them.

``export_page`` and ``export_api`` answer a download request. Up to
``PORTAL["EXPORT_INLINE_MAX_ROWS"]`` rows the workbook is written to a temporary file and
streamed back at once; above it a background job is started (``registry.services.jobs``,
kind ``export:<list>``): the page goes to the job's progress page, the API answers
``202 {"job", "status_url"}``. Either way rows come from the database in chunks
(``excel.stream_rows``) into openpyxl's write-only sheet, so memory stays flat whatever
the number of rows (docs/performance.md, "Exports").
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse, QueryDict
from django.utils import timezone, translation
from django.utils.functional import Promise

from registry import excel, jobs
from registry.models import Job, User

# Query parameters that are not filters (a page number, the format switch).
NOT_FILTERS = ("page", "page_size", "format", "cursor")
CHUNK_SIZE = 2000


@dataclass(frozen=True)
class ListExport:
    # The list's name in URLs and job kinds: /exports/<name>/, "export:<name>".
    name: str
    title: str | Promise
    # The permission action (any one of several) a user needs to download the list.
    actions: tuple[str, ...]
    # (user, filters) -> the list's queryset, scoped and filtered, in the list's order.
    rows: Callable[[User, Any], QuerySet]
    fields: Sequence[str]
    columns: Sequence[excel.Column]
    # A tuple of ``fields`` -> the row's cells; None: the tuple as it is.
    cells: Callable[[tuple], Sequence[Any]] | None = None
    # The list page the download is made from (its URL name), for the job page's link back.
    page_url_name: str = ""

    @property
    def kind(self) -> str:
        return f"export:{self.name}"


_EXPORTS: dict[str, ListExport] = {}


def register(spec: ListExport) -> ListExport:
    _EXPORTS[spec.name] = spec
    jobs.register(
        jobs.JobKind(
            name=spec.kind,
            label=spec.title,
            run=lambda job, progress: _run(spec, job, progress),
            back_url_name=spec.page_url_name,
        )
    )
    return spec


def get(name: str) -> ListExport | None:
    return _EXPORTS.get(name)


def registered() -> dict[str, ListExport]:
    return dict(_EXPORTS)


def filters_of(query: QueryDict) -> QueryDict:
    """The request's filters, without the page number and the format switch."""
    filters = query.copy()
    for key in NOT_FILTERS:
        filters.pop(key, None)
    return filters


def choice_label(choices) -> Callable[[Any], str]:
    """A choice's value -> its label in the active language ("" for none)."""
    labels = dict(choices)
    return lambda value: str(labels.get(value, value or ""))


def yes_no(value) -> str:
    from django.utils.translation import gettext as _

    return _("Yes") if value else _("No")


def person(display_name: str | None, username: str | None) -> str:
    return display_name or username or ""


def file_name(spec: ListExport) -> str:
    return f"{spec.title}-{timezone.localdate():%Y%m%d}.xlsx"


def write(spec: ListExport, user: User, filters, target, progress=None, total: int = 0) -> int:
    """Write the filtered list of ``user`` to ``target`` (a path or a binary file)."""
    queryset = spec.rows(user, filters)
    rows = excel.stream_rows(queryset, spec.fields, chunk_size=CHUNK_SIZE)
    if spec.cells is not None:
        rows = map(spec.cells, rows)
    report = None if progress is None else (lambda done: progress(done, max(total, done)))
    return excel.write_workbook(
        target, excel.Sheet(str(spec.title), spec.columns, rows), progress=report
    )


def _run(spec: ListExport, job: Job, progress) -> jobs.JobOutput:
    # Headers and labels in the language the download was asked for.
    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        return _write_job(spec, job, progress)


def _write_job(spec: ListExport, job: Job, progress) -> jobs.JobOutput:
    filters = QueryDict(job.params.get("query", ""))
    total = spec.rows(job.owner, filters).count()
    progress(0, total)
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115
    handle.close()
    path = Path(handle.name)
    try:
        write(spec, job.owner, filters, path, progress=progress, total=total)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return jobs.JobOutput(path=path, file_name=file_name(spec))


def inline_limit() -> int:
    return settings.PORTAL["EXPORT_INLINE_MAX_ROWS"]


def too_many_for_inline(spec: ListExport, user: User, filters) -> bool:
    """More rows than an inline download takes? (A bounded count: LIMIT n + 1.)"""
    limit = inline_limit()
    return spec.rows(user, filters).order_by()[: limit + 1].count() > limit


def xlsx_file_response(handle, name: str) -> FileResponse:
    """A job's file, streamed from the storage in blocks."""
    response = FileResponse(handle, content_type=excel.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = excel.attachment(name)
    return response


def inline_response(spec: ListExport, user: User, filters) -> HttpResponse:
    """The workbook now. Rows stream into a temporary file (openpyxl write-only), and the
    finished file, at most EXPORT_INLINE_MAX_ROWS rows (a few hundred kB), is the body."""
    with tempfile.TemporaryFile() as handle:
        write(spec, user, filters, handle)
        handle.seek(0)
        content = handle.read()
    response = HttpResponse(content, content_type=excel.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = excel.attachment(file_name(spec))
    return response


def start_job(spec: ListExport, user: User, filters) -> Job:
    from registry.services.jobs import job_start

    return job_start(
        actor=user,
        kind=spec.kind,
        actions=spec.actions,
        params={"query": filters.urlencode(), "language": translation.get_language()},
    )
