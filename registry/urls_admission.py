"""Pages of the admission workflow, the lists and public verification."""

from django.urls import path

from registry import views_admission

urlpatterns = [
    path("verify/", views_admission.verify, name="verify"),
    path(
        "work-items/<str:admission_number>/",
        views_admission.work_item_detail,
        name="work-item-detail",
    ),
]
