"""Load-and-check: the one shape of every ``<thing>_get(user=, pk=, action=)`` loader.

A loader reads the object through its list selector (scoped to what the user may see), so
an object the user cannot see is NotFound (404: its existence may itself be private). Then
it checks the action the caller is about to take against the organisation that action is
judged on (an application's department for editing, its jurisdiction for review), so a
visible object the user may not act on is PermissionDenied (403). Views and API views ask
for the action once, here, instead of loading and then calling ``permissions.may`` again.
(Zulip's ``access_*`` helpers and healthchecks' read/read-write loaders do the same.)

Apps use it for their own loaders (``from registry.selectors.access import load``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from django.db.models import Model, QuerySet

from registry import permissions
from registry.errors import NotFound, PermissionDenied
from registry.models import User

M = TypeVar("M", bound=Model)

# Seeing the object is all it takes: the list selector already decided that.
VISIBLE = None


def load(
    queryset: QuerySet[M],
    *,
    user: User,
    action: str | None,
    judged_on: Mapping[str, str],
    **lookup,
) -> M:
    """The object ``lookup`` finds in ``queryset`` (the user's scoped list), once
    ``user`` may do ``action`` on it.

    ``judged_on`` maps each action the object supports to the attribute holding the
    organisation it is judged on ("" for an action that needs no organisation, only the
    role); ``action`` None (or ``permissions.AUTHENTICATED``) only asks that it be visible.
    """
    if action not in (VISIBLE, permissions.AUTHENTICATED) and action not in judged_on:
        # A caller asking for an action the object does not have is a bug, not a 403.
        raise ValueError(f"{action!r} is not an action on {queryset.model.__name__}")
    try:
        obj = queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if action in (VISIBLE, permissions.AUTHENTICATED):
        return obj
    field = judged_on[action]
    organisation = _attribute(obj, field) if field else None
    if field and organisation is None:
        # No organisation to judge on: may() would answer "at all", which is too wide.
        raise PermissionDenied()
    if not permissions.may(user, action, organisation):
        raise PermissionDenied()
    return obj


def _attribute(obj: Model, path: str):
    for name in path.split("."):
        obj = getattr(obj, name)
    return obj
