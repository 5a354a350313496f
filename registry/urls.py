"""The hub's URLs: ``api_urlpatterns`` (mounted under /api/v1/) and ``page_urlpatterns``.

Every app's urls.py has the same two lists; config/urls.py mounts them.
"""

from django.urls import path
from rest_framework.routers import SimpleRouter

from registry.api import admission as admission_api
from registry.api import dashboard as dashboard_api
from registry.api import dispatch as dispatch_api
from registry.api import jobs as job_api
from registry.api import organisations as organisation_api
from registry.views import accounts as account_views
from registry.views import admission as admission_views
from registry.views import calendar as calendar_views
from registry.views import dashboard as dashboard_views
from registry.views import dispatch as dispatch_views
from registry.views import dispatch_corrections as correction_views
from registry.views import divisions as division_views
from registry.views import jobs as job_views
from registry.views import lists as list_views
from registry.views import notifications as notification_views
from registry.views import ratification as ratification_views
from registry.views import workbench as workbench_views

router = SimpleRouter()
router.register("organisations", organisation_api.OrganisationViewSet, basename="organisation")
router.register("users", organisation_api.UserViewSet, basename="user")
router.register("applications", admission_api.ApplicationViewSet, basename="application")
router.register("work-items", admission_api.WorkItemViewSet, basename="work-item")
router.register("dispatches", dispatch_api.DispatchViewSet, basename="dispatch")
router.register("assignments", dispatch_api.AssignmentViewSet, basename="assignment")
router.register("jobs", job_api.JobViewSet, basename="job")

api_urlpatterns = [
    path("auth/token/", organisation_api.TokenView.as_view(), name="api-token"),
    path("dashboard/", dashboard_api.DashboardView.as_view(), name="api-dashboard"),
    path(
        "lists/<str:code>/<str:list_kind>/",
        admission_api.PublishedListView.as_view(),
        name="api-published-list",
    ),
    *router.urls,
]

page_urlpatterns = [
    # The front door, sign-in and each role's workbench.
    path("", workbench_views.home, name="home"),
    path("workbench/<slug:role>/", workbench_views.workbench, name="workbench"),
    path("accounts/login/", workbench_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", workbench_views.LogoutView.as_view(), name="logout"),
    # Applications: departments draft and submit, reviewers decide.
    path("applications/", admission_views.application_list, name="applications"),
    path("applications/new/", admission_views.application_new, name="application-new"),
    path("applications/checks/", admission_views.application_checks, name="application-checks"),
    path("applications/<int:pk>/", admission_views.application_detail, name="application-page"),
    path("applications/<int:pk>/edit/", admission_views.application_edit, name="application-edit"),
    path(
        "applications/<int:pk>/<slug:action>/",
        admission_views.application_action,
        name="application-action",
    ),
    path("review/", admission_views.review_queue, name="review-queue"),
    # Work items, by admission number.
    path("work-items/", list_views.work_item_list, name="work-items"),
    path(
        "work-items/<str:admission_number>/",
        list_views.work_item_detail,
        name="work-item-page",
    ),
    path(
        "work-items/<str:admission_number>/<slug:action>/",
        list_views.work_item_status,
        name="work-item-status",
    ),
    # Lists: reviewers import them; everyone reads, prints and downloads them.
    path("lists/", list_views.published_index, name="published-lists"),
    path("lists/import/", list_views.list_import, name="list-import"),
    path(
        "lists/import/template.xlsx",
        list_views.list_import_template,
        name="list-import-template",
    ),
    path("lists/<str:code>/<slug:kind>/", list_views.published_list, name="published-list"),
    path(
        "lists/<str:code>/<slug:kind>/export.xlsx",
        list_views.published_list_export,
        name="published-list-export",
    ),
    # Public: is this admission number valid? (The link in every inbox row.)
    path("verify/", list_views.verify, name="verify"),
    # Department: send a task; department, reviewer, supervisor: the dispatches they see.
    path("dispatch/", dispatch_views.dispatch_index, name="dispatch-index"),
    path("dispatch/new/", dispatch_views.dispatch_new, name="dispatch-new"),
    path("dispatch/<int:pk>/", dispatch_views.dispatch_show, name="dispatch-show"),
    # Reviewer: emergency tasks waiting for ratification.
    path(
        "dispatch/ratification/",
        ratification_views.ratification_queue,
        name="dispatch-ratification",
    ),
    path(
        "dispatch/<int:pk>/ratify/", ratification_views.dispatch_ratify, name="dispatch-ratify-page"
    ),
    path(
        "dispatch/<int:pk>/refuse-ratification/",
        ratification_views.dispatch_refuse_ratification,
        name="dispatch-refuse-ratification-page",
    ),
    # Department: recall a task no community has taken up, or give it more time.
    path(
        "dispatch/<int:pk>/correct/<slug:action>/",
        correction_views.dispatch_correct,
        name="dispatch-correct",
    ),
    # The community inbox (phone first) and its workbench section.
    path("inbox/", dispatch_views.inbox, name="inbox"),
    path("inbox/section/", dispatch_views.inbox_section, name="inbox-section"),
    path("inbox/<int:pk>/", dispatch_views.inbox_task, name="inbox-task"),
    path(
        "inbox/<int:pk>/<slug:action>/",
        dispatch_views.inbox_respond,
        name="inbox-respond",
    ),
    # Notifications of the user's organisations.
    path("notifications/", notification_views.notification_index, name="notifications"),
    path(
        "notifications/read/",
        notification_views.notification_mark_read,
        name="notifications-read",
    ),
    path(
        "notifications/badge/",
        notification_views.notification_badge,
        name="notifications-badge",
    ),
    # Supervisors and reviewers: the burden dashboard; supervisors save its baseline.
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("dashboard/baseline/", dashboard_views.dashboard_baseline, name="dashboard-baseline"),
    # Deployment: the official division-code tree (administrators).
    path("divisions/import/", division_views.division_import, name="division-import"),
    path("calendar/", calendar_views.calendar, name="calendar"),
    path(
        "calendar/template.xlsx",
        calendar_views.calendar_template_download,
        name="calendar-template",
    ),
    path(
        "divisions/import/<int:pk>/",
        division_views.division_import_show,
        name="division-import-show",
    ),
    path(
        "divisions/import/<int:pk>/progress/",
        division_views.division_import_progress,
        name="division-import-progress",
    ),
    path(
        "divisions/import/<int:pk>/apply/",
        division_views.division_import_apply,
        name="division-import-apply",
    ),
    # Excel downloads of every list (filters as the list's), and the background jobs that
    # write the long ones (progress, then the file, for its owner only).
    path("exports/<slug:name>/", job_views.export, name="list-export"),
    path("jobs/<int:pk>/", job_views.job_page, name="job-page"),
    path("jobs/<int:pk>/progress/", job_views.job_progress, name="job-progress"),
    path("jobs/<int:pk>/download/", job_views.job_download, name="job-download"),
    # Deployment: accounts in bulk, the first sign-in's password, leaving (离任).
    path("accounts/import/", account_views.account_import, name="account-import"),
    path(
        "accounts/password/",
        account_views.password_change_required,
        name="password-change-required",
    ),
    path("accounts/deactivate/", account_views.account_deactivate, name="account-deactivate"),
]
