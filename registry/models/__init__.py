"""The registry's models, one module per domain area; import them from here."""

from registry.models.admission import (
    APPLICATION_LIST_KINDS,
    OCCURRENCES_PER_YEAR,
    AdmissionSequence,
    Application,
    ApplicationTransition,
    Frequency,
    Hearing,
    HearingParticipant,
    ListKind,
    WorkItem,
)
from registry.models.audit import AuditEntry
from registry.models.calendar import CalendarDay
from registry.models.dashboard import (
    CommunityMonth,
    DashboardBaseline,
    DashboardRollup,
    DepartmentMonth,
)
from registry.models.dispatch import Assignment, Dispatch, FigureVersion, InboxVersion
from registry.models.divisions import DivisionImport
from registry.models.jobs import Job
from registry.models.notifications import Notification, NotificationRead
from registry.models.organisations import (
    PATH_SEPARATOR,
    ROLE_ORGANISATION_KIND,
    Membership,
    Organisation,
    OrganisationQuerySet,
    Role,
    User,
    path_prefixes,
)
from registry.models.outbox import OutboxMessage

__all__ = [
    "APPLICATION_LIST_KINDS",
    "OCCURRENCES_PER_YEAR",
    "PATH_SEPARATOR",
    "ROLE_ORGANISATION_KIND",
    "AdmissionSequence",
    "Application",
    "ApplicationTransition",
    "Assignment",
    "AuditEntry",
    "CalendarDay",
    "CommunityMonth",
    "DashboardBaseline",
    "DashboardRollup",
    "DepartmentMonth",
    "Dispatch",
    "DivisionImport",
    "FigureVersion",
    "Frequency",
    "Hearing",
    "HearingParticipant",
    "InboxVersion",
    "Job",
    "ListKind",
    "Membership",
    "Notification",
    "NotificationRead",
    "Organisation",
    "OrganisationQuerySet",
    "OutboxMessage",
    "Role",
    "User",
    "WorkItem",
    "path_prefixes",
]
