"""The one permission model: what each role may do, and for which organisations.

A membership ties a user to an organisation with a role. A role held in an organisation
covers that organisation and everything under it in the tree (a district reviewer covers
the district's streets, communities and departments). An action is allowed on an
organisation's object when the user holds a role that the action admits in an organisation
that covers it. Scoping a queryset uses the same rule as a prefix match on the path.

Actions are also registered with ``rules`` as ``portal.<action>`` so that
``user.has_perm("portal.organisation.manage")`` works in templates and the admin.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import rules
from django.db.models import Q, QuerySet

from registry.models import Membership, Organisation, Role, User

ANY_ROLE = frozenset(Role)
# Needs only a signed-in, active user (their own profile, for instance).
AUTHENTICATED = "authenticated"

# action -> roles that may perform it: the hub's own actions here; the other apps add theirs
# from their AppConfig.ready() (registry.plugins.actions). The administrator (superuser)
# holds only the actions in ADMIN_ACTIONS: administration is not a licence to review or
# dispatch.
ACTION_ROLES: dict[str, frozenset[Role]] = {
    "organisation.view": ANY_ROLE,
    # Admission: departments draft and submit, reviewers decide, supervisors watch.
    "application.edit": frozenset({Role.DEPARTMENT_STAFF}),
    "application.view": frozenset({Role.DEPARTMENT_STAFF, Role.REVIEWER, Role.SUPERVISOR}),
    "application.review": frozenset({Role.REVIEWER}),
    # Lists are published: anyone with a role reads every item; reviewers manage them.
    "work_item.view": ANY_ROLE,
    "work_item.manage": frozenset({Role.REVIEWER}),
    # Dispatch: departments send, reviewers ratify emergencies; the inbox is the community's.
    "dispatch.create": frozenset({Role.DEPARTMENT_STAFF}),
    "dispatch.view": frozenset({Role.DEPARTMENT_STAFF, Role.REVIEWER, Role.SUPERVISOR}),
    "dispatch.ratify": frozenset({Role.REVIEWER}),
    # Assignments are seen from two sides: by community (cadres, liaisons and the areas
    # above) and by department (its staff).
    "assignment.view_community": frozenset(
        {Role.COMMUNITY_CADRE, Role.LIAISON, Role.REVIEWER, Role.SUPERVISOR}
    ),
    "assignment.view_department": frozenset({Role.DEPARTMENT_STAFF}),
    "assignment.respond": frozenset({Role.COMMUNITY_CADRE}),
    # The supervisors' dashboard: supervisors and reviewers read it for their area; the
    # area's supervisors save its baseline period.
    "dashboard.view": frozenset({Role.REVIEWER, Role.SUPERVISOR}),
    "dashboard.baseline": frozenset({Role.SUPERVISOR}),
    "workbench.department": frozenset({Role.DEPARTMENT_STAFF}),
    "workbench.reviewer": frozenset({Role.REVIEWER}),
    "workbench.community": frozenset({Role.COMMUNITY_CADRE}),
    "workbench.liaison": frozenset({Role.LIAISON}),
    "workbench.supervisor": frozenset({Role.SUPERVISOR}),
    # Accounts of an area's organisations: imported in bulk, deactivated at 离任. The
    # administrator (superuser) holds it everywhere (ADMIN_ACTIONS).
    "account.manage": frozenset({Role.AREA_ADMINISTRATOR}),
    "workbench.administrator": frozenset({Role.AREA_ADMINISTRATOR}),
}
# calendar.manage: the holiday table; division.import: the official division-code tree.
ADMIN_ACTIONS = frozenset(
    {
        "organisation.view",
        "organisation.manage",
        "user.manage",
        "account.manage",
        "calendar.manage",
        "division.import",
    }
)


@dataclass(frozen=True)
class Grant:
    role: Role
    organisation_id: int
    code: str
    path: str
    kind: str


# What a Grant is made of, in its order: a caller reading more beside the grants in the
# same query (the inbox's versions) selects these first and hands the rows to keep_grants.
GRANT_FIELDS = (
    "role",
    "organisation_id",
    "organisation__code",
    "organisation__path",
    "organisation__kind",
)


def memberships_in_force(user: User) -> QuerySet[Membership]:
    """The user's memberships that grant something (an ended one, 离任, grants nothing)."""
    return user.memberships.filter(ended_on__isnull=True)


def grants_of(user: User) -> list[Grant]:
    """The user's memberships, loaded once per user object (one query)."""
    if not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, "_portal_grants", None)
    if cached is None:
        cached = keep_grants(user, memberships_in_force(user).values_list(*GRANT_FIELDS))
    return cached


