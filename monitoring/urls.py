"""Monitoring's URLs: ``api_urlpatterns`` (under /api/v1/) and ``page_urlpatterns``."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from monitoring import api, views

router = SimpleRouter()
router.register("offplatform-reports", api.OffPlatformReportViewSet, basename="offplatform-report")
router.register("flags", api.FlagViewSet, basename="flag")
router.register("monitoring-points", api.MonitoringPointViewSet, basename="monitoring-point")
router.register("monitoring-reports", api.MonitoringReportViewSet, basename="monitoring-report")
router.register("clues", api.ClueViewSet, basename="clue")
router.register("evaluation-rounds", api.EvaluationRoundViewSet, basename="evaluation-round")

api_urlpatterns = [*router.urls]

page_urlpatterns = [
    # Demands that reached communities off the platform: reported by cadres and liaisons,
    # read by the community, the department concerned and the area's reviewers/supervisors.
    path("monitoring/reports/", views.offplatform_reports, name="offplatform-reports"),
    path("monitoring/reports/new/", views.offplatform_new, name="offplatform-new"),
    path("monitoring/reports/section/", views.offplatform_section, name="offplatform-section"),
    # One report: the community's cadres correct or withdraw it while no clue uses it; its
    # evidence only to the community's side.
    path("monitoring/reports/<int:pk>/", views.offplatform_report, name="offplatform-report"),
    path("monitoring/reports/<int:pk>/edit/", views.offplatform_edit, name="offplatform-edit"),
    path(
        "monitoring/reports/<int:pk>/withdraw/",
        views.offplatform_withdraw,
        name="offplatform-withdraw",
    ),
    path(
        "monitoring/reports/<int:pk>/evidence/",
        views.offplatform_evidence,
        name="offplatform-evidence",
    ),
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
    # Monthly reports: the liaison's (phone first) and the supervisors' view with totals.
    path("monitoring/monthly/", views.monthly_reports, name="monthly-reports"),
    path("monitoring/monthly/open/", views.monthly_open, name="monthly-open"),
    path("monitoring/monthly/section/", views.monthly_section, name="monthly-section"),
    path("monitoring/monthly/export.xlsx", views.monthly_export, name="monthly-export"),
    path("monitoring/monthly/<int:pk>/", views.monthly_report, name="monthly-report"),
    path("monitoring/monthly/<int:pk>/entries/new/", views.entry_new, name="monthly-entry-new"),
    path(
        "monitoring/monthly/<int:pk>/entries/<int:entry_id>/",
        views.entry_edit,
        name="monthly-entry-edit",
    ),
    path(
        "monitoring/monthly/<int:pk>/entries/<int:entry_id>/delete/",
        views.entry_delete,
        name="monthly-entry-delete",
    ),
    path("monitoring/monthly/<int:pk>/<str:action>/", views.monthly_action, name="monthly-action"),
    # Clues: the supervisors' board, raising one, the clue page with history and actions.
    path("monitoring/clues/", views.clue_board, name="clue-board"),
    path("monitoring/clues/new/", views.clue_new, name="clue-new"),
    path("monitoring/clues/section/", views.clue_section, name="clue-section"),
    path("monitoring/clues/<int:pk>/", views.clue_page, name="clue-page"),
    path("monitoring/clues/<int:pk>/<str:action>/", views.clue_action, name="clue-action"),
    # Rectification notices: the department's list, the printable A4, the public check.
    path("monitoring/notices/", views.notice_index, name="notices"),
    path("monitoring/notices/section/", views.notice_section, name="notice-section"),
    path("monitoring/notices/<int:pk>/print/", views.notice_print, name="notice-print"),
    path("monitoring/notices/verify/<str:code>/", views.notice_verify, name="notice-verify"),
    # The reverse evaluation (反向评价): rounds, a community's form, results beside the facts.
    path("monitoring/evaluation/", views.evaluation_index, name="evaluation-index"),
    path("monitoring/evaluation/new/", views.evaluation_new, name="evaluation-new"),
    path("monitoring/evaluation/section/", views.evaluation_section, name="evaluation-section"),
    path("monitoring/evaluation/<int:pk>/", views.evaluation_round, name="evaluation-round"),
    path("monitoring/evaluation/<int:pk>/form/", views.evaluation_form, name="evaluation-form"),
    path(
        "monitoring/evaluation/<int:pk>/export.xlsx",
        views.evaluation_export,
        name="evaluation-export",
    ),
    path(
        "monitoring/evaluation/<int:pk>/authors/",
        views.evaluation_authors,
        name="evaluation-authors",
    ),
    path(
        "monitoring/evaluation/<int:pk>/<str:action>/",
        views.evaluation_action,
        name="evaluation-action",
    ),
]
