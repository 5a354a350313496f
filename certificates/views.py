"""Pages: the public lookup, the register and its printouts, refusal notices, the catalogue.

Thin: selectors read, services write; a domain error a page does not expect is turned into
the right page by registry.middleware.DomainErrorMiddleware.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from certificates import search, selectors, services
from certificates.forms import (
    CatalogueImportForm,
    IssueForm,
    ProposeForm,
    ReprintForm,
    WithdrawForm,
)
from certificates.models import CertificateIssuance, CertificateRefusal, CertificateType
from certificates.permissions import CATALOGUE_MANAGE, ISSUE, REGISTER
from registry import imports, pages, permissions
from registry.errors import DomainError, InvalidInput, PermissionDenied
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


@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    """Public: whoever holds a printed certificate (a bank) types its verification code, or
    scans its QR code, and sees the type, community, date, serial and whether it is still
    valid. Nothing about the person."""
    code = request.GET.get("code", "").strip()[:64]
    result = selectors.issuance_verify(code=code) if code else None
    return render(
        request,
        "certificates/verify.html",
        {"title": _("Check a certificate"), "code": code, "result": result},
        status=404 if code and result is None else 200,
    )


# --- The register ------------------------------------------------------------------------------


# Up to this many communities are offered in a list; a reviewer's city or a supervisor's
# province (20,000: a 1.1 MB page) types the community's code instead.
COMMUNITY_CHOICES_MAX = 50


def _register_communities(request: HttpRequest) -> tuple[list[Organisation], QuerySet]:
    """The communities to offer in the list (none when there are too many), and all of
    the user's, as a queryset to find a typed code in."""
    scoped = selectors.register_communities(user=request.user).order_by("path")
    # The first few in any order, sorted here when they are all there is: a province's
    # 20,000 sorted by path only to learn that there are too many took 6 ms a request.
    offered = list(scoped.order_by()[: COMMUNITY_CHOICES_MAX + 1])
    if len(offered) > COMMUNITY_CHOICES_MAX:
        return [], scoped
    return sorted(offered, key=lambda community: community.path), scoped


