"""Reads for the certificates app: the public catalogue and lookup, and the registers and
refusals scoped to what the user may see."""

from __future__ import annotations

import datetime
import re

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from certificates import search
from certificates.filters import IssuanceFilter, RefusalFilter
from certificates.models import (
    VERIFICATION_LENGTH,
    CertificateIssuance,
    CertificateRefusal,
    CertificateType,
    CertificateTypeProposal,
)
from certificates.permissions import CATALOGUE_MANAGE, ISSUE, REGISTER
from registry import permissions
from registry import selectors as registry_selectors
from registry.errors import NotFound
from registry.filters.base import apply_filters
from registry.models import Application, Organisation, User, path_prefixes
from registry.selectors.access import load

Status = CertificateType.Status
# Below this likeness a "did you mean" suggestion is noise.
SUGGESTION_LIKENESS = 0.4
MAX_SUGGESTIONS = 5


# --- The public catalogue -------------------------------------------------------------------


def certificate_types_public(
    *,
    status: str | None = None,
    area: Organisation | None = None,
    today: datetime.date | None = None,
) -> QuerySet[CertificateType]:
    """Every type in effect today (all areas', or those that apply in ``area``)."""
    today = today or timezone.localdate()
    types = CertificateType.objects.effective_on(today).select_related("jurisdiction")
    if status:
        types = types.filter(status=status)
    if area is not None:
        types = types.applying_to(area)
    return types.order_by("status", "national_seq", "jurisdiction__path", "name", "id")


def _rank(certificate_type: CertificateType, terms: list[str]) -> tuple:
    name = search.normalise(certificate_type.name)
    joined = "".join(terms)
    synonyms = {search.normalise(s) for s in certificate_type.synonyms}
    if joined == name or joined in synonyms:
        closeness = 0
    elif name.startswith(joined):
        closeness = 1
    elif joined in name:
        closeness = 2
    else:
        closeness = 3
    return (closeness, certificate_type.status != Status.PROHIBITED, len(name))


def certificate_type_search(
    *,
    q: str = "",
    status: str | None = None,
    area: Organisation | None = None,
    today: datetime.date | None = None,
) -> tuple[QuerySet[CertificateType] | list[CertificateType], bool]:
    """The types a resident's words find: (types, exact).

    Every word must be part of the name, another name, or their pinyin or pinyin initials
    (one query). When nothing matches, the closest names are suggested instead and
    ``exact`` is False.
    """
    types = certificate_types_public(status=status, area=area, today=today)
    terms = search.query_terms(q)
    if not terms:
        return types, True  # the whole catalogue: paginated in the database
    matching = types
    for term in terms:
        matching = matching.filter(search_text__contains=term)
    found = sorted(matching, key=lambda t: _rank(t, terms))
    if found:
        return found, True
    scored = [(search.likeness("".join(terms), t.name, t.synonyms), t) for t in types]
    suggestions = [
        t for score, t in sorted(scored, key=lambda p: -p[0]) if score >= SUGGESTION_LIKENESS
    ]
    return suggestions[:MAX_SUGGESTIONS], False


