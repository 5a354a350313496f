"""The public portal's URLs (mounted by config/urls.py like every app's)."""

from django.urls import path

from public import api, views

api_urlpatterns = [
    path("public/figures/", api.PublicFiguresView.as_view(), name="api-public-figures"),
]

page_urlpatterns = [
    # Public, no account: send a complaint or suggestion, read the answer by its number.
    path("complaints/new/", views.complaint_new, name="complaint-new"),
    path("complaints/lookup/", views.complaint_lookup, name="complaint-lookup"),
    # The supervision office's and the administrator's queue.
    path("complaints/", views.complaint_queue, name="complaint-queue"),
    path("complaints/section/", views.complaint_section, name="complaint-section"),
    path("complaints/<int:pk>/", views.complaint_page, name="complaint-page"),
    path(
        "complaints/<int:pk>/<slug:action>/",
        views.complaint_action,
        name="complaint-action",
    ),
]
