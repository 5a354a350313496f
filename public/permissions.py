"""The public portal's actions, added to the one permission model through registry.plugins."""

from __future__ import annotations

from registry.models import Role

# Reading and answering the complaints and suggestions addressed to an area.
COMPLAINT_HANDLE = "complaint.handle"

ACTIONS: dict[str, frozenset[Role]] = {
    # The supervision office answers the public (a district's supervisors their district's).
    COMPLAINT_HANDLE: frozenset({Role.SUPERVISOR}),
}
# The administrator (superuser) answers them too, for the whole deployment.
ADMIN_ACTIONS = frozenset({COMPLAINT_HANDLE})
