"""Every change of state in the certificates app, one function each: permission-checked,
validated, audited.

- The catalogue: reviewers create or import types for their area; a department proposes a
  retained type through the registry's admission workflow (subject ``certificate_type``),
  and approval admits it (``certificate_type_admit``).
- The register: a cadre issues a retained type (gapless serial per community and year);
  asking for a prohibited type records a refusal, counted against the institution that
  asked, and raises ``CertificateProhibited`` pointing at the printable notice.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from certificates import excel, identity, search
from certificates.models import (
    CertificateIssuance,
    CertificateRefusal,
    CertificateType,
    CertificateTypeProposal,
    IssuanceSequence,
)
from certificates.permissions import CATALOGUE_MANAGE, ISSUE
from registry import services as registry_services
from registry.audit import audit_record, snapshot
from registry.checks import communities_reached
from registry.errors import Conflict, InvalidInput, RuleRefused
from registry.models import Application, Organisation, User, path_prefixes
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


# --- The catalogue ------------------------------------------------------------------------


def _fill_search_fields(certificate_type: CertificateType) -> None:
    certificate_type.synonyms = search.clean_synonyms(
        certificate_type.synonyms, name=certificate_type.name
    )
    certificate_type.initials = search.pinyin_initials(certificate_type.name)[:100]
    certificate_type.search_text = search.search_text(
        certificate_type.name, certificate_type.synonyms
    )


def _validate_type(certificate_type: CertificateType) -> None:
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


def _prohibition_named(
    names: Sequence[str], organisation: Organisation, *, today: datetime.date
) -> CertificateType | None:
    """The prohibited type in effect there whose name or other name is one of ``names``."""
    wanted = {search.normalise(name) for name in names if search.normalise(name)}
    for prohibited in prohibitions_at(organisation, today=today):
        forms = {search.normalise(word) for word in [prohibited.name, *prohibited.synonyms]}
        if wanted & forms:
            return prohibited
    return None


def _refuse_if_prohibited_there(
    certificate_type: CertificateType, organisation: Organisation, *, today: datetime.date
) -> None:
    if certificate_type.status != Status.RETAINED:
        return
    prohibited = _prohibition_named(
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
    _fill_search_fields(certificate_type)
    if CertificateType.objects.filter(
        jurisdiction=jurisdiction, name=(certificate_type.name or "").strip()
    ).exists():
        raise Conflict(
            _("%(area)s already has a certificate type named “%(name)s”.")
            % {"area": jurisdiction.name, "name": certificate_type.name}
        )
    _validate_type(certificate_type)
    _refuse_if_prohibited_there(certificate_type, jurisdiction, today=timezone.localdate())
    certificate_type.save()
    audit_record(
        actor=actor,
        action="certificate_type.create",
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
    _fill_search_fields(certificate_type)
    _validate_type(certificate_type)
    _refuse_if_prohibited_there(
        certificate_type, certificate_type.jurisdiction, today=timezone.localdate()
    )
    certificate_type.save()
    audit_record(
        actor=actor,
        action="certificate_type.update",
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
                    _fill_search_fields(created)
                    _validate_type(created)
                    created.save()
                    audit_record(
                        actor=actor,
                        action="certificate_type.import",
                        obj=created,
                        after={**snapshot(created, ["jurisdiction", *TYPE_FIELDS]), "row": number},
                    )
                    summary.created.append(created)
                    continue
                before = snapshot(existing, TYPE_FIELDS)
                for name, value in values.items():
                    setattr(existing, name, value)
                _fill_search_fields(existing)
                if snapshot(existing, TYPE_FIELDS) == before:
                    summary.unchanged += 1
                    continue
                _validate_type(existing)
                existing.save()
                audit_record(
                    actor=actor,
                    action="certificate_type.import",
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


# --- Proposing a retained type: the registry's admission workflow ---------------------------


def _proposal_fields_check(name: str, verification: str) -> None:
    errors: dict[str, list[str]] = {}
    if not (name or "").strip():
        errors["name"] = [_("Name the certificate.")]
    elif len(name.strip()) > 100:
        errors["name"] = [_("A certificate's name has at most 100 characters.")]
    if not (verification or "").strip():
        errors["verification"] = [_("Say what the committee verifies before issuing it.")]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], fields=errors)


@transaction.atomic
def certificate_type_propose(
    *,
    actor: User,
    department: Organisation,
    name: str,
    legal_basis: str,
    verification: str,
    materials: str = "",
    synonyms: Sequence[str] = (),
    description: str = "",
    scope: Sequence[Organisation] | None = None,
    valid_months: int | None = None,
    submit: bool = False,
) -> Application:
    """A department asks its area to retain a certificate type: an admission application
    (subject ``certificate_type``) plus what only a certificate needs. With ``submit`` it
    goes straight to the reviewers (and a likeness to a prohibited type refuses it all)."""
    _proposal_fields_check(name, verification)
    if scope is None:
        scope = [department.parent] if department.parent_id else []
    fields: dict[str, Any] = {
        "title": name.strip(),
        "description": description,
        "legal_basis": legal_basis,
        "frequency": "once",
        "hours_per_occurrence": 0,
    }
    if valid_months is not None:
        fields["valid_months"] = valid_months
    application = registry_services.application_create(
        actor=actor,
        department=department,
        scope=scope,
        subject=CERTIFICATE_TYPE_SUBJECT,
        **fields,
    )
    proposal = CertificateTypeProposal.objects.create(
        application=application,
        verification=verification.strip(),
        materials=(materials or "").strip(),
        synonyms=search.clean_synonyms(synonyms, name=name.strip()),
    )
    # The registry ran the checks before the proposal existed; run them again with its
    # other names, so that the draft already shows a likeness to a prohibited type.
    application.checks = certificate_type_checks(application, list(scope))
    Application.objects.filter(pk=application.pk).update(checks=application.checks)
    audit_record(
        actor=actor,
        action="certificate_type.propose",
        obj=application,
        after={
            "name": application.title,
            "verification": proposal.verification,
            "materials": proposal.materials,
            "synonyms": proposal.synonyms,
        },
    )
    if submit:
        application = registry_services.application_submit(actor=actor, application=application)
    return application


@transaction.atomic
def certificate_type_proposal_update(
    *,
    actor: User,
    application: Application,
    name: str | None = None,
    legal_basis: str | None = None,
    description: str | None = None,
    verification: str | None = None,
    materials: str | None = None,
    synonyms: Sequence[str] | None = None,
) -> Application:
    """Change a draft or returned proposal (the registry checks who and when)."""
    proposal = CertificateTypeProposal.objects.select_for_update().get(application=application)
    _proposal_fields_check(
        name if name is not None else application.title,
        verification if verification is not None else proposal.verification,
    )
    before = {
        "verification": proposal.verification,
        "materials": proposal.materials,
        "synonyms": proposal.synonyms,
    }
    # The proposal row changes first so that the registry's update re-runs the checks with
    # the new synonyms; if the registry refuses (who, or in what state), all rolls back.
    if verification is not None:
        proposal.verification = verification.strip()
    if materials is not None:
        proposal.materials = materials.strip()
    if synonyms is not None:
        proposal.synonyms = search.clean_synonyms(
            synonyms, name=(name or application.title).strip()
        )
    proposal.save()
    application_fields = {
        key: value
        for key, value in {
            "title": name.strip() if name is not None else None,
            "legal_basis": legal_basis,
            "description": description,
        }.items()
        if value is not None
    }
    application = registry_services.application_update(
        actor=actor, application=application, **application_fields
    )
    audit_record(
        actor=actor,
        action="certificate_type.proposal_update",
        obj=application,
        before=before,
        after={
            "verification": proposal.verification,
            "materials": proposal.materials,
            "synonyms": proposal.synonyms,
        },
    )
    return application


def _proposal_of(application: Application) -> CertificateTypeProposal | None:
    try:
        return application.certificate_proposal
    except CertificateTypeProposal.DoesNotExist:
        return None


def certificate_type_checks(application: Application, scope: Sequence[Organisation]) -> dict:
    """The submission checks for a proposed type, in the shape of registry.checks.

    A likeness to a prohibited type in effect in the area (national, the area's own or
    above) is a negative match and blocks submission; a likeness to a retained type there
    or below is shown as similar. Certificates cost no recurring hours, so funding is never
    missing and no hearing is required by burden.
    """
    rules = settings.PORTAL
    jurisdiction = application.jurisdiction
    proposal = _proposal_of(application)
    names = [application.title, *(proposal.synonyms if proposal else [])]
    today = timezone.localdate()
    candidates = (
        CertificateType.objects.effective_on(today)
        .filter(
            Q(jurisdiction__isnull=True)
            | Q(jurisdiction__path__in=path_prefixes(jurisdiction.path))
            | Q(jurisdiction__path__startswith=jurisdiction.path)
        )
        .select_related("jurisdiction")
    )
    similar, negative = [], []
    for candidate in candidates:
        score = max(search.likeness(name, candidate.name, candidate.synonyms) for name in names)
        if candidate.status == Status.PROHIBITED and candidate.applies_to(jurisdiction):
            if score >= rules["NEGATIVE_MATCH_THRESHOLD"]:
                negative.append(
                    {
                        "id": candidate.pk,
                        "certificate_type": candidate.pk,
                        "title": candidate.name,
                        "likeness": score,
                        "jurisdiction": candidate.jurisdiction_label,
                        "redirect": candidate.redirect,
                    }
                )
        elif candidate.status == Status.RETAINED and score >= rules["SIMILAR_TITLE_THRESHOLD"]:
            similar.append(
                {
                    "admission_number": None,
                    "certificate_type": candidate.pk,
                    "title": candidate.name,
                    "department": None,
                    "department_name": candidate.jurisdiction_label,
                    "title_likeness": score,
                    "shared_data_fields": [],
                }
            )
    negative.sort(key=lambda m: -m["likeness"])
    similar.sort(key=lambda s: -s["title_likeness"])
    reached = communities_reached(scope)
    return {
        "similar_items": similar[:10],
        "negative_matches": negative,
        "funding": {
            "yearly_hours_per_community": "0.00",
            "threshold_hours": rules["FUNDING_REQUIRED_YEARLY_HOURS_ABOVE"],
            "funding_per_community": "0.00",
            "missing": False,
        },
        "hearing": {
            "required": False,
            "reasons": [],
            "communities_reached": reached,
            "communities_threshold": rules["HEARING_COMMUNITIES_ABOVE"],
            "yearly_hours_per_community": "0.00",
            "hours_threshold": rules["HEARING_YEARLY_HOURS_ABOVE"],
        },
        "blocking": bool(negative),
    }


def certificate_type_admit(
    *, application: Application, actor: User, today: datetime.date, until: datetime.date
) -> dict[str, Any]:
    """Approval of a proposal: the area's catalogue gets (or renews) the retained type.

    Runs inside the registry's approval transaction; what it returns goes into the
    approval's audit entry.
    """
    proposal = CertificateTypeProposal.objects.get(application=application)
    jurisdiction = application.jurisdiction
    existing = (
        CertificateType.objects.select_for_update()
        .filter(jurisdiction=jurisdiction, name=application.title)
        .first()
    )
    if existing is not None and existing.status == Status.PROHIBITED:
        raise RuleRefused(
            _("%(area)s prohibits “%(name)s”; it cannot be retained.")
            % {"area": jurisdiction.name, "name": existing.name},
            code="certificate_prohibited",
            certificate_type=existing.pk,
        )
    certificate_type = existing or CertificateType(
        jurisdiction=jurisdiction, name=application.title, status=Status.RETAINED
    )
    before = snapshot(certificate_type, TYPE_FIELDS) if existing else None
    certificate_type.verification = proposal.verification
    certificate_type.materials = proposal.materials
    certificate_type.synonyms = proposal.synonyms
    certificate_type.legal_basis = application.legal_basis
    if not (existing and existing.is_effective_on(today)):
        certificate_type.effective_from = today
    certificate_type.effective_until = until
    certificate_type.application = application
    _fill_search_fields(certificate_type)
    _validate_type(certificate_type)
    _refuse_if_prohibited_there(certificate_type, jurisdiction, today=today)
    certificate_type.save()
    audit_record(
        actor=actor,
        action="certificate_type.renew" if existing else "certificate_type.admit",
        obj=certificate_type,
        before=before,
        after={
            **snapshot(certificate_type, ["jurisdiction", *TYPE_FIELDS]),
            "application": application.pk,
        },
    )
    registry_services.notify_organisations(
        organisations=[application.department],
        kind="certificate_type.admitted",
        title=_("Retained certificate admitted: %(name)s") % {"name": certificate_type.name},
        body=_("Effective until %(date)s.") % {"date": until.isoformat()},
        link=reverse("certificate-type-page", args=[certificate_type.pk]),
    )
    return {
        "certificate_type": certificate_type.pk,
        "name": certificate_type.name,
        "effective_until": until,
    }


# --- The register -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Request:
    applicant_name: str
    applicant_id_masked: str
    applicant_id_hash: str
    purpose: str
    requested_by: str


@sensitive_variables("applicant_id_number", "number")
def _clean_request(
    *, applicant_name: str, applicant_id_number: str, purpose: str, requested_by: str
) -> _Request:
    """Check every field at once; the ID number leaves here only masked and hashed."""
    errors: dict[str, list[str]] = {}
    name = " ".join(str(applicant_name or "").split())
    if not name:
        errors["applicant_name"] = [_("Enter the applicant's name.")]
    elif len(name) > 50:
        errors["applicant_name"] = [_("A name has at most 50 characters.")]
    number = ""
    try:
        number = identity.validate_id_number(applicant_id_number)
    except InvalidInput as exc:
        errors.update(exc.extra["fields"])
    purpose = " ".join(str(purpose or "").split())
    if not purpose:
        errors["purpose"] = [_("Say what the certificate is for.")]
    elif len(purpose) > 200:
        errors["purpose"] = [_("At most 200 characters.")]
    institution = identity.normalise_institution(requested_by)
    if not institution:
        errors["requested_by"] = [_("Name the institution that asked for the certificate.")]
    elif len(institution) > 200:
        errors["requested_by"] = [_("At most 200 characters.")]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], fields=errors)
    return _Request(
        applicant_name=name,
        applicant_id_masked=identity.mask_id_number(number),
        applicant_id_hash=identity.hash_id_number(number),
        purpose=purpose,
        requested_by=institution,
    )


def _check_issuer(actor: User, community: Organisation) -> None:
    if community.kind != Organisation.Kind.COMMUNITY:
        message = _("%(name)s is not a community or village.") % {"name": community.name}
        raise InvalidInput(message, fields={"community": [message]})
    require(actor, ISSUE, community)


def _check_type_applies(
    certificate_type: CertificateType, community: Organisation, today: datetime.date
) -> None:
    if not certificate_type.applies_to(community):
        message = _(
            "“%(name)s” is in the catalogue of %(area)s, which %(community)s is not in."
        ) % {
            "name": certificate_type.name,
            "area": certificate_type.jurisdiction_label,
            "community": community.name,
        }
        raise InvalidInput(message, fields={"certificate_type": [message]})
    if not certificate_type.is_effective_on(today):
        message = _("“%(name)s” is not in effect on %(date)s.") % {
            "name": certificate_type.name,
            "date": today.isoformat(),
        }
        raise InvalidInput(message, fields={"certificate_type": [message]})


def _prohibition_for(
    certificate_type: CertificateType, community: Organisation, today: datetime.date
) -> CertificateType | None:
    """The prohibition that applies: the type itself, or one of the same name there
    (a district may prohibit what its city retains)."""
    if certificate_type.status == Status.PROHIBITED:
        return certificate_type
    return _prohibition_named([certificate_type.name], community, today=today)


@sensitive_variables("applicant_id_number")
def certificate_issue(
    *,
    actor: User,
    community: Organisation,
    certificate_type: CertificateType,
    applicant_name: str,
    applicant_id_number: str,
    purpose: str,
    requested_by: str,
    today: datetime.date | None = None,
) -> CertificateIssuance:
    """Register a certificate issued by ``community``, with the next serial of the year.

    A prohibited type is not issued: the refusal is recorded (and committed, in its own
    transaction, so that it counts even though the request fails) and CertificateProhibited
    is raised with where to go instead and the URL of the printable refusal notice.
    """
    today = today or timezone.localdate()
    _check_issuer(actor, community)
    certificate_type = CertificateType.objects.select_related("jurisdiction").get(
        pk=certificate_type.pk
    )
    _check_type_applies(certificate_type, community, today)
    request = _clean_request(
        applicant_name=applicant_name,
        applicant_id_number=applicant_id_number,
        purpose=purpose,
        requested_by=requested_by,
    )
    prohibition = _prohibition_for(certificate_type, community, today)
    if prohibition is not None:
        refusal = _refusal_record(
            actor=actor,
            community=community,
            certificate_type=prohibition,
            request=request,
            today=today,
        )
        raise CertificateProhibited(refusal)
    return _issuance_create(
        actor=actor,
        community=community,
        certificate_type=certificate_type,
        request=request,
        today=today,
    )


def _next_serial(community: Organisation, year: int) -> int:
    """The row lock on the (community, year) counter serialises issuers: no gaps, no
    repeats (a rolled-back issuance rolls its number back too)."""
    IssuanceSequence.objects.get_or_create(community=community, year=year)
    sequence = IssuanceSequence.objects.select_for_update().get(community=community, year=year)
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    return sequence.last_value


@transaction.atomic
def _issuance_create(
    *,
    actor: User,
    community: Organisation,
    certificate_type: CertificateType,
    request: _Request,
    today: datetime.date,
) -> CertificateIssuance:
    issuance = CertificateIssuance(
        community=community,
        year=today.year,
        serial=_next_serial(community, today.year),
        certificate_type=certificate_type,
        issued_by=actor,
        issued_on=today,
        applicant_name=request.applicant_name,
        applicant_id_masked=request.applicant_id_masked,
        applicant_id_hash=request.applicant_id_hash,
        purpose=request.purpose,
        requested_by=request.requested_by,
    )
    full_clean(issuance, exclude=["applicant_id_hash"])
    issuance.save()
    audit_record(
        actor=actor,
        action="certificate.issue",
        obj=issuance,
        after={
            "serial_number": issuance.serial_number,
            "community": community.code,
            "certificate_type": certificate_type.name,
            "applicant_name": issuance.applicant_name,
            "applicant_id_masked": issuance.applicant_id_masked,
            "purpose": issuance.purpose,
            "requested_by": issuance.requested_by,
        },
    )
    return issuance


@transaction.atomic
def _refusal_record(
    *,
    actor: User,
    community: Organisation,
    certificate_type: CertificateType,
    request: _Request,
    today: datetime.date,
) -> CertificateRefusal:
    """One refusal per request and day: asking again (a retry, a reload) adds nothing."""
    key = {
        "community": community,
        "certificate_type": certificate_type,
        "applicant_id_hash": request.applicant_id_hash,
        "requested_by": request.requested_by,
        "refused_on": today,
    }
    existing = CertificateRefusal.objects.filter(**key).first()
    if existing is not None:
        return existing
    refusal = CertificateRefusal(
        **key,
        refused_by=actor,
        applicant_name=request.applicant_name,
        applicant_id_masked=request.applicant_id_masked,
        purpose=request.purpose,
    )
    full_clean(refusal, exclude=["applicant_id_hash"])
    try:
        with transaction.atomic():
            refusal.save()
    except IntegrityError:  # the same request at the same moment: count it once
        return CertificateRefusal.objects.get(**key)
    audit_record(
        actor=actor,
        action="certificate.refuse",
        obj=refusal,
        after={
            "community": community.code,
            "certificate_type": certificate_type.name,
            "applicant_name": refusal.applicant_name,
            "applicant_id_masked": refusal.applicant_id_masked,
            "purpose": refusal.purpose,
            "requested_by": refusal.requested_by,
        },
    )
    return refusal
