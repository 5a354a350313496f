"""The certificates app's actions, added to the one permission model (registry.permissions)
from CertificatesConfig.ready() through registry.plugins.actions.

Proposing a retained type is an admission application, so it uses the registry's
``application.edit`` / ``application.view``; these are the actions only certificates have.
"""

from __future__ import annotations

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
