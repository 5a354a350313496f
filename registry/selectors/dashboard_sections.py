"""The hub's own dashboard sections: the lists, admission decisions, assignments and
hours per community, refusals by department (registered in ``registry.navigation``).

Each counts through the selector its list page uses, with the filters its links carry:
assignments through ``inbox_list`` (the inbox at /inbox/), decisions through
``application_list`` (/applications/), list items through ``published_items`` (the
published list page). One or two grouped queries per section, whatever the number of
organisations; rows are rolled up to the level below the area in Python.
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from registry import workdays
from registry.models import Application, Assignment, ListKind, Organisation, path_prefixes
from registry.selectors import dashboard_rollups as rollups
from registry.selectors.admission import application_list, published_items
from registry.selectors.dashboard import (
    DashboardQuery,
    column,
    ranked,
    rate,
    section_result,
    table,
)
from registry.selectors.dispatch import inbox_list

LIST_KINDS = [ListKind.DUTY, ListKind.ASSIST, ListKind.NEGATIVE]


def _received(query: DashboardQuery, **more) -> dict:
    """The inbox filters of the area's assignments received in the period."""
    return {
        "area": query.area.code,
        "received_from": query.start.isoformat(),
        "received_until": query.end.isoformat(),
        **more,
    }


# --- Lists -----------------------------------------------------------------------------------


