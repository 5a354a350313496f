"""Admin for certificates: read-only. Changes go through the services (and the pages or
the API), so every one is validated and audited; the admin is for looking things up."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from certificates.models import (
    CertificateIssuance,
    CertificateRefusal,
    CertificateType,
    CertificateTypeProposal,
)
from registry.paginators import BigTableAdmin, year_filter


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CertificateType)
class CertificateTypeAdmin(ReadOnlyAdmin):
    list_display = ["name", "status", "jurisdiction", "effective_from", "effective_until"]
    list_filter = ["status"]
    search_fields = ["name", "search_text"]
    list_select_related = ["jurisdiction"]
    exclude = ["search_text"]


@admin.register(CertificateTypeProposal)
class CertificateTypeProposalAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "application"]
    list_select_related = ["application"]


@admin.register(CertificateIssuance)
class CertificateIssuanceAdmin(BigTableAdmin, ReadOnlyAdmin):
    # Newest first, from the primary key: the model's order (community, -year, -serial)
    # cannot be read from an index once the changelist appends -pk (a sort of 500,000).
    ordering = ["-id"]
    raw_id_fields = ["community", "certificate_type"]
    list_display = [
        "serial_number",
        "community",
        "certificate_type",
        "applicant_name",
        "applicant_id_masked",
        "requested_by",
        "issued_on",
    ]
    # The years from the issued_on index's two ends, not a DISTINCT over every issuance.
    list_filter = [year_filter("year", "issued_on", _("year"))]
    search_fields = ["applicant_name", "requested_by", "community__name"]
    list_select_related = ["community", "certificate_type"]
    exclude = ["applicant_id_hash"]


@admin.register(CertificateRefusal)
class CertificateRefusalAdmin(BigTableAdmin, ReadOnlyAdmin):
    raw_id_fields = ["community", "certificate_type"]
    list_display = ["refused_on", "community", "certificate_type", "requested_by"]
    search_fields = ["requested_by", "community__name"]
    list_select_related = ["community", "certificate_type"]
    exclude = ["applicant_id_hash"]
