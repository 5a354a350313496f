"""Pages of the admission workflow, the lists and public verification."""

from django.urls import path

from registry import views_admission as views

urlpatterns = [
    # Applications: departments draft and submit, reviewers decide.
    path("applications/", views.application_list, name="applications"),
    path("applications/new/", views.application_new, name="application-new"),
    path("applications/checks/", views.application_checks, name="application-checks"),
    path("applications/<int:pk>/", views.application_detail, name="application-page"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application-edit"),
    path(
        "applications/<int:pk>/<slug:action>/",
        views.application_action,
        name="application-action",
    ),
    path("review/", views.review_queue, name="review-queue"),
    # Work items, by admission number.
    path("work-items/", views.work_item_list, name="work-items"),
    path(
        "work-items/<str:admission_number>/",
        views.work_item_detail,
        name="work-item-page",
    ),
    path(
        "work-items/<str:admission_number>/<slug:action>/",
        views.work_item_status,
        name="work-item-status",
    ),
    # Lists: reviewers import them; everyone reads, prints and downloads them.
    path("lists/", views.published_index, name="published-lists"),
    path("lists/import/", views.list_import, name="list-import"),
    path(
        "lists/import/template.xlsx",
        views.list_import_template,
        name="list-import-template",
    ),
    path("lists/<str:code>/<slug:kind>/", views.published_list, name="published-list"),
    path(
        "lists/<str:code>/<slug:kind>/export.xlsx",
        views.published_list_export,
        name="published-list-export",
    ),
    # Public: is this admission number valid? (The link in every inbox row.)
    path("verify/", views.verify, name="verify"),
]
