"""Where monitoring shows in the hub: header links, workbench sections and the links it adds
to the hub's sections (registry.plugins). Called from MonitoringConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from registry import plugins
from registry.plugins import NavLink, SectionLink, WorkbenchSection


def register() -> None:
    plugins.nav_link(
        NavLink("offplatform-new", _("Report an off-platform demand"), "offplatform.report", 70)
    )
    plugins.nav_link(NavLink("flags", _("Flags"), "flag.view", 80))

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
        WorkbenchSection(
            "supervisor",
            "workbench.supervisor",
            _("Burden dashboard"),
            template="monitoring/_workbench_dashboard.html",
            order=30,
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
        WorkbenchSection(
            "liaison",
            "workbench.liaison",
            _("Monthly monitoring report"),
            template="monitoring/_workbench_monthly_report.html",
            order=30,
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
