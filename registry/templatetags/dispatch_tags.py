"""Workbench sections of dispatch: a department's refusals of the week. An inclusion tag
reading through the selectors (two queries), so the workbench view knows nothing of it."""

from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.utils import timezone

from registry import selectors

register = template.Library()

SHOWN = 5
# "Of the week": the last seven days, so a Monday still shows Friday's refusals.
WEEK = datetime.timedelta(days=7)


@register.inclusion_tag("registry/dispatch/_workbench_refusals.html", takes_context=True)
def department_refusals(context: template.Context) -> dict[str, Any]:
    """The latest refusals of the department's tasks with their reasons and notes, and how
    many there were in the week (one query for the rows, one count when there are more)."""
    user = context["request"].user
    refusals = selectors.department_refusals(user=user, since=timezone.now() - WEEK)
    shown = list(refusals[: SHOWN + 1])
    count = len(shown) if len(shown) <= SHOWN else refusals.count()
    return {"refusals": shown[:SHOWN], "count": count, "more": count > SHOWN}
