"""Who the benchmark acts as, found in the data (so any generated province will do):
the busiest department and some others, the heaviest communities and some random ones,
the province supervisor, and the item the dispatch measurement sends under."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.db.models import Count

from bench.data import ADMIN_USERNAME, BENCH_ITEM_TITLE, REVIEWER_USERNAME, SUPERVISOR_USERNAME
from registry.auth import token_for
from registry.models import Assignment, Dispatch, Membership, Role, User, WorkItem


@dataclass
class Actor:
    user: User
    token: str
    organisation_code: str
    rows: int  # assignments this actor's list holds

    @property
    def session(self) -> str:
        """A signed-in browser's cookie (``sessionid=...``) for the pages."""
        return session_cookie(self.user)


def session_cookie(user: User) -> str:
    """A session for ``user`` in the session store, as ``login()`` leaves it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


@dataclass
class Targets:
    bench_item: WorkItem
    dispatcher: User
    staff: list[Actor]  # the busiest department first
    cadres: list[Actor]  # the heaviest communities first
    others: list[Actor]  # supervisor, reviewer, administrator

    @property
    def everyone(self) -> list[Actor]:
        return [*self.staff, *self.cadres, *self.others]


def _token(user: User) -> str:
    # Through the portal's issuer: its tokens carry the MAC the API checks (registry/auth.py).
    return token_for(user).key


def _members(role: str, organisation_ids: list[int]) -> dict[int, Membership]:
    """One member holding ``role`` in each organisation (the first by user id)."""
    members = Membership.objects.filter(
        role=role, organisation_id__in=organisation_ids
    ).select_related("user", "organisation")
    found: dict[int, Membership] = {}
    for m in members.order_by("-user_id"):
        found[m.organisation_id] = m
    return found


def _actors(role: str, counts: list[tuple[int, int]]) -> list[Actor]:
    members = _members(role, [org_id for org_id, _n in counts])
    return [
        Actor(m.user, _token(m.user), m.organisation.code, n)
        for org_id, n in counts
        if (m := members.get(org_id)) is not None
    ]


def find(*, staff: int = 10, cadres: int = 50, heaviest: int = 5, seed: int = 1) -> Targets:
    rng = random.Random(seed)
    item = WorkItem.objects.select_related("department", "jurisdiction").get(title=BENCH_ITEM_TITLE)
    dispatcher = _members(Role.DEPARTMENT_STAFF, [item.department_id])[item.department_id].user
    # Busiest department and heaviest communities: two grouped scans of the assignments.
    by_department = dict(
        Assignment.objects.values_list("department_id").annotate(n=Count("id")).order_by()
    )
    busiest = max(by_department, key=by_department.get)
    senders = sorted(set(Dispatch.objects.values_list("department_id", flat=True)) - {busiest})
    picked = [busiest, *rng.sample(senders, k=min(staff - 1, len(senders)))]
    by_community = dict(
        Assignment.objects.values_list("community_id").annotate(n=Count("id")).order_by()
    )
    ranked = sorted(by_community, key=lambda c: (-by_community[c], c))
    heavy = ranked[:heaviest]
    rest = sorted(set(ranked) - set(heavy))
    chosen = heavy + rng.sample(rest, k=min(cadres - len(heavy), len(rest)))
    others = []
    for username in (SUPERVISOR_USERNAME, REVIEWER_USERNAME, ADMIN_USERNAME):
        user = User.objects.filter(username=username).first()
        if user is not None:
            others.append(Actor(user, _token(user), "", 0))
    return Targets(
        bench_item=item,
        dispatcher=dispatcher,
        staff=_actors(Role.DEPARTMENT_STAFF, [(d, by_department.get(d, 0)) for d in picked]),
        cadres=_actors(Role.COMMUNITY_CADRE, [(c, by_community[c]) for c in chosen]),
        others=others,
    )
