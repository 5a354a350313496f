from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    """The public portal: the front page, its headline figures, complaints and suggestions."""

    name = "public"
    verbose_name = _("Public portal")

    def ready(self) -> None:
        from public import (
            audit_actions,  # noqa: F401  (defines the names on import)
            navigation,
        )
        from public.permissions import ACTIONS, ADMIN_ACTIONS
        from registry import plugins

        plugins.actions(ACTIONS, administrator=ADMIN_ACTIONS)
        navigation.register()
