"""Monitoring's URLs: ``api_urlpatterns`` (under /api/v1/) and ``page_urlpatterns``."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from monitoring import api, views

router = SimpleRouter()
router.register("offplatform-reports", api.OffPlatformReportViewSet, basename="offplatform-report")
router.register("flags", api.FlagViewSet, basename="flag")

api_urlpatterns = [*router.urls]

page_urlpatterns = [
    # Demands that reached communities off the platform: reported by cadres and liaisons,
    # read by the community, the department concerned and the area's reviewers/supervisors.
    path("monitoring/reports/", views.offplatform_reports, name="offplatform-reports"),
    path("monitoring/reports/new/", views.offplatform_new, name="offplatform-new"),
    path("monitoring/reports/section/", views.offplatform_section, name="offplatform-section"),
    # Flags: supervisors and reviewers of the area; supervisors may recompute them now.
    path("monitoring/flags/", views.flag_index, name="flags"),
    path("monitoring/flags/recompute/", views.flag_recompute, name="flags-recompute"),
    path("monitoring/flags/section/", views.supervisor_section, name="flags-section"),
    path(
        "monitoring/flags/<int:pk>/acknowledge/",
        views.flag_acknowledge,
        name="flags-acknowledge",
    ),
    path("monitoring/flags/<int:pk>/resolve/", views.flag_resolve, name="flags-resolve"),
]
