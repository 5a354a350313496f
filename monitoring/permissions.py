"""The monitoring app's own actions, added to the one permission model through
``registry.plugins.actions`` (the off-platform and flag actions predate it and stay in the
hub's table)."""

from __future__ import annotations

from registry.models import Role

POINT_VIEW = "monitoring_point.view"
POINT_DESIGNATE = "monitoring_point.designate"
REPORT_FILE = "monitoring_report.file"
REPORT_VIEW = "monitoring_report.view"
REPORT_EXPORT = "monitoring_report.export"
CLUE_RAISE = "clue.raise"
CLUE_VIEW = "clue.view"
CLUE_VIEW_DEPARTMENT = "clue.view_department"
CLUE_HANDLE = "clue.handle"
CLUE_RESPOND = "clue.respond"
# Who may see who raised a clue or filed an off-platform report: never a department.
REPORTER_VIEW = "reporter.view"

ACTIONS: dict[str, frozenset[Role]] = {
    POINT_VIEW: frozenset({Role.REVIEWER, Role.SUPERVISOR, Role.LIAISON}),
    # The admission office of the area designates its points (and the administrator).
    POINT_DESIGNATE: frozenset({Role.REVIEWER}),
    REPORT_FILE: frozenset({Role.LIAISON}),
    REPORT_VIEW: frozenset({Role.LIAISON, Role.SUPERVISOR}),
    REPORT_EXPORT: frozenset({Role.SUPERVISOR}),
    CLUE_RAISE: frozenset({Role.LIAISON, Role.COMMUNITY_CADRE, Role.SUPERVISOR}),
    CLUE_VIEW: frozenset({Role.SUPERVISOR}),
    CLUE_VIEW_DEPARTMENT: frozenset({Role.DEPARTMENT_STAFF}),
    CLUE_HANDLE: frozenset({Role.SUPERVISOR}),
    CLUE_RESPOND: frozenset({Role.DEPARTMENT_STAFF}),
    REPORTER_VIEW: frozenset({Role.COMMUNITY_CADRE, Role.LIAISON, Role.REVIEWER, Role.SUPERVISOR}),
}
