"""The plaque registry as an Excel download (registry/exports.py), filtered as the
registry page and ``GET /api/v1/plaques/`` are; its first columns re-import as a census."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from registry import exports
from signage import permissions, selectors
from signage.excel import REGISTRY_COLUMNS
from signage.models import Kind, Placement, Plaque, Why

kind = exports.choice_label(Kind.choices)
placement = exports.choice_label(Placement.choices)
status = exports.choice_label(Plaque.Status.choices)
why = exports.choice_label(Why.choices)


def _rows(user, filters):
    return selectors.plaque_list(user=user, filters=filters)


def _cells(row):
    (code, name, text, kind_, placement_, issuer, location, installed_on, number, status_,
     within, why_, removed_on, reason) = row  # fmt: skip
    return [
        code, name, text, kind(kind_), placement(placement_), issuer or "", location,
        installed_on, number or "", status(status_), exports.yes_no(within),
        why(why_) if why_ else "", removed_on, reason,
    ]  # fmt: skip


def register() -> None:
    exports.register(
        exports.ListExport(
            name="plaques",
            title=_("Plaque registry"),
            actions=(permissions.VIEW,),
            rows=_rows,
            fields=(
                "community__code",
                "community__name",
                "text",
                "kind",
                "placement",
                "issuer__code",
                "location",
                "installed_on",
                "work_item__admission_number",
                "status",
                "within_standard",
                "why",
                "removed_on",
                "removal_reason",
            ),
            columns=REGISTRY_COLUMNS,
            cells=_cells,
            page_url_name="plaque-registry",
        )
    )
