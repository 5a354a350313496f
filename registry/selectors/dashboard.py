"""The supervisors' dashboard: periods, the baseline, and the shapes every section answers in.

The hub names no app's section: each registers a ``plugins.DashboardSection`` whose
``figures(query)`` gets a ``DashboardQuery`` (who asks, the area, one period) and answers
with ``section_result(...)``. A section counts through the list selectors its list pages
use (``inbox_list(filters=...)``, ``flag_list(filters=...)``), with the same filters the
drill-down links carry, so a figure and the list it opens agree by construction.

Everything here is constant in queries: the area's children are read once
(``children``), each section groups in the database and rolls its rows up to the level
below in Python (``child_code``).
"""

from __future__ import annotations

import datetime
import heapq
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from registry import permissions, plugins
from registry.errors import InvalidInput, NotFound
from registry.models import DashboardBaseline, Organisation, User, path_prefixes
from registry.selectors.dashboard_rollups import rollup_state

logger = logging.getLogger(__name__)

# --- Periods ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    label: str = ""

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def as_json(self) -> dict:
        return {"from": self.start.isoformat(), "until": self.end.isoformat(), "label": self.label}


def _quarter_start(day: datetime.date) -> datetime.date:
    return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)


def _year_before(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def presets(today: datetime.date) -> dict[str, Period]:
    """本月, 本季度, 本年 (each up to today)."""
    return {
        "month": Period(today.replace(day=1), today, _("This month")),
        "quarter": Period(_quarter_start(today), today, _("This quarter")),
        "year": Period(today.replace(month=1, day=1), today, _("This year")),
    }


def same_period_last_year(period: Period) -> Period:
    return Period(_year_before(period.start), _year_before(period.end), _("Same period last year"))


def saved_baseline(area: Organisation) -> DashboardBaseline | None:
    """The baseline saved for ``area`` or, failing that, for the nearest area above it."""
    return (
        DashboardBaseline.objects.filter(area__path__in=path_prefixes(area.path))
        .select_related("area")
        .order_by("-area__depth")
        .first()
    )


# Readers that cache something computed from a saved baseline (the public figures) put
# this in their cache key, so a save is seen by every process at once, not after a TTL.
_BASELINE_VERSION_KEY = "dashboard:baseline-version"


def baseline_version() -> str:
    """The saved baselines' current version ("0" before any save, or with the cache down)."""
    return cache.get(_BASELINE_VERSION_KEY) or "0"


def baseline_changed() -> None:
    """A baseline was saved (call after commit): keys built on the old version go unused."""
    try:
        cache.set(_BASELINE_VERSION_KEY, uuid.uuid4().hex, None)
    except Exception:  # the cache down must not fail the save; the old entries expire
        logger.warning("could not publish the dashboard baselines' new version", exc_info=True)


# --- Who asks, about which area, for which period ------------------------------------------


def dashboard_areas(*, user: User) -> list[Organisation]:
    """The areas the user's dashboard grants are held in (their jurisdictions)."""
    ids = [g.organisation_id for g in permissions.grants_for(user, "dashboard.view")]
    return list(
        Organisation.objects.filter(pk__in=ids, kind=Organisation.Kind.AREA).order_by("path")
    )


def dashboard_area(*, user: User, code: str | None) -> Organisation:
    """The area (or community) the dashboard shows: ``code`` if the user's jurisdiction
    covers it (else 404), or their first jurisdiction."""
    if not code:
        areas = dashboard_areas(user=user)
        if not areas:
            raise NotFound()
        return areas[0]
    organisation = (
        Organisation.objects.exclude(kind=Organisation.Kind.DEPARTMENT)
        .filter(code=str(code)[:40])
        .select_related("parent")
        .first()
    )
    if organisation is None or not permissions.may(user, "dashboard.view", organisation):
        raise NotFound(_("No area with this code is in your jurisdiction."))
    return organisation


def dashboard_ancestors(*, user: User, area: Organisation) -> list[Organisation]:
    """The areas above ``area`` that the user's dashboard covers, top first (one query):
    the way back up from a drill-down."""
    return list(
        Organisation.objects.filter(
            permissions.scope_q(user, "dashboard.view", ""),
            path__in=path_prefixes(area.path),
        )
        .exclude(pk=area.pk)
        .only("code", "name", "path")
        .order_by("path")
    )


@dataclass
class DashboardQuery:
    """What a section's ``figures`` is asked: who, which area, which period; and the
    links it draws (to the dashboard one level down, to a list with filters)."""

    user: User
    area: Organisation
    period: Period
    # The dashboard's own parameters, carried by every drill-down link.
    params: dict[str, str] = field(default_factory=dict)
    _children: dict[str, Organisation] | None = None
    # Per request: a section rolls 20,000 communities up to a province's cities and asks
    # for the same child's link and the same list's base URL once per community.
    _drills: dict = field(default_factory=dict, repr=False)
    _bases: dict = field(default_factory=dict, repr=False)

    @property
    def start(self) -> datetime.date:
        return self.period.start

    @property
    def end(self) -> datetime.date:
        return self.period.end

    @property
    def today(self) -> datetime.date:
        return timezone.localdate()

    @cached_property
    def children(self) -> dict[str, Organisation]:
        """The level below the area (areas and communities, not departments), by code:
        one query, shared by the period's and the baseline's sections."""
        if self._children is None:
            self._children = {
                o.code: o
                for o in Organisation.objects.filter(parent=self.area)
                .exclude(kind=Organisation.Kind.DEPARTMENT)
                .only("id", "code", "name", "kind", "level", "path", "staff_count")
                .order_by("path")
            }
        return self._children

    @cached_property
    def organisations(self) -> dict[int, tuple[str, str, str, int]]:
        """id -> (code, name, path, staff count) of every organisation under the area and
        the departments above it: one query, shared with the baseline, so the grouped
        queries over millions of rows group by id alone and join no names (a fifth of
        their time at province size; docs/performance.md)."""
        prefixes = path_prefixes(self.area.path)
        rows = Organisation.objects.filter(
            Q(path__startswith=self.area.path)
            | Q(kind=Organisation.Kind.DEPARTMENT, parent__path__in=prefixes)
        ).values_list("id", "code", "name", "path", "staff_count")
        return {pk: (code, name, path, staff or 0) for pk, code, name, path, staff in rows}

    @cached_property
    def rollup(self):
        """The monthly roll-up's state (None: never made), shared with the baseline."""
        return rollup_state()

    def named(self, pk: int | None) -> tuple[str, str, str, int]:
        """(code, name, path, staff count) of an organisation by id (a department outside
        the area that sent tasks into it is read on its own, once)."""
        if pk is None:
            return ("", "", "", 0)
        found = self.organisations.get(pk)
        if found is None:
            o = (
                Organisation.objects.filter(pk=pk)
                .only("code", "name", "path", "staff_count")
                .first()
            )
            found = (o.code, o.name, o.path, o.staff_count or 0) if o else ("", "", "", 0)
            self.organisations[pk] = found
        return found

    def child_code(self, path: str) -> str | None:
        """The code of the child of the area that ``path`` lies in (None: the area itself)."""
        rest = path[len(self.area.path) :]
        code = rest.split("/", 1)[0]
        return code or None

    def dashboard_url(self, organisation: Organisation) -> str:
        """The same dashboard for ``organisation``."""
        return reverse("dashboard") + "?" + urlencode({**self.params, "area": organisation.code})

    def list_url(self, url_name: str, *args: Any, **filters: Any) -> str | None:
        """A list page with ``filters`` (lists as repeated parameters); None when the page
        is not installed here."""
        base_key = (url_name, args)
        if base_key not in self._bases:
            try:
                self._bases[base_key] = reverse(url_name, args=args)
            except Exception:  # NoReverseMatch: the app owning it is not installed
                self._bases[base_key] = None
        base = self._bases[base_key]
        if base is None:
            return None
        query = urlencode(
            [
                (key, value)
                for key, values in filters.items()
                for value in (values if isinstance(values, list | tuple) else [values])
                if value not in (None, "")
            ]
        )
        return f"{base}?{query}" if query else base

    def drill(self, code: str | None) -> tuple[str, str | None]:
        """(name, dashboard URL) of a child by code; a community is the last level."""
        if code not in self._drills:
            self._drills[code] = self._drill(code)
        return self._drills[code]

    def _drill(self, code: str | None) -> tuple[str, str | None]:
        child = self.children.get(code or "")
        if child is None:
            return (self.area.name, None)
        if child.kind == Organisation.Kind.COMMUNITY:
            return (child.name, None)
        return (child.name, self.dashboard_url(child))


# --- What a section answers ------------------------------------------------------------------


def column(key: str, label: str | Promise, kind: str = "int") -> dict:
    """A table column: ``kind`` is int, number, percent, date or text (how it is drawn and
    written to Excel)."""
    return {"key": key, "label": str(label), "kind": kind}


def table(
    key: str,
    title: str | Promise,
    columns: list[dict],
    rows: list[dict],
    *,
    chart: dict | None = None,
    unranked: list[dict] | None = None,
    note: str | Promise = "",
    empty: str | Promise = "",
) -> dict:
    """One table of a section. A row is a dict of the columns' keys, plus ``links``
    ({column key: URL}) for the figures that drill down. ``chart`` says how the page draws
    it (``{"type": "bar"|"hbar"|"line", "x": key, "y": [keys]}``), always beside the table.
    ``unranked`` are the rows below the minimum count, listed apart (``ranked``)."""

    def plain(row: dict) -> dict:
        # Choice labels are lazy: the API's JSON and the Excel cells take text.
        return {k: str(v) if isinstance(v, Promise) else v for k, v in row.items()}

    return {
        "key": key,
        "title": str(title),
        "columns": columns,
        "rows": [plain(r) for r in rows],
        "unranked": [plain(r) for r in unranked] if unranked is not None else None,
        "chart": chart,
        "note": str(note),
        "empty": str(empty or _("Nothing to count in this period.")),
    }


def section_result(
    *,
    totals: dict[str, Any] | None = None,
    labels: dict[str, str | Promise] | None = None,
    links: dict[str, str | None] | None = None,
    tables: Iterable[dict] = (),
    note: str | Promise = "",
    available: bool = True,
) -> dict:
    """A section's answer: headline ``totals`` ({key: number}) with their ``labels`` and
    the list each opens (``links``), and its ``tables``. ``available: False`` with a
    ``note`` where the data does not exist (yet); never a made-up zero."""
    return {
        "available": available,
        "note": str(note),
        "totals": totals or {},
        "labels": {k: str(v) for k, v in (labels or {}).items()},
        "links": {k: v for k, v in (links or {}).items() if v},
        "tables": list(tables),
    }


def unavailable(note: str | Promise) -> dict:
    return section_result(available=False, note=note)


def min_events() -> int:
    return int(settings.PORTAL.get("DASHBOARD_MIN_EVENTS", 10))


def rate(part: int, whole: int) -> float | None:
    """A share in percent, one decimal; None (not 0) when nothing was counted."""
    return round(100 * part / whole, 1) if whole else None


def ranked(
    rows: list[dict], *, by: str, events: str, top: int | None = None
) -> tuple[list[dict], list[dict]]:
    """Honest ranking: rows resting on at least ``min_events()`` events (``events``) are
    ranked by ``by`` (highest first, ties share a rank); the others are listed apart,
    unranked, in name order. A rate always travels with the count it rests on. ``top``:
    only the first so many ranked rows are wanted (their ranks are the same as in the full
    ranking: a rank is the position of the first of its ties); a province's 20,000
    communities are not sorted for 20."""
    minimum = min_events()

    def order(r: dict) -> tuple:
        return (-(r[by] or 0), str(r.get("name", "")))

    enough = (r for r in rows if r[events] >= minimum)
    enough = heapq.nsmallest(top, enough, key=order) if top else sorted(enough, key=order)
    previous, rank = None, 0
    for position, row in enumerate(enough, start=1):
        if row[by] != previous:
            rank, previous = position, row[by]
        row["rank"] = rank
    few = sorted((r for r in rows if r[events] < minimum), key=lambda r: str(r.get("name", "")))
    for row in few:
        row["rank"] = None
    return enough, few


def change(now: float | int | None, then: float | int | None) -> float | None:
    """The % change from the baseline (同比), None where the baseline counted nothing."""
    if now is None or then in (None, 0):
        return None
    return round(100 * (now - then) / then, 1)


# --- The whole dashboard -----------------------------------------------------------------------


def visible_sections(user: User) -> list[plugins.DashboardSection]:
    return [s for s in plugins.dashboard_sections() if plugins.allowed(user, s.action)]


def dashboard_figures(
    *,
    user: User,
    area: Organisation,
    period: Period,
    baseline: Period,
    params: dict[str, str] | None = None,
) -> list[tuple[plugins.DashboardSection, dict, dict]]:
    """(section, the period's result, the baseline's result) for every section the user
    may see, in order."""
    now = DashboardQuery(user=user, area=area, period=period, params=params or {})
    then = DashboardQuery(user=user, area=area, period=baseline, params=params or {})
    then.children = now.children  # one query for both
    then.organisations = now.organisations
    then.rollup = now.rollup
    return [(s, s.figures(now), s.figures(then)) for s in visible_sections(user)]


def check_period(start: datetime.date, end: datetime.date, field: str) -> None:
    if start > end:
        message = _("The period's first day comes after its last day.")
        raise InvalidInput(message, fields={field: [message]})
