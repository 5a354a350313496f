"""Monitoring's dates in Chinese working days, all through ``registry.workdays`` (holidays
and 调休 working weekends included): when a monthly report is due, and where an open
rectification notice stands on its escalation ladder."""

from __future__ import annotations

import datetime

from django.conf import settings

from registry.workdays import add_working_days, is_working_day, working_days_between

REMINDER_WORKING_DAYS = 2  # brief: a reminder two working days before the deadline
YELLOW_WORKING_DAYS = 1  # 催办 the working day after it
RED_WORKING_DAYS = 5  # red (and a flag) five working days past it


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(period: datetime.date) -> datetime.date:
    return (period.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def previous_month(period: datetime.date) -> datetime.date:
    return (period.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def month_end(period: datetime.date) -> datetime.date:
    return next_month(period) - datetime.timedelta(days=1)


def report_due_date(period: datetime.date) -> datetime.date:
    """A month's report is due N working days after the month ends (default 5)."""
    return add_working_days(
        month_end(period), settings.PORTAL["MONITORING_REPORT_DUE_WORKING_DAYS"]
    )


def latest_working_day_with(day: datetime.date, working_days: int) -> datetime.date:
    """The latest date ``d`` with at least ``working_days`` working days in (d, day]."""
    count, cursor = 0, day
    while count < working_days:
        count += is_working_day(cursor)
        cursor -= datetime.timedelta(days=1)
    return cursor


def reminder_date(due: datetime.date) -> datetime.date:
    """The working day two working days before ``due`` (a Friday deadline: Wednesday)."""
    day = latest_working_day_with(due, REMINDER_WORKING_DAYS)
    while not is_working_day(day):
        day -= datetime.timedelta(days=1)
    return day


def overdue_cutoff(today: datetime.date, working_days: int = RED_WORKING_DAYS) -> datetime.date:
    """Deadlines on or before this date are ``working_days`` working days past by today."""
    return latest_working_day_with(today, working_days)


def escalation_on(due: datetime.date, today: datetime.date) -> str:
    """none | reminded | yellow | red for an unanswered notice due on ``due``."""
    past = working_days_between(due, today)
    if past >= RED_WORKING_DAYS:
        return "red"
    if past >= YELLOW_WORKING_DAYS:
        return "yellow"
    if today >= reminder_date(due):
        return "reminded"
    return "none"


def escalation_cutoffs(today: datetime.date) -> dict[str, datetime.date]:
    """The latest due date at each level today: an unanswered notice due on or before
    ``cutoffs[level]`` has reached it (``escalation_on`` for every due date at once).

    The levels fall as the due date rises (the working days past it only shrink, its
    reminder date only moves later), so three dates place every notice: the job works
    them out once and the database compares each notice's due date with them."""
    reminded = today
    while reminder_date(reminded + datetime.timedelta(days=1)) <= today:
        reminded += datetime.timedelta(days=1)
    return {
        "red": overdue_cutoff(today, RED_WORKING_DAYS),
        "yellow": overdue_cutoff(today, YELLOW_WORKING_DAYS),
        "reminded": reminded,
    }


def notice_due_date(sent_on: datetime.date, working_days: int) -> datetime.date:
    return add_working_days(sent_on, working_days)
