"""Pages: a community's registry (phone first), adding a sign, its removal, the photos,
the area's counts, the census and the standard. Thin: selectors read, services write."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from registry import pages, permissions
from registry.errors import DomainError, InvalidInput
from registry.excel import xlsx_response
from registry.models import Organisation, WorkItem, path_prefixes
from signage import excel, selectors, services
from signage.forms import CensusForm, PlaqueForm, RemoveForm, StandardForm
from signage.models import Kind, Plaque
from signage.permissions import CENSUS, EDIT, READ, STANDARD_MANAGE, STANDARD_VIEW, VIEW

PAGE_SIZE = 30


def _community_from(request: HttpRequest) -> Organisation | None:
    """The community named by ?community= if the user may read it (else 404)."""
    code = request.GET.get("community", "").strip()
    if not code:
        return None
    community = selectors.plaque_communities(user=request.user).filter(code=code).first()
    if community is None:
        raise Http404
    return community


def _area_from(request: HttpRequest) -> Organisation | None:
    code = request.GET.get("area", "").strip()
    if not code:
        return None
    area = selectors.plaque_areas(user=request.user).filter(code=code).first()
    if area is None:
        raise Http404
    return area


@login_required
def registry(request: HttpRequest) -> HttpResponse:
    """A cadre's community registry; for an area, the counts per community (drill down)."""
    pages.require(request, READ)
    community = _community_from(request)
    if community is None and not request.GET.get("area"):
        communities = list(selectors.plaque_communities(user=request.user)[:2])
        if len(communities) == 1:
            community = communities[0]
    if community is not None:
        return _community_registry(request, community)
    if permissions.may(request.user, VIEW):
        return _area_summary(request)
    return _department_signs(request)


def _community_registry(request: HttpRequest, community: Organisation) -> HttpResponse:
    today = timezone.localdate()
    signs = selectors.plaque_list(user=request.user).filter(community=community)
    status = request.GET.get("status", Plaque.Status.UP)
    if status not in Plaque.Status.values:
        status = Plaque.Status.UP
    page = pages.paginate(request, signs.filter(status=status), PAGE_SIZE)
    totals = selectors.plaque_totals(user=request.user, area=community, on=today)
    standard = selectors.standards_applying([community], today)[community.pk]
    return render(
        request,
        "signage/registry.html",
        {
            "title": _("Plaque registry"),
            "community": community,
            "totals": totals,
            "standard": standard,
            "status": status,
            "statuses": Plaque.Status.choices,
            "page_obj": page,
            "may_edit": permissions.may(request.user, EDIT, community),
            "parent_area": community.parent
            if permissions.may(request.user, VIEW, community.parent)
            else None,
        },
    )


