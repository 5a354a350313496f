from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Monitoring")

    def ready(self) -> None:
        from monitoring import navigation
        from monitoring.permissions import ACTIONS
        from registry import plugins

        # The app's actions, links and sections plug into the hub, which names none of them.
        plugins.actions(ACTIONS)
        navigation.register()
        # The app's lists as Excel downloads (registry/exports.py).
        from monitoring import exports

        exports.register()
        # Rules over other apps register themselves with the flag framework on import.
        from monitoring import (
            flags_certificates,  # noqa: F401
            flags_monitoring,  # noqa: F401
            flags_signage,  # noqa: F401
        )
