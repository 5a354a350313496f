"""Domain errors raised by services and selectors.

Services speak in these, never in HTTP. Each carries a stable ``code`` for machines and a
translatable message for people; ``registry.api.base.exception_handler`` turns them into the
API's ``{"detail", "code"}`` JSON, and pages turn them into a message.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "error"
    status = 400
    default_message = _("The request could not be completed.")

    def __init__(self, message: Any = None, *, code: str | None = None, **extra: Any) -> None:
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        self.extra = extra
        super().__init__(str(self.message))


class InvalidInput(DomainError):
    """The input is malformed or fails validation (400); ``fields`` maps field -> messages."""

    code = "invalid"
    status = 400
    default_message = _("The input is not valid.")


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403
    default_message = _("You do not have permission to do this.")


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = _("Not found.")


class IllegalTransition(DomainError):
    """The object is not in a state that allows this action (409)."""

    code = "illegal_transition"
    status = 409
    default_message = _("This action is not allowed in the current state.")


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = _("This conflicts with existing data.")


class RuleRefused(DomainError):
    """A business rule refuses the request (422): the dispatch gate, a prohibited certificate."""

    code = "refused"
    status = 422
    default_message = _("Refused by a business rule.")
