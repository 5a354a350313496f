"""The register: a cadre issues a retained type (gapless serial per community and year); asking
for a prohibited type records a refusal, counted against the institution that asked, and
raises ``CertificateProhibited`` pointing at the printable notice."""

from __future__ import annotations

import datetime
import hmac
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_variables

from certificates import audit_actions, identity
from certificates.models import (
    CertificateIssuance,
    CertificateRefusal,
    CertificateType,
    IssuanceSequence,
)
from certificates.permissions import ISSUE
from certificates.services.catalogue import CertificateProhibited, Status, prohibition_named
from registry import figure_cache, limits
from registry.audit import audit_record
from registry.errors import InvalidInput
from registry.models import Organisation, User
from registry.services.common import full_clean, require
from registry.transitions import Machine, Transition

# An issued certificate is valid until its community withdraws it (issued in error, the
# facts changed); the public check then says so. A worked-out state: ``withdrawn_on``.
ISSUANCE = Machine(
    "certificate_issuance",
    [
        Transition(
            "withdraw",
            {"valid"},
            None,
            ISSUE,
            gettext_lazy("Withdraw the certificate"),
            reason_required=True,
            confirm=gettext_lazy(
                "Withdraw this certificate? The public check will show it as withdrawn to "
                "whoever holds the paper; this cannot be undone."
            ),
            tone="danger",
            illegal=gettext_lazy("This certificate has already been withdrawn."),
        )
    ],
    organisation=lambda issuance: issuance.community,
    state=lambda issuance: "withdrawn" if issuance.withdrawn_on else "valid",
    state_label=lambda issuance: _("withdrawn") if issuance.withdrawn_on else _("valid"),
)


@dataclass(frozen=True)
class _Request:
    applicant_name: str
    applicant_id_masked: str
    applicant_id_hash: str
    purpose: str
    requested_by: str


# The version keys of the register's figures (the dashboard's certificates section),
# ``certificates:<organisation id>`` for a community and every area above it, taken in the
# transaction of each issuance, withdrawal and refusal (registry/figure_cache.py).
CERTIFICATE_FIGURES = "certificates"


def figures_changed(community_id: int) -> None:
    figure_cache.bump_areas(CERTIFICATE_FIGURES, [community_id])


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
    return prohibition_named([certificate_type.name], community, today=today)


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
    facts: str = "",
    request_token: str = "",
    today: datetime.date | None = None,
) -> CertificateIssuance:
    """Register a certificate issued by ``community``, with the next serial of the year.

    ``facts`` is what the committee certifies, printed after the type's wording.
    ``request_token`` (the page form's, one per form shown) makes a resubmission of the same
    form return the line it already registered rather than a second one.

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
    facts = str(facts or "").strip()
    if len(facts) > limits.NOTE_TEXT:
        message = _("At most %(count)s characters.") % {"count": limits.NOTE_TEXT}
        raise InvalidInput(message, fields={"facts": [message]})
    request_token = str(request_token or "")[:32]
    if request_token:
        repeated = CertificateIssuance.objects.filter(
            community=community, request_token=request_token
        ).first()
        if repeated is not None:
            return repeated
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
        facts=facts,
        request_token=request_token,
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
    facts: str = "",
    request_token: str = "",
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
        facts=facts,
        request_token=request_token,
    )
    full_clean(issuance, exclude=["applicant_id_hash", "verification_code", "request_token"])
    try:
        with transaction.atomic():
            issuance.save()
    except IntegrityError:
        # The same form submitted twice at the same moment: the other one registered it.
        if request_token and (
            repeated := CertificateIssuance.objects.filter(
                community=community, request_token=request_token
            ).first()
        ):
            return repeated
        raise
    figures_changed(community.pk)
    audit_record(
        actor=actor,
        action=audit_actions.CERTIFICATE_ISSUE,
        obj=issuance,
        after={
            "serial_number": issuance.serial_number,
            "community": community.code,
            "certificate_type": certificate_type.name,
            "applicant_name": issuance.applicant_name,
            "applicant_id_masked": issuance.applicant_id_masked,
            "purpose": issuance.purpose,
            "requested_by": issuance.requested_by,
            "facts": issuance.facts,
        },
    )
    return issuance


@sensitive_variables("value", "number")
def issuance_confirm_id_number(*, issuance: CertificateIssuance, value: str) -> str:
    """The ID number typed again for a reprint, if it is the one registered (its hash);
    otherwise InvalidInput on ``applicant_id_number``. Nothing is stored or logged."""
    number = identity.validate_id_number(value)
    if not hmac.compare_digest(identity.hash_id_number(number), issuance.applicant_id_hash):
        message = _(
            "This is not the ID number registered with certificate %(number)s (%(masked)s)."
        ) % {"number": issuance.serial_number, "masked": issuance.applicant_id_masked}
        raise InvalidInput(message, fields={"applicant_id_number": [message]})
    return number


@transaction.atomic
def certificate_issuance_withdraw(
    *,
    actor: User,
    issuance: CertificateIssuance,
    reason: str,
    today: datetime.date | None = None,
) -> CertificateIssuance:
    """Withdraw an issued certificate (its community's cadre, with a reason): the line stays
    in the register, and the public check says "withdrawn". A second withdrawal is 409."""
    today = today or timezone.localdate()
    locked = (
        CertificateIssuance.objects.select_for_update(of=("self",))
        .select_related("community", "certificate_type")
        .get(pk=issuance.pk)
    )
    transition = ISSUANCE.begin(actor=actor, obj=locked, action="withdraw", reason=reason)
    reason = " ".join(str(reason).split())
    if len(reason) > 200:
        message = _("At most 200 characters.")
        raise InvalidInput(message, fields={"reason": [message]})
    locked.withdrawn_on = today
    locked.withdrawal_reason = reason
    locked.save(update_fields=["withdrawn_on", "withdrawal_reason"])
    figures_changed(locked.community_id)
    audit_record(
        actor=actor,
        action=audit_actions.CERTIFICATE_WITHDRAW,
        obj=locked,
        before={"state": "valid"},
        after={
            "state": "withdrawn",
            "serial_number": locked.serial_number,
            "reason": reason,
            "action": transition.action,
        },
    )
    return locked


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
    figures_changed(community.pk)
    audit_record(
        actor=actor,
        action=audit_actions.CERTIFICATE_REFUSE,
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
