"""Writes of clues (线索) and their rectification notices (整改通知书).

One machine (registry.transitions) drives every step, under the clue's row lock: the
supervisors' steps are checked on the clue's community (or department), the department's
(respond, ask for more time) on the department named. Each step writes the clue's history
and one audit entry. Reporter protection: nothing sent to the department names who raised
the clue.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monitoring import audit_actions, deadlines
from monitoring.models import (
    Clue,
    ClueTransition,
    Flag,
    NoticeExtension,
    NoticeSequence,
    RectificationNotice,
    ReportEntry,
)
from monitoring.permissions import CLUE_HANDLE, CLUE_RAISE, CLUE_RESPOND
from monitoring.services.clue_board import urgency_expression
from monitoring.services.reports import entry_figures
from registry import figure_cache, permissions
from registry.audit import audit_record
from registry.audit_actions import for_transition
from registry.errors import DomainError, IllegalTransition, InvalidInput, PermissionDenied
from registry.models import Organisation, User
from registry.services.notifications import notify_organisations
from registry.transitions import Machine, Transition

S = Clue.State
# The version key every change to a clue bumps: the lists' counts are cached under it.
CLUE_FIGURES = "clues"


def current_notice(clue: Clue) -> RectificationNotice | None:
    """The clue's live notice (the latest not withdrawn), cached on the object."""
    if not hasattr(clue, "_current_notice"):
        clue._current_notice = (
            clue.notices.exclude(state=RectificationNotice.State.WITHDRAWN)
            .prefetch_related("extensions")
            .order_by("-id")
            .first()
        )
    return clue._current_notice


def _refuse(user, clue: Clue, transition: Transition) -> DomainError | None:
    """Rules beyond state and role, for the extension steps (so the buttons follow them)."""
    if transition.action not in {"request-extension", "grant-extension", "refuse-extension"}:
        return None
    notice = current_notice(clue)
    if notice is None or notice.state != RectificationNotice.State.SENT:
        return IllegalTransition(_("There is no notice awaiting measures."))
    pending = notice.pending_extension
    if transition.action == "request-extension":
        if pending is not None:
            return IllegalTransition(
                _("A request for more time is already waiting for a decision."),
                code="extension_pending",
            )
        if timezone.localdate() > notice.due_date:
            return IllegalTransition(
                _("More time can only be asked for before the deadline (%(due)s).")
                % {"due": notice.due_date},
                code="deadline_passed",
            )
    elif pending is None:
        return IllegalTransition(_("No request for more time is waiting."), code="no_extension")
    return None


# The supervisors' steps are judged on the clue's community (or department, for a clue about
# no community), the department's own (respond, ask for more time) on the department named.
CLUE = Machine(
    "clue",
    [
        Transition(
            "analyse", {S.REPORTED}, S.ANALYSED, CLUE_HANDLE, gettext_lazy("Record the analysis")
        ),
        Transition(
            "verify", {S.ANALYSED}, S.VERIFIED, CLUE_HANDLE, gettext_lazy("Record the site visit")
        ),
        Transition(
            "send-notice",
            {S.VERIFIED},
            S.NOTICE_SENT,
            CLUE_HANDLE,
            gettext_lazy("Send a rectification notice"),
            confirm=gettext_lazy(
                "The notice is numbered and sent to the department at once; it cannot be "
                "taken back. Send it?"
            ),
        ),
        Transition(
            "respond",
            {S.NOTICE_SENT},
            S.RESPONDED,
            CLUE_RESPOND,
            gettext_lazy("Report the measures taken"),
        ),
        Transition(
            "request-extension",
            {S.NOTICE_SENT},
            None,
            CLUE_RESPOND,
            gettext_lazy("Ask for more time"),
            reason_required=True,
            tone="secondary",
        ),
        Transition(
            "grant-extension",
            {S.NOTICE_SENT},
            None,
            CLUE_HANDLE,
            gettext_lazy("Grant more time"),
            reason_required=True,
        ),
        Transition(
            "refuse-extension",
            {S.NOTICE_SENT},
            None,
            CLUE_HANDLE,
            gettext_lazy("Refuse more time"),
            reason_required=True,
            tone="danger",
        ),
        Transition(
            "close",
            {S.RESPONDED},
            S.CLOSED,
            CLUE_HANDLE,
            gettext_lazy("Close after checking"),
            reason_required=True,
            confirm=gettext_lazy("Close the clue (销号)? The check is recorded in its history."),
        ),
        Transition(
            "dismiss",
            {S.REPORTED, S.ANALYSED},
            S.DISMISSED,
            CLUE_HANDLE,
            gettext_lazy("Dismiss"),
            reason_required=True,
            tone="danger",
            confirm=gettext_lazy("Dismiss this clue? The reason is kept in its history."),
        ),
        Transition(
            "reopen",
            {S.CLOSED},
            S.ANALYSED,
            CLUE_HANDLE,
            gettext_lazy("Reopen"),
            reason_required=True,
            tone="secondary",
        ),
    ],
    organisation={
        CLUE_HANDLE: lambda clue: clue.supervision_organisation,
        CLUE_RESPOND: lambda clue: clue.department,
    },
    refuse=_refuse,
)


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={field: [message]})