def _register_filter(
    request: HttpRequest, communities: list[Organisation], scoped: QuerySet | None = None
) -> dict:
    """The community (a code among the user's) and the year the register shows."""
    today = timezone.localdate()
    code = request.GET.get("community", "").strip()
    community = next((c for c in communities if c.code == code), None)
    if community is None and code and not communities and scoped is not None:
        community = scoped.filter(code=code[:40]).first()
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
    communities, scoped = _register_communities(request)
    chosen = _register_filter(request, communities, scoped)
    # The year through the FilterSets (the API's ``?year=``); the community is already
    # resolved among the user's, so it is matched by id without another lookup.
    year = {"year": chosen["year"]}
    issuances = selectors.issuance_list(user=request.user, filters=year)
    refusals = selectors.refusal_list(user=request.user, filters=year)
    if chosen["community"] is not None:
        issuances = issuances.filter(community=chosen["community"])
        refusals = refusals.filter(community=chosen["community"])
    # One community's register in its numbers' order; all of an area's newest first, read
    # from the issued_on index (sorting an area's 500,000 entries by community took 0.6 s).
    order = ("-serial",) if chosen["community"] is not None else ("-issued_on", "-id")
    page = pages.paginate(request, issuances.order_by(*order), REGISTER_PAGE_SIZE)
    today = timezone.localdate()
    return render(
        request,
        "certificates/register.html",
        {
            "title": _("Certificate register"),
            "communities": communities,
            "code_field": not communities,
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
    communities, scoped = _register_communities(request)
    chosen = _register_filter(request, communities, scoped)
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


@sensitive_variables("id_number")
def _print_sheet(request: HttpRequest, issuance: CertificateIssuance, id_number: str, **extra):
    """The certificate on A4 with the full ID number typed in this request: rendered, sent
    with no-store, kept nowhere (no table, log, cache or session)."""
    verify_url = request.build_absolute_uri(
        f"{reverse('certificate-verify')}?code={issuance.verification_code}"
    )
    response = render(
        request,
        "certificates/issuance_print.html",
        {
            "title": issuance.certificate_type.name,
            "issuance": issuance,
            "id_number": id_number,
            "verify_url": verify_url,
            "qr_svg": mark_safe(pages.qr_svg(verify_url)),  # segno's own markup, no user input
            **extra,
        },
    )
    response["Cache-Control"] = "no-store, private"
    return response


@never_cache
@sensitive_post_parameters("applicant_id_number")
@login_required
@require_http_methods(["GET", "POST"])
def issue(request: HttpRequest) -> HttpResponse:
    """Register a certificate and print it at once with the ID number just typed; a
    prohibited one is refused, its notice offered, and the form cleared for the next."""
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
                facts=form.cleaned_data["facts"],
                request_token=form.cleaned_data["request_token"],
            )
        except services.CertificateProhibited as refused:
            refusal = selectors.refusal_get(user=request.user, pk=refused.refusal.pk)
            # Registered: the next request starts from an empty form, not a duplicate.
            form = _issue_form(request)
        except DomainError as error:
            status = pages.show_error(request, error, form)
        else:
            issuance = selectors.issuance_get(user=request.user, pk=issuance.pk, action=ISSUE)
            try:
                number = services.issuance_confirm_id_number(
                    issuance=issuance, value=form.cleaned_data["applicant_id_number"]
                )
            except InvalidInput:  # a resubmitted form whose line has another number
                return redirect("certificate-issuance-print", pk=issuance.pk)
            return _print_sheet(request, issuance, number, just_issued=True)
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


def _withdraw_buttons(request: HttpRequest, issuance: CertificateIssuance, form=None):
    return services.ISSUANCE.buttons(
        request.user,
        issuance,
        url=lambda action: reverse("certificate-issuance-withdraw", args=[issuance.pk]),
        form=lambda transition: WithdrawForm(auto_id="withdraw-%s"),
        bound=("withdraw", form) if form is not None else None,
    )


@never_cache
@sensitive_post_parameters("applicant_id_number")
@login_required
@require_http_methods(["GET", "POST"])
def issuance_print(request: HttpRequest, pk: int) -> HttpResponse:
    """A reprint: the cadre types the ID number again; it is checked against the registered
    hash and printed. Reading the line needs the register; printing it, the community's own
    cadre."""
    issuance = selectors.issuance_get(user=request.user, pk=pk)
    may_print = permissions.may(request.user, ISSUE, issuance.community)
    status = 200
    form = ReprintForm(request.POST or None)
    if request.method == "POST":
        if not may_print:
            raise PermissionDenied()
        if form.is_valid():
            try:
                number = services.issuance_confirm_id_number(
                    issuance=issuance, value=form.cleaned_data["applicant_id_number"]
                )
            except DomainError as error:
                status = pages.show_error(request, error, form)
            else:
                return _print_sheet(request, issuance, number)
        else:
            status = 400
    return render(
        request,
        "certificates/issuance_reprint.html",
        {
            "title": _("Print certificate %(number)s") % {"number": issuance.serial_number},
            "issuance": issuance,
            "form": form,
            "may_print": may_print,
            "actions": _withdraw_buttons(request, issuance),
        },
        status=status,
    )


@login_required
@require_POST
def issuance_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    issuance = selectors.issuance_get(user=request.user, pk=pk, action=ISSUE)
    form = WithdrawForm(request.POST, auto_id="withdraw-%s")
    status = 400
    if form.is_valid():
        try:
            services.certificate_issuance_withdraw(
                actor=request.user, issuance=issuance, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            status = pages.show_error(request, error, form)
        else:
            messages.success(
                request,
                _("Certificate %(number)s withdrawn: the public check now says so.")
                % {"number": issuance.serial_number},
            )
            return redirect("certificate-issuance-print", pk=issuance.pk)
    issuance = selectors.issuance_get(user=request.user, pk=pk)
    return render(
        request,
        "certificates/issuance_reprint.html",
        {
            "title": _("Print certificate %(number)s") % {"number": issuance.serial_number},
            "issuance": issuance,
            "form": ReprintForm(),
            "may_print": True,
            "actions": _withdraw_buttons(request, issuance, form),
        },
        status=status,
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
