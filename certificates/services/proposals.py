"""Retained types proposed by departments through the registry's admission workflow (subject
``certificate_type``): the proposal, its submission checks, and admitting it on approval."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates import audit_actions, search
from certificates.models import (
    CertificateType,
    CertificateTypeProposal,
)
from certificates.services.catalogue import (
    CERTIFICATE_TYPE_SUBJECT,
    TYPE_FIELDS,
    Status,
    fill_search_fields,
    refuse_if_prohibited_there,
    validate_type,
)
from registry import services as registry_services
from registry.audit import audit_record, snapshot
from registry.errors import InvalidInput, RuleRefused
from registry.models import Application, Organisation, User, path_prefixes
from registry.selectors.submission_checks import communities_reached


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
        action=audit_actions.CERTIFICATE_TYPE_PROPOSE,
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
        action=audit_actions.CERTIFICATE_TYPE_PROPOSAL_UPDATE,
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
    """The submission checks for a proposed type, in the shape of
    registry.selectors.submission_checks.

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
    fill_search_fields(certificate_type)
    validate_type(certificate_type)
    refuse_if_prohibited_there(certificate_type, jurisdiction, today=today)
    certificate_type.save()
    audit_record(
        actor=actor,
        action=(
            audit_actions.CERTIFICATE_TYPE_RENEW
            if existing
            else audit_actions.CERTIFICATE_TYPE_ADMIT
        ),
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
