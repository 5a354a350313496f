from django.urls import path
from rest_framework.routers import SimpleRouter

from registry import api, api_admission, api_dispatch, urls_admission, urls_dispatch

router = SimpleRouter()
router.register("organisations", api.OrganisationViewSet, basename="organisation")
router.register("users", api.UserViewSet, basename="user")
router.register("applications", api_admission.ApplicationViewSet, basename="application")
router.register("work-items", api_admission.WorkItemViewSet, basename="work-item")
router.register("dispatches", api_dispatch.DispatchViewSet, basename="dispatch")
router.register("assignments", api_dispatch.AssignmentViewSet, basename="assignment")

api_urlpatterns = [
    path("auth/token/", api.TokenView.as_view(), name="api-token"),
    path(
        "lists/<str:code>/<str:list_kind>/",
        api_admission.PublishedListView.as_view(),
        name="api-published-list",
    ),
    *router.urls,
]

page_urlpatterns = [*urls_admission.urlpatterns, *urls_dispatch.urlpatterns]
