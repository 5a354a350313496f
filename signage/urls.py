from django.urls import path
from rest_framework.routers import SimpleRouter

from signage import api, views

router = SimpleRouter()
router.register("plaques", api.PlaqueViewSet, basename="plaque")
router.register("plaque-standards", api.PlaqueStandardViewSet, basename="plaque-standard")

api_urlpatterns = [*router.urls]

page_urlpatterns = [
    # The registry: a community's signs, or an area's counts per community.
    path("plaques/", views.registry, name="plaque-registry"),
    path("plaques/new/", views.new, name="plaque-new"),
    path("plaques/section/", views.section, name="plaque-section"),
    path("plaques/<int:pk>/", views.detail, name="plaque-page"),
    path("plaques/<int:pk>/remove/", views.remove, name="plaque-page-remove"),
    # Photos only through the permission check (MEDIA_ROOT is never served as such).
    path("plaques/<int:pk>/photo/<slug:variant>/", views.photo, name="plaque-photo"),
    path("plaques/census/", views.census, name="plaque-census-page"),
    path("plaques/census/template.xlsx", views.census_template, name="plaque-census-template-file"),
    path("plaques/standards/", views.standards, name="plaque-standards"),
]