def _area_summary(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    area = _area_from(request)
    areas = list(selectors.plaque_areas(user=request.user).order_by("path")[:200])
    if area is None and areas:
        area = areas[0]
    try:
        on = datetime.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        on = today
    only_excess = request.GET.get("excess") == "1"
    rows = selectors.plaque_summary(user=request.user, area=area, on=on, only_excess=only_excess)
    page = pages.paginate(request, rows, PAGE_SIZE)
    return render(
        request,
        "signage/summary.html",
        {
            "title": _("Plaques"),
            "area": area,
            "areas": areas,
            "export_query": QueryDict(f"area={area.code}") if area else None,
            "on": on,
            "only_excess": only_excess,
            "totals": selectors.plaque_totals(user=request.user, area=area, on=on),
            "trend": selectors.plaque_monthly_trend(user=request.user, area=area, months=12),
            "page_obj": page,
            "may_census": permissions.may(request.user, CENSUS),
        },
    )


def _department_signs(request: HttpRequest) -> HttpResponse:
    """Department staff: the signs their department asked for, wherever they hang."""
    signs = selectors.plaque_list(user=request.user).filter(status=Plaque.Status.UP)
    return render(
        request,
        "signage/department.html",
        {"title": _("Signs my department asked for"), "page_obj": pages.paginate(request, signs)},
    )


@login_required
def section(request: HttpRequest) -> HttpResponse:
    """The workbench section (loaded by htmx): the figures of the user's registry."""
    pages.require(request, VIEW)
    today = timezone.localdate()
    return render(
        request,
        "signage/_section.html",
        {"totals": selectors.plaque_totals(user=request.user, on=today), "on": today},
    )


def _form_context(request: HttpRequest, data=None, files=None) -> PlaqueForm:
    communities = list(
        Organisation.objects.communities()
        .filter(permissions.scope_q(request.user, EDIT, ""), is_active=True)
        .order_by("path")
    )
    prefixes = {p for c in communities for p in path_prefixes(c.path)}
    # Departments a sign may come from: those of the community's district, city, province.
    parents = Organisation.objects.filter(path__in=prefixes, kind=Organisation.Kind.AREA)
    departments = Organisation.objects.departments().filter(parent__in=parents).order_by("path")
    items = WorkItem.objects.none()
    if communities:
        items = (
            WorkItem.objects.filter(
                scope__path__in=prefixes,
                status=WorkItem.Status.ACTIVE,
            )
            .exclude(admission_number=None)
            .distinct()
            .order_by("admission_number")
        )
    return PlaqueForm(
        data, files, communities=communities, departments=departments, work_items=items
    )


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    """Add a sign with a photo taken on the spot (the community's cadre, on a phone)."""
    pages.require(request, EDIT)
    if request.method == "POST":
        form = _form_context(request, request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                sign = services.plaque_create(
                    actor=request.user,
                    community=data["community"],
                    text=data["text"],
                    kind=data["kind"],
                    placement=data["placement"],
                    issuer=data["issuer"],
                    location=data["location"],
                    installed_on=data["installed_on"],
                    work_item=data["work_item"],
                    photo=data["photo"],
                )
            except InvalidInput as error:
                status = pages.show_error(request, error, form)
                return render(request, "signage/new.html", _new_context(form), status=status)
            if sign.within_standard:
                messages.success(request, _("Sign recorded: within the standard."))
            else:
                messages.warning(
                    request,
                    _("Sign recorded. It is beyond the standard: %(why)s.")
                    % {"why": sign.why_label},
                )
            return redirect("plaque-page", pk=sign.pk)
        return render(request, "signage/new.html", _new_context(form), status=400)
    form = _form_context(request)
    return render(request, "signage/new.html", _new_context(form))


def _new_context(form: PlaqueForm) -> dict:
    return {"title": _("Add a sign"), "form": form}


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    sign = selectors.plaque_get(user=request.user, pk=pk)
    return render(request, "signage/detail.html", _detail_context(request, sign, RemoveForm()))


def _detail_context(request: HttpRequest, sign: Plaque, form: RemoveForm) -> dict:
    return {
        "title": sign.text,
        "sign": sign,
        "actions": services.PLAQUE.available_actions(request.user, sign),
        "remove_form": form,
        "may_read_registry": permissions.may(request.user, VIEW, sign.community),
    }


@login_required
@require_POST
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    sign = selectors.plaque_get(user=request.user, pk=pk)
    if not permissions.may(request.user, EDIT, sign.community):
        raise PermissionDenied  # they may see the sign (the lookup above), not remove it
    form = RemoveForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.plaque_remove(
                actor=request.user,
                plaque=sign,
                removed_on=form.cleaned_data["removed_on"],
                reason=form.cleaned_data["reason"],
                photo=form.cleaned_data["photo"],
            )
        except DomainError as error:
            status = pages.show_error(request, error, form)
            sign = selectors.plaque_get(user=request.user, pk=pk)
            context = _detail_context(request, sign, form)
            return render(request, "signage/detail.html", context, status=status)
        messages.success(request, _("Removal recorded. The sign stays in the registry as history."))
        return redirect("plaque-page", pk=sign.pk)
    context = _detail_context(request, sign, form)
    return render(request, "signage/detail.html", context, status=400)


PHOTO_FIELDS = {
    "photo": "photo",
    "thumbnail": "thumbnail",
    "removal": "removal_photo",
    "removal-thumbnail": "removal_thumbnail",
}


@login_required
def photo(request: HttpRequest, pk: int, variant: str) -> HttpResponse:
    """A sign's photo, only to those who may see the sign (media is never served publicly)."""
    field = PHOTO_FIELDS.get(variant)
    if field is None:
        raise Http404
    sign = selectors.plaque_get(user=request.user, pk=pk)
    stored = getattr(sign, field)
    if not stored or not default_storage.exists(stored.name):
        raise Http404
    response = FileResponse(default_storage.open(stored.name, "rb"), content_type="image/jpeg")
    # Private: a shared proxy must not keep one community's photos for another user.
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def census(request: HttpRequest) -> HttpResponse:
    """Load a street's or district's census workbook (挂牌清理摸底): all rows or none."""
    pages.require(request, CENSUS)
    areas = selectors.plaque_areas(user=request.user, action=CENSUS).order_by("path")
    form = CensusForm(request.POST or None, request.FILES or None, areas=areas)
    row_errors: list = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            area = form.cleaned_data["area"]
            try:
                created = services.plaques_census_import(
                    actor=request.user, area=area, upload=form.cleaned_data["file"]
                )
            except InvalidInput as error:
                row_errors = error.extra.get("rows", [])
                status = pages.show_error(request, error, form)
            else:
                excess = Plaque.objects.filter(
                    pk__in=[s.pk for s in created], within_standard=False
                ).count()
                messages.success(
                    request,
                    _("%(n)s signs loaded for %(area)s; %(excess)s are beyond the standard.")
                    % {"n": len(created), "area": area.name, "excess": excess},
                )
                return redirect(f"{reverse('plaque-registry')}?area={area.code}")
        else:
            status = 400
    return render(
        request,
        "signage/census.html",
        {"title": _("Plaque census"), "form": form, "row_errors": row_errors},
        status=status,
    )


@login_required
def census_template(request: HttpRequest) -> HttpResponse:
    pages.require(request, CENSUS)
    communities = selectors.plaque_communities(user=request.user).order_by("path")
    area = _area_from(request)
    if area is not None:
        communities = communities.filter(path__startswith=area.path)
    return xlsx_response(
        excel.census_template(communities.only("code", "name")[:5000]),
        f"{_('Plaque census')}.xlsx",
        fallback="plaques.xlsx",
    )


@login_required
@require_http_methods(["GET", "POST"])
def standards(request: HttpRequest) -> HttpResponse:
    """The standards that apply to the user's areas; reviewers set their area's."""
    pages.require(request, STANDARD_VIEW)
    may_manage = permissions.may(request.user, STANDARD_MANAGE)
    areas = selectors.plaque_areas(user=request.user, action=STANDARD_MANAGE).order_by("path")
    form = StandardForm(request.POST or None, areas=areas) if may_manage else None
    status = 200
    if request.method == "POST":
        pages.require(request, STANDARD_MANAGE)
        if form.is_valid():
            try:
                standard = services.plaque_standard_create(
                    actor=request.user,
                    area=form.cleaned_data["area"],
                    named_signs=form.names(),
                    max_exterior=form.cleaned_data["max_exterior"],
                    max_interior=form.cleaned_data["max_interior"],
                    kinds_not_allowed=form.cleaned_data["kinds_not_allowed"],
                    effective_from=form.cleaned_data["effective_from"],
                )
            except DomainError as error:
                status = pages.show_error(request, error, form)
            else:
                messages.success(
                    request,
                    _("The standard of %(area)s is set from %(date)s.")
                    % {"area": standard.area.name, "date": standard.effective_from.isoformat()},
                )
                return redirect("plaque-standards")
        else:
            status = 400
    # The standards above and under the areas the user works in.
    grants = permissions.grants_of(request.user)
    query = Q(pk__in=[])
    for grant in grants:
        query |= Q(area__path__in=path_prefixes(grant.path)) | Q(area__path__startswith=grant.path)
    listed = selectors.standard_list(user=request.user).filter(query)
    return render(
        request,
        "signage/standards.html",
        {
            "title": _("Plaque standards"),
            "form": form,
            "page_obj": pages.paginate(request, listed),
            "kind_labels": dict(Kind.choices),
        },
        status=status,
    )
