"""Pages of the admission workflow: a department's applications and the reviewers' queue and
decisions (work items and lists are in lists.py).

Thin: selectors read (already scoped to the user), services write. A domain error a page
expects (a refused transition, a negative-list match, bad input) is shown as a message on
the same page with what the person typed; NotFound and PermissionDenied go on to
registry.middleware.DomainErrorMiddleware, which renders the 404 and 403 pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from registry import pages, permissions, plugins, selectors, services
from registry.errors import DomainError, PermissionDenied
from registry.forms.admission import (
    QUEUE_STATES,
    ApplicationFilterForm,
    ApplicationForm,
    ApproveForm,
    ReasonForm,
    RecordHearingForm,
    RequiredReasonForm,
    RequireHearingForm,
    ReviewQueueFilterForm,
)
from registry.models import (
    Application,
    HearingParticipant,
    Organisation,
    WorkItem,
)
from registry.selectors import submission_checks as checks
from registry.services.admission import APPLICATION, EDITABLE_STATES


@login_required
@require_GET
def application_list(request: HttpRequest) -> HttpResponse:
    """The applications the user may see, newest first: a department's own ("My
    applications"), or every one under a reviewer's or supervisor's area."""
    pages.require(request, "application.view")
    form = ApplicationFilterForm(
        request.GET or None
    )  # renders the filters; ApplicationFilter applies them
    applications = (
        pages.filtered(request, selectors.application_list, user=request.user)
        .prefetch_related(None)
        .order_by("-created_at", "-id")
    )
    may_apply = permissions.may(request.user, "application.edit")
    return render(
        request,
        "registry/admission/application_list.html",
        {
            "title": _("My applications") if may_apply else _("Admission applications"),
            "filter_form": form,
            "page_obj": pages.paginate(request, applications),
            "may_apply": may_apply,
        },
    )


def _department_for(request: HttpRequest, code: str | None) -> tuple[Organisation, list]:
    departments = list(selectors.departments_for_applications(user=request.user))
    if not departments:
        raise PermissionDenied()
    chosen = next((d for d in departments if d.code == code), departments[0])
    return chosen, departments


@login_required
@require_http_methods(["GET", "POST"])
def application_new(request: HttpRequest) -> HttpResponse:
    """A new application, for one of the user's departments."""
    # 申请续期: ?renew=<admission number> (and the form's hidden renewal_of) renews one of
    # the user's departments' items, the form pre-filled from it (another's item is 404).
    number = (request.POST.get("renewal_of") or request.GET.get("renew") or "").strip()[:40]
    renewal = (
        selectors.renewable_work_item(user=request.user, admission_number=number)
        if number
        else None
    )
    department, departments = _department_for(
        request,
        renewal.department.code
        if renewal
        else request.POST.get("department") or request.GET.get("department"),
    )
    return _application_form(
        request, department=department, departments=departments, renewal=renewal
    )


def _editable(request: HttpRequest, application: Application) -> bool:
    return (
        application.subject == "work_item"
        and application.state in EDITABLE_STATES
        and permissions.may(request.user, "application.edit", application.department)
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft or returned application, changed by its department."""
    application = selectors.application_get(user=request.user, pk=pk, action="application.edit")
    if not _editable(request, application):
        messages.error(
            request,
            _("Only a draft or a returned application can be changed; this one is %(state)s.")
            % {"state": application.get_state_display()},
        )
        return redirect("application-page", pk=application.pk)
    return _application_form(
        request,
        department=application.department,
        departments=[application.department],
        application=application,
    )


def _application_form(
    request: HttpRequest,
    *,
    department: Organisation,
    departments: list,
    application: Application | None = None,
    renewal: WorkItem | None = None,
) -> HttpResponse:
    """The one page behind new and edit: the form, saved as a draft or saved and
    submitted in one step (both or neither, so a refused submission leaves no stray draft
    or half-saved change, and the page keeps what was typed)."""

    def page(form: ApplicationForm, live_checks: dict | None, status: int = 200) -> HttpResponse:
        return render(
            request,
            "registry/admission/application_form.html",
            {
                "title": _("Edit the application")
                if application
                else _("Apply to renew %(number)s") % {"number": renewal.admission_number}
                if renewal
                else _("New application"),
                "form": form,
                "renewal": renewal,
                "department": form.department,
                "departments": departments,
                "application": application,
                "checks": live_checks,
            },
            status=status,
        )

    if request.method != "POST":
        initial = (
            ApplicationForm.initial_from(application or renewal)
            if (application or renewal)
            else None
        )
        form = ApplicationForm(initial=initial, department=department)
        return page(form, application.checks if application else None)
    form = ApplicationForm(request.POST, department=department)
    if not form.is_valid():
        return page(form, _live_checks(form, application, renewal), status=400)
    submit = "submit" in request.POST
    try:
        with transaction.atomic():
            if application is None:
                saved = services.application_create(
                    actor=request.user,
                    department=department,
                    renewal_of=renewal,
                    **form.service_fields(),
                )
            else:
                saved = services.application_update(
                    actor=request.user, application=application, **form.service_fields()
                )
            if submit:
                saved = services.application_submit(actor=request.user, application=saved)
    except DomainError as exc:
        status = pages.show_error(request, exc, form)
        return page(form, _live_checks(form, application, renewal), status=status)
    if submit:
        messages.success(request, _("The application has been submitted for review."))
    elif application is None:
        messages.success(request, _("The draft has been saved. Submit it when it is ready."))
    else:
        messages.success(request, _("Your changes have been saved."))
    return redirect("application-page", pk=saved.pk)


def _live_checks(
    form: ApplicationForm, application: Application | None, renewal: WorkItem | None = None
) -> dict:
    inputs = form.checks_input()
    if application is not None:
        inputs["renewal_of"] = application.renewal_of
    elif renewal is not None:
        inputs["renewal_of"] = renewal
    return checks.submission_checks(**inputs)


@login_required
@require_POST
def application_checks(request: HttpRequest) -> HttpResponse:
    """The submission checks on the unsaved form (htmx, as the department types)."""
    application = None
    if request.GET.get("application"):
        application = selectors.application_get(
            user=request.user, pk=request.GET["application"], action="application.edit"
        )
        department = application.department
    else:
        department, _departments = _department_for(request, request.POST.get("department"))
    form = ApplicationForm(request.POST, department=department)
    return render(
        request,
        "registry/admission/_checks.html",
        {"checks": _live_checks(form, application), "live": True},
    )


@dataclass(frozen=True)
class ActionSpec:
    """How the page does one of APPLICATION's transitions (the machine says which ones the
    user is offered, with their label, tone and confirmation)."""

    form: type
    service: Callable[..., Application]
    done: Any  # the success message


ACTIONS: dict[str, ActionSpec] = {
    # Submitting asks for nothing (the checks are the department's last look).
    "submit": ActionSpec(
        forms.Form,
        services.application_submit,
        gettext_lazy("The application has been submitted for review."),
    ),
    "withdraw": ActionSpec(
        ReasonForm,
        services.application_withdraw,
        gettext_lazy("The application has been withdrawn."),
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
    ),
}


# The hearing record has a table of participants: it gets the page's full width.
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
        kwargs["planned"] = hearing.scheduled_on if hearing else None
    if action == "approve":
        kwargs["funding_missing"] = services.funding_missing(application)
    return spec.form(data, **kwargs) if data is not None else spec.form(**kwargs)


def _funding_warning(application: Application) -> str:
    """费随事转 at the decision: what the reviewer's approval must address."""
    if not services.funding_missing(application):
        return ""
    funding = application.checks["funding"]
    return _(
        "Funding follows the task (费随事转): the item asks %(hours)s hours a year of each "
        "community, above %(threshold)s hours, and brings no funding. Say below how the "
        "communities' work will be funded, or why approval is right without it."
    ) % {"hours": funding["yearly_hours_per_community"], "threshold": funding["threshold_hours"]}


