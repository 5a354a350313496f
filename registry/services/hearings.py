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
    confirm_early: bool = False,
) -> Application:
    """Record who took part and what each said: the application reaches "hearing held",
    after which the reviewer may decide. Recording again replaces the record.

    A hearing held before its planned date is questioned: most often the date is mistyped,
    so it needs ``confirm_early`` to be recorded as it is."""
    application, transition, from_state = _begin(
        actor=actor, application=application, action="record-hearing", reason=reason
    )
    if held_on > timezone.localdate():
        message = _("A hearing is recorded after it is held; the date is in the future.")
        raise InvalidInput(message, fields={"held_on": [message]})
    check_date_in_horizon(held_on, "held_on")
    planned = (
        Hearing.objects.filter(application=application)
        .values_list("scheduled_on", flat=True)
        .first()
    )
    if planned is not None and held_on < planned and not confirm_early:
        message = _(
            "The hearing was planned for %(planned)s; %(held)s is earlier. Check the date, or "
            "confirm that the hearing was held before its planned date."
        ) % {"planned": planned.isoformat(), "held": held_on.isoformat()}
        raise InvalidInput(message, code="hearing_before_planned", fields={"held_on": [message]})
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
        audit_after={
            "held_on": held_on,
            "participants": len(rows),
            "opinions": opinions,
            **({"held_before_planned": True} if planned and held_on < planned else {}),
        },
    )
