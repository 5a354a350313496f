"""Reads: the registry scoped to what the user may see, the standard that applies, counts."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from registry import figure_cache, permissions
from registry.errors import NotFound
from registry.filters.base import apply_filters
from registry.models import Organisation, User, path_prefixes
from signage.models import Placement, Plaque, PlaqueStandard
from signage.permissions import STANDARD_VIEW, VIEW, VIEW_DEPARTMENT

# --- Visibility ---------------------------------------------------------------------------


def plaque_scope_q(user: User) -> Q:
    """A cadre their community's signs, reviewers and supervisors their area's, department
    staff the signs their department asked for."""
    return permissions.scope_q(user, VIEW, "community") | permissions.scope_q(
        user, VIEW_DEPARTMENT, "issuer"
    )


def plaque_list(*, user: User, filters=None) -> QuerySet[Plaque]:
    """Signs the user may see, with what a row shows loaded alongside (one query)."""
    from signage.filters import PlaqueFilter

    queryset = (
        Plaque.objects.filter(plaque_scope_q(user))
        .select_related("community", "issuer", "work_item")
        .order_by("community__path", "status", "placement", "installed_on", "id")
    )
    return apply_filters(PlaqueFilter, filters, queryset, user=user)


def plaque_get(*, user: User, pk) -> Plaque:
    """One sign the user may see, or NotFound (a sign's existence is the community's)."""
    try:
        return plaque_list(user=user).get(pk=int(pk))
    except (Plaque.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def plaque_communities(*, user: User) -> QuerySet[Organisation]:
    """Communities whose registry the user may read (not departments: they see signs)."""
    return Organisation.objects.communities().filter(
        permissions.scope_q(user, VIEW, ""), is_active=True
    )


def plaque_areas(*, user: User, action: str = VIEW) -> QuerySet[Organisation]:
    """Areas the user covers for ``action`` (their own and every area under them)."""
    return Organisation.objects.areas().filter(
        permissions.scope_q(user, action, ""), is_active=True
    )


# --- The standard -------------------------------------------------------------------------


def standard_list(*, user: User, filters=None) -> QuerySet[PlaqueStandard]:
    from signage.filters import StandardFilter

    if not permissions.may(user, STANDARD_VIEW):
        return PlaqueStandard.objects.none()
    queryset = PlaqueStandard.objects.select_related("area", "created_by").order_by(
        "area__path", "-effective_from", "-id"
    )
    return apply_filters(StandardFilter, filters, queryset, user=user)


def standards_applying(
    communities: Iterable[Organisation], day: datetime.date
) -> dict[int, PlaqueStandard | None]:
    """Community id -> the standard of its nearest area in effect on ``day`` (one query)."""
    communities = list(communities)
    prefixes = {prefix for c in communities for prefix in path_prefixes(c.path)}
    latest: dict[str, PlaqueStandard] = {}
    for standard in (
        PlaqueStandard.objects.filter(area__path__in=prefixes, effective_from__lte=day)
        .select_related("area")
        .order_by("effective_from", "id")
    ):
        latest[standard.area.path] = standard  # ordered: the latest in effect wins
    applying: dict[int, PlaqueStandard | None] = {}
    for community in communities:
        found = None
        for prefix in path_prefixes(community.path):  # root first: the deepest wins
            found = latest.get(prefix, found)
        applying[community.pk] = found
    return applying


def standard_applying(area: Organisation, day: datetime.date) -> PlaqueStandard | None:
    """The standard in effect on ``day`` for ``area`` (its own or its nearest ancestor's)."""
    return standards_applying([area], day)[area.pk]


def standard_above(area: Organisation, day: datetime.date) -> PlaqueStandard | None:
    """The standard a new one for ``area`` must not loosen: its nearest ancestor's."""
    if area.parent_id is None:
        return None
    return standard_applying(area.parent, day)


# --- Counts over time ---------------------------------------------------------------------


def _up_on(day: datetime.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}installed_on__lte": day}) & (
        Q(**{f"{prefix}removed_on__isnull": True}) | Q(**{f"{prefix}removed_on__gt": day})
    )


def _figures(on: datetime.date) -> dict[str, Q]:
    """Which signs each figure of the summary counts on ``on`` (the totals sum the same)."""
    up = _up_on(on)
    return {
        "up": up,
        "exterior": up & Q(placement=Placement.EXTERIOR),
        "interior": up & Q(placement=Placement.INTERIOR),
        "excess": up & Q(within_standard=False),
        "removed_this_year": Q(removed_on__gte=datetime.date(on.year, 1, 1), removed_on__lte=on),
    }


