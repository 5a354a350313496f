"""The registry's models, one module per domain area; import them from here."""

from registry.models.audit import AuditEntry
from registry.models.organisations import (
    PATH_SEPARATOR,
    ROLE_ORGANISATION_KIND,
    Membership,
    Organisation,
    OrganisationQuerySet,
    Role,
    User,
)

__all__ = [
    "PATH_SEPARATOR",
    "ROLE_ORGANISATION_KIND",
    "AuditEntry",
    "Membership",
    "Organisation",
    "OrganisationQuerySet",
    "Role",
    "User",
]
