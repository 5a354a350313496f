"""The admission workflow: applications move through the APPLICATION machine, and approval
admits the application's subject (registry/services/work_items.py admits work items; the
other apps register their own subjects through admission_subject_register).

Every transition locks the application row first, so two reviewers acting at once are
serialised: the second sees the state the first left and gets IllegalTransition.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry import audit_actions, permissions
from registry.audit import audit_record
from registry.errors import IllegalTransition, InvalidInput, PermissionDenied, RuleRefused
from registry.models import (
    Application,
    ApplicationTransition,
    Hearing,
    Organisation,
    User,
    WorkItem,
)
from registry.services.common import full_clean, require
from registry.services.notifications import notify_organisations
from registry.services.subjects import ADMISSION_SUBJECTS
from registry.services.subjects import subject_of as _subject
from registry.transitions import Machine, Transition

State = Application.State


# The fields a department writes on an application (besides department and scope).
APPLICATION_FIELDS = [
    "title",
    "description",
    "list_kind",
    "legal_basis",
    "frequency",
    "hours_per_occurrence",
    "households_per_occurrence",
    "ledgers",
    "data_fields",
    "funding_per_community",
    "valid_months",
]


# The burden an approved application hands to its work item.
BURDEN_FIELDS = [
    "frequency",
    "hours_per_occurrence",
    "households_per_occurrence",
    "ledgers",
    "data_fields",
    "funding_per_community",
]


EDITABLE_STATES = {State.DRAFT, State.RETURNED}


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def validity_end(start: datetime.date, months: int) -> datetime.date:
    """The last valid day of a validity of ``months`` starting on ``start``."""
    return add_months(start, months) - datetime.timedelta(days=1)


def _clean_data_fields(values: Sequence[str]) -> list[str]:
    cleaned: list[str] = []
    for value in values or []:
        text = str(value).strip()
        if text and text not in cleaned:
            cleaned.append(text[:100])
    return cleaned


def _check_scope(jurisdiction: Organisation, scope: Sequence[Organisation]) -> None:
    if not scope:
        raise InvalidInput(
            _("Name at least one area or community the item covers."),
            fields={"scope": [_("Name at least one area or community the item covers.")]},
        )
    problems = [
        _("%(name)s (%(code)s) is not an area or community within %(jurisdiction)s.")
        % {"name": org.name, "code": org.code, "jurisdiction": jurisdiction.name}
        for org in scope
        if org.kind == Organisation.Kind.DEPARTMENT or not org.path.startswith(jurisdiction.path)
    ]
    if problems:
        raise InvalidInput(problems[0], fields={"scope": problems})


def _check_valid_months(months: int) -> None:
    maximum = settings.PORTAL["ADMISSION_MAX_MONTHS"]
    if not 1 <= months <= maximum:
        message = _("Validity must be between 1 and %(max)s months.") % {"max": maximum}
        raise InvalidInput(message, fields={"valid_months": [message]})


def _run_checks(application: Application, scope: Sequence[Organisation]) -> dict:
    return _subject(application).checks(application, scope)


def _snapshot(application: Application) -> dict[str, Any]:
    data = {name: getattr(application, name) for name in APPLICATION_FIELDS}
    data["state"] = application.state
    data["scope"] = sorted(application.scope.values_list("code", flat=True))
    return data


def _record_transition(
    *, actor: User, application: Application, action: str, from_state: str, reason: str = ""
) -> ApplicationTransition:
    return ApplicationTransition.objects.create(
        application=application,
        action=action,
        from_state=from_state,
        to_state=application.state,
        actor=actor,
        at=timezone.now(),
        reason=reason,
    )


@transaction.atomic
def application_create(
    *,
    actor: User,
    department: Organisation,
    scope: Sequence[Organisation],
    renewal_of: WorkItem | None = None,
    subject: str = "work_item",
    **fields: Any,
) -> Application:
    """A department's new draft. Checks are computed at once so the draft shows them."""
    unknown = set(fields) - set(APPLICATION_FIELDS)
    if unknown:
        raise InvalidInput(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    if subject not in ADMISSION_SUBJECTS:
        raise InvalidInput(_("Unknown application subject %(subject)s.") % {"subject": subject})
    if subject == "work_item" and not fields.get("list_kind"):
        message = _("Choose the list the item belongs on.")
        raise InvalidInput(message, fields={"list_kind": [message]})
    if department.kind != Organisation.Kind.DEPARTMENT:
        message = _("Applications are made by a department.")
        raise InvalidInput(message, fields={"department": [message]})
    require(actor, "application.edit", department)
    fields.setdefault("valid_months", settings.PORTAL["ADMISSION_DEFAULT_MONTHS"])
    _check_valid_months(fields["valid_months"])
    fields["data_fields"] = _clean_data_fields(fields.get("data_fields", []))
    if renewal_of is not None:
        if (
            renewal_of.department_id != department.pk
            or renewal_of.status == WorkItem.Status.REVOKED
        ):
            message = _("Only the responsible department can renew an item that is not revoked.")
            raise InvalidInput(message, fields={"renewal_of": [message]})
        fields.setdefault("list_kind", renewal_of.list_kind)
    jurisdiction = department.parent
    _check_scope(jurisdiction, scope)
    application = Application(
        department=department,
        jurisdiction=jurisdiction,
        created_by=actor,
        renewal_of=renewal_of,
        subject=subject,
        **fields,
    )
    full_clean(application)
    application.save()
    application.scope.set(scope)
    application.checks = _run_checks(application, scope)
    application.hearing_required = application.checks["hearing"]["required"]
    application.save(update_fields=["checks", "hearing_required"])
    _record_transition(actor=actor, application=application, action="create", from_state="")
    audit_record(
        actor=actor,
        action=audit_actions.APPLICATION_CREATE,
        obj=application,
        after=_snapshot(application),
    )
    return application


def _lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("department", "jurisdiction", "renewal_of")
        .get(pk=application.pk)
    )


