"""Small pieces every service uses: the permission check and validation-error translation."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from registry import limits, permissions
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
    """``obj.full_clean()``, raising the domain's InvalidInput instead of Django's error.

    A TextField has no length in the database, so Django checks none: the net here holds
    every text a service saves to ``limits.LONG_TEXT`` whatever door it came through.
    """
    exclude = list(exclude)
    too_long = text_length_errors(obj, exclude=exclude)
    if too_long:
        first = next(iter(too_long.values()))[0]
        raise InvalidInput(first, fields=too_long)
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise invalid_input(exc) from exc


def text_length_errors(obj: models.Model, *, exclude: Iterable[str] = ()) -> dict[str, list]:
    errors = {}
    for field in obj._meta.concrete_fields:
        if not isinstance(field, models.TextField) or not field.editable or field.name in exclude:
            continue
        value = getattr(obj, field.attname)
        if isinstance(value, str) and len(value) > limits.LONG_TEXT:
            errors[field.name] = [
                _("At most %(limit)s characters (this has %(length)s).")
                % {"limit": limits.LONG_TEXT, "length": len(value)}
            ]
    return errors


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
