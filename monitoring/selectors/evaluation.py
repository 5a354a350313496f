"""Reads of the reverse evaluation (反向评价): which rounds a user sees, what a community's
form lists, and the results per department beside the measured facts of the same area
and period.

Anonymity is decided here. Results are aggregates only: a department below
``PORTAL["EVALUATION_MIN_RESPONSES"]`` responses has no scores (a mean of two answers
gives them away) and is never ranked; no function here returns a single score, and the
comments come without community or author (``round_comments(with_authors=True)`` is only
called by the service that records the reason and audits it)."""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import Aggregate, Avg, Count, Exists, FloatField, OuterRef, Q, QuerySet
from django.utils import timezone

from monitoring import deadlines
from monitoring.models import (
    Dimension,
    EvaluationRating,
    EvaluationResponse,
    EvaluationRound,
    OffPlatformReport,
    RectificationNotice,
)
from monitoring.permissions import (
    EVALUATION_AUTHORS,
    EVALUATION_MANAGE,
    EVALUATION_RESPOND,
    EVALUATION_VIEW,
    EVALUATION_VIEW_DEPARTMENT,
)
from registry import permissions
from registry.models import Assignment, Organisation, User
from registry.selectors.access import load

DIMENSIONS = [code for code, _label in Dimension.choices]
# How many earlier rounds of the same area the trend shows.
TREND_ROUNDS = 6


def minimum_responses() -> int:
    return settings.PORTAL["EVALUATION_MIN_RESPONSES"]


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def period_bounds(period_from: datetime.date, period_until: datetime.date):
    """The period as [start, end) moments in the portal's time zone (both days included)."""
    return _start_of(period_from), _start_of(period_until + datetime.timedelta(days=1))


def _ancestor_codes(path: str) -> set[str]:
    return {code for code in path.split("/") if code}


# --- Which rounds a user sees -------------------------------------------------------------


def round_visibility(user: User) -> Q:
    """Supervisors and reviewers: the rounds of their area and below. A community's cadres:
    the rounds of any area above the community. A department's staff: the rounds of areas
    above the department and any round in which the department was rated."""
    visible = permissions.scope_q(user, EVALUATION_VIEW, "area")
    codes: set[str] = set()
    for action in (EVALUATION_RESPOND, EVALUATION_VIEW_DEPARTMENT):
        for grant in permissions.grants_for(user, action):
            codes |= _ancestor_codes(grant.path)
    if codes:
        visible |= Q(area__code__in=sorted(codes))
    if permissions.grants_for(user, EVALUATION_VIEW_DEPARTMENT):
        rated = EvaluationRating.objects.filter(round=OuterRef("pk")).filter(
            permissions.scope_q(user, EVALUATION_VIEW_DEPARTMENT, "department")
        )
        visible |= Q(Exists(rated))
    return visible


def round_list(*, user: User, filters=None) -> QuerySet[EvaluationRound]:
    from monitoring.filters import EvaluationRoundFilter
    from registry.filters.base import apply_filters

    rounds = (
        EvaluationRound.objects.filter(round_visibility(user))
        .select_related("area")
        .annotate(response_count=Count("responses"))
        .order_by("-period_from", "-id")
    )
    if filters is not None:
        rounds = apply_filters(EvaluationRoundFilter, filters, rounds, user=user)
    return rounds


# action -> the organisation a round is judged on ("" : the role is enough, the service
# judges the community answering).
ROUND_ACTIONS = {
    EVALUATION_MANAGE: "area",
    EVALUATION_VIEW: "area",
    EVALUATION_AUTHORS: "area",
    EVALUATION_RESPOND: "",
    EVALUATION_VIEW_DEPARTMENT: "",
}


def round_get(*, user: User, pk, action: str | None = None) -> EvaluationRound:
    """One round the user sees (else 404) and, given ``action``, may do it on (else 403)."""
    return load(
        EvaluationRound.objects.filter(round_visibility(user)).select_related("area"),
        user=user,
        action=action,
        judged_on=ROUND_ACTIONS,
        pk=pk,
    )


def responding_communities(*, user: User, round: EvaluationRound) -> QuerySet[Organisation]:
    """The communities of the round's area whose cadre the user is."""
    return (
        Organisation.objects.communities()
        .filter(path__startswith=round.area.path, is_active=True)
        .filter(permissions.scope_q(user, EVALUATION_RESPOND, ""))
        .order_by("path")
    )


def own_departments(*, user: User) -> QuerySet[Organisation]:
    """The departments whose staff the user is (the only rows they see in results)."""
    return Organisation.objects.departments().filter(
        permissions.scope_q(user, EVALUATION_VIEW_DEPARTMENT, "")
    )


# --- The form -----------------------------------------------------------------------------


