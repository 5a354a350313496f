"""Writes of monitoring points: designating a community for a period, and ending it."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring import audit_actions
from monitoring.models import MonitoringPoint
from monitoring.permissions import POINT_DESIGNATE
from registry import permissions
from registry.audit import audit_record
from registry.errors import Conflict, InvalidInput, PermissionDenied
from registry.models import Organisation, User


def _require_designator(actor: User, community: Organisation) -> None:
    # The administrator designates too (api-v1: "administrator/reviewer work"); the hub's
    # ADMIN_ACTIONS is its own, so the superuser is admitted here rather than there.
    if not (actor.is_active and actor.is_superuser) and not permissions.may(
        actor, POINT_DESIGNATE, community
    ):
        raise PermissionDenied()


def _sync_flag(community: Organisation) -> None:
    """Keep the hub's ``is_monitoring_point`` (read by the organisation API, the admin and the
    benchmark) equal to "designated today"."""
    today = timezone.localdate()
    current = any(p.covers(today) for p in community.monitoring_designations.all())
    if community.is_monitoring_point != current:
        Organisation.objects.filter(pk=community.pk).update(is_monitoring_point=current)
        community.is_monitoring_point = current


@transaction.atomic
def monitoring_point_designate(
    *,
    actor: User,
    community: Organisation,
    designated_from: datetime.date,
    designated_until: datetime.date | None = None,
) -> MonitoringPoint:
    _require_designator(actor, community)
    if community.kind != Organisation.Kind.COMMUNITY:
        message = _("Only a community or village can be a monitoring point.")
        raise InvalidInput(message, fields={"community": [message]})
    if designated_until and designated_until < designated_from:
        message = _("The designation ends before it starts.")
        raise InvalidInput(message, fields={"until": [message]})
    # The community's row is the lock: two reviewers cannot overlap designations at once.
    community = Organisation.objects.select_for_update().get(pk=community.pk)
    for existing in community.monitoring_designations.all():
        if existing.overlaps(designated_from, designated_until or datetime.date.max):
            raise Conflict(
                _("%(community)s is already a monitoring point from %(start)s.")
                % {"community": community.name, "start": existing.designated_from},
                code="designation_overlaps",
            )
    point = MonitoringPoint.objects.create(
        community=community,
        designated_from=designated_from,
        designated_until=designated_until,
        designated_by=actor,
    )
    audit_record(
        actor=actor,
        action=audit_actions.MONITORING_POINT_DESIGNATE,
        obj=point,
        after={"community": community.code, "from": designated_from, "until": designated_until},
    )
    _sync_flag(community)
    return point


@transaction.atomic
def monitoring_point_end(
    *, actor: User, point: MonitoringPoint, designated_until: datetime.date
) -> MonitoringPoint:
    """Rotation: the designation ends (its reports and history stay)."""
    point = MonitoringPoint.objects.select_for_update().select_related("community").get(pk=point.pk)
    _require_designator(actor, point.community)
    if designated_until < point.designated_from:
        message = _("The designation ends before it starts.")
        raise InvalidInput(message, fields={"until": [message]})
    before = {"until": point.designated_until}
    point.designated_until = designated_until
    point.save(update_fields=["designated_until"])
    audit_record(
        actor=actor,
        action=audit_actions.MONITORING_POINT_END,
        obj=point,
        before=before,
        after={"until": designated_until},
    )
    _sync_flag(point.community)
    return point
