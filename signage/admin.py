"""Read-only admin: signs and standards change only through the services (audited), from
the pages and the API."""

from django.contrib import admin

from registry.paginators import BigTableAdmin
from signage.models import Plaque, PlaqueStandard


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Plaque)
class PlaqueAdmin(BigTableAdmin, ReadOnlyAdmin):
    list_display = ["text", "community", "kind", "placement", "status", "within_standard"]
    list_filter = ["status", "within_standard", "kind", "placement"]
    search_fields = ["text", "community__name", "community__code"]
    list_select_related = ["community"]
    raw_id_fields = ["community", "issuer", "work_item"]


@admin.register(PlaqueStandard)
class PlaqueStandardAdmin(ReadOnlyAdmin):
    list_display = ["area", "effective_from", "max_exterior", "max_interior"]
    list_select_related = ["area"]
