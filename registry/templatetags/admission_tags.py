"""Workbench sections of the admission workflow: a department's applications and to-dos,
a reviewer's queue. Each is an inclusion tag reading through the selectors (one or two
queries), so the workbench view (registry.views.workbench) needs to know nothing about them."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.utils import timezone

from registry import selectors
from registry.models import Application

register = template.Library()

SHOWN = 5


@register.inclusion_tag("registry/admission/_workbench_department.html", takes_context=True)
def department_applications(context: template.Context) -> dict[str, Any]:
    """To do (drafts and returned applications) and the latest applications."""
    user = context["request"].user
    applications = selectors.application_list(user=user).prefetch_related(None)
    # Two queries: the drafts and returned ones (most recently touched first), then the
    # latest applications in any state.
    todo = list(
        applications.filter(
            state__in=[Application.State.DRAFT, Application.State.RETURNED]
        ).order_by("-updated_at", "-id")[: SHOWN + 1]
    )
    latest = list(applications.order_by("-created_at", "-id")[:SHOWN])
    return {
        "todo": todo[:SHOWN],
        "more_todo": len(todo) > SHOWN,
        "latest": latest,
    }


@register.inclusion_tag("registry/admission/_workbench_reviewer.html", takes_context=True)
def review_queue_panel(context: template.Context) -> dict[str, Any]:
    """How many applications wait, and the longest-waiting few with their days."""
    user = context["request"].user
    queue = selectors.review_queue(user=user).prefetch_related(None)
    waiting = list(queue[:SHOWN])
    count = len(waiting) if len(waiting) < SHOWN else queue.count()
    today = timezone.localdate()
    for application in waiting:
        submitted = application.submitted_at
        application.waiting_days = (
            (today - timezone.localtime(submitted).date()).days if submitted else None
        )
    return {"waiting": waiting, "count": count}


@register.inclusion_tag("registry/admission/_workbench_renewals.html", takes_context=True)
def expiring_items(context: template.Context) -> dict[str, Any]:
    """The department's admissions ending soon, each offering 申请续期 unless a renewal is
    already under way (one query)."""
    user = context["request"].user
    today = timezone.localdate()
    items = list(
        selectors.expiring_work_items(
            user=user, today=today, days=settings.PORTAL["FLAG_EXPIRING_DAYS"]
        )[: SHOWN + 1]
    )
    for item in items:
        item.days_left = (item.valid_until - today).days
    return {
        "items": items[:SHOWN],
        "more": len(items) > SHOWN,
        "days": settings.PORTAL["FLAG_EXPIRING_DAYS"],
    }
