from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        # Registers the portal's actions with `rules` (user.has_perm("portal.<action>")).
        from registry import navigation, permissions  # noqa: F401

        # The hub's own header links and workbench sections, through the same plug-in
        # points the other apps use.
        navigation.register()
