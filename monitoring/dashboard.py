"""Monitoring's sections of the supervisors' dashboard (``registry.plugins.DashboardSection``):
off-platform demands by department, flags by kind and area, clues and rectification, and
and the reverse evaluation's results of the closed rounds beside the measured facts.

Each counts through the selector its list page uses (``offplatform_list``, ``flag_list``,
``clue_list``), with the filters its links carry. Registered in ``monitoring.navigation``.
"""

from __future__ import annotations

from django.db.models import Count, F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monitoring import selectors
from monitoring.models import Clue, Flag
from monitoring.services.offplatform import OFFPLATFORM_FIGURES
from registry import figure_cache, permissions
from registry.selectors.dashboard import (
    DashboardQuery,
    column,
    section_result,
    table,
    unavailable,
)

OPEN_FLAG_STATES = [Flag.Status.OPEN, Flag.Status.ACKNOWLEDGED]


def offplatform_figures(query: DashboardQuery) -> dict:
    """Demands received off the platform in the period, by department (one grouped query)."""
    filters = {
        "area": query.area.code,
        "received_after": query.start.isoformat(),
        "received_before": query.end.isoformat(),
    }
    reports = selectors.offplatform_list(user=query.user, filters=filters)

    def grouped() -> list[dict]:
        return list(
            reports.order_by()
            .values("department_id")
            .annotate(n=Count("id"), communities=Count("community", distinct=True))
        )

    # Kept until a report under the area changes (its version, taken by every report,
    # correction and withdrawal) or the reader's grants do: a province's 200,000 reports.
    per_department = figure_cache.remember(
        "dashboard_offplatform",
        (tuple(permissions.grants_of(query.user)), query.area.pk, query.start, query.end),
        [f"{OFFPLATFORM_FIGURES}:{query.area.pk}"],
        grouped,
    )
    rows = []
    for d in per_department:
        code, name, _path, _staff = query.named(d["department_id"])
        link = query.list_url("offplatform-reports", **filters, department=code) if code else None
        rows.append(
            {
                "name": name or _("Department not named"),
                "code": code,
                "n": d["n"],
                "communities": d["communities"],
                "links": {"n": link},
            }
        )
    rows.sort(key=lambda r: (-r["n"], r["name"]))
    return section_result(
        totals={"reports": sum(r["n"] for r in rows)},
        labels={"reports": _("Demands reported off the platform")},
        links={"reports": query.list_url("offplatform-reports", **filters)},
        tables=[
            table(
                "by_department",
                _("Off-platform demands by department"),
                [
                    column("name", _("Department"), "text"),
                    column("n", _("Demands")),
                    column("communities", _("Communities reporting")),
                ],
                rows,
                chart={"type": "hbar", "x": "name", "y": ["n"]},
                empty=_("No community reported a demand off the platform in this period."),
            )
        ],
    )


