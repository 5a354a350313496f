"""Chinese working days: public holidays and adjusted working days (调休) included.

Backed by the maintained `chinesecalendar` package. The State Council publishes the next
year's holidays late each year; until the package carries that year, days of that year
fall back to Monday-Friday (upgrade the package when the new calendar is out).
"""

from __future__ import annotations

import datetime
from functools import lru_cache

import chinese_calendar


@lru_cache(maxsize=4096)
def is_working_day(day: datetime.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # the package does not cover that year yet
        return day.weekday() < 5


@lru_cache(maxsize=64)
def _running_counts(year: int) -> tuple[int, ...]:
    """Working days from 1 January of ``year`` up to and including each day of it."""
    counts, total = [], 0
    day = datetime.date(year, 1, 1)
    while day.year == year:
        total += is_working_day(day)
        counts.append(total)
        day += datetime.timedelta(days=1)
    return tuple(counts)


def _through(day: datetime.date) -> int:
    return _running_counts(day.year)[day.timetuple().tm_yday - 1]


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 if end <= start).

    A difference of running counts per year, not a walk over the days: the inbox asks this
    for every row, and a closed task can be years old (benchmark: docs/performance.md).
    """
    if end <= start:
        return 0
    if start.year == end.year:
        return _through(end) - _through(start)
    total = _running_counts(start.year)[-1] - _through(start)
    for year in range(start.year + 1, end.year):
        total += _running_counts(year)[-1]
    return total + _through(end)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date ``days`` working days after ``start``."""
    day = start
    while days > 0:
        day += datetime.timedelta(days=1)
        days -= is_working_day(day)
    return day
