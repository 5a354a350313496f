"""Small pieces every service uses: the permission check and validation-error translation."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models

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
