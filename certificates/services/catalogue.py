"""The catalogue: reviewers create, edit and import certificate types for their area; which
types are prohibited where."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates import audit_actions, excel, search
from certificates.models import (
    CertificateRefusal,
    CertificateType,
)
from certificates.permissions import CATALOGUE_MANAGE
from registry.audit import audit_record, snapshot
from registry.errors import Conflict, InvalidInput, RuleRefused
from registry.models import Organisation, User
from registry.services.common import full_clean, require

CERTIFICATE_TYPE_SUBJECT = "certificate_type"


TYPE_FIELDS = [
    "name",
    "status",
    "verification",
    "materials",
    "redirect",
    "legal_basis",
    "effective_from",
    "effective_until",
    "synonyms",
]


EDITABLE_TYPE_FIELDS = set(TYPE_FIELDS)


Status = CertificateType.Status


class CertificateProhibited(RuleRefused):
    """A prohibited type was asked for: refused, recorded, and a notice can be printed."""

    code = "certificate_prohibited"

    def __init__(self, refusal: CertificateRefusal) -> None:
        certificate_type = refusal.certificate_type
        super().__init__(
            _(
                "A community or village committee must not issue “%(name)s”. "
                "Where to go instead: %(redirect)s"
            )
            % {"name": certificate_type.name, "redirect": certificate_type.redirect},
            redirect=certificate_type.redirect,
            notice_url=reverse("certificate-refusal-notice", args=[refusal.pk]),
            refusal=refusal.pk,
            certificate_type=certificate_type.pk,
        )
        self.refusal = refusal


def fill_search_fields(certificate_type: CertificateType) -> None:
    certificate_type.synonyms = search.clean_synonyms(
        certificate_type.synonyms, name=certificate_type.name
    )
    certificate_type.initials = search.pinyin_initials(certificate_type.name)[:100]
    certificate_type.search_text = search.search_text(
        certificate_type.name, certificate_type.synonyms
    )


def validate_type(certificate_type: CertificateType) -> None:
    certificate_type.name = (certificate_type.name or "").strip()
    errors: dict[str, list[str]] = {}
    if certificate_type.status == Status.RETAINED and not certificate_type.verification.strip():
        errors["verification"] = [_("Say what the committee verifies before issuing it.")]
    if certificate_type.status == Status.PROHIBITED and not certificate_type.redirect.strip():
        errors["redirect"] = [_("Say where the resident goes instead, or why none is needed.")]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], fields=errors)
    # Uniqueness is reported as a conflict (409) by the callers, not as bad input.
    full_clean(certificate_type, exclude=["application"])


def prohibitions_at(organisation: Organisation, *, today: datetime.date) -> list[CertificateType]:
    """Prohibited types in effect for an area or community: national, its own, and above."""
    return list(
        CertificateType.objects.filter(status=Status.PROHIBITED)
        .applying_to(organisation)
        .effective_on(today)
        .select_related("jurisdiction")
    )


def prohibition_named(
    names: Sequence[str], organisation: Organisation, *, today: datetime.date
) -> CertificateType | None:
    """The prohibited type in effect there whose name or other name is one of ``names``."""
    wanted = {search.normalise(name) for name in names if search.normalise(name)}
    for prohibited in prohibitions_at(organisation, today=today):
        forms = {search.normalise(word) for word in [prohibited.name, *prohibited.synonyms]}
        if wanted & forms:
            return prohibited
    return None


def refuse_if_prohibited_there(
    certificate_type: CertificateType, organisation: Organisation, *, today: datetime.date
) -> None:
    if certificate_type.status != Status.RETAINED:
        return
    prohibited = prohibition_named(
        [certificate_type.name, *certificate_type.synonyms], organisation, today=today
    )
    if prohibited is not None and prohibited.pk != certificate_type.pk:
        raise RuleRefused(
            _("“%(name)s” is prohibited in %(area)s (%(source)s) and cannot be retained.")
            % {
                "name": certificate_type.name,
                "area": organisation.name,
                "source": prohibited.jurisdiction_label,
            },
            code="certificate_prohibited",
            certificate_type=prohibited.pk,
        )


@transaction.atomic
def certificate_type_create(
    *, actor: User, jurisdiction: Organisation, **fields: Any
) -> CertificateType:
    """A reviewer adds a type to their area's catalogue (an explicit, audited reviewer act)."""
    unknown = set(fields) - EDITABLE_TYPE_FIELDS
    if unknown:
        raise InvalidInput(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    if jurisdiction.kind != Organisation.Kind.AREA:
        message = _("A catalogue belongs to an area.")
        raise InvalidInput(message, fields={"jurisdiction": [message]})
    require(actor, CATALOGUE_MANAGE, jurisdiction)
    certificate_type = CertificateType(jurisdiction=jurisdiction, **fields)
    fill_search_fields(certificate_type)
    if CertificateType.objects.filter(
        jurisdiction=jurisdiction, name=(certificate_type.name or "").strip()
    ).exists():
        raise Conflict(
            _("%(area)s already has a certificate type named “%(name)s”.")
            % {"area": jurisdiction.name, "name": certificate_type.name}
        )
    validate_type(certificate_type)
    refuse_if_prohibited_there(certificate_type, jurisdiction, today=timezone.localdate())
    certificate_type.save()
    audit_record(
        actor=actor,
        action=audit_actions.CERTIFICATE_TYPE_CREATE,
        obj=certificate_type,
        after=snapshot(certificate_type, ["jurisdiction", *TYPE_FIELDS]),
    )
    return certificate_type


@transaction.atomic
def certificate_type_update(
    *, actor: User, certificate_type: CertificateType, **fields: Any
) -> CertificateType:
    """A reviewer of the type's area changes it. National types are the ministry's."""
    unknown = set(fields) - EDITABLE_TYPE_FIELDS
    if unknown:
        raise InvalidInput(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    certificate_type = (
        CertificateType.objects.select_for_update(of=("self",))
        .select_related("jurisdiction")
        .get(pk=certificate_type.pk)
    )
    if certificate_type.jurisdiction is None:
        raise RuleRefused(
            _("The national catalogue cannot be changed here."), code="national_catalogue"
        )
    require(actor, CATALOGUE_MANAGE, certificate_type.jurisdiction)
    before = snapshot(certificate_type, TYPE_FIELDS)
    for name, value in fields.items():
        setattr(certificate_type, name, value)
    fill_search_fields(certificate_type)
    validate_type(certificate_type)
    refuse_if_prohibited_there(
        certificate_type, certificate_type.jurisdiction, today=timezone.localdate()
    )
    certificate_type.save()
    audit_record(
        actor=actor,
        action=audit_actions.CERTIFICATE_TYPE_UPDATE,
        obj=certificate_type,
        before=before,
        after=snapshot(certificate_type, TYPE_FIELDS),
    )
    return certificate_type


@dataclass
class ImportSummary:
    created: list[CertificateType] = field(default_factory=list)
    updated: list[CertificateType] = field(default_factory=list)
    unchanged: int = 0


@transaction.atomic
def certificate_types_import(*, actor: User, jurisdiction: Organisation, upload) -> ImportSummary:
    """Import a catalogue workbook into an area: every row or none.

    A row adds a type, or changes the area's type of the same name. A row that repeats a
    type the area already inherits (national, or from an area above) is left alone, so an
    exported catalogue imports back cleanly. Any bad row refuses the whole file; the error
    carries ``rows``: [{"row", "column", "message"}].
    """
    require(actor, CATALOGUE_MANAGE, jurisdiction)
    if jurisdiction.kind != Organisation.Kind.AREA:
        message = _("A catalogue belongs to an area.")
        raise InvalidInput(message, fields={"jurisdiction": [message]})
    parsed = excel.read_catalogue(upload)
    today = timezone.localdate()
    applying = list(
        CertificateType.objects.applying_to(jurisdiction).select_related("jurisdiction")
    )
    own = {t.name: t for t in applying if t.jurisdiction_id == jurisdiction.pk}
    inherited = {t.name: t for t in applying if t.jurisdiction_id != jurisdiction.pk}
    prohibited_forms = {
        search.normalise(word): t
        for t in applying
        if t.status == Status.PROHIBITED and t.is_effective_on(today)
        for word in [t.name, *t.synonyms]
    }
    errors = list(parsed.errors)
    plan: list[tuple[int, dict[str, Any], CertificateType | None]] = []
    for row in parsed.rows:
        values = row.values
        name = values["name"]
        above = inherited.get(name)
        if above is not None and above.status == values["status"]:
            plan.append((row.row, values, above))  # already there from above: unchanged
            continue
        if values["status"] == Status.RETAINED:
            forms = [search.normalise(w) for w in [name, *values["synonyms"]]]
            prohibited = next((prohibited_forms[f] for f in forms if f in prohibited_forms), None)
            if prohibited is not None and prohibited.jurisdiction_id != jurisdiction.pk:
                errors.append(
                    {
                        "row": row.row,
                        "column": "status",
                        "message": _("“%(name)s” is prohibited by %(source)s.")
                        % {"name": name, "source": prohibited.jurisdiction_label},
                    }
                )
                continue
        plan.append((row.row, values, own.get(name)))
    if errors:
        errors.sort(key=lambda e: (e["row"], e["column"]))
        raise InvalidInput(
            _("%(n)s problems in the file; nothing was imported.") % {"n": len(errors)},
            code="import_rows_invalid",
            rows=errors,
        )
    summary = ImportSummary()
    for number, values, existing in plan:
        if existing is not None and existing.jurisdiction_id != jurisdiction.pk:
            summary.unchanged += 1
            continue
        try:
            with transaction.atomic():
                if existing is None:
                    created = CertificateType(jurisdiction=jurisdiction, **values)
                    fill_search_fields(created)
                    validate_type(created)
                    created.save()
                    audit_record(
                        actor=actor,
                        action=audit_actions.CERTIFICATE_TYPE_IMPORT,
                        obj=created,
                        after={**snapshot(created, ["jurisdiction", *TYPE_FIELDS]), "row": number},
                    )
                    summary.created.append(created)
                    continue
                before = snapshot(existing, TYPE_FIELDS)
                for name, value in values.items():
                    setattr(existing, name, value)
                fill_search_fields(existing)
                if snapshot(existing, TYPE_FIELDS) == before:
                    summary.unchanged += 1
                    continue
                validate_type(existing)
                existing.save()
                audit_record(
                    actor=actor,
                    action=audit_actions.CERTIFICATE_TYPE_IMPORT,
                    obj=existing,
                    before=before,
                    after={**snapshot(existing, TYPE_FIELDS), "row": number},
                )
                summary.updated.append(existing)
        except InvalidInput as exc:
            raise InvalidInput(
                _("%(n)s problems in the file; nothing was imported.") % {"n": 1},
                code="import_rows_invalid",
                rows=[
                    {"row": number, "column": column, "message": str(messages[0])}
                    for column, messages in exc.extra.get("fields", {}).items()
                ],
            ) from exc
    return summary