def _signs_counted(which: Q) -> Coalesce:
    """How many of the community's signs match ``which``: a subquery per community row.

    PostgreSQL evaluates it only for the rows a page returns (after the ORDER BY ... LIMIT),
    each one index probe on the community's signs; a grouped join counted every sign of
    every community in scope before paginating (200,000 for a province: 90 ms)."""
    counted = (
        Plaque.objects.filter(which, community=OuterRef("pk"))
        .order_by()
        .values("community")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def plaque_summary(
    *,
    user: User,
    area: Organisation | None = None,
    on: datetime.date | None = None,
    only_excess: bool = False,
) -> QuerySet[Organisation]:
    """Per community the user may read (under ``area``; ``only_excess``: with a sign up
    beyond the standard): signs up on ``on``, exterior and interior, beyond the standard,
    and removed from 1 January to ``on``. One query for a page: the communities in path
    order, each figure counted for the page's rows only."""
    on = on or timezone.localdate()
    queryset = plaque_communities(user=user)
    if area is not None:
        queryset = queryset.filter(path__startswith=area.path)
    if only_excess:
        # A semi-join the planner hashes, rather than every community's count compared.
        excess = Plaque.objects.filter(_figures(on)["excess"], community=OuterRef("pk"))
        queryset = queryset.filter(Exists(excess))
    return (
        queryset.annotate(**{name: _signs_counted(which) for name, which in _figures(on).items()})
        .only("pk", "code", "name", "path")
        .order_by("path")
    )


# The version keys of the signs' figures: ``plaques:<organisation id>``, bumped for a
# community and every area above it in the transaction of each change to its signs
# (services.figures_changed), so the totals and the trend are kept until then.
PLAQUE_FIGURES = "plaques"


def kept(name: str, user: User, area: Organisation | None, parts: tuple, build, local=True):
    """``build()`` kept under the versions of what it reads (registry/figure_cache.py): the
    area's, or without one those of the user's grants (each lies above every community it
    covers, so a change to a sign in scope bumps it). The key holds the grants themselves
    (a revoked membership is a new key) and the area."""
    grants = permissions.grants_for(user, VIEW)
    if not grants:
        return build()
    holders = [area.pk] if area is not None else [grant.organisation_id for grant in grants]
    keys = [f"{PLAQUE_FIGURES}:{pk}" for pk in holders]
    parts = (tuple(grants), area.pk if area is not None else None, *parts)
    return figure_cache.remember(name, parts, keys, build, local=local)


def plaque_totals(
    *, user: User, area: Organisation | None = None, on: datetime.date | None = None
) -> dict[str, int]:
    """The same figures summed over every community the user may read (one query, kept
    until a sign of the area changes: a province's read 200,000 signs, 60-90 ms)."""
    on = on or timezone.localdate()
    return kept(
        "plaque-totals", user, area, (on,), lambda: _plaque_totals(user=user, area=area, on=on)
    )


def _plaque_totals(*, user: User, area: Organisation | None, on: datetime.date) -> dict[str, int]:
    # By the communities' ids (a hashed semi-join), not a join of every sign to its
    # community's path: a province's 200,000 signs are read once either way.
    signs = Plaque.objects.filter(permissions.scope_q_by_id(user, VIEW, "community"))
    if area is not None:
        under = Organisation.objects.filter(path__startswith=area.path).values("id")
        signs = signs.filter(community_id__in=under)
    figures = _figures(on)
    return signs.aggregate(
        **{name: Count("pk", filter=which) for name, which in figures.items()},
        communities=Count("community", distinct=True, filter=figures["up"]),
    )


def _month_starts(until: datetime.date, months: int) -> list[datetime.date]:
    first = until.replace(day=1)
    starts = []
    for _ in range(months):
        starts.append(first)
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return starts[::-1]


def plaque_monthly_trend(
    *, user: User, area: Organisation | None = None, months: int = 12, until=None
) -> list[dict]:
    """Per month: signs put up, removed, and up at the month's end. Two grouped queries
    (put up / removed per month) and one count of what was up before the window, kept
    until a sign of the area changes (a province's: 300 ms)."""
    until = until or timezone.localdate()
    return kept(
        "plaque-trend",
        user,
        area,
        (months, until),
        lambda: _monthly_trend(user=user, area=area, months=months, until=until),
    )


def _monthly_trend(
    *, user: User, area: Organisation | None, months: int, until: datetime.date
) -> list[dict]:
    starts = _month_starts(until, months)
    signs = Plaque.objects.filter(permissions.scope_q(user, VIEW, "community"))
    if area is not None:
        signs = signs.filter(community__path__startswith=area.path)
    window_start = starts[0]
    added = dict(
        signs.filter(installed_on__gte=window_start, installed_on__lte=until)
        .annotate(month=TruncMonth("installed_on"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    removed = dict(
        signs.filter(removed_on__gte=window_start, removed_on__lte=until)
        .annotate(month=TruncMonth("removed_on"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    before = window_start - datetime.timedelta(days=1)
    running = signs.filter(_up_on(before)).count()
    trend = []
    for start in starts:
        put_up, taken_down = added.get(start, 0), removed.get(start, 0)
        running += put_up - taken_down
        trend.append(
            {
                "month": start.strftime("%Y-%m"),
                "added": put_up,
                "removed": taken_down,
                "up": running,
            }
        )
    return trend
