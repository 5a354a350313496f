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

        # Every clue service bumps this version in its transaction, so the clue lists'
        # capped counts are kept until a clue changes (registry/figure_cache.py): a
        # province's count joined its 4,000 clues to every organisation twice.
        from monitoring.models import Clue
        from monitoring.services.clues import CLUE_FIGURES
        from registry import figure_cache

        figure_cache.counted_under(Clue, CLUE_FIGURES)
