"""Pages of clues and rectification notices: the supervisors' board (by state, overdue
first), raising a clue (from a report entry or a flag in one click), the clue page with its
history and the actions the user may take, the department's notices, the printable A4
notice with its verification QR code, and the public check behind that code.

Reporter protection: the department's pages never render who raised a clue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from monitoring import selectors, services
from monitoring.forms import ClueActionForm, ClueForm
from monitoring.models import Clue, Flag, RectificationNotice, ReportEntry
from monitoring.permissions import CLUE_RAISE, CLUE_VIEW, CLUE_VIEW_DEPARTMENT
from registry import figure_cache, pages, permissions
from registry.errors import DomainError
from registry.models import Organisation

PAGE_SIZE = 25
SECTION_SIZE = 5
STATE_TONES = {
    Clue.State.REPORTED: "info",
    Clue.State.ANALYSED: "info",
    Clue.State.VERIFIED: "warning",
    Clue.State.NOTICE_SENT: "warning",
    Clue.State.RESPONDED: "info",
    Clue.State.CLOSED: "success",
    Clue.State.DISMISSED: "neutral",
}
ESCALATION_TONES = {"none": "neutral", "reminded": "info", "yellow": "warning", "red": "danger"}


def _rows(request, clues) -> list[dict]:
    return [
        {
            "clue": clue,
            "notice": clue.live_notices[0] if clue.live_notices else None,
            "tone": STATE_TONES.get(clue.state, "neutral"),
            "reporter": clue.reported_by
            if selectors.may_see_reporter(request.user, clue)
            else None,
        }
        for clue in clues
    ]


@login_required
@require_GET
def clue_board(request: HttpRequest) -> HttpResponse:
    """Supervisors: every clue of the area by state, unanswered overdue notices first.
    Department staff: the clues about their department (no reporter)."""
    pages.require(request, CLUE_VIEW, CLUE_VIEW_DEPARTMENT, CLUE_RAISE)
    state = request.GET.get("state", "")
    # ClueFilter (the API's): ?area= and the reporting period, as the dashboard links; the
    # state is the board's tab, counted over what the other filters leave.
    filters = request.GET.copy()
    filters.pop("state", None)
    clues = pages.filtered(request, selectors.clue_list, filters=filters, user=request.user)
    counts = {s: 0 for s, _label in Clue.State.choices}
    # Grouped in the database (a province's board has thousands of clues), and kept until
    # a clue changes, as the list's count is (registry/figure_cache.py).
    by_state = clues.order_by().values_list("state").annotate(n=Count("id"))
    counts |= figure_cache.of_query(by_state, dict)
    if state in counts:
        clues = clues.filter(state=state)
    page = pages.paginate(request, selectors.board_order(clues), PAGE_SIZE)
    return render(
        request,
        "monitoring/clue_board.html",
        {
            "title": _("Clues"),
            "page_obj": page,
            "rows": _rows(request, page),
            "states": [(s, label, counts[s]) for s, label in Clue.State.choices],
            "state": state,
            "escalation_tones": ESCALATION_TONES,
            "may_raise": permissions.may(request.user, CLUE_RAISE),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def clue_new(request: HttpRequest) -> HttpResponse:
    """Raise a clue; ``?report_entry=`` or ``?flag=`` carries that record's figures."""
    pages.require(request, CLUE_RAISE)
    entry = flag = None
    source = request.GET.get("report_entry") or request.POST.get("report_entry")
    if source:
        # A hand-edited ?report_entry= that is no number is a stale link, not a server error.
        entry = (
            ReportEntry.objects.filter(pk=source).select_related("report").first()
            if str(source).isdigit()
            else None
        )
        if entry is None:
            messages.error(request, _("That report entry no longer exists."))
            return redirect("clue-new")
        entry.report = selectors.report_get(user=request.user, pk=entry.report_id)
    flag_id = request.GET.get("flag") or request.POST.get("flag")
    if flag_id:
        flag = selectors.flag_get(user=request.user, pk=flag_id)
    initial = {}
    if entry is not None:
        initial = {
            "department": entry.department_id,
            "summary": entry.title,
            "details": _("%(channel)s, %(date)s: %(title)s")
            % {
                "channel": entry.get_channel_display(),
                "date": entry.demanded_on,
                "title": entry.title,
            },
        }
    elif flag is not None and flag.organisation.kind == Organisation.Kind.DEPARTMENT:
        initial = {"department": flag.organisation_id, "summary": str(flag)}
    departments = Organisation.objects.departments().filter(is_active=True).order_by("path")
    form = ClueForm(
        request.POST or None, departments=departments.select_related("parent"), initial=initial
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            clue = services.clue_raise(
                actor=request.user, flag=flag, report_entry=entry, **form.cleaned_data
            )
        except DomainError as exc:
            status = pages.show_error(request, exc, form)
        else:
            messages.success(request, _("Clue raised: %(summary)s") % {"summary": clue.summary})
            if selectors.clue_list(user=request.user).filter(pk=clue.pk).exists():
                return redirect("clue-page", pk=clue.pk)
            return redirect("clue-board")
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "monitoring/clue_new.html",
        {"title": _("Raise a clue"), "form": form, "entry": entry, "flag": flag},
        status=status,
    )


