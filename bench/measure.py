"""In-process measurements: dispatch through the gate, and the flag computation beside
the same aggregation written as one raw SQL query."""

from __future__ import annotations

import datetime
import statistics
import time
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIRequestFactory, force_authenticate

from bench.targets import Targets
from monitoring import flags as flag_rules
from monitoring import services as monitoring_services
from monitoring.models import Flag
from registry.api.dispatch import DispatchViewSet
from registry.models import User, WorkItem
from registry.selectors import communities_in_scope
from registry.workdays import add_working_days


def _summary(seconds: list[float]) -> dict:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered) + 0.5) - 1))]
    return {
        "runs": len(ordered),
        "median_s": round(statistics.median(ordered), 4),
        "p95_s": round(p95, 4),
        "min_s": round(ordered[0], 4),
        "max_s": round(ordered[-1], 4),
    }


# --- Dispatch ----------------------------------------------------------------------------


def dispatch(targets: Targets, *, size: int, repeats: int) -> dict:
    """Send one task to ``size`` communities through ``POST /api/v1/dispatches/`` (the
    serializer resolving the codes, ``dispatch_create`` with the gate, the fan-out,
    notifications and audit, and the response), ``repeats`` times after one warm-up run.

    Timed: the API view itself, called in-process (no HTTP or authentication: the wrk
    runs measure those). Each run is rolled back afterwards, so every run meets the same
    database and the frequency rule never refuses a repeat; the commit itself is
    therefore not included.
    """
    item = targets.bench_item
    codes = list(
        communities_in_scope(item.scope.all()).order_by("path").values_list("code", flat=True)
    )[:size]
    today = timezone.localdate()
    due = min(add_working_days(today, 10), item.valid_until or datetime.date.max)
    factory = APIRequestFactory()
    view = DispatchViewSet.as_view({"post": "create"})
    seconds: list[float] = []
    queries: list[int] = []
    sent = 0
    for run in range(repeats + 1):
        actor = User.objects.get(pk=targets.dispatcher.pk)  # fresh: grants load each time
        with transaction.atomic(), CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            request = factory.post(
                "/api/v1/dispatches/",
                {
                    "work_item": item.admission_number,
                    "title": f"基准测试派单 {run}",
                    "communities": codes,
                    "due_date": due.isoformat(),
                    "hours_per_community": "2",
                    "households_per_community": 10,
                    "instructions": "基准测试：请忽略。",
                },
                format="json",
            )
            force_authenticate(request, user=actor)
            response = view(request)
            elapsed = time.perf_counter() - began
            transaction.set_rollback(True)
        if response.status_code != 201:
            raise RuntimeError(f"the bench dispatch was refused: {response.data}")
        sent = response.data["assignments"]
        if run:  # the first run warms caches and connections
            seconds.append(elapsed)
            queries.append(len(captured))
    return {
        "communities": sent,
        "work_item": item.admission_number,
        "queries": max(queries),
        **_summary(seconds),
    }


def _province_item(dispatcher: User) -> WorkItem:
    """A province-level department, its staff member and an item admitted for the whole
    province: the generated tree has departments only in cities and districts, whose
    jurisdiction is at most a city. Made inside the caller's (rolled-back) transaction,
    untimed: the bench data is generated with COPY, not through the admission review."""
    from registry.models import Membership, Organisation, Role

    province = Organisation.objects.get(depth=0, kind=Organisation.Kind.AREA)
    department = Organisation(
        code=f"D{province.code}-BENCH", name="基准测试省级部门", parent=province,
        kind=Organisation.Kind.DEPARTMENT, level="department",
    )  # fmt: skip
    department.path = department.compute_path()
    department.depth = province.depth + 1
    department.save()
    Membership.objects.create(user=dispatcher, organisation=department, role=Role.DEPARTMENT_STAFF)
    today = timezone.localdate()
    item = WorkItem.objects.create(
        admission_number=f"{province.code}-{today.year}-9999",
        jurisdiction=province, list_kind="duty", title="基准测试：全省统一核对",
        department=department, frequency="once", hours_per_occurrence=Decimal("8"),
        households_per_occurrence=100, status=WorkItem.Status.ACTIVE,
        valid_from=today - datetime.timedelta(days=10),
        valid_until=today + datetime.timedelta(days=700),
    )  # fmt: skip
    item.scope.set([province])
    return item