def dispatched_departments(
    *, community: Organisation, period_from: datetime.date, period_until: datetime.date
) -> QuerySet[Organisation]:
    """Every department that dispatched a task to ``community`` in the period (one query)."""
    start, end = period_bounds(period_from, period_until)
    sent = Assignment.objects.filter(
        community=community, created_at__gte=start, created_at__lt=end
    ).values("department_id")
    return Organisation.objects.filter(pk__in=sent).order_by("path")


def addable_departments(round: EvaluationRound) -> QuerySet[Organisation]:
    """What a community may add to its form: the active departments of the round's area
    and below, and those of the areas above it (a city's bureaus serve its districts)."""
    above = _ancestor_codes(round.area.path) - {round.area.code}
    return (
        Organisation.objects.departments()
        .filter(is_active=True)
        .filter(Q(path__startswith=round.area.path) | Q(parent__code__in=sorted(above)))
        .order_by("path")
    )


def community_response(round: EvaluationRound, community: Organisation):
    return (
        EvaluationResponse.objects.filter(round=round, community=community)
        .prefetch_related("ratings")
        .first()
    )


def form_departments(
    round: EvaluationRound, community: Organisation, *, added: list[Organisation] = ()
) -> list[dict]:
    """The form's rows: the departments that dispatched to the community in the period,
    then those it rated before or adds now, each with the community's current answer."""
    response = community_response(round, community)
    answers: dict[int, dict] = defaultdict(dict)
    comments: dict[int, str] = {}
    if response is not None:
        for rating in response.ratings.all():
            answers[rating.department_id][rating.dimension] = rating.score
            if rating.comment:
                comments[rating.department_id] = rating.comment
    dispatched = list(
        dispatched_departments(
            community=community, period_from=round.period_from, period_until=round.period_until
        )
    )
    seen = {d.pk for d in dispatched}
    extra_ids = [pk for pk in answers if pk not in seen] + [
        d.pk for d in added if d.pk not in seen and d.pk not in answers
    ]
    extra = list(Organisation.objects.filter(pk__in=extra_ids).order_by("path"))
    rows = []
    for department, dispatched_flag in [(d, True) for d in dispatched] + [
        (d, False) for d in extra
    ]:
        rows.append(
            {
                "department": department,
                "dispatched": dispatched_flag,
                "scores": answers.get(department.pk, {}),
                "comment": comments.get(department.pk, ""),
            }
        )
    return rows


# --- The measured facts -------------------------------------------------------------------


