"""The certificates app's actions, added to the one permission model (registry.permissions).

Proposing a retained type is an admission application, so it uses the registry's
``application.edit`` / ``application.view``; these are the actions only certificates have.
"""

from __future__ import annotations

import rules

from registry import permissions
from registry.models import Role

ISSUE = "certificate.issue"
REGISTER = "certificate.register"
CATALOGUE_MANAGE = "certificate_type.manage"
CATALOGUE_EXPORT = "certificate_type.export"

ACTIONS: dict[str, frozenset[Role]] = {
    # Only the community's own cadres keep its register and stamp its certificates.
    ISSUE: frozenset({Role.COMMUNITY_CADRE}),
    # The register and the refusals: the community's cadres, and reviewers and supervisors
    # of the areas above it.
    REGISTER: frozenset({Role.COMMUNITY_CADRE, Role.REVIEWER, Role.SUPERVISOR}),
    # The catalogue is managed by the admission office (reviewers), by area.
    CATALOGUE_MANAGE: frozenset({Role.REVIEWER}),
    # The catalogue is public; the workbook is for anyone with a role.
    CATALOGUE_EXPORT: permissions.ANY_ROLE,
}


def _predicate(action: str) -> rules.Predicate:
    def check(user, organisation=None) -> bool:
        return permissions.may(user, action, organisation)

    return rules.predicate(check, name=action)


def register() -> None:
    """Add the actions to ACTION_ROLES and to ``rules`` (``user.has_perm("portal.…")``)."""
    for action, roles in ACTIONS.items():
        permissions.ACTION_ROLES[action] = roles
        rules.set_perm(f"portal.{action}", _predicate(action))
