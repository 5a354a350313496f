"""The supervisors' dashboard's one write: an area's saved baseline period."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from registry import audit_actions, limits
from registry.audit import audit_record
from registry.errors import InvalidInput
from registry.models import DashboardBaseline, Organisation, User
from registry.selectors.dashboard import baseline_changed
from registry.services.common import check_date_in_horizon, full_clean, require


@transaction.atomic
def dashboard_baseline_save(
    *,
    actor: User,
    area: Organisation,
    name: str,
    start: datetime.date,
    end: datetime.date,
) -> DashboardBaseline:
    """Save (or replace) ``area``'s baseline period; only the area's supervisors may."""
    require(actor, "dashboard.baseline", area)
    if area.kind != Organisation.Kind.AREA:
        message = _("A baseline is saved for an area (a city, district or street).")
        raise InvalidInput(message, fields={"area": [message]})
    check_date_in_horizon(start, "start")
    check_date_in_horizon(end, "end")
    if start > end:
        message = _("The baseline's first day comes after its last day.")
        raise InvalidInput(message, fields={"end": [message]})
    name = (name or "").strip()[: limits.SHORT_TEXT]
    # The row lock: two supervisors saving at once replace it one after the other.
    baseline = DashboardBaseline.objects.select_for_update().filter(area=area).first()
    before = None
    if baseline is None:
        baseline = DashboardBaseline(area=area)
    else:
        before = {"name": baseline.name, "start": str(baseline.start), "end": str(baseline.end)}
    baseline.name, baseline.start, baseline.end, baseline.saved_by = name, start, end, actor
    full_clean(baseline, exclude=["area"])
    baseline.save()
    audit_record(
        actor=actor,
        action=audit_actions.DASHBOARD_BASELINE_SAVE,
        obj=baseline,
        before=before,
        after={"area": area.code, "name": name, "start": str(start), "end": str(end)},
    )
    # After commit: a reader seeing the new version must find the new row.
    transaction.on_commit(baseline_changed)
    return baseline