def keep_grants(user: User, rows: Iterable[tuple]) -> list[Grant]:
    """The grants in ``rows`` (tuples starting with GRANT_FIELDS, from
    ``memberships_in_force``), kept on the user object as ``grants_of`` keeps its own."""
    user._portal_grants = [
        Grant(Role(role), org_id, code, path, kind) for role, org_id, code, path, kind, *_ in rows
    ]
    return user._portal_grants


def roles_of(user: User) -> set[Role]:
    return {grant.role for grant in grants_of(user)}


def grants_for(user: User, action: str) -> list[Grant]:
    """The user's memberships that allow ``action`` (where they may do it)."""
    allowed = ACTION_ROLES.get(action, frozenset())
    return [grant for grant in grants_of(user) if grant.role in allowed]


def may_any(user: User, *actions: str) -> bool:
    return any(may(user, action) for action in actions)


def may(user: User, action: str, organisation: Organisation | None = None) -> bool:
    """May ``user`` do ``action``: at all (no organisation) or on ``organisation``'s object."""
    if not user.is_authenticated or not user.is_active:
        return False
    if action == AUTHENTICATED or (user.is_superuser and action in ADMIN_ACTIONS):
        return True
    grants = grants_for(user, action)
    if organisation is None:
        return bool(grants)
    return any(organisation.path.startswith(grant.path) for grant in grants)


def scope_q(user: User, action: str, organisation_field: str) -> Q:
    """A filter keeping rows whose organisation (``organisation_field``) the user covers.

    ``organisation_field`` is the lookup path to an Organisation, or "" for a queryset of
    organisations. A user with no suitable membership gets a filter that matches nothing.
    """
    lookup = f"{organisation_field}__path__startswith" if organisation_field else "path__startswith"
    if not user.is_authenticated or not user.is_active:
        # As in may(): a deactivated administrator must not keep seeing everything.
        return Q(pk__in=[])
    if user.is_superuser and action in ADMIN_ACTIONS:
        return Q()
    grants = grants_for(user, action)
    if not grants:
        return Q(pk__in=[])
    query = Q()
    for grant in grants:
        query |= Q(**{lookup: grant.path})
    return query


def scope_q_by_id(user: User, action: str, organisation_field: str) -> Q:
    """``scope_q`` for a big table (``organisation_field`` a foreign key to Organisation):
    a grant held in a community or a department (a leaf: nothing lies under it) is matched
    by id, an area's by a semi-join on its organisations' ids. The same rows; but the
    planner estimates an equality, and probes a hashed set of an area's ids while it reads
    a list's own index in order, instead of joining every row to its organisation's path
    (docs/performance.md: a province's first page in milliseconds, not seconds)."""
    from registry.models import Organisation

    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser and action in ADMIN_ACTIONS:
        return Q()
    query = Q(pk__in=[])  # nothing, unless a grant says otherwise
    grants = grants_for(user, action)
    leaves = [g.organisation_id for g in grants if g.kind != Organisation.Kind.AREA]
    if leaves:
        query |= Q(**{f"{organisation_field}_id__in": leaves})
    for grant in grants:
        if grant.kind == Organisation.Kind.AREA:
            under = Organisation.objects.filter(path__startswith=grant.path).values("id")
            query |= Q(**{f"{organisation_field}_id__in": under})
    return query


def _predicate_for(action: str) -> rules.Predicate:
    def check(user: User, organisation: Organisation | None = None) -> bool:
        return may(user, action, organisation)

    return rules.predicate(check, name=action)


def _register_with_rules() -> None:
    for action in set(ACTION_ROLES) | ADMIN_ACTIONS:
        rules.set_perm(f"portal.{action}", _predicate_for(action))


def actions_register(
    roles_by_action: dict[str, frozenset[Role]], administrator: frozenset[str] = frozenset()
) -> None:
    """Add an app's actions (``registry.plugins.actions``): to the table and to ``rules``;
    those in ``administrator`` the superuser holds too (answering the public, say)."""
    global ADMIN_ACTIONS
    for action, roles in roles_by_action.items():
        ACTION_ROLES[action] = frozenset(roles)
        rules.set_perm(f"portal.{action}", _predicate_for(action))
    ADMIN_ACTIONS = ADMIN_ACTIONS | frozenset(administrator)
    for action in administrator:
        rules.set_perm(f"portal.{action}", _predicate_for(action))


_register_with_rules()
