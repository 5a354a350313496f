"""Pages of the admission workflow, the lists and public verification.

Thin: selectors read (already scoped to the user), services write. A domain error a page
expects (a refused transition, a negative-list match, bad input) is shown as a message on
the same page with what the person typed; NotFound and PermissionDenied go on to
registry.middleware.DomainErrorMiddleware, which renders the 404 and 403 pages.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import load_workbook
from openpyxl.styles import Font

from registry import checks, excel, permissions, selectors, services
from registry.errors import DomainError, NotFound, PermissionDenied
from registry.forms_admission import (
    QUEUE_STATES,
    ApplicationFilterForm,
    ApplicationForm,
    ApproveForm,
    AsOfForm,
    ListImportForm,
    ReasonForm,
    RecordHearingForm,
    RequiredReasonForm,
    RequireHearingForm,
    ReviewQueueFilterForm,
    WorkItemFilterForm,
    WorkItemStatusForm,
    add_domain_error,
)
from registry.models import (
    APPLICATION_TRANSITIONS,
    Application,
    Frequency,
    HearingParticipant,
    ListKind,
    Organisation,
    WorkItem,
)
from registry.services.admission import (
    EDITABLE_STATES,
    WORK_ITEM_ACTION_LABELS,
    WORK_ITEM_ACTIONS,
    available_actions,
)

PAGE_SIZE = 25
# What an application admits, in words (subjects other apps register; unknown ones as named).
SUBJECT_LABELS = {
    "work_item": gettext_lazy("Work item"),
    "certificate_type": gettext_lazy("Certificate type kept by communities"),
}
WALL_TITLES = {
    ListKind.DUTY: gettext_lazy("List of duties communities perform by law"),
    ListKind.ASSIST: gettext_lazy("List of work communities do to assist government by law"),
    ListKind.NEGATIVE: gettext_lazy("List of work communities must not bear (negative list)"),
}


def _paginate(request: HttpRequest, queryset, size: int = PAGE_SIZE) -> Page:
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _require(request: HttpRequest, action: str) -> None:
    if not permissions.may(request.user, action):
        raise PermissionDenied()


def _show_error(request: HttpRequest, form, exc: DomainError) -> int:
    """Put a service's refusal on the page: a message, and field errors on the form."""
    if isinstance(exc, PermissionDenied | NotFound):
        raise exc
    messages.error(request, str(exc.message))
    if form is not None:
        add_domain_error(form, exc)
    return exc.status


# --- Applications: the department's side ----------------------------------------------------


@login_required
@require_GET
def application_list(request: HttpRequest) -> HttpResponse:
    """The applications the user may see, newest first: a department's own ("My
    applications"), or every one under a reviewer's or supervisor's area."""
    _require(request, "application.view")
    form = ApplicationFilterForm(request.GET or None)
    applications = (
        selectors.application_list(user=request.user)
        .prefetch_related(None)
        .order_by("-created_at", "-id")
    )
    if form.is_valid() and form.cleaned_data["state"]:
        applications = applications.filter(state=form.cleaned_data["state"])
    may_apply = permissions.may(request.user, "application.edit")
    return render(
        request,
        "registry/admission/application_list.html",
        {
            "title": _("My applications") if may_apply else _("Admission applications"),
            "filter_form": form,
            "page_obj": _paginate(request, applications),
            "may_apply": may_apply,
        },
    )


def _department_for(request: HttpRequest, code: str | None) -> tuple[Organisation, list]:
    departments = list(selectors.departments_for_applications(user=request.user))
    if not departments:
        raise PermissionDenied()
    chosen = next((d for d in departments if d.code == code), departments[0])
    return chosen, departments


