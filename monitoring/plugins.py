"""How monitoring plugs into the hub (registry.plugins): its actions, header links and a
workbench section for each role it serves."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from monitoring import permissions as monitoring_permissions
from registry import plugins


def register() -> None:
    plugins.actions(monitoring_permissions.ACTIONS)
    plugins.nav_link(
        plugins.NavLink(
            "monthly-reports", _("Monthly reports"), monitoring_permissions.REPORT_VIEW, order=60
        )
    )
    plugins.nav_link(
        plugins.NavLink("clue-board", _("Clues"), monitoring_permissions.CLUE_VIEW, order=61)
    )
    plugins.nav_link(
        plugins.NavLink(
            "notices",
            _("Rectification notices"),
            monitoring_permissions.CLUE_VIEW_DEPARTMENT,
            order=62,
        )
    )
    plugins.workbench_section(
        plugins.WorkbenchSection(
            workbench="liaison",
            action=monitoring_permissions.REPORT_FILE,
            heading=_("Monthly monitoring report"),
            url_name="monthly-section",
            link_name="monthly-reports",
            link_text=_("Open the monthly reports"),
            order=10,
        )
    )
    plugins.workbench_section(
        plugins.WorkbenchSection(
            workbench="supervisor",
            action=monitoring_permissions.CLUE_VIEW,
            heading=_("Clues and rectification"),
            url_name="clue-section",
            link_name="clue-board",
            link_text=_("Open the clue board"),
            order=20,
        )
    )
    plugins.workbench_section(
        plugins.WorkbenchSection(
            workbench="department",
            action=monitoring_permissions.CLUE_VIEW_DEPARTMENT,
            heading=_("Rectification notices"),
            url_name="notice-section",
            link_name="notices",
            link_text=_("Open the notices"),
            order=30,
        )
    )
