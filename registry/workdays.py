"""Chinese working days: public holidays and adjusted working days (调休) included.

The one calendar every working-day computation goes through (lead times, deadlines,
escalation, report due dates). A day is decided by, in order: the holiday table the
administrator maintains (``CalendarDay``: the State Council publishes next year's schedule
each November, long before a package release), the maintained `chinesecalendar` package,
and Monday-Friday for a year neither covers (pages show a banner for such a year).

The table is read once per process (one query) and cached with everything derived from
it; a change to it bumps a version in the shared cache, which every process checks at most
once a second, so gunicorn workers and Celery workers on other machines follow it.

Every computation is O(1) in the span it covers, whatever date a user typed: the years the
calendar covers are summed from per-year running counts (each year computed once), and the
years it does not cover (before 2004, after the last published year, up to 9999) are counted
in closed form as Monday-Friday. A due date in 9999 costs the same as one next week.
"""

from __future__ import annotations

import datetime
import logging
import time
import uuid
from functools import lru_cache

import chinese_calendar
from django.core.cache import cache

logger = logging.getLogger(__name__)

# The years chinesecalendar knows (it raises NotImplementedError outside them).
_KNOWN_DATES = sorted(chinese_calendar.holidays) + sorted(chinese_calendar.workdays)
FIRST_COVERED_YEAR = min(day.year for day in _KNOWN_DATES)
LAST_COVERED_YEAR = max(day.year for day in _KNOWN_DATES)

_VERSION_KEY = "workdays:calendar-version"
_SYNC_SECONDS = 1.0
_sync_state: dict = {"version": None, "checked": float("-inf")}


@lru_cache(maxsize=1)
def _table() -> tuple[dict[datetime.date, bool], frozenset[int]]:
    """The holiday table: date -> is a working day, and the years it covers (one query)."""
    from registry.models import CalendarDay

    days = {
        day: kind == CalendarDay.Kind.WORKDAY
        for day, kind in CalendarDay.objects.values_list("day", "kind")
    }
    return days, frozenset(day.year for day in days)


def clear_local() -> None:
    """Forget this process's copy of the table and everything computed from it."""
    for cached in _CACHED:
        cached.cache_clear()


def calendar_changed() -> None:
    """The table changed (call after commit): every process reloads within a second."""
    version = uuid.uuid4().hex
    try:
        cache.set(_VERSION_KEY, version, None)
    except Exception:  # the cache down must not fail the change; others reload later
        logger.warning("could not publish the holiday calendar's new version", exc_info=True)
    _sync_state.update(version=version, checked=time.monotonic())
    clear_local()


def _sync() -> None:
    now = time.monotonic()
    if now - _sync_state["checked"] < _SYNC_SECONDS:
        return
    _sync_state["checked"] = now
    try:
        version = cache.get(_VERSION_KEY)
    except Exception:  # keep computing with the copy we have
        return
    if version != _sync_state["version"]:
        _sync_state["version"] = version
        clear_local()


def table_years() -> frozenset[int]:
    _sync()
    return _table()[1]


def is_covered(year: int) -> bool:
    """Does the table or the package know ``year`` (otherwise it counts Monday-Friday)?"""
    return year in table_years() or FIRST_COVERED_YEAR <= year <= LAST_COVERED_YEAR


@lru_cache(maxsize=1)
def _bounds() -> tuple[int, int]:
    """The first and last year computed day by day: the package's, widened by the table's."""
    years = _table()[1]
    return min([FIRST_COVERED_YEAR, *years]), max([LAST_COVERED_YEAR, *years])


@lru_cache(maxsize=4096)
def is_working_day(day: datetime.date) -> bool:
    table = _table()[0]
    if day in table:
        return table[day]
    if not FIRST_COVERED_YEAR <= day.year <= LAST_COVERED_YEAR:
        return day.weekday() < 5
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a covered year's gap: treat as an ordinary week
        return day.weekday() < 5


def _weekdays_through(day: datetime.date) -> int:
    """Monday-Friday days from 0001-01-01 up to and including ``day`` (closed form)."""
    ordinal = day.toordinal()  # 0001-01-01 is ordinal 1, a Monday
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


@lru_cache(maxsize=64)
def _running_counts(year: int) -> tuple[int, ...]:
    """Working days from 1 January of a covered ``year`` up to and including each day."""
    counts, total = [], 0
    day = datetime.date(year, 1, 1)
    while day.year == year:
        total += is_working_day(day)
        counts.append(total)
        day += datetime.timedelta(days=1)
    return tuple(counts)


@lru_cache(maxsize=1)
def _covered_year_starts() -> dict[int, int]:
    """For each covered year, the working days of the covered years before it."""
    first_year, last_year = _bounds()
    starts, total = {}, 0
    for year in range(first_year, last_year + 2):
        starts[year] = total
        if year <= last_year:
            total += _running_counts(year)[-1]
    return starts


def _through(day: datetime.date) -> int:
    """Working days from a fixed origin up to and including ``day``: a monotonic count whose
    differences are working days between two dates. Before the covered years and after them
    it is the Monday-Friday count, shifted so the pieces join without a jump."""
    first_year, last_year = _bounds()
    first = datetime.date(first_year, 1, 1)
    last = datetime.date(last_year, 12, 31)
    before_first = _weekdays_through(first - datetime.timedelta(days=1))
    if day < first:
        return _weekdays_through(day)
    covered_total = _covered_year_starts()[last_year + 1]
    if day > last:
        return before_first + covered_total + _weekdays_through(day) - _weekdays_through(last)
    in_year = _running_counts(day.year)[day.timetuple().tm_yday - 1]
    return before_first + _covered_year_starts()[day.year] + in_year


# The functions whose results depend on the table (held here, not looked up by name, so a
# test that wraps one of them still clears the real cache).
_CACHED = (_table, _bounds, is_working_day, _running_counts, _covered_year_starts)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 if end <= start)."""
    if end <= start:
        return 0
    _sync()
    return _through(end) - _through(start)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date ``days`` working days after ``start`` (``start`` itself for days <= 0).

    A search over the monotonic count, so the cost does not grow with ``days``; a result
    past 9999-12-31 is a ValueError, as for any date arithmetic.
    """
    if days <= 0:
        return start
    _sync()
    target = _through(start) + days
    # Any 7 consecutive days hold at least one working day outside the long holidays, and
    # no holiday run in the calendar reaches 14 days: the answer lies within this bound.
    low = start.toordinal() + 1
    high = min(start.toordinal() + days * 7 + 14, datetime.date.max.toordinal())
    if _through(datetime.date.fromordinal(high)) < target:
        raise ValueError("date out of range")
    while low < high:
        middle = (low + high) // 2
        if _through(datetime.date.fromordinal(middle)) >= target:
            high = middle
        else:
            low = middle + 1
    return datetime.date.fromordinal(low)
