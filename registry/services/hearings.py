"""Hearings of the admission workflow (brief: "Admission review"): requiring one, which
moves the application to the hearing state, and recording who took part and what each
said. The same table as every other step (``APPLICATION``), checked under the row lock."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.errors import InvalidInput
from registry.models import (
    Application,
    Hearing,
    HearingParticipant,
    User,
)
from registry.services.admission import _begin, _finish
from registry.services.common import check_date_in_horizon, full_clean


@transaction.atomic
def application_require_hearing(
    *,
    actor: User,
    application: Application,
    reason: str = "",
    scheduled_on: datetime.date | None = None,
    location: str = "",
) -> Application:
    """Move to the hearing state and (optionally) schedule it."""
    application, transition, from_state = _begin(
        actor=actor, application=application, action="require-hearing", reason=reason
    )
    check_date_in_horizon(scheduled_on, "scheduled_on")
    Hearing.objects.update_or_create(
        application=application, defaults={"scheduled_on": scheduled_on, "location": location}
    )
    application.hearing_required = True
    return _finish(
        actor=actor,
        application=application,
        transition=transition,
        from_state=from_state,
        reason=reason,
        update_fields=["hearing_required"],
        audit_after={"scheduled_on": scheduled_on, "location": location},
    )


@transaction.atomic
def application_record_hearing(
    *,
    actor: User,
    application: Application,
    held_on: datetime.date,
    participants: Sequence[dict[str, str]],
    summary: str = "",
    location: str = "",
    reason: str = "",
) -> Application:
    """Record who took part and what each said. Recording again replaces the record."""
    application, transition, from_state = _begin(
        actor=actor, application=application, action="record-hearing", reason=reason
    )
    if held_on > timezone.localdate():
        message = _("A hearing is recorded after it is held; the date is in the future.")
        raise InvalidInput(message, fields={"held_on": [message]})
    check_date_in_horizon(held_on, "held_on")
    if not participants:
        message = _("List the hearing's participants and their opinions.")
        raise InvalidInput(message, fields={"participants": [message]})
    hearing, _created = Hearing.objects.get_or_create(application=application)
    hearing.held_on = held_on
    hearing.summary = summary
    hearing.location = location or hearing.location
    hearing.recorded_by = actor
    hearing.recorded_at = timezone.now()
    hearing.save()
    hearing.participants.all().delete()
    rows = [HearingParticipant(hearing=hearing, **participant) for participant in participants]
    for index, row in enumerate(rows):
        try:
            full_clean(row, exclude=["hearing"])
        except InvalidInput as exc:
            raise InvalidInput(
                exc.message,
                fields={f"participants[{index}].{k}": v for k, v in exc.extra["fields"].items()},
            ) from exc
    HearingParticipant.objects.bulk_create(rows)
    opinions = {o: sum(1 for r in rows if r.opinion == o) for o in HearingParticipant.Opinion}
    return _finish(
        actor=actor,
        application=application,
        transition=transition,
        from_state=from_state,
        reason=reason,
        audit_after={"held_on": held_on, "participants": len(rows), "opinions": opinions},
    )
