"""The beat schedule's admin (django-celery-beat) in the portal's words.

Its periodic tasks are written after every migrate (registry/beat.py). Two of the list's
headings have no translation in django-celery-beat ("scheduler" is a property, "Task Name"
an untranslated verbose name): this admin names them, and adds the task's command to the
list so an administrator sees what runs when without opening each row.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_celery_beat.admin import PeriodicTaskAdmin
from django_celery_beat.models import PeriodicTask


class TaskFilter(admin.SimpleListFilter):
    title = _("task")
    parameter_name = "task"

    def lookups(self, request, model_admin):
        names = PeriodicTask.objects.order_by("task").values_list("task", flat=True).distinct()
        return [(name, name) for name in names]

    def queryset(self, request, queryset):
        return queryset.filter(task=self.value()) if self.value() else queryset


class PortalPeriodicTaskAdmin(PeriodicTaskAdmin):
    list_display = ("name", "task_name", "enabled", "schedule", "last_run_at", "one_off")
    list_filter = ["enabled", "one_off", TaskFilter, "last_run_at"]
    list_select_related = ["interval", "crontab", "solar", "clocked"]

    @admin.display(description=_("task"), ordering="task")
    def task_name(self, task: PeriodicTask) -> str:
        return task.task

    @admin.display(description=_("When it runs"))
    def schedule(self, task: PeriodicTask) -> str:
        return str(task.scheduler)


if admin.site.is_registered(PeriodicTask):
    admin.site.unregister(PeriodicTask)
admin.site.register(PeriodicTask, PortalPeriodicTaskAdmin)
