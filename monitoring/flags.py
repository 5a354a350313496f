"""The flag rules: each finds, with one aggregate query over all communities or departments,
the situations that cross its threshold today (brief: "Flags"; thresholds in
settings.PORTAL). ``services.flags_compute`` turns findings into flags idempotently.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Min, Q, Sum, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring.models import Flag, OffPlatformReport
from registry.models import Assignment, Dispatch, ListKind, Organisation, WorkItem


@dataclass(frozen=True)
class Finding:
    subject_key: str
    subject: str
    organisation_id: int
    severity: str
    figures: dict


Rule = Callable[[datetime.date], Iterable[Finding]]
RULES: dict[str, Rule] = {}


def rule(kind: str) -> Callable[[Rule], Rule]:
    """Register a flag rule; other apps' rules register the same way."""

    def register(function: Rule) -> Rule:
        RULES[kind] = function
        return function

    return register


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _names(organisation_ids: list[int]) -> dict[int, tuple[str, str]]:
    """id -> (code, name), in one query. The rules that count per department group by its
    id alone and name the few flagged afterwards: grouping by code and name as well makes
    PostgreSQL sort or hash wider keys over every row counted (docs/performance.md)."""
    return {
        pk: (code, name)
        for pk, code, name in Organisation.objects.filter(pk__in=organisation_ids).values_list(
            "pk", "code", "name"
        )
    }


def _severity(value: float, medium: float, high: float) -> str:
    if value >= high:
        return Flag.Severity.HIGH
    if value >= medium:
        return Flag.Severity.MEDIUM
    return Flag.Severity.LOW


@rule(Flag.Kind.COMMUNITY_OVERLOAD)
def community_overload(today: datetime.date) -> Iterable[Finding]:
    """Hours of open assignments due in the window over the committee's capacity."""
    rules = settings.PORTAL
    window = rules["FLAG_OVERLOAD_WINDOW_DAYS"]
    per_staff = Decimal(str(rules["STAFF_WEEKLY_HOURS"])) * Decimal(window) / Decimal(7)
    ratio = Decimal(str(rules["FLAG_OVERLOAD_RATIO"]))
    # Grouped by the community's primary key alone (its code and name depend on it), and
    # the capacity from MIN() of its one staff_count: an expression of a plain column would
    # join the GROUP BY and double the time at 2M assignments (docs/performance.md).
    rows = (
        Organisation.objects.filter(
            assignments__state__in=Assignment.OPEN_STATES,
            assignments__due_date__gte=today,
            assignments__due_date__lte=today + datetime.timedelta(days=window),
        )
        .annotate(
            hours=Sum("assignments__hours"),
            open_tasks=Count("assignments"),
            capacity=ExpressionWrapper(
                Min("staff_count") * Value(per_staff),
                output_field=DecimalField(max_digits=14, decimal_places=2),
            ),
        )
        .filter(hours__gt=F("capacity") * Value(ratio))
        .values("id", "code", "name", "staff_count", "hours", "open_tasks", "capacity")
        .order_by()
    )
    for row in rows:
        capacity = row["capacity"] or Decimal("0")
        load = float(row["hours"] / capacity) if capacity else float("inf")
        yield Finding(
            subject_key=f"community:{row['code']}",
            subject=row["name"],
            organisation_id=row["id"],
            severity=_severity(load, 0.8, 1.0),
            figures={
                "open_hours": str(Decimal(row["hours"]).quantize(Decimal("0.01"))),
                "capacity_hours": str(capacity.quantize(Decimal("0.1"))),
                "load": round(load, 2) if capacity else None,
                "open_tasks": row["open_tasks"],
                "staff_count": row["staff_count"],
                "window_days": window,
                # The threshold it crossed, kept with the flag: the text says it.
                "ratio": float(ratio),
            },
        )


@rule(Flag.Kind.EMERGENCY_NOT_RATIFIED)
def emergency_not_ratified(today: datetime.date) -> Iterable[Finding]:
    days = settings.PORTAL["EMERGENCY_RATIFY_DAYS"]
    cutoff = _start_of(today - datetime.timedelta(days=days))
    rows = Dispatch.objects.filter(
        emergency=True, ratified_at__isnull=True, created_at__lt=cutoff
    ).values("id", "title", "department_id", "department__name", "created_at", "community_count")
    for row in rows:
        age = (today - timezone.localtime(row["created_at"]).date()).days
        yield Finding(
            subject_key=f"dispatch:{row['id']}",
            subject=f"{row['department__name']}：{row['title']}",
            organisation_id=row["department_id"],
            # Found only once past the deadline: never 低, and 高 at twice the time allowed.
            severity=Flag.Severity.HIGH if age >= 2 * days else Flag.Severity.MEDIUM,
            figures={
                "days_waiting": age,
                "communities": row["community_count"],
                "dispatch": row["id"],
            },
        )


