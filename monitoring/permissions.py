"""The monitoring app's actions, added to the one permission model (registry.permissions)
from MonitoringConfig.ready() through registry.plugins.actions."""

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
# The reverse evaluation (反向评价): supervisors open and close rounds and read the results
# (comments without authors); the area's reviewers read the results; communities' cadres
# answer; a department's staff read their own row once a round has closed.
EVALUATION_MANAGE = "evaluation.manage"
EVALUATION_VIEW = "evaluation.view"
EVALUATION_RESPOND = "evaluation.respond"
EVALUATION_VIEW_DEPARTMENT = "evaluation.view_department"
# Who wrote a comment, for one view with a recorded reason (audited).
EVALUATION_AUTHORS = "evaluation.authors"
# Who may see who raised a clue or filed an off-platform report: never a department.
REPORTER_VIEW = "reporter.view"

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
    # Monitoring points (监测点): seen by the area and the point's liaison.
    POINT_VIEW: frozenset({Role.REVIEWER, Role.SUPERVISOR, Role.LIAISON}),
    # The admission office of the area designates its points (and the administrator).
    POINT_DESIGNATE: frozenset({Role.REVIEWER}),
    # The point's monthly report: the liaison files it, supervisors read and export them.
    REPORT_FILE: frozenset({Role.LIAISON}),
    REPORT_VIEW: frozenset({Role.LIAISON, Role.SUPERVISOR}),
    REPORT_EXPORT: frozenset({Role.SUPERVISOR}),
    # Clues (线索) and rectification: raised by the communities' side or a supervisor,
    # handled by supervisors, answered by the department named.
    CLUE_RAISE: frozenset({Role.LIAISON, Role.COMMUNITY_CADRE, Role.SUPERVISOR}),
    CLUE_VIEW: frozenset({Role.SUPERVISOR}),
    CLUE_VIEW_DEPARTMENT: frozenset({Role.DEPARTMENT_STAFF}),
    CLUE_HANDLE: frozenset({Role.SUPERVISOR}),
    CLUE_RESPOND: frozenset({Role.DEPARTMENT_STAFF}),
    EVALUATION_MANAGE: frozenset({Role.SUPERVISOR}),
    EVALUATION_VIEW: frozenset({Role.SUPERVISOR, Role.REVIEWER}),
    EVALUATION_RESPOND: frozenset({Role.COMMUNITY_CADRE}),
    EVALUATION_VIEW_DEPARTMENT: frozenset({Role.DEPARTMENT_STAFF}),
    EVALUATION_AUTHORS: frozenset({Role.SUPERVISOR}),
    REPORTER_VIEW: frozenset({Role.COMMUNITY_CADRE, Role.LIAISON, Role.REVIEWER, Role.SUPERVISOR}),
}
