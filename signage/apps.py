from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignageConfig(AppConfig):
    name = "signage"
    verbose_name = _("Signage")

    def ready(self) -> None:
        from registry import plugins
        from signage import dashboard, permissions, services

        plugins.actions(permissions.ACTIONS)
        # The app's lists as Excel downloads (registry/exports.py).
        from signage import exports

        exports.register()
        plugins.nav_link(
            plugins.NavLink("plaque-registry", _("Plaques"), permissions.READ, order=60)
        )
        for workbench in ("community", "reviewer", "supervisor"):
            plugins.workbench_section(
                plugins.WorkbenchSection(
                    workbench=workbench,
                    action=permissions.VIEW,
                    heading=_("Plaques"),
                    url_name="plaque-section",
                    link_name="plaque-registry",
                    link_text=_("Open the plaque registry"),
                    order=60,
                )
            )
        # Links in the hub's link lists of the community's and the supervisor's workbench.
        for place, order in (("community-links", 60), ("supervisor-links", 60)):
            plugins.section_link(
                plugins.SectionLink(
                    place, "plaque-registry", _("Plaque registry"), permissions.VIEW, order
                )
            )
        plugins.dashboard_section(
            plugins.DashboardSection("plaques", _("Plaques"), dashboard.plaques_figures, order=80)
        )
        # A sign whose backing item is revoked or expires becomes excess; the hub calls us.
        plugins.on_work_item_ended(services.plaques_on_work_items_ended)
