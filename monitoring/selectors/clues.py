"""Reads of clues and notices, scoped: supervisors see their area's, the department staff
the clues about their department (never who raised them), anyone the clues they raised."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from monitoring.models import Clue, ClueTransition, RectificationNotice
from monitoring.permissions import (
    CLUE_HANDLE,
    CLUE_RESPOND,
    CLUE_VIEW,
    CLUE_VIEW_DEPARTMENT,
    REPORTER_VIEW,
)
from registry import permissions
from registry.models import User
from registry.selectors.access import load


def clue_visibility(user: User) -> Q:
    return (
        permissions.scope_q(user, CLUE_VIEW, "community")
        | (Q(community__isnull=True) & permissions.scope_q(user, CLUE_VIEW, "department"))
        | permissions.scope_q(user, CLUE_VIEW_DEPARTMENT, "department")
        | Q(reported_by_id=user.pk if user.is_authenticated else None)
    )


def may_see_reporter(user: User, clue: Clue) -> bool:
    """Reporter protection: the department concerned never learns who raised it."""
    if permissions.may(user, CLUE_VIEW_DEPARTMENT, clue.department):
        return False
    return clue.reported_by_id == user.pk or permissions.may(
        user, REPORTER_VIEW, clue.supervision_organisation
    )


def clue_list(*, user: User, filters=None) -> QuerySet[Clue]:
    from monitoring.filters import ClueFilter
    from registry.filters.base import apply_filters

    clues = (
        Clue.objects.filter(clue_visibility(user))
        .select_related("department", "community", "reported_by")
        .prefetch_related(
            Prefetch(
                "notices",
                # Lists show each notice's department and jurisdiction: joined here, else
                # two queries per clue with a notice (the API adds the extensions).
                queryset=RectificationNotice.objects.exclude(
                    state=RectificationNotice.State.WITHDRAWN
                )
                .select_related("department", "jurisdiction")
                .order_by("-id"),
                to_attr="live_notices",
            )
        )
    )
    if filters is not None:
        clues = apply_filters(ClueFilter, filters, clues, user=user)
    return clues


def board_order(clues: QuerySet[Clue]) -> QuerySet[Clue]:
    """Open clues first, overdue notices (red, then yellow) at the top, then the oldest:
    the stored ``Clue.urgency`` (kept by the services), read from the clue_board_order
    index."""
    return clues.order_by("urgency", "created_at", "id")


# action -> the organisation a clue is judged on for it: the supervisors' steps on the
# clue's community (or department), the department's own answer on the department named.
CLUE_ACTIONS = {
    CLUE_VIEW: "supervision_organisation",
    CLUE_HANDLE: "supervision_organisation",
    CLUE_VIEW_DEPARTMENT: "department",
    CLUE_RESPOND: "department",
}


def clue_get(*, user: User, pk, action: str | None = None) -> Clue:
    """One clue the user sees (else 404) and, given ``action``, may do it on (else 403);
    its history comes with it."""
    clues = (
        Clue.objects.filter(clue_visibility(user))
        .select_related("department", "community", "reported_by", "visited_by", "report_entry")
        .prefetch_related(
            Prefetch(
                "transitions",
                queryset=ClueTransition.objects.select_related("actor").order_by("at", "id"),
            )
        )
    )
    return load(clues, user=user, action=action, judged_on=CLUE_ACTIONS, pk=pk)


def notice_list(*, user: User) -> QuerySet[RectificationNotice]:
    """Notices the user sees: those to their department, or of the clues they see."""
    return (
        RectificationNotice.objects.filter(
            permissions.scope_q(user, CLUE_VIEW_DEPARTMENT, "department")
            | permissions.scope_q(user, CLUE_VIEW, "clue__community")
            | (Q(clue__community__isnull=True) & permissions.scope_q(user, CLUE_VIEW, "department"))
        )
        .exclude(state=RectificationNotice.State.WITHDRAWN)
        .select_related("department", "jurisdiction", "clue", "clue__community")
        .prefetch_related("extensions")
    )


NOTICE_ACTIONS = {CLUE_VIEW: "department", CLUE_VIEW_DEPARTMENT: "department"}


def notice_get(*, user: User, pk, action: str | None = None) -> RectificationNotice:
    """One notice the user sees (else 404)."""
    return load(notice_list(user=user), user=user, action=action, judged_on=NOTICE_ACTIONS, pk=pk)


def notice_verify(code: str) -> RectificationNotice | None:
    """The public check behind a printed notice's QR code (no reporter, no findings)."""
    return (
        RectificationNotice.objects.filter(verification_code=code)
        .select_related("department", "jurisdiction")
        .first()
    )