@transaction.atomic
def application_update(
    *,
    actor: User,
    application: Application,
    scope: Sequence[Organisation] | None = None,
    **fields: Any,
) -> Application:
    """Edit a draft or a returned application (its department's staff only)."""
    application = _lock(application)
    require(actor, "application.edit", application.department)
    if application.state not in EDITABLE_STATES:
        raise IllegalTransition(
            _("Only a draft or a returned application can be changed; this one is %(state)s.")
            % {"state": application.get_state_display()}
        )
    unknown = set(fields) - set(APPLICATION_FIELDS)
    if unknown:
        raise InvalidInput(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    if "valid_months" in fields:
        _check_valid_months(fields["valid_months"])
    if "data_fields" in fields:
        fields["data_fields"] = _clean_data_fields(fields["data_fields"])
    before = _snapshot(application)
    for name, value in fields.items():
        setattr(application, name, value)
    full_clean(application)
    if scope is not None:
        _check_scope(application.jurisdiction, scope)
    application.save()
    if scope is not None:
        application.scope.set(scope)
    current_scope = list(application.scope.all())
    application.checks = _run_checks(application, current_scope)
    application.hearing_required = application.checks["hearing"]["required"]
    application.save(update_fields=["checks", "hearing_required"])
    audit_record(
        actor=actor,
        action=audit_actions.APPLICATION_UPDATE,
        obj=application,
        before=before,
        after=_snapshot(application),
    )
    return application


def _is_member_of_department(actor: User, application: Application) -> bool:
    return any(g.organisation_id == application.department_id for g in permissions.grants_of(actor))


def _reviewer_conflict(
    actor: User, application: Application, transition: Transition
) -> PermissionDenied | None:
    """The applying department's own staff never decide on its application, even when they
    also hold the reviewer role (brief: "Admission review")."""
    if transition.permission == "application.review" and _is_member_of_department(
        actor, application
    ):
        return PermissionDenied(
            _("You belong to the applying department and cannot decide on its application."),
            code="reviewer_conflict",
        )
    return None


def _hearing_pending(application: Application, transition: Transition) -> IllegalTransition | None:
    """Approval waits for a required hearing to be recorded: it is not offered (nor taken)
    while one is required and the application has not reached "hearing held"."""
    if (
        transition.action == "approve"
        and application.hearing_required
        and application.state != _S.HEARING_HELD
        and application.state in transition.sources
    ):
        return IllegalTransition(
            _("This application needs a hearing; record the hearing before approving."),
            code="hearing_required",
            state=application.state,
        )
    return None


def _refusal(actor: User, application: Application, transition: Transition):
    return _reviewer_conflict(actor, application, transition) or _hearing_pending(
        application, transition
    )


_S = Application.State
_DEPARTMENT, _REVIEWER = "application.edit", "application.review"
# The whole admission workflow, as data (brief: "Admission review"). The department's staff
# submit and withdraw; the reviewers of its jurisdiction decide. A required hearing is two
# steps: require-hearing (under review -> hearing), record-hearing (hearing -> hearing held;
# again from hearing held to correct the record). Approval is refused while a required
# hearing is not recorded (``_hearing_pending``). Every irreversible step asks first,
# naming what will happen (``confirm``: partials/action_form.html puts it on the form).
APPLICATION = Machine(
    "application",
    [
        Transition(
            "submit",
            {_S.DRAFT, _S.RETURNED},
            _S.SUBMITTED,
            _DEPARTMENT,
            gettext_lazy("Submit"),
            confirm=gettext_lazy(
                "Submit this application for review? The admission office will see it and "
                "its checks; you cannot change it unless it is returned to you."
            ),
        ),
        Transition(
            "withdraw",
            {_S.DRAFT, _S.SUBMITTED, _S.UNDER_REVIEW, _S.RETURNED},
            _S.WITHDRAWN,
            _DEPARTMENT,
            gettext_lazy("Withdraw"),
            confirm=gettext_lazy(
                "Withdraw this application? It cannot be submitted again afterwards."
            ),
            tone="danger",
        ),
        Transition(
            "start-review", {_S.SUBMITTED}, _S.UNDER_REVIEW, _REVIEWER, gettext_lazy("Start review")
        ),
        Transition(
            "return",
            {_S.UNDER_REVIEW},
            _S.RETURNED,
            _REVIEWER,
            gettext_lazy("Return for changes"),
            reason_required=True,
        ),
        Transition(
            "require-hearing",
            {_S.UNDER_REVIEW},
            _S.HEARING,
            _REVIEWER,
            gettext_lazy("Require a hearing"),
        ),
        Transition(
            "record-hearing",
            {_S.HEARING, _S.HEARING_HELD},
            _S.HEARING_HELD,
            _REVIEWER,
            gettext_lazy("Record the hearing"),
        ),
        Transition(
            "approve",
            {_S.UNDER_REVIEW, _S.HEARING_HELD},
            _S.APPROVED,
            _REVIEWER,
            gettext_lazy("Approve"),
            reason_required=True,
            confirm=gettext_lazy(
                "Approve this application? The item is admitted with an admission number and "
                "goes on the published list; the department and the communities in its scope "
                "are told. The decision is final."
            ),
        ),
        Transition(
            "reject",
            {_S.UNDER_REVIEW, _S.HEARING, _S.HEARING_HELD},
            _S.REJECTED,
            _REVIEWER,
            gettext_lazy("Reject"),
            reason_required=True,
            confirm=gettext_lazy("Reject this application? The decision is final."),
            tone="danger",
        ),
    ],
    organisation={_DEPARTMENT: lambda a: a.department, _REVIEWER: lambda a: a.jurisdiction},
    refuse=_refusal,
    illegal_message=gettext_lazy(
        "“%(action)s” is not possible while the application is “%(state)s”."
    ),
)


def _begin(
    *, actor: User, application: Application, action: str, reason: str = ""
) -> tuple[Application, Transition, str]:
    """Lock, then let the machine check the actor, the state and the reason."""
    application = _lock(application)
    transition = APPLICATION.begin(actor=actor, obj=application, action=action, reason=reason)
    return application, transition, application.state


def _finish(
    *,
    actor: User,
    application: Application,
    transition: Transition,
    from_state: str,
    reason: str = "",
    update_fields: Sequence[str] = (),
    audit_after: dict[str, Any] | None = None,
) -> Application:
    APPLICATION.apply(application, transition)
    application.save(update_fields=["state", "updated_at", *update_fields])
    _record_transition(
        actor=actor,
        application=application,
        action=transition.action,
        from_state=from_state,
        reason=reason.strip(),
    )
    audit_record(
        actor=actor,
        action=audit_actions.for_transition("application", transition.action),
        obj=application,
        before={"state": from_state},
        after={"state": application.state, "reason": reason.strip(), **(audit_after or {})},
    )
    return application


def _plain_transition(
    *, actor: User, application: Application, action: str, reason: str
) -> Application:
    """A transition that changes only the state (and records who, when and why)."""
    application, transition, from_state = _begin(
        actor=actor, application=application, action=action, reason=reason
    )
    return _finish(
        actor=actor,
        application=application,
        transition=transition,
        from_state=from_state,
        reason=reason,
    )


def application_submit(*, actor: User, application: Application) -> Application:
    """Submit for review. A likeness to the negative list blocks it (422).

    A refused submission still keeps the checks it ran, so the application page shows
    what blocked it: the refusal is raised after the transaction that saved them.
    """
    with transaction.atomic():
        application, transition, from_state = _begin(
            actor=actor, application=application, action="submit"
        )
        scope = list(application.scope.all())
        _check_scope(application.jurisdiction, scope)
        application.checks = _run_checks(application, scope)
        application.hearing_required = application.checks["hearing"]["required"]
        matches = application.checks["negative_matches"]
        if not matches:
            application.submitted_at = timezone.now()
            return _finish(
                actor=actor,
                application=application,
                transition=transition,
                from_state=from_state,
                update_fields=["checks", "hearing_required", "submitted_at"],
            )
        application.save(update_fields=["checks", "hearing_required"])
    raise RuleRefused(
        _(
            "This item resembles “%(title)s” on the negative list (things communities "
            "must not be asked to do). Change it before submitting."
        )
        % {"title": matches[0]["title"]},
        code="negative_list_match",
        negative_matches=matches,
    )


@transaction.atomic
def application_withdraw(*, actor: User, application: Application, reason: str = "") -> Application:
    return _plain_transition(actor=actor, application=application, action="withdraw", reason=reason)


@transaction.atomic
def application_start_review(
    *, actor: User, application: Application, reason: str = ""
) -> Application:
    return _plain_transition(
        actor=actor, application=application, action="start-review", reason=reason
    )


@transaction.atomic
def application_return(*, actor: User, application: Application, reason: str) -> Application:
    return _plain_transition(actor=actor, application=application, action="return", reason=reason)


def _decide_validity(
    application: Application, today: datetime.date, valid_until: datetime.date | None
) -> datetime.date:
    latest = validity_end(today, settings.PORTAL["ADMISSION_MAX_MONTHS"])
    if valid_until is None:
        return min(validity_end(today, application.valid_months), latest)
    if not today <= valid_until <= latest:
        message = _("The validity must end between %(today)s and %(latest)s.") % {
            "today": today.isoformat(),
            "latest": latest.isoformat(),
        }
        raise InvalidInput(message, fields={"valid_until": [message]})
    return valid_until


def funding_missing(application: Application) -> bool:
    """The submission checks found a yearly burden above the threshold and no funding."""
    return bool((application.checks or {}).get("funding", {}).get("missing"))


@transaction.atomic
def application_approve(
    *,
    actor: User,
    application: Application,
    reason: str,
    valid_until: datetime.date | None = None,
    funding_note: str = "",
) -> Application:
    """Admit: the work item gets its admission number; department and communities hear.

    费随事转: when the checks found a yearly burden above the threshold with no funding, the
    reviewer must say how it is dealt with (``funding_note``); it goes into the history with
    the reason."""
    application, transition, from_state = _begin(
        actor=actor, application=application, action="approve", reason=reason
    )
    funding_note = (funding_note or "").strip()
    if funding_missing(application):
        if not funding_note:
            message = _(
                "The item asks more than %(threshold)s hours a year of each community and "
                "brings no funding (费随事转). Say how the communities' work will be funded, "
                "or why approval is right without it."
            ) % {"threshold": application.checks["funding"].get("threshold_hours", "")}
            raise InvalidInput(message, fields={"funding_note": [message]})
        reason = _("%(reason)s\nFunding (费随事转): %(note)s") % {
            "reason": reason.strip(),
            "note": funding_note,
        }
    if application.hearing_required:
        hearing = Hearing.objects.filter(application=application).first()
        if hearing is None or not hearing.is_recorded:
            raise IllegalTransition(
                _("This application needs a hearing; record the hearing before approving."),
                code="hearing_required",
            )
    today = timezone.localdate()
    until = _decide_validity(application, today, valid_until)
    admitted = _subject(application).admit(
        application=application, actor=actor, today=today, until=until
    )
    application.decided_at = timezone.now()
    return _finish(
        actor=actor,
        application=application,
        transition=transition,
        from_state=from_state,
        reason=reason,
        update_fields=["work_item", "decided_at"],
        audit_after={**admitted, **({"funding_note": funding_note} if funding_note else {})},
    )


@transaction.atomic
def application_reject(*, actor: User, application: Application, reason: str) -> Application:
    application, transition, from_state = _begin(
        actor=actor, application=application, action="reject", reason=reason
    )
    application.decided_at = timezone.now()
    _finish(
        actor=actor,
        application=application,
        transition=transition,
        from_state=from_state,
        reason=reason,
        update_fields=["decided_at"],
    )
    notify_organisations(
        organisations=[application.department],
        kind="application.rejected",
        title=_("Not admitted: %(title)s") % {"title": application.title},
        body=reason,
    )
    return application
