"""Writes of off-platform reports: demands that reached a community outside the platform."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring import audit_actions
from monitoring.models import OffPlatformReport
from registry.audit import audit_record
from registry.errors import InvalidInput
from registry.models import Organisation, User
from registry.services.common import full_clean, require


@transaction.atomic
def offplatform_report_create(
    *,
    actor: User,
    community: Organisation,
    department: Organisation,
    title: str,
    channel: str,
    received_on: datetime.date,
    due_date: datetime.date | None = None,
    hours: Decimal | None = None,
    description: str = "",
) -> OffPlatformReport:
    """A cadre or liaison records a demand that reached the community off the platform."""
    require(actor, "offplatform.report", community)
    errors = {}
    if community.kind != Organisation.Kind.COMMUNITY:
        errors["community"] = [_("Choose a community.")]
    if department.kind != Organisation.Kind.DEPARTMENT:
        errors["department"] = [_("Choose a department.")]
    if received_on > timezone.localdate():
        errors["received_on"] = [_("The date it arrived cannot be in the future.")]
    if due_date and due_date < received_on:
        errors["due_date"] = [_("The due date is before the date it arrived.")]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], fields=errors)
    report = OffPlatformReport(
        community=community,
        department=department,
        title=title.strip(),
        channel=channel,
        received_on=received_on,
        due_date=due_date,
        hours=hours,
        description=description,
        reported_by=actor,
    )
    full_clean(report)
    report.save()
    audit_record(
        actor=actor,
        action=audit_actions.OFFPLATFORM_REPORT,
        obj=report,
        after={
            "community": community.code,
            "department": department.code,
            "title": report.title,
            "channel": channel,
            "received_on": received_on,
        },
    )
    return report
