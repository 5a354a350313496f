"""Reads of flags and the supervisor's load ranking, scoped to what the user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from monitoring.filters import FlagFilter
from monitoring.models import Flag
from registry import permissions
from registry.filters.base import apply_filters
from registry.models import User
from registry.selectors.access import load


def flag_list(*, user: User, filters=None) -> QuerySet[Flag]:
    """Flags of the user's area (FlagFilter)."""
    flags = Flag.objects.filter(
        permissions.scope_q(user, "flag.view", "organisation")
    ).select_related("organisation")
    return apply_filters(FlagFilter, filters, flags, user=user)


# action -> the organisation a flag is judged on for it: the one it is raised against.
FLAG_ACTIONS = {"flag.view": "organisation", "flag.manage": "organisation"}


def flag_get(*, user: User, pk: int, action: str = "flag.view") -> Flag:
    """One flag the user sees (else 404) and may ``action`` (else 403)."""
    return load(flag_list(user=user), user=user, action=action, judged_on=FLAG_ACTIONS, pk=pk)


def flag_areas(*, user: User) -> QuerySet:
    """The areas whose flags the user sees: their own and every area under them."""
    from registry.models import Organisation

    return (
        Organisation.objects.areas()
        .filter(permissions.scope_q(user, "flag.view", ""), is_active=True)
        .order_by("path")
    )


def flag_counts_by_kind(*, user: User) -> dict[str, int]:
    """kind -> how many unresolved flags the user sees (one grouped query)."""
    from django.db.models import Count

    return dict(
        flag_list(user=user)
        .exclude(status=Flag.Status.RESOLVED)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("id"))
    )


def community_load_ranking(*, user: User, today, limit: int = 10) -> list[dict]:
    """The communities (of the user's area) with the heaviest open load: hours of open
    assignments due in the overload window against the committee's capacity (brief:
    "community overload"), heaviest first. One aggregate query."""
    import datetime
    from decimal import Decimal

    from django.conf import settings
    from django.db.models import Count, F, FloatField, Sum, Value
    from django.db.models.functions import Cast, NullIf

    from registry.models import Assignment

    rules = settings.PORTAL
    window = rules["FLAG_OVERLOAD_WINDOW_DAYS"]
    per_staff = float(rules["STAFF_WEEKLY_HOURS"]) * window / 7
    rows = (
        Assignment.objects.filter(
            permissions.scope_q(user, "assignment.view_community", "community"),
            state__in=Assignment.OPEN_STATES,
            due_date__gte=today,
            due_date__lte=today + datetime.timedelta(days=window),
        )
        .values("community__code", "community__name", "community__staff_count")
        .annotate(
            open_hours=Sum("hours"),
            tasks=Count("id"),
            load=Cast(Sum("hours"), FloatField())
            / NullIf(
                Cast(F("community__staff_count"), FloatField()) * Value(per_staff),
                Value(0.0),
            ),
        )
        .order_by(F("load").desc(nulls_first=True), "-open_hours", "community__code")[:limit]
    )
    threshold = float(rules["FLAG_OVERLOAD_RATIO"])
    return [
        {
            "code": row["community__code"],
            "name": row["community__name"],
            "staff_count": row["community__staff_count"],
            "hours": Decimal(row["open_hours"]).quantize(Decimal("0.1")),
            "tasks": row["tasks"],
            "capacity": round(row["community__staff_count"] * per_staff, 1),
            "load": row["load"],
            "overloaded": row["load"] is None or row["load"] > threshold,
        }
        for row in rows
    ]
