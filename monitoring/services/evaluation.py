"""Writes of the reverse evaluation (反向评价): opening a round, a community's response
(replaced whole until the round closes), closing (early by a supervisor, or by the daily
job after the closing date), the daily notifications, and showing comments' authors to a
supervisor who records a reason."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monitoring import audit_actions, deadlines
from monitoring.models import (
    Dimension,
    EvaluationRating,
    EvaluationResponse,
    EvaluationRound,
    ReminderLog,
)
from monitoring.permissions import EVALUATION_AUTHORS, EVALUATION_MANAGE, EVALUATION_RESPOND
from monitoring.selectors import evaluation as reads
from registry import limits
from registry.audit import audit_record
from registry.audit_actions import for_transition
from registry.errors import Conflict, IllegalTransition, InvalidInput
from registry.models import Organisation, User
from registry.services.common import check_date_in_horizon, full_clean, require
from registry.services.notifications import notify_organisations
from registry.transitions import Machine, Transition

ROUND = Machine(
    "evaluation_round",
    [
        Transition(
            "close",
            {EvaluationRound.State.OPEN},
            EvaluationRound.State.CLOSED,
            EVALUATION_MANAGE,
            gettext_lazy("Close the round now"),
            confirm=gettext_lazy(
                "Once closed, no community can answer or change its answer, and the "
                "departments see their results. Close the round now?"
            ),
            tone="danger",
            illegal=gettext_lazy("The round is already closed."),
        ),
        # The daily job closes a round the day after its closing date.
        Transition(
            "expire",
            {EvaluationRound.State.OPEN},
            EvaluationRound.State.CLOSED,
            None,
            gettext_lazy("Closed after its closing date"),
        ),
    ],
    organisation=lambda evaluation_round: evaluation_round.area,
)

_REMIND_LOCK_KEY = 7_401_012


def _lock(evaluation_round: EvaluationRound) -> EvaluationRound:
    return (
        EvaluationRound.objects.select_for_update(of=("self",))
        .select_related("area")
        .get(pk=evaluation_round.pk)
    )


def _invalid(field_name: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={field_name: [message]})


@transaction.atomic
def evaluation_round_open(
    *,
    actor: User,
    area: Organisation,
    title: str,
    period_from: datetime.date,
    period_until: datetime.date,
    opens_on: datetime.date,
    closes_on: datetime.date,
) -> EvaluationRound:
    """A supervisor of the area opens a round; if it opens today its communities are told now
    (else the daily job tells them on the opening day)."""
    if area.kind != Organisation.Kind.AREA:
        raise _invalid("area", _("Choose an area (a city, district or street)."))
    require(actor, EVALUATION_MANAGE, area)
    for name, value in (
        ("period_from", period_from),
        ("period_until", period_until),
        ("opens_on", opens_on),
        ("closes_on", closes_on),
    ):
        check_date_in_horizon(value, name)
    if period_until < period_from:
        raise _invalid("period_until", _("The period cannot end before it begins."))
    if closes_on < opens_on:
        raise _invalid("closes_on", _("The round cannot close before it opens."))
    if opens_on < period_from:
        raise _invalid("opens_on", _("The round cannot open before its period begins."))
    today = timezone.localdate()
    if closes_on < today:
        raise _invalid("closes_on", _("The closing date has already passed."))
    evaluation_round = EvaluationRound(
        area=area,
        title=(title or "").strip(),
        period_from=period_from,
        period_until=period_until,
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=actor,
    )
    full_clean(evaluation_round)
    evaluation_round.save()
    audit_record(
        actor=actor,
        action=audit_actions.EVALUATION_ROUND_OPEN,
        obj=evaluation_round,
        after={
            "area": area.code,
            "title": evaluation_round.title,
            "period": [period_from.isoformat(), period_until.isoformat()],
            "window": [opens_on.isoformat(), closes_on.isoformat()],
        },
    )
    if opens_on <= today:
        _notify_opened(evaluation_round)
    return evaluation_round


def _close(evaluation_round: EvaluationRound, transition: Transition, actor: User | None):
    from_state = ROUND.apply(evaluation_round, transition)
    evaluation_round.closed_at = timezone.now()
    evaluation_round.save(update_fields=["state", "closed_at"])
    audit_record(
        actor=actor,
        action=for_transition("evaluation_round", transition.action),
        obj=evaluation_round,
        before={"state": from_state},
        after={"state": evaluation_round.state, "responses": evaluation_round.responses.count()},
    )


@transaction.atomic
def evaluation_round_close(*, actor: User, round: EvaluationRound) -> EvaluationRound:
    """A supervisor closes a round before its closing date (the page asks first)."""
    evaluation_round = _lock(round)
    transition = ROUND.begin(actor=actor, obj=evaluation_round, action="close")
    _close(evaluation_round, transition, actor)
    return evaluation_round


def _clean_ratings(
    evaluation_round: EvaluationRound, community: Organisation, ratings: list[dict]
) -> list[EvaluationRating]:
    """Check each rating and return them unsaved; every problem names its field."""
    if not ratings:
        raise _invalid("ratings", _("Rate at least one department."))
    if len(ratings) > limits.MAX_ENTRIES:
        raise _invalid(
            "ratings", _("At most %(limit)s ratings at once.") % {"limit": limits.MAX_ENTRIES}
        )
    allowed = {
        d.pk
        for d in reads.dispatched_departments(
            community=community,
            period_from=evaluation_round.period_from,
            period_until=evaluation_round.period_until,
        )
    }
    codes = {r["department"].pk for r in ratings if isinstance(r.get("department"), Organisation)}
    allowed |= set(
        reads.addable_departments(evaluation_round)
        .filter(pk__in=codes - allowed)
        .values_list("pk", flat=True)
    )
    valid_dimensions = {code for code, _label in Dimension.choices}
    rows, seen = [], set()
    for rating in ratings:
        department = rating.get("department")
        if not isinstance(department, Organisation) or department.pk not in allowed:
            raise _invalid(
                "ratings",
                _("%(department)s cannot be rated by this community in this round.")
                % {"department": getattr(department, "name", department)},
            )
        dimension = rating.get("dimension")
        if dimension not in valid_dimensions:
            raise _invalid(
                "ratings", _("Unknown dimension “%(dimension)s”.") % {"dimension": dimension}
            )
        score = rating.get("score")
        if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
            raise _invalid("ratings", _("A score is a whole number from 1 to 5."))
        comment = (rating.get("comment") or "").strip()
        if len(comment) > limits.NOTE_TEXT:
            raise _invalid(
                "ratings",
                _("A comment has at most %(limit)s characters.") % {"limit": limits.NOTE_TEXT},
            )
        key = (department.pk, dimension)
        if key in seen:
            raise _invalid(
                "ratings",
                _("%(department)s is rated twice on the same dimension.")
                % {"department": department.name},
            )
        seen.add(key)
        rows.append(
            EvaluationRating(
                round=evaluation_round,
                department=department,
                dimension=dimension,
                score=score,
                comment=comment,
            )
        )
    return rows


@transaction.atomic
def evaluation_response_submit(
    *,
    actor: User,
    round: EvaluationRound,
    community: Organisation,
    ratings: list[dict],
) -> tuple[EvaluationResponse, bool]:
    """The community's answer, replacing any earlier one whole. ``ratings`` are dicts of
    ``department`` (an Organisation), ``dimension``, ``score`` (1-5) and ``comment``.
    Returns (response, created). After the round closes: 409."""
    # The round's row lock orders this against closing: no answer slips in after it.
    evaluation_round = _lock(round)
    if community.kind != Organisation.Kind.COMMUNITY or not community.path.startswith(
        evaluation_round.area.path
    ):
        raise _invalid("community", _("This community is not in the round's area."))
    require(actor, EVALUATION_RESPOND, community)
    today = timezone.localdate()
    if evaluation_round.state != EvaluationRound.State.OPEN or today > evaluation_round.closes_on:
        raise IllegalTransition(
            _("The round closed on %(day)s: answers can no longer be given or changed.")
            % {"day": evaluation_round.closes_on.isoformat()},
            code="round_closed",
            state=EvaluationRound.State.CLOSED,
        )
    if today < evaluation_round.opens_on:
        raise IllegalTransition(
            _("The round opens on %(day)s.") % {"day": evaluation_round.opens_on.isoformat()},
            code="round_not_open",
            state=evaluation_round.state,
        )
    rows = _clean_ratings(evaluation_round, community, ratings)
    response = (
        EvaluationResponse.objects.select_for_update()
        .filter(round=evaluation_round, community=community)
        .first()
    )
    created = response is None
    if created:
        response = EvaluationResponse(
            round=evaluation_round,
            community=community,
            submitted_by=actor,
            submitted_at=timezone.now(),
        )
        try:
            with transaction.atomic():
                response.save()
        except IntegrityError:  # cannot happen under the round's lock; say so if it does
            raise Conflict(_("The community's answer changed meanwhile; try again.")) from None
    else:
        response.ratings.all().delete()
        response.submitted_by = actor
        response.submitted_at = timezone.now()
        response.version += 1
        response.save(update_fields=["submitted_by", "submitted_at", "version"])
    for row in rows:
        row.response = response
    EvaluationRating.objects.bulk_create(rows)
    # No score or comment in the audit log's detail: the log is read more widely than
    # the results, and a single answer must not be readable anywhere.
    audit_record(
        actor=actor,
        action=audit_actions.EVALUATION_RESPONSE_SUBMIT,
        obj=evaluation_round,
        after={
            "community": community.code,
            "version": response.version,
            "departments": len({r.department_id for r in rows}),
            "ratings": len(rows),
        },
    )
    return response, created


@transaction.atomic
def evaluation_authors_reveal(*, actor: User, round: EvaluationRound, reason: str) -> list[dict]:
    """A supervisor with a reason (a complaint to look into, a threat in a comment) sees,
    for this one view, which community and person wrote each comment; recorded in the
    audit log with the reason."""
    require(actor, EVALUATION_AUTHORS, round.area)
    reason = (reason or "").strip()
    if not reason:
        raise _invalid("reason", _("Give the reason for seeing who wrote the comments."))
    if len(reason) > limits.NOTE_TEXT:
        raise _invalid("reason", _("At most %(limit)s characters.") % {"limit": limits.NOTE_TEXT})
    rows = reads.round_comments(round, with_authors=True)
    audit_record(
        actor=actor,
        action=audit_actions.EVALUATION_AUTHORS_VIEW,
        obj=round,
        after={"reason": reason, "comments": len(rows)},
    )
    return rows


# --- The daily job ------------------------------------------------------------------------


@dataclass
class RoundsReminderSummary:
    notified: dict[str, int] = field(default_factory=dict)
    closed: int = 0

    def as_dict(self) -> dict:
        return {"notified": self.notified, "closed": self.closed}


def _claim(key: str) -> bool:
    """True the first time ``key`` is claimed (the caller holds the job's lock)."""
    if ReminderLog.objects.filter(key=key).exists():
        return False
    ReminderLog.objects.create(key=key)
    return True


def _form_link(evaluation_round: EvaluationRound) -> str:
    return reverse("evaluation-form", args=[evaluation_round.pk])


def _notify_opened(evaluation_round: EvaluationRound) -> int:
    if not _claim(f"evaluation:{evaluation_round.pk}:opened"):
        return 0
    communities = Organisation.objects.communities().filter(
        path__startswith=evaluation_round.area.path, is_active=True
    )
    return notify_organisations(
        organisations=communities,
        kind="evaluation.opened",
        title=_("Rate the departments: %(title)s, open until %(day)s")
        % {"title": evaluation_round.title, "day": evaluation_round.closes_on.isoformat()},
        link=_form_link(evaluation_round),
    )


def _remind(evaluation_round: EvaluationRound) -> int:
    key = f"evaluation:{evaluation_round.pk}:reminder:{evaluation_round.closes_on}"
    if not _claim(key):
        return 0
    answered = EvaluationResponse.objects.filter(round=evaluation_round).values("community_id")
    communities = (
        Organisation.objects.communities()
        .filter(path__startswith=evaluation_round.area.path, is_active=True)
        .exclude(pk__in=answered)
    )
    return notify_organisations(
        organisations=communities,
        kind="evaluation.reminder",
        title=_("The evaluation “%(title)s” closes on %(day)s: your answer is missing")
        % {"title": evaluation_round.title, "day": evaluation_round.closes_on.isoformat()},
        link=_form_link(evaluation_round),
    )


@transaction.atomic
def evaluation_rounds_remind(*, today: datetime.date | None = None) -> RoundsReminderSummary:
    """The daily job (beat, 07:10): tell the communities of each round on its opening day,
    remind those that have not answered two working days before it closes, and close the
    rounds whose closing date has passed. Safe to run twice: each notice is keyed in
    ReminderLog, and closing a closed round is not attempted."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_REMIND_LOCK_KEY])
    today = today or timezone.localdate()
    summary = RoundsReminderSummary(notified={"opened": 0, "reminder": 0})
    rounds = EvaluationRound.objects.filter(state=EvaluationRound.State.OPEN).select_related("area")
    for evaluation_round in rounds:
        if evaluation_round.closes_on < today:
            locked = _lock(evaluation_round)
            if locked.state == EvaluationRound.State.OPEN:
                transition = ROUND.begin(actor=None, obj=locked, action="expire", system=True)
                _close(locked, transition, None)
                summary.closed += 1
            continue
        if evaluation_round.opens_on <= today:
            summary.notified["opened"] += _notify_opened(evaluation_round)
            if deadlines.reminder_date(evaluation_round.closes_on) <= today:
                summary.notified["reminder"] += _remind(evaluation_round)
    return summary
