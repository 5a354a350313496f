from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Monitoring")

    def ready(self) -> None:
        # Rules over other apps register themselves with the flag framework on import.
        from monitoring import flags_certificates, flags_monitoring  # noqa: F401
        from monitoring.plugins import register

        register()
