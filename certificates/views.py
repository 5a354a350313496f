"""Pages: the public lookup, the register and its printouts, refusal notices, the catalogue.

Thin: selectors read, services write; a domain error a page does not expect is turned into
the right page by registry.middleware.DomainErrorMiddleware.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from certificates import search, selectors, services
from certificates.forms import CatalogueImportForm, IssueForm, ProposeForm
from certificates.models import CertificateIssuance, CertificateRefusal, CertificateType
from certificates.permissions import CATALOGUE_MANAGE, ISSUE, REGISTER
from registry import imports, pages, permissions
from registry.errors import DomainError
from registry.models import Organisation

Status = CertificateType.Status
REGISTER_PAGE_SIZE = 50


# --- Public ---------------------------------------------------------------------------------


def lookup(request: HttpRequest) -> HttpResponse:
    """Type what you were asked for; see whether the community can issue it, what to bring,
    or where to go instead. Without a query: the whole public list."""
    query = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    types, exact = selectors.certificate_type_search(q=query, status=status or None)
    context = {
        "title": _("Certificate lookup"),
        "query": query,
        "status": status,
        "searched": bool(search.query_terms(query)),
        "exact": exact,
        "results": types,
        "retained": [t for t in types if t.status == Status.RETAINED],
        "prohibited": [t for t in types if t.status == Status.PROHIBITED],
        "statuses": Status.choices,
    }
    return render(request, "certificates/lookup.html", context)


def type_page(request: HttpRequest, pk: int) -> HttpResponse:
    certificate_type = selectors.certificate_type_get_public(pk=pk)
    return render(
        request,
        "certificates/type_page.html",
        {
            "title": certificate_type.name,
            "certificate_type": certificate_type,
            "in_effect": certificate_type.is_effective_on(timezone.localdate()),
        },
    )


# --- The register ------------------------------------------------------------------------------


def _register_filter(request: HttpRequest, communities: list[Organisation]) -> dict:
    """The community (a code among the user's) and the year the register shows."""
    today = timezone.localdate()
    code = request.GET.get("community", "")
    community = next((c for c in communities if c.code == code), None)
    if community is None and len(communities) == 1:
        community = communities[0]
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    if not 2000 <= year <= today.year + 1:
        year = today.year
    return {"community": community, "year": year}


@login_required
def register(request: HttpRequest) -> HttpResponse:
    pages.require(request, REGISTER)
    communities = list(selectors.register_communities(user=request.user).order_by("path"))
    chosen = _register_filter(request, communities)
    # The year through the FilterSets (the API's ``?year=``); the community is already
    # resolved among the user's, so it is matched by id without another lookup.
    year = {"year": chosen["year"]}
    issuances = selectors.issuance_list(user=request.user, filters=year)
    refusals = selectors.refusal_list(user=request.user, filters=year)
    if chosen["community"] is not None:
        issuances = issuances.filter(community=chosen["community"])
        refusals = refusals.filter(community=chosen["community"])
    page = pages.paginate(
        request, issuances.order_by("community__path", "-serial"), REGISTER_PAGE_SIZE
    )
    today = timezone.localdate()
    return render(
        request,
        "certificates/register.html",
        {
            "title": _("Certificate register"),
            "communities": communities,
            "community": chosen["community"],
            "year": chosen["year"],
            "years": list(range(today.year, today.year - 6, -1)),
            "page_obj": page,
            "refusals": list(refusals.order_by("-refused_on", "-id")[:20]),
            "show_community": chosen["community"] is None,
            "may_issue": permissions.may(request.user, ISSUE),
        },
    )


@login_required
def register_print(request: HttpRequest) -> HttpResponse:
    """One community's register for a year, on A4 landscape."""
    pages.require(request, REGISTER)
    communities = list(selectors.register_communities(user=request.user).order_by("path"))
    chosen = _register_filter(request, communities)
    if chosen["community"] is None:
        messages.info(request, _("Choose a community to print its register."))
        return redirect(f"{reverse('certificate-register')}?year={chosen['year']}")
    issuances = (
        selectors.issuance_list(user=request.user)
        .filter(community=chosen["community"], year=chosen["year"])
        .order_by("serial")
    )
    return render(
        request,
        "certificates/register_print.html",
        {
            "title": _("Certificate register"),
            "community": chosen["community"],
            "year": chosen["year"],
            "issuances": issuances,
            "printed_on": timezone.localdate(),
        },
    )


def _issue_form(request: HttpRequest, data=None) -> IssueForm:
    communities = list(selectors.issuing_communities(user=request.user).order_by("path"))
    types = list(selectors.applicable_types(communities=communities))
    return IssueForm(data, communities=communities, types=types)


def _institutions(form: IssueForm) -> list[str]:
    """Institutions this community already named, offered as suggestions while typing."""
    codes = [c.code for c in form.communities]
    names = set(
        CertificateIssuance.objects.filter(community__code__in=codes)
        .order_by()
        .values_list("requested_by", flat=True)
        .distinct()[:30]
    )
    names |= set(
        CertificateRefusal.objects.filter(community__code__in=codes)
        .order_by()
        .values_list("requested_by", flat=True)
        .distinct()[:30]
    )
    return sorted(names)


@sensitive_post_parameters("applicant_id_number")
@login_required
@require_http_methods(["GET", "POST"])
def issue(request: HttpRequest) -> HttpResponse:
    """Register a certificate; a prohibited one is refused and its notice offered."""
    pages.require(request, ISSUE)
    status = 200  # or the refusal's, when a service refuses
    form = _issue_form(request, request.POST if request.method == "POST" else None)
    refusal = None
    if request.method == "POST" and form.is_valid():
        try:
            issuance = services.certificate_issue(
                actor=request.user,
                community=form.community_object(),
                certificate_type=form.type_object(),
                applicant_name=form.cleaned_data["applicant_name"],
                applicant_id_number=form.cleaned_data["applicant_id_number"],
                purpose=form.cleaned_data["purpose"],
                requested_by=form.cleaned_data["requested_by"],
            )
        except services.CertificateProhibited as refused:
            refusal = selectors.refusal_get(user=request.user, pk=refused.refusal.pk)
        except DomainError as error:
            status = pages.show_error(request, error, form)
        else:
            messages.success(
                request,
                _("Certificate %(number)s issued: %(name)s for %(applicant)s.")
                % {
                    "number": issuance.serial_number,
                    "name": issuance.certificate_type.name,
                    "applicant": issuance.applicant_name,
                },
            )
            return redirect(
                f"{reverse('certificate-register')}?community={issuance.community.code}"
                f"&year={issuance.year}"
            )
    return render(
        request,
        "certificates/issue.html",
        {
            "title": _("Issue a certificate"),
            "form": form,
            "refusal": refusal,
            "institutions": _institutions(form),
        },
        status=status,
    )


@login_required
def issuance_print(request: HttpRequest, pk: int) -> HttpResponse:
    issuance = selectors.issuance_get(user=request.user, pk=pk)
    return render(
        request,
        "certificates/issuance_print.html",
        {"title": issuance.certificate_type.name, "issuance": issuance},
    )


@login_required
def refusal_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """不予出具告知书: why not, where to go instead, and a QR code to the type's public page."""
    refusal = selectors.refusal_get(user=request.user, pk=pk)
    lookup_url = request.build_absolute_uri(
        reverse("certificate-type-page", args=[refusal.certificate_type_id])
    )
    return render(
        request,
        "certificates/refusal_notice.html",
        {
            "title": _("Notice of refusal to issue a certificate"),
            "refusal": refusal,
            "certificate_type": refusal.certificate_type,
            "lookup_url": lookup_url,
            "qr_svg": mark_safe(pages.qr_svg(lookup_url)),  # segno's own markup, no user input
        },
    )


# --- The catalogue ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def catalogue(request: HttpRequest) -> HttpResponse:
    """The reviewer's catalogue: every type that concerns their areas, proposals under
    review, and the Excel import and export."""
    pages.require(request, CATALOGUE_MANAGE)
    status = 200  # or the refusal's, when a service refuses
    areas = selectors.catalogue_areas(user=request.user).order_by("path")
    form = CatalogueImportForm(request.POST or None, request.FILES or None, areas=areas, initial={})
    import_errors: list[dict] = []
    if request.method == "POST" and form.is_valid():
        try:
            # A big file is imported by a background job (registry/imports.py).
            job = imports.start_or_none(
                "certificate-catalogue",
                actor=request.user,
                jurisdiction=form.cleaned_data["jurisdiction"],
                upload=form.cleaned_data["file"],
            )
            if job is not None:
                return redirect("job-page", pk=job.pk)
            summary = services.certificate_types_import(
                actor=request.user,
                jurisdiction=form.cleaned_data["jurisdiction"],
                upload=form.cleaned_data["file"],
            )
        except DomainError as error:
            status = pages.show_error(request, error, form)
            import_errors = error.extra.get("rows", [])
        else:
            messages.success(
                request,
                _(
                    "Catalogue imported: %(created)s added, %(updated)s changed, %(unchanged)s "
                    "unchanged."
                )
                % {
                    "created": len(summary.created),
                    "updated": len(summary.updated),
                    "unchanged": summary.unchanged,
                },
            )
            return redirect("certificate-catalogue")
    types = list(selectors.certificate_types_for_catalogue(user=request.user))
    today = timezone.localdate()
    return render(
        request,
        "certificates/catalogue.html",
        {
            "title": _("Certificate catalogue"),
            "types": types,
            "today": today,
            "proposals": list(selectors.pending_proposals(user=request.user)[:50]),
            "form": form,
            "import_errors": import_errors,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest) -> HttpResponse:
    """A department proposes a type for its area to retain (reviewed like a work item)."""
    pages.require(request, "application.edit")
    status = 200  # or the refusal's, when a service refuses
    departments = Organisation.objects.departments().filter(
        permissions.scope_q(request.user, "application.edit", "")
    )
    form = ProposeForm(request.POST or None, departments=departments)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = services.certificate_type_propose(
                actor=request.user,
                department=data["department"],
                name=data["name"],
                legal_basis=data["legal_basis"],
                verification=data["verification"],
                materials=data["materials"],
                synonyms=search.clean_synonyms(data["synonyms"]),
                description=data["description"],
                submit=data["submit_now"],
            )
        except DomainError as error:
            status = pages.show_error(request, error, form)
        else:
            messages.success(
                request,
                _("Proposal “%(name)s” saved (%(state)s).")
                % {"name": application.title, "state": application.get_state_display()},
            )
            return redirect("certificate-propose")
    return render(
        request,
        "certificates/propose.html",
        {
            "title": _("Propose a retained certificate"),
            "form": form,
            "proposals": list(selectors.proposal_list(user=request.user)[:50]),
        },
        status=status,
    )
