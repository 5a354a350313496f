"""The signage app's actions, added to the one permission model through registry.plugins."""

from __future__ import annotations

from registry import permissions
from registry.models import Role

VIEW = "plaque.view"
VIEW_DEPARTMENT = "plaque.view_department"
EDIT = "plaque.edit"
CENSUS = "plaque.census"
STANDARD_MANAGE = "plaque_standard.manage"
STANDARD_VIEW = "plaque_standard.view"
# The API's gate for reading signs: anyone who may read some (the selectors scope rows).
READ = "plaque.read"

ACTIONS: dict[str, frozenset[Role]] = {
    # A community's registry: its own cadres, and the reviewers and supervisors above it.
    VIEW: frozenset({Role.COMMUNITY_CADRE, Role.REVIEWER, Role.SUPERVISOR}),
    # A department sees the signs it asked for (scoped by the sign's issuer).
    VIEW_DEPARTMENT: frozenset({Role.DEPARTMENT_STAFF}),
    READ: frozenset({Role.COMMUNITY_CADRE, Role.REVIEWER, Role.SUPERVISOR, Role.DEPARTMENT_STAFF}),
    # Only the community's own cadres add signs and record their removal.
    EDIT: frozenset({Role.COMMUNITY_CADRE}),
    # The census (挂牌清理摸底) is loaded by a street or district: its admission office
    # and its supervisors, who run the clean-up.
    CENSUS: frozenset({Role.REVIEWER, Role.SUPERVISOR}),
    # The standard is set by the jurisdiction's reviewers; every role may read it.
    STANDARD_MANAGE: frozenset({Role.REVIEWER}),
    STANDARD_VIEW: permissions.ANY_ROLE,
}
