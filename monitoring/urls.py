from rest_framework.routers import SimpleRouter

from monitoring import api

router = SimpleRouter()
router.register("offplatform-reports", api.OffPlatformReportViewSet, basename="offplatform-report")
router.register("flags", api.FlagViewSet, basename="flag")

api_urlpatterns = [*router.urls]