@rule(Flag.Kind.EXPIRING_ADMISSION)
def expiring_admission(today: datetime.date) -> Iterable[Finding]:
    days = settings.PORTAL["FLAG_EXPIRING_DAYS"]
    rows = (
        WorkItem.objects.filter(
            status=WorkItem.Status.ACTIVE,
            valid_until__gte=today,
            valid_until__lte=today + datetime.timedelta(days=days),
        )
        .exclude(list_kind=ListKind.NEGATIVE)
        .values("admission_number", "title", "valid_until", "department_id", "jurisdiction_id")
    )
    for row in rows:
        left = (row["valid_until"] - today).days
        yield Finding(
            subject_key=f"work_item:{row['admission_number']}",
            subject=f"{row['admission_number']} {row['title']}",
            organisation_id=row["department_id"] or row["jurisdiction_id"],
            severity=Flag.Severity.HIGH
            if left <= 14
            else Flag.Severity.MEDIUM
            if left <= 30
            else Flag.Severity.LOW,
            figures={"valid_until": row["valid_until"].isoformat(), "days_left": left},
        )


@rule(Flag.Kind.TIGHT_DEADLINE)
def tight_deadline(today: datetime.date) -> Iterable[Finding]:
    """A department keeps giving too little time, or leans on emergencies."""
    rules = settings.PORTAL
    since = _start_of(today - datetime.timedelta(days=rules["FLAG_TIGHT_WINDOW_DAYS"]))
    minimum = rules["DISPATCH_MIN_LEAD_WORKING_DAYS"]
    rows = (
        Dispatch.objects.filter(created_at__gte=since)
        .values("department_id", "department__code", "department__name")
        .annotate(
            total=Count("id"),
            emergencies=Count("id", filter=Q(emergency=True)),
            short_lead=Count("id", filter=Q(lead_working_days__lt=minimum)),
        )
        .filter(total__gte=rules["FLAG_TIGHT_MIN_DISPATCHES"])
        .order_by()
    )
    for row in rows:
        share = row["emergencies"] / row["total"]
        too_many_emergencies = share > rules["FLAG_TIGHT_EMERGENCY_SHARE"]
        too_short = row["short_lead"] >= rules["FLAG_TIGHT_SHORT_LEAD_COUNT"]
        if not (too_many_emergencies or too_short):
            continue
        yield Finding(
            subject_key=f"department:{row['department__code']}",
            subject=row["department__name"],
            organisation_id=row["department_id"],
            severity=_severity(share, 0.2, 0.4),
            figures={
                "dispatches": row["total"],
                "emergencies": row["emergencies"],
                "emergency_share": round(share, 3),
                "short_lead": row["short_lead"],
                "window_days": rules["FLAG_TIGHT_WINDOW_DAYS"],
            },
        )


@rule(Flag.Kind.UNADMITTED_DEMAND)
def unadmitted_demand(today: datetime.date) -> Iterable[Finding]:
    """Off-platform demands against a department in the last 30 days above N."""
    threshold = settings.PORTAL["FLAG_UNADMITTED_PER_MONTH"]
    rows = list(
        OffPlatformReport.objects.filter(
            received_on__gt=today - datetime.timedelta(days=30),
            received_on__lte=today,
            state=OffPlatformReport.State.REPORTED,
            # A demand whose sender the cadre could not name flags no department.
            department__kind="department",
        )
        .values("department_id")
        .annotate(reports=Count("id"), communities=Count("community_id", distinct=True))
        .filter(reports__gt=threshold)
        .order_by()
    )
    names = _names([row["department_id"] for row in rows])
    for row in rows:
        code, name = names[row["department_id"]]
        yield Finding(
            subject_key=f"department:{code}",
            subject=name,
            organisation_id=row["department_id"],
            severity=_severity(row["reports"], 2 * threshold, 4 * threshold),
            figures={
                "reports_30_days": row["reports"],
                "communities": row["communities"],
                "threshold": threshold,
            },
        )


@rule(Flag.Kind.REFUSAL_HOTSPOT)
def refusal_hotspot(today: datetime.date) -> Iterable[Finding]:
    """A department whose tasks communities refuse more than 20% of the time (30 days)."""
    rules = settings.PORTAL
    # Counted per department id alone, then named (see _names).
    rows = (
        Assignment.objects.filter(created_at__gte=_start_of(today - datetime.timedelta(days=30)))
        .values("department_id")
        .annotate(
            # A recalled task's rows are withdrawn: one no community answered counts for
            # nothing, one a community had refused still counts as refused (the row keeps
            # its refusal reason), so a recall never hides a refusal.
            total=Count("id", filter=~Q(state=Assignment.State.WITHDRAWN, refusal_reason="")),
            refused=Count(
                "id",
                filter=Q(state=Assignment.State.REFUSED)
                | (Q(state=Assignment.State.WITHDRAWN) & ~Q(refusal_reason="")),
            ),
        )
        .filter(total__gte=rules["FLAG_REFUSAL_MIN_ASSIGNMENTS"])
        .order_by()
    )
    hot = [row for row in rows if row["refused"] / row["total"] > rules["FLAG_REFUSAL_RATE"]]
    names = _names([row["department_id"] for row in hot])
    for row in hot:
        rate = row["refused"] / row["total"]
        code, name = names[row["department_id"]]
        yield Finding(
            subject_key=f"department:{code}",
            subject=name,
            organisation_id=row["department_id"],
            severity=_severity(rate, 0.35, 0.5),
            figures={
                "assignments": row["total"],
                "refused": row["refused"],
                "refusal_rate": round(rate, 3),
            },
        )