def _application_page(
    request: HttpRequest,
    application: Application,
    *,
    bound: tuple[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    hearing = _hearing_of(application)
    hearing_recorded = bool(hearing and hearing.is_recorded)
    buttons = APPLICATION.buttons(
        request.user,
        application,
        url=lambda action: reverse("application-action", args=[application.pk, action]),
        form=lambda transition: _action_form(transition.action, application),
        bound=bound,
        options={
            "submit": {
                "open": True,
                "note": _(
                    "The admission office will see the application and its checks. You can "
                    "no longer change it unless it is returned to you."
                ),
            },
            "start-review": {"open": True},
            "require-hearing": {
                "note": _(
                    "The checks require a hearing: the application can be approved once the "
                    "hearing is recorded."
                )
                if application.hearing_required
                else ""
            },
            "record-hearing": {
                "open": not hearing_recorded,
                "body": "registry/admission/_hearing_form.html",
                "heading": _("Correct the hearing record") if hearing_recorded else "",
            },
            "approve": {"warning": _funding_warning(application)},
        },
    )
    participants = list(hearing.participants.all()) if hearing else []
    tones = {"for": "success", "against": "danger", "abstain": "neutral"}
    opinions = [
        (tones[value], f"{label} {sum(1 for p in participants if p.opinion == value)}")
        for value, label in HearingParticipant.Opinion.choices
    ]
    labels = APPLICATION.labels()
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
            "subject_label": plugins.subject_labels().get(application.subject, application.subject),
            "scope": list(application.scope.all()),
            "checks": application.checks,
            "history": history,
            "hearing": hearing,
            "participants": participants,
            "opinions": opinions,
            "actions": [b for b in buttons if b.action not in WIDE_ACTIONS],
            "wide_actions": [b for b in buttons if b.action in WIDE_ACTIONS],
            "may_edit": _editable(request, application),
            "hearing_recorded": hearing_recorded,
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
    try:
        application = spec.service(actor=request.user, application=application, **kwargs)
    except DomainError as exc:
        status = pages.show_error(request, exc, form)
        fresh = selectors.application_get(user=request.user, pk=pk)
        return _application_page(request, fresh, bound=(action, form), status=status)
    messages.success(request, str(spec.done))
    return redirect("application-page", pk=application.pk)


@login_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    """What waits for the reviewer's decision, oldest submission first, with waiting days."""
    pages.require(request, "application.review")
    queue = selectors.review_queue(user=request.user).prefetch_related(None)
    departments = list(
        queue.order_by("department__path")
        .values_list("department__code", "department__name")
        .distinct()
    )
    # The form renders the filters; ApplicationFilter (the API's too) applies them.
    form = ReviewQueueFilterForm(request.GET or None, departments=departments)
    queue = pages.filtered(request, selectors.review_queue, user=request.user).prefetch_related(
        None
    )
    page = pages.paginate(request, queue)
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
