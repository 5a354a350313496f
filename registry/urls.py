from django.urls import path
from rest_framework.routers import SimpleRouter

from registry import api

router = SimpleRouter()
router.register("organisations", api.OrganisationViewSet, basename="organisation")
router.register("users", api.UserViewSet, basename="user")

api_urlpatterns = [
    path("auth/token/", api.TokenView.as_view(), name="api-token"),
    *router.urls,
]
