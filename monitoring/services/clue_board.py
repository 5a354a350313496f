"""The clue board's stored order (``Clue.urgency``).

The board lists clues whose notice is unanswered and overdue first (red, then yellow),
then the open ones, then the rest, the oldest first in each. Worked out per request, that
was two EXISTS per clue and a sort of every clue the user sees (0.2-0.9 s for a province's
4,000 on a busy machine); stored, a page is read in index order. The key depends on the
clue's state and on its notices' state and escalation, so every write of those calls
``clue_urgency_refresh`` inside its own transaction: the clue transitions (which also
cover a notice sent, answered, given more time or closed) and the escalation job.
Migration 0006 backfilled it with the same expression written as SQL.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Case, Exists, OuterRef, QuerySet, Value, When

from monitoring.models import Clue, RectificationNotice

U = Clue.Urgency


def _unanswered(level: str) -> Exists:
    return Exists(
        RectificationNotice.objects.filter(
            clue=OuterRef("pk"), state=RectificationNotice.State.SENT, escalation=level
        )
    )


def urgency_expression(*, state: str | None = None) -> Case:
    """What a clue's urgency is now, as an expression over its row and its notices.

    Given ``state``, the clue's state is that value rather than the column: an UPDATE that
    also sets the state reads the row as it was before (a step's own save)."""
    if state is None:
        rest = Case(When(state__in=Clue.OPEN_STATES, then=Value(U.OPEN)), default=Value(U.DONE))
    else:
        rest = Value(U.OPEN if state in Clue.OPEN_STATES else U.DONE)
    return Case(
        When(_unanswered(RectificationNotice.Escalation.RED), then=Value(U.RED)),
        When(_unanswered(RectificationNotice.Escalation.YELLOW), then=Value(U.YELLOW)),
        default=rest,
    )


def clue_urgency_refresh(*, clues: Iterable[int] | QuerySet | None = None) -> int:
    """Recompute the urgency of ``clues`` (ids, or a queryset of ids; all when None) in one
    UPDATE; called from the transaction of the change it follows. Returns the rows."""
    rows = Clue.objects.all() if clues is None else Clue.objects.filter(pk__in=clues)
    return rows.update(urgency=urgency_expression())
