"""The certificate register as an Excel download (registry/exports.py), filtered as the
register page and ``GET /api/v1/certificate-issuances/`` are; ID numbers masked, as stored.
The province's register (500 k rows) streams in constant memory (docs/performance.md)."""

from __future__ import annotations

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from certificates import selectors
from certificates.excel import REGISTER_COLUMNS
from certificates.permissions import CATALOGUE_MANAGE, REGISTER
from registry import exports


def _rows(user, filters):
    return selectors.issuance_list(user=user, filters=filters).order_by(
        F("community__path"), "-year", "-serial"
    )


def _cells(row):
    year, serial, issued_on, type_name, name, id_masked, purpose, requested_by, by, login, org = row
    return [
        f"{year}-{serial:04d}", issued_on, type_name, name, id_masked, purpose, requested_by,
        exports.person(by, login), org,
    ]  # fmt: skip


def register() -> None:
    exports.register(
        exports.ListExport(
            name="certificate-register",
            title=_("Certificate register"),
            actions=(REGISTER,),
            rows=_rows,
            fields=(
                "year",
                "serial",
                "issued_on",
                "certificate_type__name",
                "applicant_name",
                "applicant_id_masked",
                "purpose",
                "requested_by",
                "issued_by__display_name",
                "issued_by__username",
                "community__name",
            ),
            columns=REGISTER_COLUMNS,
            cells=_cells,
            page_url_name="certificate-register",
        )
    )


def _import_catalogue(owner, area, upload) -> dict:
    from django.utils.translation import gettext

    from certificates import services

    summary = services.certificate_types_import(actor=owner, jurisdiction=area, upload=upload)
    counts = {
        "created": len(summary.created),
        "updated": len(summary.updated),
        "unchanged": summary.unchanged,
    }
    return {
        **counts,
        "summary": gettext("%(created)s types added, %(updated)s changed, %(unchanged)s unchanged.")
        % counts,
    }


def register_imports() -> None:
    from registry import imports

    imports.register(
        imports.ListImport(
            name="certificate-catalogue",
            label=_("Catalogue import"),
            action=CATALOGUE_MANAGE,
            run=_import_catalogue,
            page_url_name="certificate-catalogue",
        )
    )