def certificate_type_get_public(*, pk: int) -> CertificateType:
    """Any type, also one no longer in effect (its page says so): the QR codes on printed
    notices must keep working."""
    try:
        return CertificateType.objects.select_related("jurisdiction").get(pk=pk)
    except (CertificateType.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def certificate_types_for_catalogue(*, user: User) -> QuerySet[CertificateType]:
    """A reviewer's catalogue: national, their areas' and those above and below them."""
    grants = permissions.grants_for(user, CATALOGUE_MANAGE)
    if not grants:
        return CertificateType.objects.none()
    query = Q(jurisdiction__isnull=True)
    for grant in grants:
        query |= Q(jurisdiction__path__in=path_prefixes(grant.path))
        query |= Q(jurisdiction__path__startswith=grant.path)
    return (
        CertificateType.objects.filter(query)
        .select_related("jurisdiction")
        .order_by("status", "national_seq", "jurisdiction__path", "name", "id")
    )


def catalogue_areas(*, user: User) -> QuerySet[Organisation]:
    """The areas whose catalogue the user manages (for the import form)."""
    return Organisation.objects.areas().filter(permissions.scope_q(user, CATALOGUE_MANAGE, ""))


def applicable_types(
    *, communities: list[Organisation], today: datetime.date | None = None
) -> QuerySet[CertificateType]:
    """What a resident may ask these communities for: retained types to issue and
    prohibited ones to refuse, in effect today (one query)."""
    today = today or timezone.localdate()
    if not communities:
        return CertificateType.objects.none()
    prefixes = {prefix for c in communities for prefix in path_prefixes(c.path)}
    return (
        CertificateType.objects.filter(
            Q(jurisdiction__isnull=True) | Q(jurisdiction__path__in=sorted(prefixes))
        )
        .effective_on(today)
        .select_related("jurisdiction")
        .order_by("status", "national_seq", "name", "id")
    )


# --- Proposals ------------------------------------------------------------------------------


def proposal_list(*, user: User) -> QuerySet[CertificateTypeProposal]:
    """Proposals whose applications the user may see (registry scoping)."""
    applications = registry_selectors.application_list(user=user)
    return (
        CertificateTypeProposal.objects.filter(application__in=applications.values("pk"))
        .select_related("application__department", "application__jurisdiction")
        .prefetch_related("application__certificate_types")
        .order_by("-application__created_at", "-id")
    )


# A proposal is an admission application: the same actions, judged on its application's
# department (editing) or jurisdiction (review).
PROPOSAL_ACTIONS = {
    action: f"application.{field}"
    for action, field in registry_selectors.APPLICATION_ACTIONS.items()
}


def proposal_get(
    *, user: User, application_id: int, action: str = "application.view"
) -> CertificateTypeProposal:
    """One proposal the user sees (else 404) and may ``action`` (else 403)."""
    return load(
        proposal_list(user=user),
        user=user,
        action=action,
        judged_on=PROPOSAL_ACTIONS,
        application_id=application_id,
    )


def pending_proposals(*, user: User) -> QuerySet[CertificateTypeProposal]:
    return proposal_list(user=user).filter(
        application__state__in=[
            Application.State.DRAFT,
            Application.State.SUBMITTED,
            Application.State.UNDER_REVIEW,
            Application.State.HEARING,
            Application.State.HEARING_HELD,
            Application.State.RETURNED,
        ]
    )


# --- Registers and refusals -------------------------------------------------------------------


def issuing_communities(*, user: User) -> QuerySet[Organisation]:
    """The communities whose register the user keeps (a cadre's own)."""
    return Organisation.objects.communities().filter(
        permissions.scope_q(user, ISSUE, ""), is_active=True
    )


def register_communities(*, user: User) -> QuerySet[Organisation]:
    """The communities whose register the user may read."""
    return Organisation.objects.communities().filter(permissions.scope_q(user, REGISTER, ""))


def issuance_list(*, user: User, filters=None) -> QuerySet[CertificateIssuance]:
    """A cadre sees their community's register; reviewers and supervisors those under them
    (IssuanceFilter)."""
    issuances = CertificateIssuance.objects.filter(
        permissions.scope_q(user, REGISTER, "community")
    ).select_related("community", "certificate_type", "issued_by")
    return apply_filters(IssuanceFilter, filters, issuances, user=user)


# action -> the organisation an issuance (or a refusal) is judged on: its community.
ISSUANCE_ACTIONS = {REGISTER: "community", ISSUE: "community"}


def issuance_get(*, user: User, pk: int, action: str = REGISTER) -> CertificateIssuance:
    """One register entry the user sees (else 404) and may ``action`` (else 403)."""
    return load(
        issuance_list(user=user).select_related("community__parent"),
        user=user,
        action=action,
        judged_on=ISSUANCE_ACTIONS,
        pk=pk,
    )


def normalise_verification_code(value: str) -> str:
    """As typed from paper: lower case, spaces or dashes between the groups; bounded."""
    return re.sub(r"[^0-9A-Za-z]", "", str(value or "")[:64]).upper()[:VERIFICATION_LENGTH]


def issuance_verify(*, code: str) -> dict | None:
    """Public: what a printed certificate's verification code stands for, or None for an
    unknown code. Only the type, the community, the date, the serial and whether it is
    still valid: never who it was for."""
    normalised = normalise_verification_code(code)
    if len(normalised) != VERIFICATION_LENGTH:
        return None
    issuance = (
        CertificateIssuance.objects.filter(verification_code=normalised)
        .select_related("certificate_type", "community")
        .only(
            "year",
            "serial",
            "issued_on",
            "withdrawn_on",
            "verification_code",
            "certificate_type__name",
            "community__name",
        )
        .first()
    )
    if issuance is None:
        return None
    return {
        "valid": issuance.is_valid,
        "certificate_type": issuance.certificate_type.name,
        "community": issuance.community.name,
        "issued_on": issuance.issued_on,
        "serial_number": issuance.serial_number,
        "withdrawn_on": issuance.withdrawn_on,
    }


def refusal_list(*, user: User, filters=None) -> QuerySet[CertificateRefusal]:
    """Refusals in the communities whose register the user reads (RefusalFilter)."""
    refusals = CertificateRefusal.objects.filter(
        permissions.scope_q(user, REGISTER, "community")
    ).select_related("community", "certificate_type__jurisdiction", "refused_by")
    return apply_filters(RefusalFilter, filters, refusals, user=user)


def refusal_get(*, user: User, pk: int, action: str = REGISTER) -> CertificateRefusal:
    """One refusal notice the user sees (else 404) and may ``action`` (else 403)."""
    return load(
        refusal_list(user=user), user=user, action=action, judged_on=ISSUANCE_ACTIONS, pk=pk
    )


def _demand(refusals: QuerySet[CertificateRefusal]) -> QuerySet:
    return (
        refusals.values("requested_by")
        .annotate(
            refusals=Count("id"),
            communities=Count("community", distinct=True),
            last_on=Max("refused_on"),
        )
        .order_by("-refusals", "requested_by")
    )


def prohibited_demand_by_institution(
    *, since: datetime.date, area: Organisation | None = None
) -> QuerySet:
    """Who keeps asking residents for prohibited certificates: one aggregate query.

    Rows ``{"requested_by", "refusals", "communities", "last_on"}``, most refusals first,
    counting refusals on or after ``since`` (in communities under ``area`` if given).
    Unscoped: for the flag computation; people read it through
    ``prohibited_demand_for_user``.
    """
    refusals = CertificateRefusal.objects.filter(refused_on__gte=since)
    if area is not None:
        refusals = refusals.filter(community__path__startswith=area.path)
    return _demand(refusals)


def prohibited_demand_for_user(*, user: User, since: datetime.date) -> QuerySet:
    """The same figures over the refusals the user may see."""
    refusals = CertificateRefusal.objects.filter(
        permissions.scope_q(user, REGISTER, "community"), refused_on__gte=since
    )
    return _demand(refusals)
