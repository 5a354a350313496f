"""Pages of admitted work items and the published lists: the reviewers' suspend / reinstate /
revoke, list import from Excel, the public lists (as of any day, for the wall, as .xlsx)
and the public verification of an admission number."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from registry import excel, imports, lists_excel, pages, permissions, selectors, services
from registry.errors import DomainError
from registry.excel import xlsx_response
from registry.forms.admission import (
    AsOfForm,
    ListImportForm,
    WorkItemFilterForm,
    WorkItemStatusForm,
)
from registry.models import (
    Frequency,
    ListKind,
    WorkItem,
)
from registry.selectors import submission_checks as checks
from registry.services.work_items import WORK_ITEM, WORK_ITEM_ACTIONS

WALL_TITLES = {
    ListKind.DUTY: gettext_lazy("List of duties communities perform by law"),
    ListKind.ASSIST: gettext_lazy("List of work communities do to assist government by law"),
    ListKind.NEGATIVE: gettext_lazy("List of work communities must not bear (negative list)"),
}


@login_required
@require_GET
def work_item_list(request: HttpRequest) -> HttpResponse:
    pages.require(request, "work_item.view")
    departments = list(selectors.departments_with_items().values_list("code", "name"))
    # The form renders the filters; WorkItemFilter (the API's too) applies them.
    form = WorkItemFilterForm(request.GET or None, departments=departments)
    items = (
        pages.filtered(request, selectors.work_item_list, user=request.user)
        .prefetch_related(None)
        .order_by("jurisdiction__path", "list_kind", "admission_number", "id")
    )
    return render(
        request,
        "registry/admission/work_item_list.html",
        {
            "title": _("Work items"),
            "filter_form": form,
            "page_obj": pages.paginate(request, items),
            "may_import": permissions.may(request.user, "work_item.manage"),
        },
    )


def _work_item_page(
    request: HttpRequest,
    item: WorkItem,
    *,
    bound: tuple[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    status_actions = WORK_ITEM.buttons(
        request.user,
        item,
        url=lambda action: reverse("work-item-status", args=[item.admission_number, action]),
        form=lambda transition: WorkItemStatusForm(prefix=transition.action),
        bound=bound,
    )
    applications = (
        selectors.application_list(user=request.user)
        .filter(Q(work_item=item) | Q(renewal_of=item))
        .prefetch_related(None)
        .order_by("created_at", "id")
        .distinct()
    )
    scope = list(item.scope.all())
    today = timezone.localdate()
    return render(
        request,
        "registry/admission/work_item_detail.html",
        {
            "title": item.title,
            "item": item,
            "scope": scope,
            "applications": list(applications),
            "status_actions": status_actions,
            "valid_today": item.is_active_on(today),
            "yearly_hours": checks.yearly_hours(item.frequency, item.hours_per_occurrence),
        },
        status=status,
    )


@login_required
@require_GET
def work_item_detail(request: HttpRequest, admission_number: str) -> HttpResponse:
    item = selectors.work_item_get(user=request.user, admission_number=admission_number)
    return _work_item_page(request, item)


@login_required
@require_POST
def work_item_status(request: HttpRequest, admission_number: str, action: str) -> HttpResponse:
    """Suspend, reinstate or revoke an item (reviewers of its jurisdiction)."""
    if action not in WORK_ITEM_ACTIONS:
        raise Http404
    item = selectors.work_item_get(
        user=request.user, admission_number=admission_number, action="work_item.manage"
    )
    form = WorkItemStatusForm(request.POST, prefix=action)
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
        return _work_item_page(request, item, bound=(action, form), status=400)
    try:
        item = services.work_item_change_status(
            actor=request.user, item=item, action=action, reason=form.cleaned_data["reason"]
        )
    except DomainError as exc:
        status = pages.show_error(request, exc, form)
        fresh = selectors.work_item_get(user=request.user, admission_number=admission_number)
        return _work_item_page(request, fresh, bound=(action, form), status=status)
    messages.success(
        request,
        _("%(number)s is now %(status)s.")
        % {"number": item.admission_number, "status": item.get_status_display()},
    )
    return redirect("work-item-page", admission_number=item.admission_number)


def _column_labels() -> dict[str, str]:
    return {column.key: str(column.header) for column in lists_excel.COLUMNS}


@login_required
@require_http_methods(["GET", "POST"])
def list_import(request: HttpRequest) -> HttpResponse:
    """Reviewers import a jurisdiction's existing list: every row, or nothing."""
    pages.require(request, "work_item.manage")
    areas = selectors.areas_managed_by(user=request.user)
    row_errors: list[dict] = []
    imported = None
    status = 200
    if request.method == "POST":
        form = ListImportForm(request.POST, request.FILES, areas=areas)
        if form.is_valid():
            jurisdiction = form.cleaned_data["jurisdiction"]
            upload = form.cleaned_data["file"]
            try:
                # A big file is imported by a background job (registry/imports.py).
                job = imports.start_or_none(
                    "work-items", actor=request.user, jurisdiction=jurisdiction, upload=upload
                )
                if job is not None:
                    return redirect("job-page", pk=job.pk)
                items = services.work_items_import(
                    actor=request.user, jurisdiction=jurisdiction, upload=upload
                )
            except DomainError as exc:
                status = pages.show_error(request, exc, form)
                labels = _column_labels()
                row_errors = [
                    {**error, "column_label": labels.get(error["column"], error["column"])}
                    for error in exc.extra.get("rows", [])
                ]
            else:
                messages.success(
                    request,
                    _("%(n)s items were imported into the lists of %(jurisdiction)s.")
                    % {"n": len(items), "jurisdiction": jurisdiction.name},
                )
                return redirect(f"{request.path}?imported={jurisdiction.code}")
        else:
            status = 400
    else:
        form = ListImportForm(areas=areas)
        code = request.GET.get("imported")
        if code:
            jurisdiction = areas.filter(code=code).first()
            if jurisdiction is not None:
                imported = {"jurisdiction": jurisdiction, "kinds": ListKind.choices}
    return render(
        request,
        "registry/admission/list_import.html",
        {
            "title": _("Import a list from Excel"),
            "form": form,
            "row_errors": row_errors,
            "imported": imported,
            "columns": lists_excel.COLUMNS,
            "required_keys": lists_excel.REQUIRED_KEYS,
        },
        status=status,
    )