def province_dispatch(targets: Targets, *, repeats: int) -> dict:
    """Send one task to every community of the province (20,000) through
    ``POST /api/v1/dispatches/`` with ``areas: [the province]`` (a list of codes is capped
    at 2,000 by the API: a province is addressed by its area), codes resolved, the
    response built; and the same call of ``dispatch_create`` alone (the service, the area
    already loaded), so the API's own share shows."""
    from registry import services

    factory = APIRequestFactory()
    view = DispatchViewSet.as_view({"post": "create"})
    api_seconds: list[float] = []
    service_seconds: list[float] = []
    queries: list[int] = []
    sent = 0
    for run in range(repeats + 1):
        for path in ("api", "service"):
            with transaction.atomic():
                dispatcher = User.objects.get(pk=targets.dispatcher.pk)
                item = _province_item(dispatcher)
                actor = User.objects.get(pk=dispatcher.pk)  # grants load afresh
                due = add_working_days(timezone.localdate(), 10)
                with CaptureQueriesContext(connection) as captured:
                    began = time.perf_counter()
                    if path == "api":
                        request = factory.post(
                            "/api/v1/dispatches/",
                            {"work_item": item.admission_number, "title": f"全省派单 {run}",
                             "areas": [item.jurisdiction.code],
                             "due_date": due.isoformat(), "hours_per_community": "2",
                             "households_per_community": 10},
                            format="json",
                        )  # fmt: skip
                        force_authenticate(request, user=actor)
                        response = view(request)
                        if response.status_code != 201:
                            raise RuntimeError(f"province dispatch refused: {response.data}")
                        sent = response.data["assignments"]
                    else:
                        services.dispatch_create(
                            actor=actor, work_item=item, title=f"全省派单 {run}",
                            areas=[item.jurisdiction], due_date=due,
                            hours_per_community=Decimal("2"), households_per_community=10,
                        )  # fmt: skip
                    elapsed = time.perf_counter() - began
                transaction.set_rollback(True)
            if run:
                (api_seconds if path == "api" else service_seconds).append(elapsed)
                if path == "api":
                    queries.append(len(captured))
    api, service = _summary(api_seconds), _summary(service_seconds)
    return {
        "communities": sent,
        "queries": max(queries),
        **api,
        "service": service,
        "api_over_service": round(api["median_s"] / service["median_s"], 2),
    }


# --- Flags -------------------------------------------------------------------------------

# The kinds monitoring/flags.py computes with one aggregate query each; RAW_SQL is the same
# aggregation, all of it, in one statement.
RAW_KINDS = [
    Flag.Kind.COMMUNITY_OVERLOAD,
    Flag.Kind.EMERGENCY_NOT_RATIFIED,
    Flag.Kind.EXPIRING_ADMISSION,
    Flag.Kind.TIGHT_DEADLINE,
    Flag.Kind.UNADMITTED_DEMAND,
    Flag.Kind.REFUSAL_HOTSPOT,
]

RAW_SQL = """
SELECT 'community_overload', 'community:' || o.code, o.id, SUM(a.hours), COUNT(*)
FROM registry_assignment a JOIN registry_organisation o ON o.id = a.community_id
WHERE a.state IN ('pending', 'accepted') AND a.due_date BETWEEN %(today)s AND %(window_end)s
GROUP BY o.id, o.code, o.name, o.staff_count
HAVING SUM(a.hours) > o.staff_count * %(per_staff)s * %(ratio)s
UNION ALL
SELECT 'emergency_not_ratified', 'dispatch:' || d.id, d.department_id, d.community_count, 0
FROM registry_dispatch d JOIN registry_organisation o ON o.id = d.department_id
WHERE d.emergency AND d.ratified_at IS NULL AND d.created_at < %(ratify_cutoff)s
UNION ALL
SELECT 'expiring_admission', 'work_item:' || w.admission_number,
       COALESCE(w.department_id, w.jurisdiction_id), w.valid_until - %(today)s, 0
FROM registry_workitem w
WHERE w.status = 'active' AND w.valid_until BETWEEN %(today)s AND %(expiring_end)s
  AND w.list_kind <> 'negative'
UNION ALL
SELECT 'tight_deadline', 'department:' || o.code, o.id, COUNT(*),
       COUNT(*) FILTER (WHERE d.emergency)
FROM registry_dispatch d JOIN registry_organisation o ON o.id = d.department_id
WHERE d.created_at >= %(tight_since)s
GROUP BY o.id, o.code, o.name
HAVING COUNT(*) >= %(tight_min)s
   AND (COUNT(*) FILTER (WHERE d.emergency)::float / COUNT(*) > %(tight_share)s
        OR COUNT(*) FILTER (WHERE d.lead_working_days < %(min_lead)s) >= %(tight_short)s)
UNION ALL
SELECT 'unadmitted_demand', 'department:' || o.code, o.id, COUNT(*),
       COUNT(DISTINCT r.community_id)
FROM monitoring_offplatformreport r JOIN registry_organisation o ON o.id = r.department_id
WHERE r.received_on > %(month_ago)s AND r.received_on <= %(today)s
GROUP BY o.id, o.code, o.name
HAVING COUNT(*) > %(unadmitted)s
UNION ALL
SELECT 'refusal_hotspot', 'department:' || o.code, o.id, COUNT(*),
       COUNT(*) FILTER (WHERE a.state = 'refused')
FROM registry_assignment a JOIN registry_organisation o ON o.id = a.department_id
WHERE a.created_at >= %(refusal_since)s
GROUP BY o.id, o.code, o.name
HAVING COUNT(*) >= %(refusal_min)s
   AND COUNT(*) FILTER (WHERE a.state = 'refused')::float / COUNT(*) > %(refusal_rate)s
"""


