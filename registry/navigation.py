"""The hub's own links and workbench sections, registered the way every app registers its
(``registry.plugins``), so the header and the workbenches are drawn from one list keyed by
permission action. Called from ``RegistryConfig.ready()``.

Orders leave gaps for the apps: the header runs 10, 20, 30 ... in the order people use the
features; within a workbench the hub's sections and links take the places the apps' fit
between.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from registry import plugins
from registry.plugins import DashboardSection, NavLink, SectionLink, WorkbenchSection
from registry.selectors import dashboard_sections


def register() -> None:
    for link in (
        # Applications are the department's and the supervisor's menu; a reviewer reaches
        # them through the review queue (as one of the workbench actions).
        NavLink(
            "applications",
            _("Applications"),
            ("workbench.department", "workbench.supervisor"),
            10,
        ),
        NavLink("dispatch-index", _("Dispatches"), "dispatch.view", 20),
        NavLink("review-queue", _("Review queue"), "application.review", 30),
        NavLink("dispatch-ratification", _("Emergency ratification"), "dispatch.ratify", 40),
        # The inbox is the community's menu (cadre and liaison); reviewers and supervisors
        # reach what reached communities through the dispatches.
        NavLink("inbox", _("Inbox"), ("workbench.community", "workbench.liaison"), 50),
        NavLink("work-items", _("Work items"), "work_item.view", 90),
        NavLink("dashboard", _("Dashboard"), "dashboard.view", 95),
        NavLink("account-import", _("Accounts"), "workbench.administrator", 95),
        # Public: in the footer, for everyone.
        NavLink("published-lists", _("Published lists"), "", 10),
        NavLink("verify", _("Verify an admission number"), "", 20),
    ):
        plugins.nav_link(link)

    for section in (
        WorkbenchSection(
            "department",
            "workbench.department",
            _("To-do"),
            template="registry/admission/_section_department.html",
            order=10,
        ),
        WorkbenchSection(
            "department",
            "application.edit",
            _("Admissions ending soon"),
            template="registry/admission/_section_renewals.html",
            order=15,
        ),
        WorkbenchSection(
            "department",
            "dispatch.create",
            _("Dispatch"),
            template="registry/dispatch/_department_entry.html",
            name="department-dispatch",
            order=20,
        ),
        WorkbenchSection(
            "department",
            "dispatch.create",
            _("Refused this week"),
            template="registry/dispatch/_section_refusals.html",
            order=25,
        ),
        WorkbenchSection(
            "reviewer",
            "application.review",
            _("To-do"),
            template="registry/admission/_section_reviewer.html",
            order=10,
        ),
        WorkbenchSection(
            "reviewer",
            "workbench.reviewer",
            _("Dispatch and monitoring"),
            template="registry/_workbench_links.html",
            name="reviewer-dispatch",
            order=20,
        ),
        WorkbenchSection(
            "community",
            "assignment.view_community",
            _("To-do"),
            url_name="inbox-section",
            link_name="inbox",
            link_text=_("Open the inbox"),
            order=10,
        ),
        WorkbenchSection(
            "community",
            "workbench.community",
            _("Burden reduction"),
            template="registry/_workbench_links.html",
            name="community-links",
            order=20,
        ),
        # The liaison's community receives tasks too: their to-do is its open inbox.
        WorkbenchSection(
            "liaison",
            "assignment.view_community",
            _("To-do"),
            url_name="inbox-section",
            link_name="inbox",
            link_text=_("Open the inbox"),
            order=10,
        ),
        # The way to the dashboard, with what it holds.
        WorkbenchSection(
            "supervisor",
            "dashboard.view",
            _("Burden dashboard"),
            template="registry/dashboard/_workbench.html",
            order=30,
        ),
        WorkbenchSection(
            "supervisor",
            "workbench.supervisor",
            _("Supervision"),
            template="registry/_workbench_links.html",
            name="supervisor-links",
            order=20,
        ),
        WorkbenchSection(
            "administrator",
            "workbench.administrator",
            _("Accounts of your area"),
            template="registry/_workbench_links.html",
            name="administrator-links",
            order=10,
        ),
    ):
        plugins.workbench_section(section)

    for link in (
        SectionLink(
            "reviewer-dispatch",
            "dispatch-ratification",
            _("Emergency tasks awaiting ratification"),
            "dispatch.ratify",
            10,
        ),
        SectionLink(
            "reviewer-dispatch", "dispatch-index", _("Dispatches in your area"), "dispatch.view", 30
        ),
        SectionLink(
            "community-links",
            "inbox",
            _("Inbox: every task dispatched to your community"),
            "assignment.view_community",
            10,
        ),
        SectionLink("community-links", "notifications", _("Notifications"), "authenticated", 90),
        SectionLink(
            "supervisor-links",
            "dispatch-index",
            _("Dispatches in your area"),
            "dispatch.view",
            20,
        ),
        SectionLink("supervisor-links", "notifications", _("Notifications"), "authenticated", 90),
        SectionLink(
            "administrator-links",
            "account-import",
            _("Import accounts from Excel"),
            "account.manage",
            10,
        ),
        SectionLink(
            "administrator-links",
            "account-deactivate",
            _("Deactivate an account (离任)"),
            "account.manage",
            20,
        ),
        SectionLink(
            "administrator-links", "notifications", _("Notifications"), "authenticated", 90
        ),
    ):
        plugins.section_link(link)

    plugins.subject_label("work_item", _("Work item"))

    # The hub's sections of the supervisors' dashboard; the apps add theirs.
    for section in (
        DashboardSection(
            "lists", _("Items on the lists"), dashboard_sections.lists_figures, order=10
        ),
        DashboardSection(
            "admission",
            _("Admission decisions"),
            dashboard_sections.admission_figures,
            order=20,
        ),
        DashboardSection(
            "assignments",
            _("Tasks and hours per community"),
            dashboard_sections.assignments_figures,
            order=30,
        ),
        DashboardSection(
            "refusals",
            _("Refusals by department"),
            dashboard_sections.refusals_figures,
            order=40,
        ),
    ):
        plugins.dashboard_section(section)