def flags_figures(query: DashboardQuery) -> dict:
    """Flags first raised in the period, by kind and by the level below; how many are still
    open today (one grouped query)."""
    filters = {
        "area": query.area.code,
        "seen_from": query.start.isoformat(),
        "seen_until": query.end.isoformat(),
    }
    flags = selectors.flag_list(user=query.user, filters=filters)
    # Grouped by the organisation's id, its path from the area's organisations read once
    # (query.named): joined to the tree, a province's 20,000 flags took 0.2 s a period.
    grouped = list(
        flags.order_by()
        .values("kind", "organisation_id")
        .annotate(n=Count("id"), open=Count("id", filter=Q(status__in=OPEN_FLAG_STATES)))
    )
    kinds: dict[str, dict] = {}
    areas: dict[str | None, dict] = {}
    for g in grouped:
        kind = kinds.get(g["kind"])
        if kind is None:  # once per kind, not per organisation's row (20,000 in a province)
            kind = kinds[g["kind"]] = {
                "name": Flag.Kind(g["kind"]).label if g["kind"] in Flag.Kind.values else g["kind"],
                "n": 0,
                "open": 0,
                "links": {
                    "n": query.list_url("flags", **filters, kind=g["kind"], status="all"),
                    "open": query.list_url("flags", **filters, kind=g["kind"]),
                },
            }
        kind["n"] += g["n"]
        kind["open"] += g["open"]
        code = query.child_code(query.named(g["organisation_id"])[2])
        if code not in query.children:
            code = None
        name, url = query.drill(code)
        row = areas.setdefault(code, {"name": name, "n": 0, "open": 0, "links": {"name": url}})
        row["n"] += g["n"]
        row["open"] += g["open"]
    for code, row in areas.items():
        target = code or query.area.code
        row["links"]["open"] = query.list_url("flags", **{**filters, "area": target})
    kind_rows = sorted(kinds.values(), key=lambda r: -r["n"])
    area_rows = [areas[k] for k in sorted(areas, key=lambda k: k or "")]
    columns = [
        column("name", _("Kind"), "text"),
        column("n", _("Raised in the period")),
        column("open", _("Still open today")),
    ]
    return section_result(
        totals={
            "raised": sum(r["n"] for r in kind_rows),
            "open": sum(r["open"] for r in kind_rows),
        },
        labels={"raised": _("Flags raised"), "open": _("Of them still open")},
        links={
            "raised": query.list_url("flags", **filters, status="all"),
            "open": query.list_url("flags", **filters),
        },
        tables=[
            table(
                "by_kind",
                _("Flags by kind"),
                columns,
                kind_rows,
                chart={"type": "hbar", "x": "name", "y": ["open", "n"]},
                empty=_("No flag was raised here in this period."),
            ),
            table(
                "by_area",
                _("Flags by the level below"),
                [column("name", _("Area or community"), "text"), *columns[1:]],
                area_rows,
                empty=_("No flag was raised here in this period."),
            ),
        ],
    )


def clues_figures(query: DashboardQuery) -> dict:
    """Clues reported in the period by state, and the rectification notices sent in it: on
    time, late, overdue or still running (two grouped queries)."""
    filters = {
        "area": query.area.code,
        "reported_from": query.start.isoformat(),
        "reported_until": query.end.isoformat(),
    }
    clues = selectors.clue_list(user=query.user, filters=filters)
    by_state = dict(clues.order_by().values_list("state").annotate(n=Count("id")))
    state_rows = [
        {
            "name": label,
            "n": by_state.get(state, 0),
            "links": {"n": query.list_url("clue-board", **filters, state=state)},
        }
        for state, label in Clue.State.choices
    ]
    area = query.area
    notices = (
        selectors.notice_list(user=query.user)
        .filter(sent_on__gte=query.start, sent_on__lte=query.end)
        .filter(
            Q(clue__community__path__startswith=area.path)
            | Q(clue__community__isnull=True, department__path__startswith=area.path)
        )
        .prefetch_related(None)
        .order_by()
    )
    responded_day = F("responded_at__date")
    counts = notices.aggregate(
        on_time=Count("id", filter=Q(responded_at__isnull=False, due_date__gte=responded_day)),
        late=Count("id", filter=Q(responded_at__isnull=False, due_date__lt=responded_day)),
        overdue=Count("id", filter=Q(responded_at__isnull=True, due_date__lt=query.today)),
        running=Count("id", filter=Q(responded_at__isnull=True, due_date__gte=query.today)),
    )
    rectification_rows = [
        {"name": _("Answered on time"), "n": counts["on_time"]},
        {"name": _("Answered late"), "n": counts["late"]},
        {"name": _("Overdue, no answer"), "n": counts["overdue"]},
        {"name": _("Not yet due"), "n": counts["running"]},
    ]
    return section_result(
        totals={
            "clues": sum(by_state.values()),
            "notices": sum(counts.values()),
            "rectification_overdue": counts["overdue"],
        },
        labels={
            "clues": _("Clues reported"),
            "notices": _("Rectification notices sent"),
            "rectification_overdue": _("Notices overdue"),
        },
        links={"clues": query.list_url("clue-board", **filters)},
        tables=[
            table(
                "by_state",
                _("Clues by state"),
                [column("name", _("State"), "text"), column("n", _("Clues"))],
                state_rows,
                chart={"type": "bar", "x": "name", "y": ["n"]},
            ),
            table(
                "rectification",
                _("Rectification notices sent in the period"),
                [column("name", _("Answer"), "text"), column("n", _("Notices"))],
                rectification_rows,
                note=_("On time: the department's measures arrived by the due date."),
            ),
        ],
    )


