from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificates")

    def ready(self) -> None:
        from certificates import navigation, services
        from certificates.permissions import ACTIONS
        from registry import plugins
        from registry.services.subjects import AdmissionSubject, admission_subject_register

        # The app's actions and links plug into the hub, which names none of them.
        plugins.actions(ACTIONS)
        navigation.register()
        # The app's lists as Excel downloads (registry/exports.py).
        from certificates import exports

        exports.register()
        exports.register_imports()
        # A retained type is admitted through the registry's review, like a work item.
        admission_subject_register(
            services.CERTIFICATE_TYPE_SUBJECT,
            AdmissionSubject(
                admit=services.certificate_type_admit, checks=services.certificate_type_checks
            ),
        )