def _clue_url(clue: Clue) -> str:
    return reverse("clue-page", args=[clue.pk])


def _history(clue: Clue, *, action: str, from_state: str, actor: User, reason: str = "") -> None:
    ClueTransition.objects.create(
        clue=clue,
        action=action,
        from_state=from_state,
        to_state=clue.state,
        actor=actor,
        at=timezone.now(),
        reason=reason,
    )


@transaction.atomic
def clue_raise(
    *,
    actor: User,
    department: Organisation,
    summary: str,
    details: str = "",
    community: Organisation | None = None,
    flag: Flag | None = None,
    report_entry: ReportEntry | None = None,
) -> Clue:
    """A liaison, a cadre or a supervisor raises a clue; from a report entry or a flag it
    carries the figures (and the community) behind it."""
    figures: dict = {}
    if report_entry is not None:
        community = community or report_entry.report.community
        figures = entry_figures(report_entry)
    if flag is not None:
        figures = {"flag": flag.pk, "kind": flag.kind, **flag.figures}
        if community is None and flag.organisation.kind == Organisation.Kind.COMMUNITY:
            community = flag.organisation
    if department.kind != Organisation.Kind.DEPARTMENT:
        raise _invalid("department", _("Choose a department."))
    if community is not None and community.kind != Organisation.Kind.COMMUNITY:
        raise _invalid("community", _("Choose a community."))
    if not (summary or "").strip():
        raise _invalid("summary", _("Say in a line what the problem is."))
    where = community or department
    if not permissions.may(actor, CLUE_RAISE, where):
        raise PermissionDenied()
    clue = Clue.objects.create(
        department=department,
        community=community,
        summary=summary.strip()[:200],
        details=details.strip(),
        flag=flag,
        report_entry=report_entry,
        figures=figures,
        reported_by=actor,
    )
    _history(clue, action="report", from_state="", actor=actor)
    figure_cache.bump([CLUE_FIGURES])  # the lists' counts (monitoring/apps.py)
    audit_record(
        actor=actor,
        action=audit_actions.CLUE_RAISE,
        obj=clue,
        after={
            "department": department.code,
            "community": community.code if community else None,
            "summary": clue.summary,
            "flag": flag.pk if flag else None,
            "report_entry": report_entry.pk if report_entry else None,
        },
    )
    return clue


def _lock(clue: Clue) -> Clue:
    return (
        Clue.objects.select_for_update(of=("self",))
        .select_related("department", "community")
        .get(pk=clue.pk)
    )


def _step(clue: Clue, *, actor: User, action: str, reason: str = "", update: list[str] = ()):
    """Lock, check, move, write the history and the audit entry. Returns (clue, from)."""
    clue = _lock(clue)
    transition = CLUE.begin(actor=actor, obj=clue, action=action, reason=reason)
    from_state = CLUE.apply(clue, transition)
    return clue, from_state, transition


def _finish(clue: Clue, *, actor, action, from_state, reason="", fields=(), after=None) -> Clue:
    # Every step ends here, after any change to its notice (sent, answered, more time,
    # closed): the board's order follows in the same UPDATE. Then the field is left
    # deferred, so reading it loads the value and a later save() does not rewrite it.
    clue.urgency = urgency_expression(state=clue.state)
    clue.save(update_fields=["state", "urgency", *fields])
    del clue.urgency
    figure_cache.bump([CLUE_FIGURES])  # a state moved: the lists' counts by state
    _history(clue, action=action, from_state=from_state, actor=actor, reason=reason)
    audit_record(
        actor=actor,
        action=for_transition("clue", action),
        obj=clue,
        before={"state": from_state},
        after={"state": clue.state, "reason": reason, **(after or {})},
    )
    return clue


@transaction.atomic
def clue_analyse(*, actor: User, clue: Clue, note: str = "") -> Clue:
    clue, from_state, _t = _step(clue, actor=actor, action="analyse", reason=note)
    clue.analysis_note = note.strip()
    return _finish(
        clue,
        actor=actor,
        action="analyse",
        from_state=from_state,
        reason=note,
        fields=["analysis_note"],
    )


