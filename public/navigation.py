"""Where the public portal shows in the hub (registry.plugins): the front page at ``/``,
the footer links, the queue in the header and on the supervisor's workbench. Called from
PublicConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from public.permissions import COMPLAINT_HANDLE
from registry import plugins
from registry.plugins import NavLink, SectionLink, WorkbenchSection


def register() -> None:
    from public import views

    plugins.front_page(views.front_page)
    for link in (
        NavLink("complaint-queue", _("Complaints and suggestions"), COMPLAINT_HANDLE, 85),
        # Public: in the footer, for everyone.
        NavLink("complaint-new", _("Complaints and suggestions"), "", 40),
    ):
        plugins.nav_link(link)
    plugins.workbench_section(
        WorkbenchSection(
            "supervisor",
            COMPLAINT_HANDLE,
            _("Complaints and suggestions"),
            url_name="complaint-section",
            link_name="complaint-queue",
            link_text=_("Open the queue"),
            order=20,
        )
    )
    plugins.section_link(
        SectionLink(
            "supervisor-links",
            "complaint-queue",
            _("Complaints and suggestions from the public"),
            COMPLAINT_HANDLE,
            40,
        )
    )
