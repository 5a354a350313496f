"""Pages of dispatch, the community inbox and notifications."""

from django.urls import path

from registry import views_dispatch, views_notifications

urlpatterns = [
    # Department: send a task; department, reviewer, supervisor: the dispatches they see.
    path("dispatch/", views_dispatch.dispatch_index, name="dispatch-index"),
    path("dispatch/new/", views_dispatch.dispatch_new, name="dispatch-new"),
    path("dispatch/<int:pk>/", views_dispatch.dispatch_show, name="dispatch-show"),
    # Reviewer: emergency tasks waiting for ratification.
    path(
        "dispatch/ratification/",
        views_dispatch.ratification_queue,
        name="dispatch-ratification",
    ),
    path("dispatch/<int:pk>/ratify/", views_dispatch.dispatch_ratify, name="dispatch-ratify-page"),
    # The community inbox (phone first) and its workbench section.
    path("inbox/", views_dispatch.inbox, name="inbox"),
    path("inbox/section/", views_dispatch.inbox_section, name="inbox-section"),
    path("inbox/<int:pk>/", views_dispatch.inbox_task, name="inbox-task"),
    path(
        "inbox/<int:pk>/<slug:action>/",
        views_dispatch.inbox_respond,
        name="inbox-respond",
    ),
    # Notifications of the user's organisations.
    path("notifications/", views_notifications.notification_index, name="notifications"),
    path(
        "notifications/read/",
        views_notifications.notification_mark_read,
        name="notifications-read",
    ),
    path(
        "notifications/badge/",
        views_notifications.notification_badge,
        name="notifications-badge",
    ),
]