@login_required
@require_GET
def clue_page(request: HttpRequest, pk: int) -> HttpResponse:
    clue = selectors.clue_get(user=request.user, pk=pk)
    notice = services.current_notice(clue)
    show_reporter = selectors.may_see_reporter(request.user, clue)
    # What the user may do now, as the clue machine says; each step's fields in the open.
    actions = services.CLUE.buttons(
        request.user,
        clue,
        url=lambda action: reverse("clue-action", args=[clue.pk, action]),
        form=lambda transition: ClueActionForm(action=transition.action, prefix=transition.action),
        options={action: {"open": True} for action in services.CLUE.user_actions()},
    )
    history = [
        {"step": step, "actor": step.actor if (show_reporter or step.action != "report") else None}
        for step in clue.transitions.all()
    ]
    return render(
        request,
        "monitoring/clue_page.html",
        {
            "title": clue.summary,
            "clue": clue,
            "notice": notice,
            "actions": actions,
            "history": history,
            "show_reporter": show_reporter,
            "labels": services.CLUE.labels(),
            "tone": STATE_TONES.get(clue.state, "neutral"),
            "escalation_tone": ESCALATION_TONES.get(notice.escalation if notice else "none"),
        },
    )


@login_required
@require_POST
def clue_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    clue = selectors.clue_get(user=request.user, pk=pk)
    if action not in services.CLUE.user_actions():
        messages.error(request, _("Unknown action “%(action)s”.") % {"action": action})
        return redirect("clue-page", pk=clue.pk)
    form = ClueActionForm(request.POST, action=action, prefix=action)
    if not form.is_valid():
        # The form lives on the clue page; name the field, or "required" alone says nothing.
        for name, errors in form.errors.items():
            field = form.fields.get(name)
            for error in errors:
                if field is None:
                    messages.error(request, error)
                else:
                    messages.error(
                        request, _("%(field)s: %(error)s") % {"field": field.label, "error": error}
                    )
        return redirect("clue-page", pk=clue.pk)
    try:
        result = services.clue_act(
            actor=request.user, clue=clue, action=action, data=form.cleaned_data
        )
    except DomainError as exc:
        pages.show_error(request, exc)
    else:
        label = services.CLUE[action].label
        messages.success(request, _("Done: %(action)s.") % {"action": label})
        if isinstance(result, RectificationNotice):
            messages.info(
                request, _("Notice %(number)s is ready to print.") % {"number": result.number}
            )
    return redirect("clue-page", pk=clue.pk)


@login_required
@require_GET
def clue_section(request: HttpRequest) -> HttpResponse:
    """The supervisor workbench's section: open clues by state, the most urgent first."""
    pages.require(request, CLUE_VIEW)
    clues = selectors.clue_list(user=request.user).filter(state__in=Clue.OPEN_STATES)
    urgent = selectors.board_order(clues)[:SECTION_SIZE]
    return render(
        request,
        "monitoring/_clue_section.html",
        {
            "rows": _rows(request, urgent),
            "open_count": clues.count(),
            "escalation_tones": ESCALATION_TONES,
        },
    )


@login_required
@require_GET
def notice_index(request: HttpRequest) -> HttpResponse:
    """The department's rectification notices (and the supervisors' of their area)."""
    pages.require(request, CLUE_VIEW, CLUE_VIEW_DEPARTMENT)
    notices = selectors.notice_list(user=request.user).order_by("state", "due_date", "id")
    page = pages.paginate(request, notices, PAGE_SIZE)
    return render(
        request,
        "monitoring/notices.html",
        {
            "title": _("Rectification notices"),
            "page_obj": page,
            "escalation_tones": ESCALATION_TONES,
        },
    )


@login_required
@require_GET
def notice_section(request: HttpRequest) -> HttpResponse:
    pages.require(request, CLUE_VIEW_DEPARTMENT)
    notices = (
        selectors.notice_list(user=request.user)
        .filter(state=RectificationNotice.State.SENT)
        .order_by("due_date", "id")
    )
    return render(
        request,
        "monitoring/_notice_section.html",
        {
            "notices": notices[:SECTION_SIZE],
            "open_count": notices.count(),
            "escalation_tones": ESCALATION_TONES,
        },
    )


@login_required
@require_GET
def notice_print(request: HttpRequest, pk: int) -> HttpResponse:
    """整改通知书 on A4 (print CSS), with a QR code to the public check of its number."""
    notice = selectors.notice_get(user=request.user, pk=pk)
    verify_url = request.build_absolute_uri(
        reverse("notice-verify", args=[notice.verification_code])
    )
    return render(
        request,
        "monitoring/notice_print.html",
        {
            "title": _("Rectification notice %(number)s") % {"number": notice.number},
            "notice": notice,
            "verify_url": verify_url,
            "qr_svg": mark_safe(pages.qr_svg(verify_url)),  # segno's own markup, no user input
        },
    )


@require_GET
def notice_verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: whether a printed notice is genuine (number, issuer, department, dates)."""
    notice = selectors.notice_verify(code)
    return render(
        request,
        "monitoring/notice_verify.html",
        {"title": _("Check a rectification notice"), "notice": notice},
        status=200 if notice else 404,
    )


__all__ = ["Flag"]