EVALUATION_NOT_YET = gettext_lazy(
    "No reverse-evaluation results yet: they appear here once an evaluation round of this "
    "area has closed."
)
EVALUATION_BY_AREA = gettext_lazy(
    "Reverse evaluation is summed up per round over an area, not per community: open the "
    "street or district above."
)
# The newest closed rounds shown (each costs a handful of aggregate queries, whatever the
# number of departments or communities); older ones are on the evaluation pages.
EVALUATION_ROUNDS_SHOWN = 3


def _percent(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 1)


def evaluation_figures(query: DashboardQuery) -> dict:
    """What communities said about each department in the closed rounds of this area (or an
    area under it) whose period overlaps the dashboard's, beside the facts the platform
    measured for the same area and period (``selectors.round_results``, the round page's
    own figures). A department under the round's minimum of responses has no score and is
    listed apart, unranked; no single answer, comment or community is ever shown."""
    from monitoring.models import EvaluationRound
    from monitoring.permissions import EVALUATION_VIEW
    from registry import permissions
    from registry.models import Organisation

    if query.area.kind == Organisation.Kind.COMMUNITY:
        return unavailable(EVALUATION_BY_AREA)
    if not permissions.may(query.user, EVALUATION_VIEW, query.area):
        return unavailable(EVALUATION_NOT_YET)
    rounds = list(
        EvaluationRound.objects.filter(
            area__path__startswith=query.area.path,
            state=EvaluationRound.State.CLOSED,
            period_from__lte=query.end,
            period_until__gte=query.start,
        )
        .select_related("area")
        .order_by("-period_until", "-id")[:EVALUATION_ROUNDS_SHOWN]
    )
    if not rounds:
        return unavailable(EVALUATION_NOT_YET)
    columns = [
        column("name", _("Department"), "text"),
        column("responses", _("Responses")),
        column("overall", _("Mean score (1-5)"), "number"),
        column("rank", _("Rank")),
        column("refusal_rate", _("Refusal rate"), "percent"),
        column("median_lead", _("Median lead time (working days)"), "number"),
        column("emergency_share", _("Emergency share"), "percent"),
        column("offplatform", _("Off-platform demands")),
        column("overdue", _("Overdue rectifications")),
    ]
    tables, responses = [], 0
    for evaluation_round in rounds:
        rows = []
        for result in selectors.round_results(evaluation_round):
            facts = result.facts
            rows.append(
                {
                    "name": result.department.name,
                    "code": result.department.code,
                    "responses": result.responses,
                    "overall": result.overall,
                    "rank": result.rank,
                    "refusal_rate": _percent(facts.get("refusal_rate")),
                    "median_lead": facts.get("median_lead_working_days"),
                    "emergency_share": _percent(facts.get("emergency_share")),
                    "offplatform": facts.get("offplatform_reports"),
                    "overdue": facts.get("overdue_rectifications"),
                    "links": {"responses": query.list_url("evaluation-round", evaluation_round.pk)},
                }
            )
        responses = max(responses, max((r["responses"] for r in rows), default=0))
        ranked_rows = sorted(
            (r for r in rows if r["rank"] is not None), key=lambda r: (r["rank"], r["name"])
        )
        few = sorted((r for r in rows if r["rank"] is None), key=lambda r: r["name"])
        tables.append(
            table(
                f"round_{evaluation_round.pk}",
                _("%(title)s (%(area)s, %(start)s to %(end)s)")
                % {
                    "title": evaluation_round.title,
                    "area": evaluation_round.area.name,
                    "start": evaluation_round.period_from,
                    "end": evaluation_round.period_until,
                },
                columns,
                ranked_rows,
                unranked=few,
                chart={"type": "hbar", "x": "name", "y": ["overall"]},
                note=_(
                    "Scores are means of the communities' answers; a department with fewer "
                    "than %(n)s responses has no score and is listed apart, unranked."
                )
                % {"n": selectors.minimum_responses()},
            )
        )
    return section_result(
        totals={"rounds": len(rounds)},
        labels={"rounds": _("Closed evaluation rounds in the period")},
        links={"rounds": query.list_url("evaluation-index")},
        tables=tables,
    )