@transaction.atomic
def clue_dismiss(*, actor: User, clue: Clue, reason: str) -> Clue:
    clue, from_state, _t = _step(clue, actor=actor, action="dismiss", reason=reason)
    return _finish(clue, actor=actor, action="dismiss", from_state=from_state, reason=reason)


@transaction.atomic
def clue_verify(*, actor: User, clue: Clue, visited_on: datetime.date, findings: str) -> Clue:
    clue, from_state, _t = _step(clue, actor=actor, action="verify", reason=findings)
    if not (findings or "").strip():
        raise _invalid("findings", _("Record what was found on site."))
    if visited_on > timezone.localdate():
        raise _invalid("visited_on", _("The visit cannot be in the future."))
    clue.visited_on, clue.visited_by, clue.findings = visited_on, actor, findings.strip()
    return _finish(
        clue,
        actor=actor,
        action="verify",
        from_state=from_state,
        reason=findings,
        fields=["visited_on", "visited_by", "findings"],
        after={"visited_on": visited_on},
    )


def _jurisdiction_of(actor: User, clue: Clue) -> Organisation:
    """The area in whose name the notice goes: the deepest the supervisor covers it from."""
    target = clue.supervision_organisation
    grants = [
        g for g in permissions.grants_for(actor, CLUE_HANDLE) if target.path.startswith(g.path)
    ]
    deepest = max(grants, key=lambda g: len(g.path))
    return Organisation.objects.get(pk=deepest.organisation_id)


def _next_number(jurisdiction: Organisation, year: int) -> str:
    NoticeSequence.objects.get_or_create(jurisdiction=jurisdiction, year=year)
    sequence = NoticeSequence.objects.select_for_update().get(jurisdiction=jurisdiction, year=year)
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    return f"{jurisdiction.code}-{year}-{sequence.last_value:04d}"


@transaction.atomic
def clue_send_notice(
    *, actor: User, clue: Clue, requirements: str, due_working_days: int | None = None
) -> RectificationNotice:
    clue, from_state, _t = _step(clue, actor=actor, action="send-notice", reason=requirements)
    if not (requirements or "").strip():
        raise _invalid("requirements", _("Say what the department must change."))
    days = due_working_days or settings.PORTAL["RECTIFICATION_DUE_WORKING_DAYS"]
    if not 1 <= days <= 60:
        raise _invalid("due_working_days", _("Allow between 1 and 60 working days."))
    today = timezone.localdate()
    jurisdiction = _jurisdiction_of(actor, clue)
    notice = RectificationNotice.objects.create(
        clue=clue,
        jurisdiction=jurisdiction,
        department=clue.department,
        number=_next_number(jurisdiction, today.year),
        findings=clue.findings or clue.details or clue.summary,
        requirements=requirements.strip(),
        due_working_days=days,
        sent_on=today,
        due_date=deadlines.notice_due_date(today, days),
        sent_by=actor,
    )
    clue._current_notice = notice
    _finish(
        clue,
        actor=actor,
        action="send-notice",
        from_state=from_state,
        reason=requirements,
        after={"notice": notice.number, "due_date": notice.due_date},
    )
    notify_organisations(
        organisations=[clue.department],
        kind="monitoring.notice_sent",
        title=_("Rectification notice %(number)s: measures due by %(due)s")
        % {"number": notice.number, "due": notice.due_date},
        body=clue.summary,
        link=_clue_url(clue),
    )
    return notice


@transaction.atomic
def clue_respond(*, actor: User, clue: Clue, measures: str) -> Clue:
    clue, from_state, _t = _step(clue, actor=actor, action="respond", reason=measures)
    if not (measures or "").strip():
        raise _invalid("measures", _("Describe the measures taken."))
    notice = current_notice(clue)
    RectificationNotice.objects.filter(pk=notice.pk).update(
        state=RectificationNotice.State.RESPONDED,
        measures=measures.strip(),
        responded_at=timezone.now(),
        responded_by=actor,
    )
    _finish(
        clue,
        actor=actor,
        action="respond",
        from_state=from_state,
        reason=measures,
        after={"notice": notice.number},
    )
    notify_organisations(
        organisations=[notice.jurisdiction],
        kind="monitoring.notice_responded",
        title=_("%(department)s answered notice %(number)s")
        % {"department": clue.department.name, "number": notice.number},
        link=_clue_url(clue),
    )
    return clue