def raw_params(today: datetime.date) -> dict:
    rules = settings.PORTAL
    window = rules["FLAG_OVERLOAD_WINDOW_DAYS"]

    def start_of(days_ago: int) -> datetime.datetime:
        day = today - datetime.timedelta(days=days_ago)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

    return {
        "today": today,
        "window_end": today + datetime.timedelta(days=window),
        "per_staff": Decimal(str(rules["STAFF_WEEKLY_HOURS"])) * Decimal(window) / Decimal(7),
        "ratio": Decimal(str(rules["FLAG_OVERLOAD_RATIO"])),
        "ratify_cutoff": start_of(rules["EMERGENCY_RATIFY_DAYS"]),
        "expiring_end": today + datetime.timedelta(days=rules["FLAG_EXPIRING_DAYS"]),
        "tight_since": start_of(rules["FLAG_TIGHT_WINDOW_DAYS"]),
        "tight_min": rules["FLAG_TIGHT_MIN_DISPATCHES"],
        "tight_share": rules["FLAG_TIGHT_EMERGENCY_SHARE"],
        "tight_short": rules["FLAG_TIGHT_SHORT_LEAD_COUNT"],
        "min_lead": rules["DISPATCH_MIN_LEAD_WORKING_DAYS"],
        "month_ago": today - datetime.timedelta(days=30),
        "unadmitted": rules["FLAG_UNADMITTED_PER_MONTH"],
        "refusal_since": start_of(30),
        "refusal_min": rules["FLAG_REFUSAL_MIN_ASSIGNMENTS"],
        "refusal_rate": rules["FLAG_REFUSAL_RATE"],
    }


def raw_flags(today: datetime.date) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(RAW_SQL, raw_params(today))
        return cursor.fetchall()


def _timed(function, *args, **kwargs) -> tuple[float, object]:
    began = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - began, result


def flags(*, repeats: int) -> dict:
    """``flags_compute`` over everything (every registered kind), then the kinds the raw
    query covers, beside that raw query; steady state (flags already open) unless said."""
    today = timezone.localdate()
    first, summary = _timed(monitoring_services.flags_compute, today=today)
    everything = [_timed(monitoring_services.flags_compute, today=today)[0] for _ in range(repeats)]
    same_kinds = [
        _timed(monitoring_services.flags_compute, today=today, kinds=RAW_KINDS)[0]
        for _ in range(repeats)
    ]
    raw_flags(today)  # warm-up, like the ORM's first run
    raw_runs = [_timed(raw_flags, today)[0] for _ in range(repeats)]
    rows = raw_flags(today)
    found = {(str(kind), key) for kind, key, *_rest in rows}
    open_flags = set(
        Flag.objects.filter(kind__in=RAW_KINDS)
        .exclude(status=Flag.Status.RESOLVED)
        .values_list("kind", "subject_key")
    )
    orm = statistics.median(same_kinds)
    raw = statistics.median(raw_runs)
    return {
        "kinds_registered": sorted(flag_rules.RULES),
        "kinds_in_raw_sql": [str(k) for k in RAW_KINDS],
        "first_run_s": round(first, 3),
        "first_run_raised": sum(summary.raised.values()),
        "open_flags": Flag.objects.exclude(status=Flag.Status.RESOLVED).count(),
        "all_kinds": _summary(everything),
        "same_kinds": _summary(same_kinds),
        "raw_sql": _summary(raw_runs),
        "ratio": round(orm / raw, 2) if raw else None,
        "raw_rows": len(rows),
        # The baseline is only fair if it finds exactly the flags the rules keep open.
        "raw_matches_flags": found == open_flags,
    }


def flag_rule(kind: str, *, repeats: int) -> dict:
    """One rule's findings alone (its aggregate query and the loop over what it found)."""
    today = timezone.localdate()
    rule = flag_rules.RULES[kind]
    runs = [_timed(lambda: list(rule(today)))[0] for _ in range(max(repeats, 1))]
    return {**_summary(runs), "findings": len(list(rule(today)))}
