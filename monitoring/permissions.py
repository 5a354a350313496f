"""The monitoring app's actions, added to the one permission model (registry.permissions)
from MonitoringConfig.ready() through registry.plugins.actions."""

from __future__ import annotations

from registry.models import Role

ACTIONS: dict[str, frozenset[Role]] = {
    # Demands that arrived off the platform: the community reports them; the communities'
    # side (and the areas above) and the department named read them.
    "offplatform.report": frozenset({Role.COMMUNITY_CADRE, Role.LIAISON}),
    "offplatform.view_community": frozenset(
        {Role.COMMUNITY_CADRE, Role.LIAISON, Role.REVIEWER, Role.SUPERVISOR}
    ),
    "offplatform.view_department": frozenset({Role.DEPARTMENT_STAFF}),
    # The flags computed from everything.
    "flag.view": frozenset({Role.REVIEWER, Role.SUPERVISOR}),
    "flag.manage": frozenset({Role.REVIEWER, Role.SUPERVISOR}),
    # Recomputing every flag now, instead of waiting for the scheduled job.
    "flag.compute": frozenset({Role.SUPERVISOR}),
}