@transaction.atomic
def clue_request_extension(
    *, actor: User, clue: Clue, reason: str, new_due_date: datetime.date
) -> NoticeExtension:
    clue, from_state, _t = _step(clue, actor=actor, action="request-extension", reason=reason)
    notice = current_notice(clue)
    if new_due_date <= notice.due_date:
        raise _invalid("new_due_date", _("Ask for a date after the current deadline."))
    extension = NoticeExtension.objects.create(
        notice=notice,
        reason=reason.strip(),
        old_due_date=notice.due_date,
        new_due_date=new_due_date,
        requested_by=actor,
    )
    _finish(
        clue,
        actor=actor,
        action="request-extension",
        from_state=from_state,
        reason=reason,
        after={"new_due_date": new_due_date},
    )
    notify_organisations(
        organisations=[notice.jurisdiction],
        kind="monitoring.extension_requested",
        title=_("%(department)s asks for more time on notice %(number)s (until %(date)s)")
        % {"department": clue.department.name, "number": notice.number, "date": new_due_date},
        link=_clue_url(clue),
    )
    return extension


@transaction.atomic
def clue_decide_extension(*, actor: User, clue: Clue, grant: bool, reason: str) -> NoticeExtension:
    action = "grant-extension" if grant else "refuse-extension"
    clue, from_state, _t = _step(clue, actor=actor, action=action, reason=reason)
    notice = current_notice(clue)
    extension = NoticeExtension.objects.select_for_update().get(pk=notice.pending_extension.pk)
    extension.state = NoticeExtension.State.GRANTED if grant else NoticeExtension.State.REFUSED
    extension.decided_by, extension.decided_at = actor, timezone.now()
    extension.decision_reason = reason.strip()
    extension.save(update_fields=["state", "decided_by", "decided_at", "decision_reason"])
    if grant:
        # A new deadline starts the escalation ladder again (its reminders are keyed by date).
        RectificationNotice.objects.filter(pk=notice.pk).update(
            due_date=extension.new_due_date, escalation=RectificationNotice.Escalation.NONE
        )
    _finish(
        clue,
        actor=actor,
        action=action,
        from_state=from_state,
        reason=reason,
        after={"due_date": extension.new_due_date if grant else notice.due_date},
    )
    notify_organisations(
        organisations=[clue.department],
        kind="monitoring.extension_decided",
        title=(
            _("More time granted on notice %(number)s: now due %(date)s")
            if grant
            else _("More time refused on notice %(number)s: still due %(date)s")
        )
        % {"number": notice.number, "date": extension.new_due_date if grant else notice.due_date},
        body=reason.strip(),
        link=_clue_url(clue),
    )
    return extension


@transaction.atomic
def clue_close(*, actor: User, clue: Clue, checked_on: datetime.date, reason: str) -> Clue:
    clue, from_state, _t = _step(clue, actor=actor, action="close", reason=reason)
    if checked_on is None:
        raise _invalid("checked_on", _("Record when the rectification was checked."))
    if checked_on > timezone.localdate():
        raise _invalid("checked_on", _("The check cannot be in the future."))
    clue.checked_on = checked_on
    notice = current_notice(clue)
    if notice is not None:
        RectificationNotice.objects.filter(pk=notice.pk).update(
            state=RectificationNotice.State.CLOSED
        )
    return _finish(
        clue,
        actor=actor,
        action="close",
        from_state=from_state,
        reason=reason,
        fields=["checked_on"],
        after={"checked_on": checked_on},
    )


@transaction.atomic
def clue_reopen(*, actor: User, clue: Clue, reason: str) -> Clue:
    clue, from_state, _t = _step(clue, actor=actor, action="reopen", reason=reason)
    return _finish(clue, actor=actor, action="reopen", from_state=from_state, reason=reason)


def clue_act(*, actor: User, clue: Clue, action: str, data: dict):
    """One entry point for the API and the pages: the action's service with its fields."""
    reason = data.get("reason", "") or ""
    if action == "analyse":
        return clue_analyse(actor=actor, clue=clue, note=data.get("note") or reason)
    if action == "dismiss":
        return clue_dismiss(actor=actor, clue=clue, reason=reason)
    if action == "verify":
        return clue_verify(
            actor=actor, clue=clue, visited_on=data["visited_on"], findings=data["findings"]
        )
    if action == "send-notice":
        return clue_send_notice(
            actor=actor,
            clue=clue,
            requirements=data["requirements"],
            due_working_days=data.get("due_working_days"),
        )
    if action == "respond":
        return clue_respond(actor=actor, clue=clue, measures=data["measures"])
    if action == "request-extension":
        return clue_request_extension(
            actor=actor, clue=clue, reason=reason, new_due_date=data["new_due_date"]
        )
    if action in {"grant-extension", "refuse-extension"}:
        return clue_decide_extension(
            actor=actor, clue=clue, grant=action == "grant-extension", reason=reason
        )
    if action == "close":
        return clue_close(actor=actor, clue=clue, checked_on=data.get("checked_on"), reason=reason)
    if action == "reopen":
        return clue_reopen(actor=actor, clue=clue, reason=reason)
    raise _invalid("action", _("Unknown action “%(action)s”.") % {"action": action})
