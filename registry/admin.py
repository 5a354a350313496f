"""Admin for organisations, users and memberships; the audit log is read-only here.

Saves go through the services, so admin changes are validated and audited like any other.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from registry import services
from registry.errors import DomainError
from registry.models import AuditEntry, Membership, Organisation, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "kind",
        "level",
        "parent",
        "staff_count",
        "households",
        "is_monitoring_point",
        "is_active",
    ]
    list_filter = ["kind", "level", "is_monitoring_point", "is_active"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path", "depth"]
    list_select_related = ["parent"]
    list_per_page = 50

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "code", "kind"] if obj else fields

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            if change:
                services.organisation_update(
                    actor=request.user,
                    organisation=obj,
                    **{k: v for k, v in data.items() if k in services.EDITABLE_ORGANISATION_FIELDS},
                )
            else:
                created = services.organisation_create(
                    actor=request.user,
                    code=obj.code,
                    name=obj.name,
                    kind=obj.kind,
                    parent=obj.parent,
                    level=obj.level,
                    staff_count=obj.staff_count,
                    households=obj.households,
                    population=obj.population,
                    is_monitoring_point=obj.is_monitoring_point,
                )
                obj.pk = created.pk
        except DomainError as exc:
            messages.error(request, exc.message)

    def has_delete_permission(self, request, obj=None):
        # Organisations are deactivated, never deleted: history points at them.
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["organisation"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (*DjangoUserAdmin.fieldsets, (_("Portal"), {"fields": ["display_name"]}))
    list_display = ["username", "display_name", "email", "is_active", "is_superuser"]
    search_fields = ["username", "display_name", "email"]
    inlines = [MembershipInline]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_name", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "actor_name", "object_id"]
    date_hierarchy = "at"
    list_per_page = 100

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# The holiday calendar's admin lives in its own module (kept apart for clean merges).
from registry import admin_calendar  # noqa: E402, F401