def _form_page(
    request: HttpRequest,
    form: ApplicationForm,
    *,
    departments: list,
    application: Application | None = None,
    live_checks: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    department = form.department
    return render(
        request,
        "registry/admission/application_form.html",
        {
            "title": _("Edit the application") if application else _("New application"),
            "form": form,
            "department": department,
            "departments": departments,
            "application": application,
            "checks": live_checks,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_new(request: HttpRequest) -> HttpResponse:
    """A new application: saved as a draft, or saved and submitted in one step (both or
    neither, so a refused submission leaves no stray draft and keeps the input)."""
    department, departments = _department_for(
        request, request.POST.get("department") or request.GET.get("department")
    )
    if request.method != "POST":
        form = ApplicationForm(department=department)
        return _form_page(request, form, departments=departments)
    form = ApplicationForm(request.POST, department=department)
    if not form.is_valid():
        return _form_page(
            request,
            form,
            departments=departments,
            live_checks=_live_checks(form, None),
            status=400,
        )
    submit = "submit" in request.POST
    try:
        with transaction.atomic():
            application = services.application_create(
                actor=request.user, department=department, **form.service_fields()
            )
            if submit:
                application = services.application_submit(
                    actor=request.user, application=application
                )
    except DomainError as exc:
        status = _show_error(request, form, exc)
        return _form_page(
            request,
            form,
            departments=departments,
            live_checks=_live_checks(form, None),
            status=status,
        )
    if submit:
        messages.success(request, _("The application has been submitted for review."))
    else:
        messages.success(request, _("The draft has been saved. Submit it when it is ready."))
    return redirect("application-page", pk=application.pk)


def _editable(request: HttpRequest, application: Application) -> bool:
    return (
        application.subject == "work_item"
        and application.state in EDITABLE_STATES
        and permissions.may(request.user, "application.edit", application.department)
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get(user=request.user, pk=pk)
    if not permissions.may(request.user, "application.edit", application.department):
        raise PermissionDenied()
    if not _editable(request, application):
        messages.error(
            request,
            _("Only a draft or a returned application can be changed; this one is %(state)s.")
            % {"state": application.get_state_display()},
        )
        return redirect("application-page", pk=application.pk)
    department = application.department
    departments = [department]
    if request.method != "POST":
        form = ApplicationForm(
            initial=ApplicationForm.initial_from(application), department=department
        )
        return _form_page(
            request,
            form,
            departments=departments,
            application=application,
            live_checks=application.checks,
        )
    form = ApplicationForm(request.POST, department=department)
    if not form.is_valid():
        return _form_page(
            request,
            form,
            departments=departments,
            application=application,
            live_checks=_live_checks(form, application),
            status=400,
        )
    submit = "submit" in request.POST
    try:
        with transaction.atomic():
            fields = form.service_fields()
            application = services.application_update(
                actor=request.user, application=application, **fields
            )
            if submit:
                application = services.application_submit(
                    actor=request.user, application=application
                )
    except DomainError as exc:
        status = _show_error(request, form, exc)
        return _form_page(
            request,
            form,
            departments=departments,
            application=application,
            live_checks=_live_checks(form, application),
            status=status,
        )
    if submit:
        messages.success(request, _("The application has been submitted for review."))
    else:
        messages.success(request, _("Your changes have been saved."))
    return redirect("application-page", pk=application.pk)


def _live_checks(form: ApplicationForm, application: Application | None) -> dict:
    inputs = form.checks_input()
    if application is not None:
        inputs["renewal_of"] = application.renewal_of
    return checks.submission_checks(**inputs)


@login_required
@require_POST
def application_checks(request: HttpRequest) -> HttpResponse:
    """The submission checks on the unsaved form (htmx, as the department types)."""
    application = None
    if request.GET.get("application"):
        application = selectors.application_get(user=request.user, pk=request.GET["application"])
        if not permissions.may(request.user, "application.edit", application.department):
            raise PermissionDenied()
        department = application.department
    else:
        department, _departments = _department_for(request, request.POST.get("department"))
    form = ApplicationForm(request.POST, department=department)
    return render(
        request,
        "registry/admission/_checks.html",
        {"checks": _live_checks(form, application), "live": True},
    )


# --- One application: details, history, and the actions the user may take ----------------------


@dataclass(frozen=True)
class ActionSpec:
    form: type
    service: Callable[..., Application]
    done: Any  # the success message
    confirm: Any = None  # the question asked before a destructive action


ACTIONS: dict[str, ActionSpec] = {
    "submit": ActionSpec(
        ReasonForm,
        services.application_submit,
        gettext_lazy("The application has been submitted for review."),
    ),
    "withdraw": ActionSpec(
        ReasonForm,
        services.application_withdraw,
        gettext_lazy("The application has been withdrawn."),
        gettext_lazy("Withdraw this application? It cannot be submitted again afterwards."),
    ),
    "start-review": ActionSpec(
        ReasonForm,
        services.application_start_review,
        gettext_lazy("Review has started."),
    ),
    "return": ActionSpec(
        RequiredReasonForm,
        services.application_return,
        gettext_lazy("The application has been returned to the department for changes."),
    ),
    "require-hearing": ActionSpec(
        RequireHearingForm,
        services.application_require_hearing,
        gettext_lazy("A hearing is now required before the decision."),
    ),
    "record-hearing": ActionSpec(
        RecordHearingForm,
        services.application_record_hearing,
        gettext_lazy("The hearing has been recorded."),
    ),
    "approve": ActionSpec(
        ApproveForm,
        services.application_approve,
        gettext_lazy("The application has been approved."),
    ),
    "reject": ActionSpec(
        RequiredReasonForm,
        services.application_reject,
        gettext_lazy("The application has been rejected."),
        gettext_lazy("Reject this application? The decision is final."),
    ),
}
# Actions whose forms sit in the department's box, the rest in the reviewer's.
DEPARTMENT_ACTIONS = ("submit", "withdraw")
WIDE_ACTIONS = ("record-hearing",)


def _hearing_of(application: Application):
    return getattr(application, "hearing", None)


def _action_form(action: str, application: Application, data=None):
    spec = ACTIONS[action]
    kwargs: dict[str, Any] = {"prefix": action}
    hearing = _hearing_of(application)
    if action == "record-hearing":
        participants = (
            [
                {
                    "name": p.name,
                    "organisation": p.organisation,
                    "opinion": p.opinion,
                    "comment": p.comment,
                }
                for p in hearing.participants.all()
            ]
            if hearing
            else []
        )
        kwargs["participants"] = participants
        kwargs["initial"] = {
            "held_on": (hearing.held_on or hearing.scheduled_on) if hearing else None,
            "location": hearing.location if hearing else "",
            "summary": hearing.summary if hearing else "",
        }
        if not kwargs["initial"]["held_on"] or kwargs["initial"]["held_on"] > timezone.localdate():
            kwargs["initial"]["held_on"] = timezone.localdate()
    return spec.form(data, **kwargs) if data is not None else spec.form(**kwargs)


def _application_page(
    request: HttpRequest,
    application: Application,
    *,
    bound: tuple[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    actions = available_actions(request.user, application)
    forms = {action: _action_form(action, application) for action in actions}
    if bound is not None:
        forms[bound[0]] = bound[1]
    hearing = _hearing_of(application)
    participants = list(hearing.participants.all()) if hearing else []
    tones = {"for": "success", "against": "danger", "abstain": "neutral"}
    opinions = [
        (tones[value], f"{label} {sum(1 for p in participants if p.opinion == value)}")
        for value, label in HearingParticipant.Opinion.choices
    ]
    action_list = [
        {
            "action": action,
            "label": APPLICATION_TRANSITIONS[action].label,
            "form": forms[action],
            "confirm": ACTIONS[action].confirm,
            "open": (bound is not None and bound[0] == action)
            or (action == "record-hearing" and not (hearing and hearing.is_recorded)),
        }
        for action in actions
    ]
    labels = {a: t.label for a, t in APPLICATION_TRANSITIONS.items()}
    labels["create"] = _("Created")
    history = [
        {"entry": entry, "label": labels.get(entry.action, entry.action)}
        for entry in application.transitions.all()
    ]
    states = dict(Application.State.choices)
    for row in history:
        row["from_label"] = states.get(row["entry"].from_state, "")
        row["to_label"] = states.get(row["entry"].to_state, "")
    return render(
        request,
        "registry/admission/application_detail.html",
        {
            "title": application.title,
            "application": application,
            "subject_label": SUBJECT_LABELS.get(application.subject, application.subject),
            "scope": list(application.scope.all()),
            "checks": application.checks,
            "history": history,
            "hearing": hearing,
            "participants": participants,
            "opinions": opinions,
            "department_actions": [a for a in action_list if a["action"] in DEPARTMENT_ACTIONS],
            "reviewer_actions": [
                a
                for a in action_list
                if a["action"] not in DEPARTMENT_ACTIONS and a["action"] not in WIDE_ACTIONS
            ],
            # The hearing record has a table of participants: it gets the page's full width.
            "wide_actions": [a for a in action_list if a["action"] in WIDE_ACTIONS],
            "may_edit": _editable(request, application),
            "yearly_hours": checks.yearly_hours(
                application.frequency, application.hours_per_occurrence
            ),
        },
        status=status,
    )


@login_required
@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_get(user=request.user, pk=pk)
    return _application_page(request, application)


@login_required
@require_POST
def application_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One transition (submit, withdraw, start-review, return, require-hearing,
    record-hearing, approve, reject) through its service."""
    if action not in ACTIONS:
        raise Http404
    application = selectors.application_get(user=request.user, pk=pk)
    spec = ACTIONS[action]
    form = _action_form(action, application, data=request.POST)
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
        return _application_page(request, application, bound=(action, form), status=400)
    kwargs = form.service_kwargs() if hasattr(form, "service_kwargs") else dict(form.cleaned_data)
    if action == "submit":
        kwargs = {}
    try:
        application = spec.service(actor=request.user, application=application, **kwargs)
    except DomainError as exc:
        status = _show_error(request, form, exc)
        fresh = selectors.application_get(user=request.user, pk=pk)
        return _application_page(request, fresh, bound=(action, form), status=status)
    messages.success(request, str(spec.done))
    return redirect("application-page", pk=application.pk)


# --- The reviewer's queue ----------------------------------------------------------------------


@login_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    """What waits for the reviewer's decision, oldest submission first, with waiting days."""
    _require(request, "application.review")
    queue = selectors.review_queue(user=request.user).prefetch_related(None)
    departments = list(
        queue.order_by("department__path")
        .values_list("department__code", "department__name")
        .distinct()
    )
    form = ReviewQueueFilterForm(request.GET or None, departments=departments)
    if form.is_valid():
        data = form.cleaned_data
        if data["state"]:
            queue = queue.filter(state=data["state"])
        if data["department"]:
            queue = queue.filter(department__code=data["department"])
        if data["older_than_days"] is not None:
            cutoff = timezone.now() - datetime.timedelta(days=data["older_than_days"])
            queue = queue.filter(submitted_at__lte=cutoff)
    page = _paginate(request, queue)
    today = timezone.localdate()
    for application in page.object_list:
        submitted = application.submitted_at
        application.waiting_days = (
            (today - timezone.localtime(submitted).date()).days if submitted else None
        )
    return render(
        request,
        "registry/admission/review_queue.html",
        {
            "title": _("Review queue"),
            "filter_form": form,
            "page_obj": page,
            "queue_states": QUEUE_STATES,
        },
    )


# --- Work items ---------------------------------------------------------------------------------


@login_required
@require_GET
def work_item_list(request: HttpRequest) -> HttpResponse:
    _require(request, "work_item.view")
    departments = list(selectors.departments_with_items().values_list("code", "name"))
    form = WorkItemFilterForm(request.GET or None, departments=departments)
    items = (
        selectors.work_item_list(user=request.user)
        .prefetch_related(None)
        .order_by("jurisdiction__path", "list_kind", "admission_number", "id")
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            items = items.filter(
                Q(title__icontains=data["q"]) | Q(admission_number__icontains=data["q"])
            )
        if data["list_kind"]:
            items = items.filter(list_kind=data["list_kind"])
        if data["status"]:
            items = items.filter(status=data["status"])
        if data["department"]:
            items = items.filter(department__code=data["department"])
    return render(
        request,
        "registry/admission/work_item_list.html",
        {
            "title": _("Work items"),
            "filter_form": form,
            "page_obj": _paginate(request, items),
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
    may_manage = permissions.may(request.user, "work_item.manage", item.jurisdiction)
    status_actions = []
    if may_manage:
        for action, (sources, _target) in WORK_ITEM_ACTIONS.items():
            if item.status in sources:
                form = (
                    bound[1] if bound and bound[0] == action else WorkItemStatusForm(prefix=action)
                )
                status_actions.append(
                    {
                        "action": action,
                        "label": WORK_ITEM_ACTION_LABELS[action],
                        "form": form,
                        "danger": action == "revoke",
                        "open": bool(bound and bound[0] == action),
                    }
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
    item = selectors.work_item_get(user=request.user, admission_number=admission_number)
    if not permissions.may(request.user, "work_item.manage", item.jurisdiction):
        raise PermissionDenied()
    form = WorkItemStatusForm(request.POST, prefix=action)
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
        return _work_item_page(request, item, bound=(action, form), status=400)
    try:
        item = services.work_item_change_status(
            actor=request.user, item=item, action=action, reason=form.cleaned_data["reason"]
        )
    except DomainError as exc:
        status = _show_error(request, form, exc)
        fresh = selectors.work_item_get(user=request.user, admission_number=admission_number)
        return _work_item_page(request, fresh, bound=(action, form), status=status)
    messages.success(
        request,
        _("%(number)s is now %(status)s.")
        % {"number": item.admission_number, "status": item.get_status_display()},
    )
    return redirect("work-item-page", admission_number=item.admission_number)


# --- Importing a list from Excel ----------------------------------------------------------------


def _column_labels() -> dict[str, str]:
    return {column.key: str(column.header) for column in excel.COLUMNS}


@login_required
@require_http_methods(["GET", "POST"])
def list_import(request: HttpRequest) -> HttpResponse:
    """Reviewers import a jurisdiction's existing list: every row, or nothing."""
    _require(request, "work_item.manage")
    areas = selectors.areas_managed_by(user=request.user)
    row_errors: list[dict] = []
    imported = None
    status = 200
    if request.method == "POST":
        form = ListImportForm(request.POST, request.FILES, areas=areas)
        if form.is_valid():
            jurisdiction = form.cleaned_data["jurisdiction"]
            try:
                items = services.work_items_import(
                    actor=request.user, jurisdiction=jurisdiction, upload=form.cleaned_data["file"]
                )
            except DomainError as exc:
                status = _show_error(request, form, exc)
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
            "columns": excel.COLUMNS,
            "required_keys": excel.REQUIRED_KEYS,
        },
        status=status,
    )


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=excel.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
@require_GET
def list_import_template(request: HttpRequest) -> HttpResponse:
    """An empty workbook with the expected headers, and a sheet saying what goes where."""
    _require(request, "work_item.manage")
    workbook = load_workbook(io.BytesIO(excel.list_workbook([], title=_("List"))))
    notes = workbook.create_sheet(_("How to fill in"))
    notes.append([_("Column"), _("What to write")])
    for cell in notes[1]:
        cell.font = Font(bold=True)
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
    for column in excel.COLUMNS:
        notes.append([str(column.header), str(hints.get(column.key, ""))])
    notes.column_dimensions["A"].width = 28
    notes.column_dimensions["B"].width = 80
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _xlsx_response(buffer.getvalue(), _("list-import-template.xlsx"))


# --- The published lists (public) -------------------------------------------------------------


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
    content = excel.list_workbook(context["items"], title=str(context["kind_label"]))
    filename = f"{context['jurisdiction'].code}-{kind}-{context['day'].isoformat()}.xlsx"
    return _xlsx_response(content, filename)


# --- Public verification ------------------------------------------------------------------------


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