class Median(Aggregate):
    """PostgreSQL's ``percentile_cont(0.5)``: the median in the database."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _empty_facts() -> dict:
    return {
        "refusal_rate": None,
        "median_lead_working_days": None,
        "emergency_share": None,
        "offplatform_reports": 0,
        "overdue_rectifications": 0,
        "assignments": 0,
    }


def measured_facts(
    *,
    area: Organisation,
    period_from: datetime.date,
    period_until: datetime.date,
    departments: list[int] | None = None,
    today: datetime.date | None = None,
) -> dict[int, dict]:
    """What the platform measured per department in the area and period, one aggregate
    query each (the median is a second query on SQLite, which has no percentile):

    - ``refusal_rate``: refused / every task the area's communities received in the period;
    - ``median_lead_working_days``: median working days those tasks allowed;
    - ``emergency_share``: emergency tasks / every task;
    - ``offplatform_reports``: demands reported off the platform by the area's communities
      with a received date in the period;
    - ``overdue_rectifications``: rectification notices on the area due in the period and
      still unanswered five working days past the deadline (the flag's rule).
    """
    today = today or timezone.localdate()
    start, end = period_bounds(period_from, period_until)
    tasks = Assignment.objects.filter(
        community__path__startswith=area.path, created_at__gte=start, created_at__lt=end
    )
    reports = OffPlatformReport.objects.filter(
        community__path__startswith=area.path,
        received_on__gte=period_from,
        received_on__lte=period_until,
    )
    notices = RectificationNotice.objects.filter(
        Q(clue__community__path__startswith=area.path)
        | Q(clue__community__isnull=True, jurisdiction__path__startswith=area.path),
        state=RectificationNotice.State.SENT,
        due_date__gte=period_from,
        due_date__lte=min(period_until, deadlines.overdue_cutoff(today)),
    )
    if departments is not None:
        tasks = tasks.filter(department_id__in=departments)
        reports = reports.filter(department_id__in=departments)
        notices = notices.filter(department_id__in=departments)
    postgres = connection.vendor == "postgresql"
    aggregates = {
        "total": Count("id"),
        "refused": Count("id", filter=Q(state=Assignment.State.REFUSED)),
        "emergencies": Count("id", filter=Q(emergency=True)),
    }
    if postgres:
        aggregates["median_lead"] = Median("dispatch__lead_working_days")
    facts: dict[int, dict] = defaultdict(_empty_facts)
    for row in tasks.values("department_id").annotate(**aggregates).order_by():
        total = row["total"]
        entry = facts[row["department_id"]]
        entry["assignments"] = total
        entry["refusal_rate"] = round(row["refused"] / total, 4) if total else None
        entry["emergency_share"] = round(row["emergencies"] / total, 4) if total else None
        if postgres:
            entry["median_lead_working_days"] = row["median_lead"]
    if not postgres:
        leads: dict[int, list[int]] = defaultdict(list)
        for department_id, lead in tasks.values_list(
            "department_id", "dispatch__lead_working_days"
        ).order_by():
            leads[department_id].append(lead)
        for department_id, values in leads.items():
            facts[department_id]["median_lead_working_days"] = float(statistics.median(values))
    for row in reports.values("department_id").annotate(n=Count("id")).order_by():
        facts[row["department_id"]]["offplatform_reports"] = row["n"]
    for row in notices.values("department_id").annotate(n=Count("id")).order_by():
        facts[row["department_id"]]["overdue_rectifications"] = row["n"]
    return dict(facts)


# --- Results ------------------------------------------------------------------------------


@dataclass
class DepartmentResult:
    department: Organisation
    responses: int
    # Per dimension: mean (None below the minimum) and how many scored it.
    scores: dict[str, float] | None
    counts: dict[str, int]
    overall: float | None
    rank: int | None
    facts: dict
    trend: list[dict] = field(default_factory=list)

    @property
    def ranked(self) -> bool:
        return self.rank is not None

    def score_rows(self) -> list[tuple[str, str, float | None, int]]:
        """(code, label, mean, count) per dimension, in the form's order (for templates)."""
        return [
            (code, label, (self.scores or {}).get(code), self.counts.get(code, 0))
            for code, label in Dimension.choices
        ]

    def as_dict(self) -> dict:
        """The API's row (the contract's fields first)."""
        return {
            "department": self.department.code,
            "department_name": self.department.name,
            "responses": self.responses,
            "scores": self.scores,
            "counts": self.counts if self.scores is not None else None,
            "overall": self.overall,
            "rank": self.rank,
            "facts": {k: v for k, v in self.facts.items() if k != "assignments"},
            "trend": self.trend,
        }


def _round_scores(round_ids: list[int], departments: list[int] | None) -> QuerySet:
    """Per round and department: responses, and mean and count per dimension (one query)."""
    ratings = EvaluationRating.objects.filter(round_id__in=round_ids)
    if departments is not None:
        ratings = ratings.filter(department_id__in=departments)
    aggregates = {"responses": Count("response_id", distinct=True), "overall": Avg("score")}
    for code in DIMENSIONS:
        aggregates[f"mean_{code}"] = Avg("score", filter=Q(dimension=code))
        aggregates[f"n_{code}"] = Count("id", filter=Q(dimension=code))
    return ratings.values("round_id", "department_id").annotate(**aggregates).order_by()


def _trend_rounds(round: EvaluationRound) -> list[EvaluationRound]:
    """This round and the closed rounds of the same area before it, oldest first."""
    earlier = list(
        EvaluationRound.objects.filter(
            area_id=round.area_id,
            state=EvaluationRound.State.CLOSED,
            period_from__lt=round.period_from,
        ).order_by("-period_from", "-id")[: TREND_ROUNDS - 1]
    )
    return [*reversed(earlier), round]


def round_results(
    round: EvaluationRound,
    *,
    departments: list[int] | None = None,
    today: datetime.date | None = None,
) -> list[DepartmentResult]:
    """Every department rated in the round or that dispatched into its area in the period
    (``departments`` narrows it to those ids): ranked departments first by rank, then those
    under the minimum, by name. A fixed number of queries whatever the size: the trend's
    rounds, the scores of those rounds, the five facts, the departments' names."""
    minimum = minimum_responses()
    rounds = _trend_rounds(round)
    by_round: dict[int, dict[int, dict]] = defaultdict(dict)
    for row in _round_scores([r.pk for r in rounds], departments):
        by_round[row["round_id"]][row["department_id"]] = row
    facts = measured_facts(
        area=round.area,
        period_from=round.period_from,
        period_until=round.period_until,
        departments=departments,
        today=today,
    )
    current = by_round.get(round.pk, {})
    ids = set(current) | {pk for pk, f in facts.items() if f["assignments"]}
    if departments is not None:
        ids &= set(departments)
    names = {o.pk: o for o in Organisation.objects.filter(pk__in=ids).only("code", "name", "path")}
    results = []
    for pk in ids:
        row = current.get(pk)
        responses = row["responses"] if row else 0
        enough = responses >= minimum
        scores = (
            {code: round_mean(row[f"mean_{code}"]) for code in DIMENSIONS}
            if row and enough
            else None
        )
        counts = {code: row[f"n_{code}"] for code in DIMENSIONS} if row else {}
        trend = []
        for r in rounds:
            past = by_round.get(r.pk, {}).get(pk)
            past_enough = past is not None and past["responses"] >= minimum
            trend.append(
                {
                    "round": r.pk,
                    "title": r.title,
                    "period_from": r.period_from.isoformat(),
                    "responses": past["responses"] if past else 0,
                    "overall": round_mean(past["overall"]) if past_enough else None,
                }
            )
        results.append(
            DepartmentResult(
                department=names[pk],
                responses=responses,
                scores=scores,
                counts=counts if enough else {},
                overall=round_mean(row["overall"]) if row and enough else None,
                rank=None,
                facts=facts.get(pk) or _empty_facts(),
                trend=trend,
            )
        )
    _rank(results)
    return sorted(
        results,
        key=lambda r: (r.rank is None, r.rank or 0, r.department.path),
    )


def round_mean(value) -> float | None:
    return None if value is None else round(float(value), 2)


def _rank(results: list[DepartmentResult]) -> None:
    """Competition ranking (1, 2, 2, 4) by overall mean, among those at the minimum only."""
    ranked = sorted((r for r in results if r.overall is not None), key=lambda r: -r.overall)
    previous, position = None, 0
    for index, result in enumerate(ranked, start=1):
        if result.overall != previous:
            position, previous = index, result.overall
        result.rank = position


def results_for(
    *, user: User, round: EvaluationRound, department_code: str = ""
) -> list[DepartmentResult]:
    """The rows ``user`` may see: the area's supervisors and reviewers every row; a
    department's staff their own rows only, once the round has closed (else 409)."""
    from registry.errors import IllegalTransition
    from registry.errors import PermissionDenied as Denied

    narrowed: list[int] | None = None
    if department_code:
        narrowed = list(
            Organisation.objects.departments()
            .filter(code=department_code)
            .values_list("pk", flat=True)
        )
    if permissions.may(user, EVALUATION_VIEW, round.area):
        return round_results(round, departments=narrowed)
    own = list(own_departments(user=user).values_list("pk", flat=True))
    if not own:
        raise Denied()
    if round.state != EvaluationRound.State.CLOSED:
        from django.utils.translation import gettext as _

        raise IllegalTransition(
            _("A department sees its results once the round has closed."),
            code="round_not_closed",
            state=round.state,
        )
    allowed = own if narrowed is None else [pk for pk in own if pk in narrowed]
    return round_results(round, departments=allowed)


def round_comments(round: EvaluationRound, *, with_authors: bool = False) -> list[dict]:
    """The comments of a round, by department and dimension, in text order (never in the
    order they came, which could tell who wrote them). The community and author only with
    ``with_authors`` (services.evaluation_authors_reveal, which records the reason)."""
    ratings = (
        EvaluationRating.objects.filter(round=round)
        .exclude(comment="")
        .select_related("department")
        .order_by("department__path", "comment", "id")
    )
    if with_authors:
        ratings = ratings.select_related("response__community", "response__submitted_by")
    rows = []
    seen: set[tuple[int, str]] = set()
    for rating in ratings:
        if not with_authors:
            # One comment is stored once per dimension the community scored; show it once.
            if (rating.department_id, rating.comment) in seen:
                continue
            seen.add((rating.department_id, rating.comment))
        row = {"department": rating.department, "comment": rating.comment}
        if with_authors:
            row["community"] = rating.response.community
            row["author"] = rating.response.submitted_by
        rows.append(row)
    return rows


def evaluation_results(
    *, area: Organisation, period_from: datetime.date, period_until: datetime.date
) -> list[dict]:
    """For the supervisors' dashboard: every round of ``area`` (or an area under it) whose
    period overlaps [period_from, period_until], newest first, each as
    ``{"round", "title", "area", "period_from", "period_until", "state", "minimum_responses",
    "results": [DepartmentResult.as_dict(), ...]}``. The caller has checked that the user
    may read the area's figures (EVALUATION_VIEW on ``area``). Scores stay aggregate and
    below-minimum departments unranked, as on the round's own page."""
    rounds = EvaluationRound.objects.filter(
        area__path__startswith=area.path,
        period_from__lte=period_until,
        period_until__gte=period_from,
    ).select_related("area")
    return [
        {
            "round": r.pk,
            "title": r.title,
            "area": r.area.code,
            "period_from": r.period_from.isoformat(),
            "period_until": r.period_until.isoformat(),
            "state": r.state,
            "minimum_responses": minimum_responses(),
            "results": [result.as_dict() for result in round_results(r)],
        }
        for r in rounds.order_by("-period_from", "-id")
    ]
