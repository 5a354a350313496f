"""The holiday calendar in the admin: every save and delete goes through the services
(audited, and every process reloads the calendar after commit)."""

from __future__ import annotations

from django.contrib import admin, messages

from registry import services
from registry.errors import DomainError
from registry.models import CalendarDay


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["day", "kind", "name", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["name"]
    date_hierarchy = "day"
    fields = ["day", "kind", "name"]

    def get_readonly_fields(self, request, obj=None):
        return ["day"] if obj else []

    def save_model(self, request, obj, form, change):
        try:
            saved = services.calendar_day_set(
                actor=request.user, day=obj.day, kind=obj.kind, name=obj.name
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.calendar_day_delete(actor=request.user, entry=obj)

    def delete_queryset(self, request, queryset):
        for entry in queryset:
            services.calendar_day_delete(actor=request.user, entry=entry)