def describe(flag: Flag) -> str:
    """One line a supervisor reads, in the active language."""
    f = flag.figures
    texts = {
        Flag.Kind.COMMUNITY_OVERLOAD: _(
            "open tasks due within %(days)s days: %(hours)s hours, more than %(percent)s%% of "
            "the %(capacity)s hours the committee can bear"
        ),
        Flag.Kind.EMERGENCY_NOT_RATIFIED: _("waiting %(days_waiting)s days for ratification"),
        Flag.Kind.EXPIRING_ADMISSION: _("admission ends on %(valid_until)s"),
        Flag.Kind.TIGHT_DEADLINE: _(
            "%(emergencies)s emergencies and %(short_lead)s short "
            "deadlines in %(dispatches)s dispatches"
        ),
        Flag.Kind.UNADMITTED_DEMAND: _("%(reports_30_days)s off-platform demands in 30 days"),
        Flag.Kind.REFUSAL_HOTSPOT: _("%(refused)s of %(assignments)s tasks refused"),
        Flag.Kind.PLAQUE_EXCESS: _("%(excess)s signs up beyond the standard"),
        Flag.Kind.PROHIBITED_CERTIFICATE_DEMAND: _(
            "asked residents for prohibited certificates %(refusals)s times in %(communities)s "
            "communities"
        ),
        Flag.Kind.MONITORING_REPORT_LATE: _(
            "the report of %(period)s was due on %(due_date)s and is not submitted"
        ),
        Flag.Kind.RECTIFICATION_OVERDUE: _(
            "notice %(notice)s was due on %(due_date)s and is still unanswered"
        ),
    }
    template = texts.get(flag.kind)
    if template is None:
        return ""
    values = dict(f)
    values.setdefault("hours", _whole(f.get("open_hours")))
    values.setdefault("days", f.get("window_days"))
    values.setdefault("capacity", _whole(f.get("capacity_hours")))
    # A flag raised before the threshold was stored: today's setting.
    values.setdefault(
        "percent", round(100 * float(f.get("ratio", settings.PORTAL["FLAG_OVERLOAD_RATIO"])))
    )
    try:
        return template % values
    except (KeyError, TypeError, ValueError):
        return ""


def _whole(value) -> str | None:
    """Hours as a reader says them: "386", not "386.00" (rounded to the hour)."""
    if value in (None, ""):
        return value
    try:
        return str(int(Decimal(str(value)).quantize(Decimal("1"))))
    except (ArithmeticError, ValueError):
        return str(value)


def _url(name: str, *args, query: str = "") -> str:
    """The page's URL, or "" where its app is not installed."""
    from django.urls import NoReverseMatch, reverse

    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return ""
    return f"{url}?{query}" if query else url


def subject_url(flag: Flag) -> str:
    """The page where the flag's subject is dealt with, from its key and figures alone
    (no query): the community's open tasks, the dispatch, the work item, the department's
    dispatches or off-platform reports, the clue behind a notice, the late report."""
    from urllib.parse import urlencode

    prefix, _sep, rest = flag.subject_key.partition(":")
    kind = flag.kind
    if kind == Flag.Kind.COMMUNITY_OVERLOAD and prefix == "community":
        return _url("inbox", query=urlencode({"community": rest, "state": "open"}))
    if kind == Flag.Kind.PLAQUE_EXCESS and prefix == "community":
        return _url("plaque-registry", query=urlencode({"community": rest}))
    if prefix == "dispatch" and rest.isdigit():
        return _url("dispatch-show", int(rest))
    if prefix == "work_item":
        return _url("work-item-page", rest)
    if prefix == "department" and kind == Flag.Kind.UNADMITTED_DEMAND:
        return _url("offplatform-reports", query=urlencode({"department": rest}))
    if prefix == "department" and kind in (Flag.Kind.TIGHT_DEADLINE, Flag.Kind.REFUSAL_HOTSPOT):
        return _url("dispatch-index", query=urlencode({"department": rest}))
    if prefix == "notice" and flag.figures.get("clue"):
        return _url("clue-page", int(flag.figures["clue"]))
    if prefix == "monitoring_report":
        community, _sep, period = rest.partition(":")
        return _url("monthly-reports", query=urlencode({"community": community, "period": period}))
    return ""
