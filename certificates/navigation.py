"""Where certificates show in the hub: header links, the public lookup in the footer, and
the admission subject's name (registry.plugins). Called from CertificatesConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from certificates import dashboard
from certificates.permissions import CATALOGUE_MANAGE, ISSUE
from certificates.services import CERTIFICATE_TYPE_SUBJECT
from registry import plugins
from registry.plugins import DashboardSection, NavLink


def register() -> None:
    plugins.nav_link(NavLink("certificate-register", _("Certificate register"), ISSUE, 60))
    plugins.nav_link(
        NavLink("certificate-catalogue", _("Certificate catalogue"), CATALOGUE_MANAGE, 100)
    )
    # Public: residents look up what a community may certify.
    plugins.nav_link(NavLink("certificate-lookup", _("Certificate lookup"), "", 30))
    plugins.subject_label(CERTIFICATE_TYPE_SUBJECT, _("Certificate type kept by communities"))
    plugins.dashboard_section(
        DashboardSection(
            "certificates", _("Certificates"), dashboard.certificates_figures, order=90
        )
    )
