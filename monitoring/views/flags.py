"""Pages of flags and the supervisor's workbench section. Thin: selectors read, services write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from monitoring import flags as flag_rules
from monitoring import selectors, services
from monitoring.forms import UNRESOLVED, FlagFilterForm, FlagResolveForm
from monitoring.models import Flag
from registry import pages, permissions
from registry.errors import IllegalTransition, InvalidInput

PAGE_SIZE = 25
SECTION_SIZE = 5
SEVERITY_TONES = {
    Flag.Severity.HIGH: "danger",
    Flag.Severity.MEDIUM: "warning",
    Flag.Severity.LOW: "neutral",
}
STATUS_TONES = {
    Flag.Status.OPEN: "danger",
    Flag.Status.ACKNOWLEDGED: "warning",
    Flag.Status.RESOLVED: "success",
}


# --- Flags ---------------------------------------------------------------------------------


def _flag_rows(request: HttpRequest, flags) -> list[dict]:
    back = request.get_full_path()
    return [
        {
            "flag": flag,
            # What the user may do with this flag now, as the FLAG machine says.
            "actions": services.FLAG.buttons(
                request.user,
                flag,
                url=lambda action, pk=flag.pk: reverse(f"flags-{action}", args=[pk]),
                form=lambda transition, pk=flag.pk: (
                    FlagResolveForm(auto_id=f"resolve-{pk}-%s")
                    if transition.action == "resolve"
                    else None
                ),
                next=back,
                options={a: {"dom_id": f"flag-{flag.pk}-{a}"} for a in ("acknowledge", "resolve")},
                compact=True,
            ),
            "summary": flag_rules.describe(flag),
            "subject_url": flag_rules.subject_url(flag),
            "severity_tone": SEVERITY_TONES.get(flag.severity, "neutral"),
            "status_tone": STATUS_TONES.get(flag.status, "neutral"),
        }
        for flag in flags
    ]


@login_required
@require_GET
def flag_index(request: HttpRequest) -> HttpResponse:
    """Flags of the user's area: filters, acknowledge, resolve with a note, recompute."""
    pages.require(request, "flag.view")
    areas = list(selectors.flag_areas(user=request.user))
    form = FlagFilterForm(request.GET or None, areas=areas)
    # The page's status tabs in FlagFilter's terms (the API's filter): by default what
    # is still open, "all" for every status.
    filters = request.GET.copy()
    status = filters.get("status") or UNRESOLVED
    if status == UNRESOLVED:
        filters.setlist("status", [s for s in Flag.Status.values if s != Flag.Status.RESOLVED])
    elif status == "all":
        filters.pop("status")
    flags = pages.filtered(request, selectors.flag_list, filters=filters, user=request.user)
    page = pages.paginate(request, flags.order_by("-last_seen_at", "-id"), PAGE_SIZE)
    return render(
        request,
        "monitoring/flags.html",
        {
            "title": _("Flags"),
            "form": form,
            "page_obj": page,
            "rows": _flag_rows(request, page),
            "may_manage": permissions.may(request.user, "flag.manage"),
            "may_compute": permissions.may(request.user, "flag.compute"),
        },
    )


@login_required
@require_POST
def flag_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    flag = selectors.flag_get(user=request.user, pk=pk, action="flag.manage")
    try:
        services.flag_acknowledge(actor=request.user, flag=flag)
    except IllegalTransition as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Acknowledged: %(flag)s") % {"flag": flag})
    return redirect(pages.safe_next(request, reverse("flags")))


@login_required
@require_POST
def flag_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    flag = selectors.flag_get(user=request.user, pk=pk, action="flag.manage")
    form = FlagResolveForm(request.POST)
    back = pages.safe_next(request, reverse("flags"))
    if not form.is_valid():
        messages.error(request, _("Say how the flag was resolved before resolving it."))
        return redirect(back)
    try:
        services.flag_resolve(actor=request.user, flag=flag, note=form.cleaned_data["note"])
    except (IllegalTransition, InvalidInput) as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Resolved: %(flag)s") % {"flag": flag})
    return redirect(back)


@login_required
@require_POST
def flag_recompute(request: HttpRequest) -> HttpResponse:
    """Run the flag job now (it also runs on its schedule) and say what it found."""
    pages.require(request, "flag.compute")
    summary = services.flags_compute()
    labels = dict(Flag.Kind.choices)
    changed = [
        _("%(kind)s: %(raised)s new, %(resolved)s resolved")
        % {"kind": labels.get(kind, kind), "raised": raised, "resolved": summary.resolved[kind]}
        for kind, raised in summary.raised.items()
        if raised or summary.resolved.get(kind)
    ]
    message = _(
        "Flags recomputed: %(raised)s raised, %(still_open)s still open, %(resolved)s resolved."
    ) % {
        "raised": sum(summary.raised.values()),
        "still_open": sum(summary.still_open.values()),
        "resolved": sum(summary.resolved.values()),
    }
    if changed:
        message = f"{message}{'；'.join(changed)}。"
    messages.success(request, message)
    return redirect(pages.safe_next(request, reverse("flags")))


@login_required
@require_GET
def supervisor_section(request: HttpRequest) -> HttpResponse:
    """The supervisor workbench's section (loaded by htmx): open flags by kind, and the
    communities with the heaviest load."""
    pages.require(request, "flag.view")
    counts = selectors.flag_counts_by_kind(user=request.user)
    by_kind = [(kind, label, counts[kind]) for kind, label in Flag.Kind.choices if kind in counts]
    ranking = selectors.community_load_ranking(
        user=request.user, today=timezone.localdate(), limit=SECTION_SIZE * 2
    )
    for row in ranking:
        row["percent"] = min(round((row["load"] or 1) * 100), 100)
    return render(
        request,
        "monitoring/_supervisor_section.html",
        {"by_kind": by_kind, "total": sum(counts.values()), "ranking": ranking},
    )
