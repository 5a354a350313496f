"""Admitted work items: numbering and admitting them on approval (the hub's admission subject),
renewal, the reviewers' suspend / reinstate / revoke, and the daily expiry, every change of
status through the WORK_ITEM machine."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry import audit_actions, plugins
from registry.audit import audit_record
from registry.models import (
    AdmissionSequence,
    Application,
    ListKind,
    Organisation,
    User,
    WorkItem,
)
from registry.selectors import communities_in_scope
from registry.selectors import submission_checks as checks
from registry.services.admission import BURDEN_FIELDS
from registry.services.notifications import notify_organisations
from registry.services.subjects import AdmissionSubject, admission_subject_register
from registry.transitions import Machine, Transition


def _work_item_checks(application: Application, scope: Sequence[Organisation]) -> dict:
    return checks.submission_checks(
        department=application.department,
        jurisdiction=application.jurisdiction,
        title=application.title,
        description=application.description,
        data_fields=application.data_fields,
        frequency=application.frequency,
        hours_per_occurrence=application.hours_per_occurrence,
        funding_per_community=application.funding_per_community,
        scope=scope,
        renewal_of=application.renewal_of,
    )


def allocate_admission_number(jurisdiction: Organisation, year: int) -> str:
    """The next number for the jurisdiction and year; the row lock serialises approvals."""
    AdmissionSequence.objects.get_or_create(jurisdiction=jurisdiction, year=year)
    sequence = AdmissionSequence.objects.select_for_update().get(
        jurisdiction=jurisdiction, year=year
    )
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    return f"{jurisdiction.code}-{year}-{sequence.last_value:04d}"


def _admit(application: Application, *, today: datetime.date, until: datetime.date) -> WorkItem:
    """Create the work item for an approval, or extend the item a renewal renews."""
    scope = list(application.scope.all())
    burden = {name: getattr(application, name) for name in BURDEN_FIELDS}
    if application.renewal_of_id:
        item = WorkItem.objects.select_for_update().get(pk=application.renewal_of_id)
        # The approval (checked by the application machine) is what allows the renewal.
        WORK_ITEM.apply(item, WORK_ITEM.begin(actor=None, obj=item, action="renew", system=True))
        for name, value in burden.items():
            setattr(item, name, value)
        item.title = application.title
        item.description = application.description
        item.legal_basis = application.legal_basis
        item.valid_until = until
        item.status_reason = ""
        item.save()
    else:
        item = WorkItem.objects.create(
            admission_number=allocate_admission_number(application.jurisdiction, today.year),
            jurisdiction=application.jurisdiction,
            list_kind=application.list_kind,
            title=application.title,
            description=application.description,
            department=application.department,
            legal_basis=application.legal_basis,
            valid_from=today,
            valid_until=until,
            **burden,
        )
    item.scope.set(scope)
    return item


def _work_item_admit(
    *, application: Application, actor: User, today: datetime.date, until: datetime.date
) -> dict[str, Any]:
    """The work-item subject: number it, tell the department and every community in scope."""
    item = _admit(application, today=today, until=until)
    application.work_item = item
    audit_record(
        actor=actor,
        action=(
            audit_actions.WORK_ITEM_RENEW
            if application.renewal_of_id
            else audit_actions.WORK_ITEM_ADMIT
        ),
        obj=item,
        after={
            "admission_number": item.admission_number,
            "valid_from": item.valid_from,
            "valid_until": item.valid_until,
            "application": application.pk,
        },
    )
    title = _("Admitted: %(number)s %(title)s") % {
        "number": item.admission_number,
        "title": item.title,
    }
    link = reverse("work-item-page", args=[item.admission_number])
    notify_organisations(
        organisations=[application.department],
        kind="application.approved",
        title=title,
        link=link,
    )
    notify_organisations(
        organisations=communities_in_scope(item.scope.all()),
        kind="work_item.admitted",
        title=title,
        body=_("Valid until %(date)s.") % {"date": item.valid_until.isoformat()},
        link=link,
    )
    return {"admission_number": item.admission_number, "valid_until": until}


admission_subject_register(
    "work_item", AdmissionSubject(admit=_work_item_admit, checks=_work_item_checks)
)


# --- The status of admitted items ---------------------------------------------------------

_W = WorkItem.Status
# Reviewers suspend, reinstate and revoke (always with a reason, which the department reads);
# the platform expires items past their validity and reactivates one its renewal extends.
WORK_ITEM = Machine(
    "work_item",
    [
        Transition(
            "suspend",
            {_W.ACTIVE},
            _W.SUSPENDED,
            "work_item.manage",
            gettext_lazy("Suspend"),
            reason_required=True,
            confirm=gettext_lazy(
                "Suspend this item? Departments cannot dispatch it until it is reinstated. "
                "The responsible department is notified."
            ),
        ),
        Transition(
            "reinstate",
            {_W.SUSPENDED},
            _W.ACTIVE,
            "work_item.manage",
            gettext_lazy("Reinstate"),
            reason_required=True,
            confirm=gettext_lazy("Reinstate this item? The responsible department is notified."),
        ),
        Transition(
            "revoke",
            {_W.ACTIVE, _W.SUSPENDED},
            _W.REVOKED,
            "work_item.manage",
            gettext_lazy("Revoke"),
            reason_required=True,
            confirm=gettext_lazy(
                "Revoke this item? A revoked item cannot be renewed. "
                "The responsible department is notified."
            ),
            tone="danger",
        ),
        Transition("expire", {_W.ACTIVE}, _W.EXPIRED, None, gettext_lazy("Expire")),
        Transition(
            "renew", {_W.ACTIVE, _W.SUSPENDED, _W.EXPIRED}, _W.ACTIVE, None, gettext_lazy("Renew")
        ),
    ],
    organisation=lambda item: item.jurisdiction,
    state_field="status",
    illegal_message=gettext_lazy("“%(action)s” is not possible while the item is “%(state)s”."),
)

# The actions a reviewer may ask for by name (URLs, API).
WORK_ITEM_ACTIONS = WORK_ITEM.user_actions()


@transaction.atomic
def work_item_change_status(*, actor: User, item: WorkItem, action: str, reason: str) -> WorkItem:
    """Suspend, reinstate or revoke an item (reviewers of its jurisdiction, with a reason)."""
    item = (
        WorkItem.objects.select_for_update(of=("self",))
        .select_related("jurisdiction", "department")
        .get(pk=item.pk)
    )
    transition = WORK_ITEM.begin(actor=actor, obj=item, action=action, reason=reason)
    before = {"status": WORK_ITEM.apply(item, transition)}
    item.status_reason = reason.strip()
    item.save(update_fields=["status", "status_reason", "updated_at"])
    audit_record(
        actor=actor,
        action=audit_actions.for_transition("work_item", action),
        obj=item,
        before=before,
        after={"status": item.status, "reason": item.status_reason},
    )
    # The department and every community in the item's scope hear of it (one prefix query
    # for the communities, one bulk insert); their open tasks under it show the status.
    recipients = list(communities_in_scope(item.scope.all()).only("pk"))
    if item.department_id:
        recipients.insert(0, item.department)
    if recipients:
        notify_organisations(
            organisations=recipients,
            kind=f"work_item.{action}",
            title=_("%(number)s %(title)s is now %(status)s")
            % {
                "number": item.admission_number,
                "title": item.title,
                "status": item.get_status_display(),
            },
            body=item.status_reason,
            link=reverse("work-item-page", args=[item.admission_number]),
        )
    if item.status == WorkItem.Status.REVOKED:
        plugins.work_item_ended([item])
    return item


@transaction.atomic
def work_items_expire(*, today: datetime.date | None = None) -> int:
    """Mark active items past their validity expired (the daily job). Safe to run twice."""
    today = today or timezone.localdate()
    expired = list(
        WorkItem.objects.select_for_update()
        .filter(status=WorkItem.Status.ACTIVE, valid_until__lt=today)
        .exclude(list_kind=ListKind.NEGATIVE)
    )
    for item in expired:
        WORK_ITEM.apply(item, WORK_ITEM.begin(actor=None, obj=item, action="expire", system=True))
        item.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=None,
            action=audit_actions.WORK_ITEM_EXPIRE,
            obj=item,
            before={"status": WorkItem.Status.ACTIVE},
            after={"status": WorkItem.Status.EXPIRED, "valid_until": item.valid_until},
        )
    if expired:
        plugins.work_item_ended(expired)
    return len(expired)
