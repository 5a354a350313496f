"""Small pieces every service uses: the permission check and validation-error translation."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from registry import permissions
from registry.errors import InvalidInput, PermissionDenied
from registry.models import Organisation, User


def require(actor: User, action: str, organisation: Organisation | None = None) -> None:
    """Raise PermissionDenied unless ``actor`` may do ``action`` (on ``organisation``)."""
    if not permissions.may(actor, action, organisation):
        raise PermissionDenied()


def invalid_input(exc: ValidationError) -> InvalidInput:
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    first = next(iter(fields.values()))[0]
    return InvalidInput(first, fields=fields)


def full_clean(obj: models.Model, *, exclude: Iterable[str] = ()) -> None:
    """``obj.full_clean()``, raising the domain's InvalidInput instead of Django's error."""
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        raise invalid_input(exc) from exc


# Dates people type: a typo (2500 for 2025, 0202 for 2026) is caught at the edge instead of
# being stored, counted in working days or turned into an out-of-range lookup.
EARLIEST_DATE = datetime.date(2000, 1, 1)


def horizon_date() -> datetime.date:
    """The furthest date a user may name (settings.PORTAL["DATE_HORIZON_DAYS"] ahead)."""
    return timezone.localdate() + datetime.timedelta(days=settings.PORTAL["DATE_HORIZON_DAYS"])


def check_date_in_horizon(value: datetime.date | None, field: str) -> None:
    """InvalidInput (400 on ``field``) for a user-supplied date before 2000 or past the horizon."""
    if value is None:
        return
    horizon = horizon_date()
    if not EARLIEST_DATE <= value <= horizon:
        message = _("Give a date between %(earliest)s and %(horizon)s.") % {
            "earliest": EARLIEST_DATE.isoformat(),
            "horizon": horizon.isoformat(),
        }
        raise InvalidInput(message, fields={field: [message]})
