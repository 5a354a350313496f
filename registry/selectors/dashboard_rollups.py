"""The dashboard's monthly roll-ups beside the live rows (written by
``registry.services.dashboard_rollups``).

A period is split into the complete months the roll-up holds (``Split.months``) and the
days around them, counted live from the assignments through the inbox's own selector and
filters (``Split.live``: at most a partial month before and the days after the roll-up, so
a live count reads a month or two of rows, found by the received-time index). Without a
roll-up everything is live: a new deployment, the demo and the tests count from the rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from registry import figure_cache, permissions
from registry.models import CommunityMonth, DashboardRollup, DepartmentMonth, Organisation
from registry.services.dashboard_rollups import ROLLUP_FIGURES, ROLLUP_KEY

DAY = datetime.timedelta(days=1)
# The roll-ups are read in the inbox's scope: the communities whose tasks the user sees.
SCOPE_ACTION = "assignment.view_community"


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


@dataclass(frozen=True)
class Split:
    """``months``: the first days of the first and the last month read from the roll-up
    (None: none); ``live``: the (first, last) day ranges counted from the rows."""

    months: tuple[datetime.date, datetime.date] | None
    live: tuple[tuple[datetime.date, datetime.date], ...]


def split(start: datetime.date, end: datetime.date, through: datetime.date | None) -> Split:
    """Which part of ``start``..``end`` the roll-up holding months up to ``through`` answers."""
    if through is None:
        return Split(None, ((start, end),))
    first = start if start.day == 1 else _next_month(start)
    last_full = (
        end.replace(day=1) if (end + DAY).day == 1 else (end.replace(day=1) - DAY).replace(day=1)
    )
    last = min(last_full, through)
    if first > last:
        return Split(None, ((start, end),))
    live = []
    if start < first:
        live.append((start, first - DAY))
    after = _next_month(last)
    if after <= end:
        live.append((after, end))
    return Split((first, last), tuple(live))


def rollup_state() -> DashboardRollup | None:
    """The assignments' roll-up, if one was ever made (one query)."""
    return DashboardRollup.objects.filter(key=ROLLUP_KEY, through__isnull=False).first()


def community_months(
    *, user, area: Organisation, months: tuple[datetime.date, datetime.date]
) -> QuerySet[CommunityMonth]:
    """The roll-up's rows of the communities under ``area`` the user sees, in ``months``:
    the same communities as the inbox's scope and ``?area=`` filter."""
    communities = Organisation.objects.filter(
        permissions.scope_q(user, SCOPE_ACTION, ""),
        kind=Organisation.Kind.COMMUNITY,
        path__startswith=area.path,
    ).values("id")
    return CommunityMonth.objects.filter(
        month__range=months, community_id__in=communities
    ).order_by()


def department_months(
    *, user, area: Organisation, months: tuple[datetime.date, datetime.date]
) -> QuerySet[DepartmentMonth]:
    """The roll-up's rows of the tasks sent into the communities under ``area`` (an area:
    the rows are per parent area), in ``months``."""
    parents = Organisation.objects.filter(
        permissions.scope_q(user, SCOPE_ACTION, ""),
        kind=Organisation.Kind.AREA,
        path__startswith=area.path,
    ).values("id")
    return DepartmentMonth.objects.filter(month__range=months, parent_id__in=parents).order_by()


def remembered(
    *,
    user,
    area: Organisation,
    what: str,
    months: tuple[datetime.date, datetime.date],
    compute: Callable[[], Any],
) -> Any:
    """``compute()`` (a section's grouped read of the roll-up), kept until the next rebuild
    (which takes a new version of ``ROLLUP_FIGURES`` in its transaction:
    registry/figure_cache.py) for the area, the months and the reader's scope: a
    province's year is 220,000 roll-up rows grouped per community, the same for every
    supervisor of the province until then. The live days are never kept."""
    grants = sorted(g.path for g in permissions.grants_for(user, SCOPE_ACTION))
    parts = (area.pk, *months, user.is_superuser, tuple(grants))
    return figure_cache.remember(
        f"dashboard_rollup_{what}", parts, [ROLLUP_FIGURES], compute, local=False
    )


def freshness_note(state: DashboardRollup | None, part: Split) -> str:
    """What the page says about the months read from the roll-up ('' when none were)."""
    if state is None or part.months is None:
        return ""
    first, last = part.months
    return _(
        "%(first)s to %(last)s are counted from the monthly roll-up made %(made)s; later "
        "days are counted live. A task answered since then counts there from the next "
        "roll-up."
    ) % {
        "first": first.strftime("%Y-%m"),
        "last": last.strftime("%Y-%m"),
        "made": formats.date_format(timezone.localtime(state.refreshed_at), "Y-m-d H:i"),
    }
