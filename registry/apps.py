from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        # Registers the portal's actions with `rules` (user.has_perm("portal.<action>")).
        # Signing out (the portal's page or the admin's) ends the user's API token too.
        from django.contrib.auth.signals import user_logged_out
        from django.db.models.signals import post_migrate

        from registry import navigation, permissions  # noqa: F401
        from registry.auth import revoke_tokens_at_logout
        from registry.beat import sync_after_migrate

        # The hub's own header links and workbench sections, through the same plug-in
        # points the other apps use.
        navigation.register()
        # The hub's lists as Excel downloads (registry/exports.py).
        from registry import list_exports

        list_exports.register()
        list_exports.register_imports()
        user_logged_out.connect(revoke_tokens_at_logout, dispatch_uid="registry.revoke_tokens")
        # The beat schedule's periodic tasks exist (and show in the admin) after migrate.
        post_migrate.connect(sync_after_migrate, sender=self, dispatch_uid="registry.beat_sync")