@login_required
@require_GET
def list_import_template(request: HttpRequest) -> HttpResponse:
    """An empty workbook with the expected headers, and a sheet saying what goes where."""
    pages.require(request, "work_item.manage")
    kinds = "、".join(str(label) for _value, label in ListKind.choices)
    frequencies = "、".join(str(label) for _value, label in Frequency.choices)
    hints = {
        "admission_number": _("Leave empty: numbers are given on import."),
        "title": _("Required."),
        "list_kind": _("Required. One of: %(values)s") % {"values": kinds},
        "department": _("The department's code; required for duty and assist items."),
        "scope": _("Codes of areas or communities, separated by 、 or commas; empty = all."),
        "frequency": _("One of: %(values)s") % {"values": frequencies},
        "data_fields": _("Separated by 、 or commas."),
        "valid_from": _("A date, YYYY-MM-DD; empty = today."),
        "valid_until": _("A date, YYYY-MM-DD; empty = the longest validity allowed."),
    }
    notes = excel.Sheet(
        _("How to fill in"),
        [excel.Column("column", _("Column"), 28), excel.Column("hint", _("What to write"), 80)],
        [[str(c.header), str(hints.get(c.key, ""))] for c in lists_excel.COLUMNS],
    )
    content = excel.workbook_bytes(excel.Sheet(_("List"), lists_excel.COLUMNS, []), notes)
    return xlsx_response(content, _("list-import-template.xlsx"))


@require_GET
def published_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "registry/admission/published_index.html",
        {"title": _("Published lists"), "areas": selectors.published_list_index()},
    )


def _published(request: HttpRequest, code: str, kind: str) -> dict[str, Any]:
    if kind not in ListKind.values:
        raise Http404
    jurisdiction = selectors.area_get(code=code)
    today = timezone.localdate()
    form = AsOfForm(request.GET or None, initial={"as_of": today})
    as_of = form.cleaned_data["as_of"] if form.is_valid() else None
    day = as_of or today
    items = selectors.published_list(jurisdiction=jurisdiction, list_kind=kind, as_of=day)
    title = _("%(jurisdiction)s %(list)s (as of %(date)s)") % {
        "jurisdiction": jurisdiction.name,
        "list": WALL_TITLES[ListKind(kind)],
        "date": formats.date_format(day),
    }
    return {
        "title": title,
        "jurisdiction": jurisdiction,
        "kind": kind,
        "kind_label": ListKind(kind).label,
        "form": form,
        "day": day,
        "is_today": day == today,
        "items": items,
    }


@require_GET
def published_list(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    """A jurisdiction's list as it stood on a day; printable for the wall (清单上墙)."""
    context = _published(request, code, kind)
    names = selectors.organisation_names(c for item in context["items"] for c in item.scope_codes)
    for number, item in enumerate(context["items"], start=1):
        item.position = number
        item.scope_names = [names.get(c, c) for c in item.scope_codes]
    context["kinds"] = ListKind.choices
    return render(request, "registry/admission/published_list.html", context)


@require_GET
def published_list_export(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    context = _published(request, code, kind)
    content = lists_excel.list_workbook(context["items"], title=str(context["kind_label"]))
    filename = f"{context['jurisdiction'].code}-{kind}-{context['day'].isoformat()}.xlsx"
    return xlsx_response(content, filename)


@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    """Anyone types an admission number and sees whether it is valid today."""
    number = request.GET.get("number", "").strip()[:40]
    result = selectors.work_item_verify(number=number) if number else None
    statuses = dict(WorkItem.Status.choices)
    if result is not None and result["status"]:
        result["status_label"] = statuses.get(result["status"], result["status"])
    return render(
        request,
        "registry/admission/verify.html",
        {"title": _("Verify an admission number"), "number": number, "result": result},
    )
