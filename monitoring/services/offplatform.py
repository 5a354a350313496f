"""Writes of off-platform reports: demands that reached a community outside the platform.

The reporting community's cadres may correct a report (edit it, attach evidence) or
withdraw it, while no clue uses it: ``OFFPLATFORM_REPORT`` holds both transitions, and its
``refuse`` rule is the "no clue" condition (409 once a clue cites the report).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monitoring import audit_actions
from monitoring.models import Clue, OffPlatformReport
from registry import figure_cache, images
from registry.audit import audit_record
from registry.audit_actions import for_transition
from registry.errors import IllegalTransition, InvalidInput
from registry.models import Organisation, User
from registry.services.common import full_clean, require
from registry.transitions import Machine, Transition

_S = OffPlatformReport.State

# Which fields an edit may change (the community stays: a report belongs to it).
EDITABLE_FIELDS = (
    "department",
    "title",
    "channel",
    "received_on",
    "due_date",
    "hours",
    "description",
)


# The version keys of the reports' figures (the dashboard's off-platform section),
# ``offplatform:<organisation id>`` for the reporting community and the areas above it,
# taken in the transaction of each report, correction and withdrawal
# (registry/figure_cache.py).
OFFPLATFORM_FIGURES = "offplatform"


def figures_changed(community_id: int) -> None:
    figure_cache.bump_areas(OFFPLATFORM_FIGURES, [community_id])


def _used_by_a_clue(user, report: OffPlatformReport, transition: Transition):
    if Clue.objects.filter(report_entry__offplatform_report=report).exists():
        return IllegalTransition(
            _("A clue already uses this report: it can no longer be changed or withdrawn."),
            state=report.state,
        )
    return None


OFFPLATFORM_REPORT = Machine(
    "offplatform_report",
    [
        Transition(
            "edit",
            {_S.REPORTED},
            None,
            "offplatform.report",
            gettext_lazy("Edit"),
            tone="secondary",
        ),
        Transition(
            "withdraw",
            {_S.REPORTED},
            _S.WITHDRAWN,
            "offplatform.report",
            gettext_lazy("Withdraw"),
            summary=gettext_lazy("Withdraw this report…"),
            confirm=gettext_lazy(
                "Withdraw this report? It no longer counts in the monthly report or the flags, "
                "and cannot be restored."
            ),
            tone="danger",
        ),
    ],
    organisation=lambda report: report.community,
    refuse=_used_by_a_clue,
    illegal_message=gettext_lazy("“%(action)s” is not possible: the report is “%(state)s”."),
)
OFFPLATFORM_REPORT_ACTIONS = OFFPLATFORM_REPORT.user_actions()


def _check(
    *,
    community: Organisation,
    department: Organisation | None,
    received_on: datetime.date,
    due_date: datetime.date | None,
) -> None:
    """A department, the community's own street office, or None ("其他/不清楚")."""
    errors = {}
    if community.kind != Organisation.Kind.COMMUNITY:
        errors["community"] = [_("Choose a community.")]
    street_office = (
        department is not None
        and department.kind == Organisation.Kind.AREA
        and department.pk == community.parent_id
    )
    if (
        department is not None
        and department.kind != Organisation.Kind.DEPARTMENT
        and not street_office
    ):
        errors["department"] = [_("Choose a department, the street office, or “other / not sure”.")]
    if received_on > timezone.localdate():
        errors["received_on"] = [_("The date it arrived cannot be in the future.")]
    if due_date and due_date < received_on:
        errors["due_date"] = [_("The due date is before the date it arrived.")]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], fields=errors)


def _evidence(upload):
    """A screenshot or photo, through the hub's image kit with the evidence caps."""
    return images.process(
        upload,
        field="evidence",
        byte_cap=settings.PORTAL["EVIDENCE_MAX_BYTES"],
        pixel_cap=settings.PORTAL["EVIDENCE_MAX_PIXELS"],
    ).image


@transaction.atomic
def offplatform_report_create(
    *,
    actor: User,
    community: Organisation,
    department: Organisation | None,
    title: str,
    channel: str,
    received_on: datetime.date,
    due_date: datetime.date | None = None,
    hours: Decimal | None = None,
    description: str = "",
    evidence=None,
) -> OffPlatformReport:
    """A cadre or liaison records a demand that reached the community off the platform."""
    require(actor, "offplatform.report", community)
    _check(community=community, department=department, received_on=received_on, due_date=due_date)
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
    full_clean(report, exclude=["evidence"])
    if evidence is not None:
        report.evidence = _evidence(evidence)
    report.save()
    figures_changed(report.community_id)
    audit_record(
        actor=actor,
        action=audit_actions.OFFPLATFORM_REPORT,
        obj=report,
        after={
            "community": community.code,
            "department": department.code if department else None,
            "title": report.title,
            "channel": channel,
            "received_on": received_on,
            "evidence": bool(report.evidence),
        },
    )
    return report


def _lock(report: OffPlatformReport) -> OffPlatformReport:
    return (
        OffPlatformReport.objects.select_for_update(of=("self",))
        .select_related("community", "department")
        .get(pk=report.pk)
    )


def _snapshot(report: OffPlatformReport) -> dict:
    return {
        "department": report.department.code if report.department else None,
        "title": report.title,
        "channel": report.channel,
        "received_on": report.received_on,
        "due_date": report.due_date,
        "hours": report.hours,
        "description": report.description,
        "evidence": bool(report.evidence),
    }


@transaction.atomic
def offplatform_report_update(
    *, actor: User, report: OffPlatformReport, evidence=None, **changes
) -> OffPlatformReport:
    """The reporting community's cadre corrects the report (any of ``EDITABLE_FIELDS``, and
    new evidence) while no clue uses it; 409 afterwards or once withdrawn."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(fields={name: [_("This field cannot be changed.")] for name in unknown})
    report = _lock(report)
    OFFPLATFORM_REPORT.begin(actor=actor, obj=report, action="edit")
    before = _snapshot(report)
    for name, value in changes.items():
        setattr(report, name, value.strip() if name == "title" else value)
    _check(
        community=report.community,
        department=report.department,
        received_on=report.received_on,
        due_date=report.due_date,
    )
    full_clean(report, exclude=["evidence"])
    if evidence is not None:
        report.evidence = _evidence(evidence)
    report.save()
    figures_changed(report.community_id)
    audit_record(
        actor=actor,
        action=for_transition("offplatform_report", "edit"),
        obj=report,
        before=before,
        after=_snapshot(report),
    )
    return report


@transaction.atomic
def offplatform_report_withdraw(*, actor: User, report: OffPlatformReport) -> OffPlatformReport:
    """The reporting community's cadre takes the report back while no clue uses it: it
    counts no longer (monthly report, flags, dashboards); 409 afterwards or twice."""
    report = _lock(report)
    transition = OFFPLATFORM_REPORT.begin(actor=actor, obj=report, action="withdraw")
    before = {"state": OFFPLATFORM_REPORT.apply(report, transition)}
    report.withdrawn_at = timezone.now()
    report.save(update_fields=["state", "withdrawn_at"])
    figures_changed(report.community_id)
    audit_record(
        actor=actor,
        action=for_transition("offplatform_report", "withdraw"),
        obj=report,
        before=before,
        after={"state": report.state},
    )
    return report
