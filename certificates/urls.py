from django.urls import path
from rest_framework.routers import SimpleRouter

from certificates import api, views

router = SimpleRouter()
router.register("certificate-types", api.CertificateTypeViewSet, basename="certificate-type")
router.register(
    "certificate-type-proposals",
    api.CertificateTypeProposalViewSet,
    basename="certificate-type-proposal",
)
router.register(
    "certificate-issuances", api.CertificateIssuanceViewSet, basename="certificate-issuance"
)
router.register(
    "certificate-refusals", api.CertificateRefusalViewSet, basename="certificate-refusal"
)

api_urlpatterns = [*router.urls]

page_urlpatterns = [
    # Public, no login: the lookup and each type's page (the QR target on notices).
    path("certificates/lookup/", views.lookup, name="certificate-lookup"),
    path("certificates/types/<int:pk>/", views.type_page, name="certificate-type-page"),
    # Public: the check behind a printed certificate's verification code and QR code.
    path("certificates/verify/", views.verify, name="certificate-verify"),
    # The register: cadres keep it, reviewers and supervisors read it.
    path("certificates/register/", views.register, name="certificate-register"),
    path("certificates/register/print/", views.register_print, name="certificate-register-print"),
    path("certificates/issue/", views.issue, name="certificate-issue"),
    path(
        "certificates/issuances/<int:pk>/print/",
        views.issuance_print,
        name="certificate-issuance-print",
    ),
    path(
        "certificates/issuances/<int:pk>/withdraw/",
        views.issuance_withdraw,
        name="certificate-issuance-withdraw",
    ),
    path(
        "certificates/refusals/<int:pk>/notice/",
        views.refusal_notice,
        name="certificate-refusal-notice",
    ),
    # The catalogue: reviewers manage it; departments propose retained types.
    path("certificates/catalogue/", views.catalogue, name="certificate-catalogue"),
    path("certificates/propose/", views.propose, name="certificate-propose"),
]
