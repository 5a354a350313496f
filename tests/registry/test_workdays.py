"""Working days: Chinese holidays and 调休 counted, and no date a user types can make the
arithmetic slow (issue: a due date in 9999 held a worker for 100 s)."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

import pytest
import time_machine

from registry import workdays
from registry.workdays import add_working_days, is_working_day, working_days_between
from tests.factories import WorkItemFactory

TODAY = datetime.date(2026, 9, 14)


def _walk_between(start: datetime.date, end: datetime.date) -> int:
    """The obvious day-by-day count, as the reference."""
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        count += is_working_day(day)
    return count


def _walk_add(start: datetime.date, days: int) -> datetime.date:
    day = start
    while days > 0:
        day += datetime.timedelta(days=1)
        days -= is_working_day(day)
    return day


def test_national_day_week_and_its_adjusted_working_saturday():
    # 2026: 1-7 October are holidays; Saturday 10 October is a 调休 working day.
    assert not is_working_day(datetime.date(2026, 10, 1))
    assert not is_working_day(datetime.date(2026, 10, 5))  # a Monday, but a holiday
    assert is_working_day(datetime.date(2026, 10, 10))
    # From Wednesday 30 September the next working days are Thu 8, Fri 9 and Sat 10 October.
    assert add_working_days(datetime.date(2026, 9, 30), 1) == datetime.date(2026, 10, 8)
    assert add_working_days(datetime.date(2026, 9, 30), 3) == datetime.date(2026, 10, 10)
    assert working_days_between(datetime.date(2026, 9, 30), datetime.date(2026, 10, 12)) == 4


def test_the_arithmetic_agrees_with_a_day_by_day_walk_across_years_and_the_calendar_edges():
    rng = random.Random(2026)
    for _ in range(400):
        start = datetime.date(2001, 1, 1) + datetime.timedelta(days=rng.randint(0, 365 * 30))
        end = start + datetime.timedelta(days=rng.randint(-20, 800))
        assert working_days_between(start, end) == _walk_between(start, end), (start, end)
        days = rng.randint(0, 300)
        assert add_working_days(start, days) == _walk_add(start, days), (start, days)


def test_a_year_the_calendar_does_not_cover_counts_monday_to_friday():
    year = workdays.LAST_COVERED_YEAR + 1
    first_monday = datetime.date(year, 1, 1)
    while first_monday.weekday() != 0:
        first_monday += datetime.timedelta(days=1)
    # Monday -> next Monday: five working days, whatever holidays that year will have.
    assert working_days_between(first_monday, first_monday + datetime.timedelta(days=7)) == 5


def test_far_future_dates_cost_no_more_than_next_week(monkeypatch):
    """No walk over the span: counting to 9999 asks the holiday calendar about no more days
    than the covered years hold (each computed once, then cached)."""
    workdays._running_counts.cache_clear()
    workdays._covered_year_starts.cache_clear()
    working_days_between(TODAY, TODAY + datetime.timedelta(days=7))
    asked = []
    real = workdays.is_working_day.__wrapped__
    monkeypatch.setattr(workdays, "is_working_day", lambda day: asked.append(day) or real(day))
    assert working_days_between(TODAY, datetime.date(9999, 12, 31)) > 2_000_000
    assert add_working_days(TODAY, 1_000_000) > datetime.date(5000, 1, 1)
    assert len(asked) == 0


@pytest.fixture
def item(world):
    return WorkItemFactory(
        jurisdiction=world.a.district,
        department=world.a.department,
        frequency="monthly",
        hours_per_occurrence=Decimal("3"),
        valid_from=datetime.date(2026, 1, 1),
        valid_until=datetime.date(2099, 12, 31),
        scope=[world.a.street],
    )


@pytest.mark.parametrize("emergency", [False, True])
def test_a_due_date_past_the_horizon_is_a_400_not_a_slow_request(world, item, api_as, emergency):
    body = {
        "work_item": "" if emergency else item.admission_number,
        "title": "居民信息核对",
        "communities": [world.a.community.code],
        "due_date": "2500-01-01",
        "hours_per_community": 1,
        "emergency": emergency,
        "justification": "防汛" if emergency else "",
    }
    if emergency:
        body.pop("work_item")
    with time_machine.travel(datetime.datetime(2026, 9, 14, 9, 0), tick=False):
        response = api_as(world.a.department_staff).post("/api/v1/dispatches/", body, format="json")
    assert response.status_code == 400, response.json()
    assert "due_date" in response.json()["errors"]


def test_the_dispatch_form_previews_a_far_due_date_at_once(world, client):
    client.force_login(world.a.department_staff)
    with time_machine.travel(datetime.datetime(2026, 9, 14, 9, 0), tick=False):
        response = client.get("/dispatch/new/", {"due_date": "9999-12-31"})
    assert response.status_code == 200
