"""Chinese working days: public holidays and adjusted working days (调休) included.

Backed by the maintained `chinesecalendar` package. The State Council publishes the next
year's holidays late each year; until the package carries that year, days of that year
fall back to Monday-Friday (upgrade the package when the new calendar is out).

Every computation is O(1) in the span it covers, whatever date a user typed: the years the
calendar covers are summed from per-year running counts (each year computed once), and the
years it does not cover (before 2004, after the last published year, up to 9999) are counted
in closed form as Monday-Friday. A due date in 9999 costs the same as one next week.
"""

from __future__ import annotations

import datetime
from functools import lru_cache

import chinese_calendar

# The years chinesecalendar knows (it raises NotImplementedError outside them).
_KNOWN_DATES = sorted(chinese_calendar.holidays) + sorted(chinese_calendar.workdays)
FIRST_COVERED_YEAR = min(day.year for day in _KNOWN_DATES)
LAST_COVERED_YEAR = max(day.year for day in _KNOWN_DATES)


def is_covered(year: int) -> bool:
    """Does the holiday calendar know ``year`` (otherwise it counts Monday-Friday)?"""
    return FIRST_COVERED_YEAR <= year <= LAST_COVERED_YEAR


@lru_cache(maxsize=4096)
def is_working_day(day: datetime.date) -> bool:
    if not is_covered(day.year):
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
    starts, total = {}, 0
    for year in range(FIRST_COVERED_YEAR, LAST_COVERED_YEAR + 2):
        starts[year] = total
        if year <= LAST_COVERED_YEAR:
            total += _running_counts(year)[-1]
    return starts


def _through(day: datetime.date) -> int:
    """Working days from a fixed origin up to and including ``day``: a monotonic count whose
    differences are working days between two dates. Before the covered years and after them
    it is the Monday-Friday count, shifted so the pieces join without a jump."""
    first = datetime.date(FIRST_COVERED_YEAR, 1, 1)
    last = datetime.date(LAST_COVERED_YEAR, 12, 31)
    before_first = _weekdays_through(first - datetime.timedelta(days=1))
    if day < first:
        return _weekdays_through(day)
    covered_total = _covered_year_starts()[LAST_COVERED_YEAR + 1]
    if day > last:
        return before_first + covered_total + _weekdays_through(day) - _weekdays_through(last)
    in_year = _running_counts(day.year)[day.timetuple().tm_yday - 1]
    return before_first + _covered_year_starts()[day.year] + in_year


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 if end <= start)."""
    if end <= start:
        return 0
    return _through(end) - _through(start)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date ``days`` working days after ``start`` (``start`` itself for days <= 0).

    A search over the monotonic count, so the cost does not grow with ``days``; a result
    past 9999-12-31 is a ValueError, as for any date arithmetic.
    """
    if days <= 0:
        return start
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