def lists_figures(query: DashboardQuery) -> dict:
    """Items on each list at the period's end: the lists of the area, of the areas above it
    (they apply here too) and of the areas under it, per jurisdiction."""
    area = query.area
    items = published_items(as_of=query.end).filter(
        Q(jurisdiction__path__in=path_prefixes(area.path))
        | Q(jurisdiction__path__startswith=area.path)
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    names: dict[int, tuple[str, str, str]] = {}
    for jid, code, name, path, kind, n in (
        items.order_by()
        .values_list(
            "jurisdiction_id",
            "jurisdiction__code",
            "jurisdiction__name",
            "jurisdiction__path",
            "list_kind",
        )
        .annotate(n=Count("id"))
    ):
        counts[jid][kind] = n
        names[jid] = (code, name, path)
    rows = []
    for jid, (code, name, _path) in sorted(names.items(), key=lambda kv: kv[1][2]):
        row = {"name": name, "code": code, "links": {}}
        for kind in LIST_KINDS:
            row[kind] = counts[jid].get(kind, 0)
            row["links"][kind] = query.list_url(
                "published-list", code, kind, as_of=query.end.isoformat()
            )
        rows.append(row)
    totals = {kind: sum(r[kind] for r in rows) for kind in LIST_KINDS}
    return section_result(
        totals=totals,
        labels={kind: ListKind(kind).label for kind in LIST_KINDS},
        tables=[
            table(
                "by_jurisdiction",
                _("Items on the lists by jurisdiction, at the period's end"),
                [column("name", _("Jurisdiction"), "text")]
                + [column(kind, ListKind(kind).label) for kind in LIST_KINDS],
                rows,
                chart={"type": "bar", "x": "name", "y": [str(k) for k in LIST_KINDS]},
                empty=_("No list applies here yet: reviewers publish them under 清单."),
            )
        ],
    )


# --- Admission decisions -------------------------------------------------------------------


def _working_days(submitted, decided) -> int:
    return workdays.working_days_between(timezone.localdate(submitted), timezone.localdate(decided))


def admission_figures(query: DashboardQuery) -> dict:
    """Decisions taken in the period by the area's reviewers, and the median review time
    in working days (submission to decision). One query."""
    decided = [Application.State.APPROVED, Application.State.REJECTED]
    filters = {
        "area": query.area.code,
        "decided_from": query.start.isoformat(),
        "decided_until": query.end.isoformat(),
    }
    apps = application_list(user=query.user, filters={**filters, "state": decided})
    per: dict[int, dict] = {}
    days_all: list[int] = []
    for jid, code, name, state, submitted, decided_at in apps.prefetch_related(None).values_list(
        "jurisdiction_id",
        "jurisdiction__code",
        "jurisdiction__name",
        "state",
        "submitted_at",
        "decided_at",
    ):
        row = per.setdefault(
            jid, {"name": name, "code": code, "approved": 0, "rejected": 0, "_days": []}
        )
        row[state] += 1
        if submitted and decided_at:
            row["_days"].append(_working_days(submitted, decided_at))
            days_all.append(row["_days"][-1])
    rows = []
    for row in sorted(per.values(), key=lambda r: r["code"]):
        days = row.pop("_days")
        row["decisions"] = row["approved"] + row["rejected"]
        row["median_days"] = statistics.median(days) if days else None
        row["links"] = {
            state: query.list_url(
                "applications", **{**filters, "area": row["code"], "state": state}
            )
            for state in ("approved", "rejected")
        }
        rows.append(row)
    approved = sum(r["approved"] for r in rows)
    rejected = sum(r["rejected"] for r in rows)
    return section_result(
        totals={
            "approved": approved,
            "rejected": rejected,
            "median_review_working_days": statistics.median(days_all) if days_all else None,
        },
        labels={
            "approved": _("Admitted"),
            "rejected": _("Refused admission"),
            "median_review_working_days": _("Median review time (working days)"),
        },
        links={
            "approved": query.list_url("applications", **filters, state="approved"),
            "rejected": query.list_url("applications", **filters, state="rejected"),
        },
        tables=[
            table(
                "by_jurisdiction",
                _("Admission decisions by reviewing jurisdiction"),
                [
                    column("name", _("Jurisdiction"), "text"),
                    column("approved", _("Admitted")),
                    column("rejected", _("Refused admission")),
                    column("median_days", _("Median review time (working days)"), "number"),
                ],
                rows,
                empty=_("No application was decided in this period."),
            )
        ],
    )


# --- Assignments and hours per community -----------------------------------------------------


# Load against capacity (hours / the committee's hours for tasks from above): the buckets
# of the distribution chart, in percent.
LOAD_BUCKETS = [(0, 20), (20, 40), (40, 60), (60, 80), (80, 100), (100, None)]


def _capacity(staff_count: int, days: int) -> float:
    weekly = float(settings.PORTAL.get("STAFF_WEEKLY_HOURS", 10))
    return staff_count * weekly * days / 7


def _month_key(month) -> str:
    """ "YYYY-MM" of a live TruncMonth (an aware datetime) or a roll-up's month (a date)."""
    if isinstance(month, datetime.datetime) and timezone.is_aware(month):
        month = timezone.localtime(month)
    return month.strftime("%Y-%m")


def _add(into: dict, key, row: dict, fields: tuple[str, ...]) -> None:
    target = into.setdefault(key, dict.fromkeys(fields, 0))
    for f in fields:
        target[f] += row[f] or 0


def _live(query: DashboardQuery, part: rollups.Split):
    """The inbox's rows of each day range the roll-up does not answer, through the
    inbox's selector and the filters its links carry."""
    for first, last in part.live:
        yield inbox_list(
            user=query.user,
            filters=_received(
                query, received_from=first.isoformat(), received_until=last.isoformat()
            ),
        )


COMMUNITY_FIELDS = ("n", "hours", "emergency", "refused")
MONTH_FIELDS = ("n", "hours", "emergency", "lead")


def _assignment_counts(query: DashboardQuery) -> tuple[list[dict], list[dict], str]:
    """(per community, per month, the freshness note): the complete months the roll-up
    holds from it (two grouped queries), the other days live through the inbox's selector
    with the filters its links carry (two per range, at most two ranges)."""
    part = rollups.split(query.start, query.end, query.rollup and query.rollup.through)
    per: dict[int, dict] = {}
    months: dict[str, dict] = {}
    if part.months:

        def read() -> tuple[list[dict], list[dict]]:
            rolled = rollups.community_months(user=query.user, area=query.area, months=part.months)
            return (
                list(
                    rolled.values("community_id").annotate(
                        n=Sum("tasks"),
                        hours=Sum("hours"),
                        emergency=Sum("emergency"),
                        refused=Sum("refused"),
                    )
                ),
                list(
                    rolled.values("month").annotate(
                        n=Sum("tasks"),
                        hours=Sum("hours"),
                        emergency=Sum("emergency"),
                        lead=Sum("lead_working_days"),
                    )
                ),
            )

        by_community, by_month = rollups.remembered(
            user=query.user,
            area=query.area,
            what="community_months",
            months=part.months,
            compute=read,
        )
        for row in by_community:
            _add(per, row["community_id"], row, COMMUNITY_FIELDS)
        for row in by_month:
            _add(months, _month_key(row["month"]), row, MONTH_FIELDS)
    for shown in _live(query, part):
        for row in (
            shown.order_by()
            .values("community_id")
            .annotate(
                n=Count("id"),
                hours=Sum("hours"),
                emergency=Count("id", filter=Q(emergency=True)),
                refused=Count("id", filter=Q(state=Assignment.State.REFUSED)),
            )
        ):
            _add(per, row["community_id"], row, COMMUNITY_FIELDS)
        for row in (
            shown.order_by()
            .annotate(month=TruncMonth("created_at"))
            .values("month")
            .annotate(
                n=Count("id"),
                hours=Sum("hours"),
                emergency=Count("id", filter=Q(emergency=True)),
                lead=Sum("dispatch__lead_working_days"),
            )
        ):
            _add(months, _month_key(row["month"]), row, MONTH_FIELDS)
    per_community = [{"community_id": pk, **row} for pk, row in per.items()]
    month_rows = [{"month": key, **row} for key, row in sorted(months.items())]
    return per_community, month_rows, rollups.freshness_note(query.rollup, part)


def assignments_figures(query: DashboardQuery) -> dict:
    """Assignments received in the period: per community (rolled up to the level below),
    per month, the emergency share and the lead time."""
    per_community, months, freshness = _assignment_counts(query)
    for c in per_community:
        c["code"], c["name"], c["path"], c["staff"] = query.named(c["community_id"])
    communities_in_area = (
        Organisation.objects.communities().filter(path__startswith=query.area.path).count()
        if query.area.kind == Organisation.Kind.AREA
        else 1
    )

    children: dict[str | None, dict] = {}
    for c in per_community:
        code = query.child_code(c["path"]) if query.area.kind == Organisation.Kind.AREA else None
        row = children.get(code)
        if row is None:
            # Once per child, not per community: a province has 20,000 of them.
            name, url = query.drill(code)
            row = children[code] = {
                "name": name,
                "n": 0,
                "hours": Decimal(0),
                "emergency": 0,
                "refused": 0,
                "communities": 0,
                "links": {"name": url},
            }
        row["n"] += c["n"]
        row["hours"] += c["hours"] or 0
        row["emergency"] += c["emergency"]
        row["refused"] += c["refused"]
        row["communities"] += 1
    child_rows = []
    for code, row in sorted(children.items(), key=lambda kv: kv[0] or ""):
        row["hours"] = float(row["hours"])
        row["hours_per_community"] = round(row["hours"] / row["communities"], 1)
        row["emergency_share"] = rate(row["emergency"], row["n"])
        # A community's path is its own prefix: ?area= opens one community's tasks too.
        row["links"]["n"] = query.list_url(
            "inbox", **_received(query, area=code or query.area.code)
        )
        child_rows.append(row)

    # Worst communities against capacity; a community without a staff count has no
    # capacity to measure against and is listed apart. The distribution's buckets are
    # counted in the same pass (one pass over a province's 20,000 communities).
    measured, unmeasured = [], []
    buckets = dict.fromkeys(LOAD_BUCKETS, 0)
    days = query.period.days
    for c in per_community:
        hours = float(c["hours"] or 0)
        capacity = _capacity(c["staff"] or 0, days)
        load = rate(hours, capacity) if capacity else None
        row = {
            "name": c["name"],
            "code": c["code"],
            "n": c["n"],
            "hours": round(hours, 1),
            "capacity": round(capacity, 1) if capacity else None,
            "load": load,
        }
        if load is None:
            unmeasured.append(row)
            continue
        measured.append(row)
        for low, high in LOAD_BUCKETS:
            if load >= low and (high is None or load < high):
                buckets[(low, high)] += 1
                break
    worst, few = ranked(measured, by="load", events="n", top=20)
    # Links only for the rows shown (a URL per community of a province is 20,000).
    for r in (*worst, *few, *unmeasured):
        r["links"] = {"n": query.list_url("inbox", **_received(query, area=r["code"]))}

    idle = communities_in_area - len(per_community)
    distribution = [
        {"bucket": _("No task"), "communities": max(idle, 0)},
        *(
            {
                "bucket": f"{low}–{high}%" if high is not None else f"≥{low}%",
                "communities": n,
            }
            for (low, high), n in buckets.items()
        ),
    ]
    if unmeasured:
        distribution.append({"bucket": _("No staff count"), "communities": len(unmeasured)})

    total = sum(c["n"] for c in per_community)
    hours = float(sum((c["hours"] or 0) for c in per_community))
    emergency = sum(c["emergency"] for c in per_community)
    lead_sum = sum(m["lead"] or 0 for m in months)
    month_rows = [
        {
            "month": m["month"],
            "n": m["n"],
            "hours": float(m["hours"] or 0),
            "emergency": m["emergency"],
        }
        for m in months
    ]
    return section_result(
        note=freshness,
        totals={
            "assignments": total,
            "hours": round(hours, 1),
            "hours_per_community": round(hours / communities_in_area, 1)
            if communities_in_area
            else None,
            "emergency_share": rate(emergency, total),
            "mean_lead_working_days": round(lead_sum / total, 1) if total else None,
        },
        labels={
            "assignments": _("Tasks received by communities"),
            "hours": _("Hours demanded"),
            "hours_per_community": _("Hours per community"),
            "emergency_share": _("Emergency share (%)"),
            "mean_lead_working_days": _("Mean working days allowed"),
        },
        links={"assignments": query.list_url("inbox", **_received(query))},
        tables=[
            table(
                "by_area",
                _("Tasks and hours by the level below"),
                [
                    column("name", _("Area or community"), "text"),
                    column("communities", _("Communities with tasks")),
                    column("n", _("Tasks")),
                    column("hours", _("Hours"), "number"),
                    column("hours_per_community", _("Hours per community"), "number"),
                    column("emergency_share", _("Emergency share (%)"), "percent"),
                    column("refused", _("Refused")),
                ],
                child_rows,
                chart={"type": "bar", "x": "name", "y": ["n"]},
                empty=_("No task reached a community here in this period."),
            ),
            table(
                "by_month",
                _("Tasks by month"),
                [
                    column("month", _("Month"), "text"),
                    column("n", _("Tasks")),
                    column("hours", _("Hours"), "number"),
                    column("emergency", _("Emergency tasks")),
                ],
                month_rows,
                chart={"type": "line", "x": "month", "y": ["n", "emergency"]},
            ),
            table(
                "load_distribution",
                _("Communities by load against capacity"),
                [
                    column("bucket", _("Hours against capacity"), "text"),
                    column("communities", _("Communities")),
                ],
                distribution,
                chart={"type": "bar", "x": "bucket", "y": ["communities"]},
                note=_(
                    "Capacity: the committee's staff × %(hours)s hours a week for tasks from above."
                )
                % {"hours": settings.PORTAL.get("STAFF_WEEKLY_HOURS", 10)},
            ),
            table(
                "worst_communities",
                _("Most loaded communities against capacity"),
                [
                    column("rank", _("Rank")),
                    column("name", _("Community"), "text"),
                    column("load", _("Load (per cent of capacity)"), "percent"),
                    column("hours", _("Hours"), "number"),
                    column("capacity", _("Capacity (hours)"), "number"),
                    column("n", _("Tasks it rests on")),
                ],
                worst,
                unranked=few + unmeasured,
                chart={"type": "hbar", "x": "name", "y": ["load"]},
                empty=_("No community received enough tasks in this period to be ranked."),
            ),
        ],
    )


# --- Refusals by department ------------------------------------------------------------------


REASONS = tuple(Assignment.RefusalReason.values)
DEPARTMENT_FIELDS = ("n", "refused", *REASONS)


def _refusal_counts(query: DashboardQuery) -> tuple[list[dict], str]:
    """(per department, the freshness note): complete months from the roll-up (per parent
    area: an area's dashboard only; a community's is small enough to count live), the
    other days live through the inbox's selector."""
    through = query.rollup and query.rollup.through
    if query.area.kind != Organisation.Kind.AREA:
        through = None
    part = rollups.split(query.start, query.end, through)
    per: dict[int, dict] = {}
    if part.months:

        def read() -> list[dict]:
            rolled = rollups.department_months(user=query.user, area=query.area, months=part.months)
            return list(
                rolled.values("department_id").annotate(
                    n=Sum("tasks"),
                    refused=Sum("refused"),
                    **{reason: Sum(f"refused_{reason}") for reason in REASONS},
                )
            )

        for row in rollups.remembered(
            user=query.user,
            area=query.area,
            what="department_months",
            months=part.months,
            compute=read,
        ):
            _add(per, row["department_id"], row, DEPARTMENT_FIELDS)
    for shown in _live(query, part):
        for row in (
            shown.order_by()
            .values("department_id")
            .annotate(
                n=Count("id"),
                refused=Count("id", filter=Q(state=Assignment.State.REFUSED)),
                **{
                    reason: Count("id", filter=Q(state="refused", refusal_reason=reason))
                    for reason in REASONS
                },
            )
        ):
            _add(per, row["department_id"], row, DEPARTMENT_FIELDS)
    rows = [{"department_id": pk, **row} for pk, row in per.items()]
    return rows, rollups.freshness_note(query.rollup, part)


def refusals_figures(query: DashboardQuery) -> dict:
    """Per department: tasks sent into the area in the period, refused, the refusal rate
    (ranked only on enough tasks) and the reasons. One grouped query."""
    per_department, freshness = _refusal_counts(query)
    rows = []
    for d in per_department:
        d["code"], d["name"], _path, _staff = query.named(d["department_id"])
        row = {
            "name": d["name"],
            "code": d["code"],
            "n": d["n"],
            "refused": d["refused"],
            "refusal_rate": rate(d["refused"], d["n"]),
            **{reason: d[reason] for reason in Assignment.RefusalReason.values},
            "links": {
                "n": query.list_url("inbox", **_received(query, department=d["code"])),
                "refused": query.list_url(
                    "inbox", **_received(query, department=d["code"], state="refused")
                ),
            },
        }
        rows.append(row)
    enough, few = ranked(rows, by="refusal_rate", events="n")
    total = sum(r["n"] for r in rows)
    refused = sum(r["refused"] for r in rows)
    return section_result(
        note=freshness,
        totals={"refused": refused, "refusal_rate": rate(refused, total), "assignments": total},
        labels={
            "refused": _("Tasks refused by communities"),
            "refusal_rate": _("Refusal rate (%)"),
            "assignments": _("Tasks it rests on"),
        },
        links={"refused": query.list_url("inbox", **_received(query, state="refused"))},
        tables=[
            table(
                "by_department",
                _("Refusals by department"),
                [
                    column("rank", _("Rank")),
                    column("name", _("Department"), "text"),
                    column("refusal_rate", _("Refusal rate (%)"), "percent"),
                    column("refused", _("Refused")),
                    column("n", _("Tasks it rests on")),
                    *(column(reason, label) for reason, label in Assignment.RefusalReason.choices),
                ],
                enough,
                unranked=few,
                chart={"type": "hbar", "x": "name", "y": ["refusal_rate"]},
                empty=_("No department sent a task here in this period."),
            )
        ],
    )
