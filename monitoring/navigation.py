"""Where monitoring shows in the hub: header links, workbench sections and the links it adds
to the hub's sections (registry.plugins). Called from MonitoringConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from monitoring import dashboard
from monitoring.permissions import (
    CLUE_VIEW,
    CLUE_VIEW_DEPARTMENT,
    EVALUATION_RESPOND,
    EVALUATION_VIEW,
    EVALUATION_VIEW_DEPARTMENT,
    REPORT_FILE,
    REPORT_VIEW,
)
from registry import plugins
from registry.plugins import DashboardSection, NavLink, SectionLink, WorkbenchSection


def register() -> None:
    for link in (
        NavLink("monthly-reports", _("Monthly reports"), REPORT_VIEW, 60),
        NavLink("clue-board", _("Clues"), CLUE_VIEW, 62),
        NavLink("notices", _("Rectification notices"), CLUE_VIEW_DEPARTMENT, 64),
        NavLink("offplatform-new", _("Report an off-platform demand"), "offplatform.report", 70),
        NavLink("flags", _("Flags"), "flag.view", 80),
        NavLink(
            "evaluation-index",
            _("Reverse evaluation"),
            (EVALUATION_VIEW, EVALUATION_RESPOND, EVALUATION_VIEW_DEPARTMENT),
            84,
        ),
    ):
        plugins.nav_link(link)

    for section in (
        # The supervisor's to-do: the open flags by kind and the most loaded communities.
        WorkbenchSection(
            "supervisor",
            "flag.view",
            _("To-do"),
            url_name="flags-section",
            link_name="flags",
            link_text=_("Open the flags"),
            order=10,
        ),
        # Open clues by state, unanswered overdue notices first.
        WorkbenchSection(
            "supervisor",
            CLUE_VIEW,
            _("Clues and rectification"),
            url_name="clue-section",
            link_name="clue-board",
            link_text=_("Open the clue board"),
            order=15,
        ),
        # The liaison's report form and the community's recent reports.
        WorkbenchSection(
            "liaison",
            "offplatform.report",
            _("Report a demand received off the platform"),
            url_name="offplatform-section",
            link_name="offplatform-new",
            link_text=_("Open the report form"),
            order=20,
        ),
        # This month's report of the liaison's monitoring points: open it or carry on.
        WorkbenchSection(
            "liaison",
            REPORT_FILE,
            _("Monthly monitoring report"),
            url_name="monthly-section",
            link_name="monthly-reports",
            link_text=_("Open the monthly reports"),
            order=30,
        ),
        # The department's rectification notices awaiting its measures.
        WorkbenchSection(
            "department",
            CLUE_VIEW_DEPARTMENT,
            _("Rectification notices"),
            url_name="notice-section",
            link_name="notices",
            link_text=_("Open the notices"),
            order=30,
        ),
        # The reverse evaluation: supervisors follow the open rounds, communities answer
        # them, departments read their results once a round has closed.
        WorkbenchSection(
            "supervisor",
            EVALUATION_VIEW,
            _("Reverse evaluation"),
            url_name="evaluation-section",
            link_name="evaluation-index",
            link_text=_("Open the rounds"),
            order=40,
        ),
        WorkbenchSection(
            "community",
            EVALUATION_RESPOND,
            _("Rate the departments"),
            url_name="evaluation-section",
            link_name="evaluation-index",
            link_text=_("Open the rounds"),
            order=40,
        ),
        WorkbenchSection(
            "department",
            EVALUATION_VIEW_DEPARTMENT,
            _("How the communities rated you"),
            url_name="evaluation-section",
            link_name="evaluation-index",
            link_text=_("Open the rounds"),
            order=40,
        ),
    ):
        plugins.workbench_section(section)

    for link in (
        SectionLink(
            "department-dispatch",
            "offplatform-reports",
            _("Demands reported against your department off the platform"),
            "offplatform.view_department",
            10,
        ),
        SectionLink("reviewer-dispatch", "flags", _("Flags"), "flag.view", 20),
        SectionLink(
            "reviewer-dispatch",
            "offplatform-reports",
            _("Off-platform demands in your area"),
            "offplatform.view_community",
            40,
        ),
        SectionLink(
            "community-links",
            "offplatform-new",
            _("Report a demand received off the platform"),
            "offplatform.report",
            20,
        ),
        SectionLink(
            "community-links",
            "offplatform-reports",
            _("Off-platform demands of your community"),
            "offplatform.view_community",
            30,
        ),
        SectionLink("supervisor-links", "flags", _("Flags"), "flag.view", 10),
        SectionLink("supervisor-links", "clue-board", _("Clues"), CLUE_VIEW, 12),
        SectionLink(
            "supervisor-links",
            "monthly-reports",
            _("Monthly monitoring reports"),
            REPORT_VIEW,
            14,
        ),
        SectionLink(
            "supervisor-links",
            "offplatform-reports",
            _("Off-platform demands in your area"),
            "offplatform.view_community",
            30,
        ),
        SectionLink(
            "inbox-tools",
            "offplatform-new",
            _("Report a demand received off the platform"),
            "offplatform.report",
            10,
        ),
    ):
        plugins.section_link(link)

    # Its sections of the supervisors' dashboard, between the hub's and after them.
    for section in (
        DashboardSection(
            "offplatform", _("Demands off the platform"), dashboard.offplatform_figures, order=50
        ),
        DashboardSection("flags", _("Flags"), dashboard.flags_figures, order=60),
        DashboardSection("clues", _("Clues and rectification"), dashboard.clues_figures, order=70),
        DashboardSection(
            "evaluation", _("Reverse evaluation"), dashboard.evaluation_figures, order=100
        ),
    ):
        plugins.dashboard_section(section)
