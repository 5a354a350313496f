"""Pages of dispatch and the community inbox.

Thin: selectors read (already scoped to the user), services write. The gate's refusal and
bad input come back on the same page with everything the person typed; NotFound and
PermissionDenied go on to registry.middleware.DomainErrorMiddleware (the 404 and 403 pages).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from registry import pages, permissions, plugins, selectors, services
from registry.errors import (
    DomainError,
    IllegalTransition,
    NotFound,
    PermissionDenied,
    RuleRefused,
)
from registry.forms.dispatch import (
    GATE_REASON_LABELS,
    AmendDueDateForm,
    CompleteForm,
    DispatchForm,
    RecallForm,
    RefuseForm,
    build_target_tree,
)
from registry.models import Assignment, Dispatch, Organisation, WorkItem
from registry.views.ratification import RATIFICATION_FORMS, days_waiting, ratification_url
from registry.workdays import working_days_between

PAGE_SIZE = 20
INBOX_SECTION_SIZE = 5

# Filters of the inbox: "" is everything (open first), "open" pending and accepted.
INBOX_FILTERS = [
    ("", gettext_lazy("All")),
    ("open", gettext_lazy("Unfinished")),
    *Assignment.State.choices,
]


# --- Time left ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimeLeft:
    """How long until a due date, in Chinese working days (holidays and 调休 counted)."""

    due_date: datetime.date
    working_days: int
    overdue_days: int
    minimum: int

    @property
    def overdue(self) -> bool:
        return self.overdue_days > 0

    @property
    def urgent(self) -> bool:
        """Red on the page: overdue, or two working days or fewer left."""
        return self.overdue or self.working_days <= 2

    @property
    def below_minimum(self) -> bool:
        return self.working_days < self.minimum


def time_left(due_date: datetime.date | None, today: datetime.date) -> TimeLeft | None:
    if due_date is None:
        return None
    return TimeLeft(
        due_date=due_date,
        working_days=working_days_between(today, due_date),
        overdue_days=max((today - due_date).days, 0),
        minimum=settings.PORTAL["DISPATCH_MIN_LEAD_WORKING_DAYS"],
    )


# --- Department: the dispatch form -------------------------------------------------------------


def _initial_from_query(query: QueryDict) -> dict[str, Any]:
    """What htmx sends when the item or the due date changes, as the form's initial data."""
    initial: dict[str, Any] = {
        key: query.get(key) for key in ("work_item", "due_date", "department") if query.get(key)
    }
    for key in ("communities", "areas"):
        if query.getlist(key):
            initial[key] = query.getlist(key)
    return initial


def _chosen_item(form: DispatchForm, items: list[WorkItem]) -> WorkItem | None:
    value = form.data.get("work_item") if form.is_bound else form.initial.get("work_item")
    return next((item for item in items if str(item.pk) == str(value)), None)


def _chosen_due_date(form: DispatchForm) -> datetime.date | None:
    value = form.data.get("due_date") if form.is_bound else form.initial.get("due_date")
    try:
        return form.fields["due_date"].to_python(value)
    except Exception:  # an unfinished date while typing: no hint yet
        return None


def _in_scope(item: WorkItem | None, targets: list[Organisation]) -> set[str]:
    """Codes of the tree's organisations inside the item's admitted scope."""
    if item is None:
        return set()
    paths = [organisation.path for organisation in item.scope.all()]
    return {o.code for o in targets if any(o.path.startswith(path) for path in paths)}


def _areas_holding(codes: set[str], targets: list[Organisation]) -> set[str]:
    """Codes of the areas above any ticked organisation (their branches open on the page)."""
    paths = [o.path for o in targets if o.code in codes]
    return {part for path in paths for part in path.strip("/").split("/")}


def _refusal_rows(exc: RuleRefused, targets: list[Organisation]) -> list[dict]:
    """The gate's reasons in words, each with the names of the communities it applies to
    (the communities named are among those ticked, so the tree knows their names)."""
    reasons = exc.extra.get("reasons", [])
    names = {organisation.code: organisation.name for organisation in targets}
    return [
        {
            "code": reason["code"],
            "label": GATE_REASON_LABELS.get(reason["code"], reason["code"]),
            "detail": reason["detail"],
            "communities": [names.get(code, code) for code in reason.get("communities", [])],
        }
        for reason in reasons
    ]


@login_required
def dispatch_new(request: HttpRequest) -> HttpResponse:
    """Send a task under an admitted item (or an emergency task) to communities."""
    pages.require(request, "dispatch.create")
    status = 200  # or the refusal's, when a service refuses
    user = request.user
    today = timezone.localdate()
    departments = list(selectors.dispatch_departments(user=user))
    if not departments:
        raise PermissionDenied()
    items = list(selectors.dispatchable_work_items(user=user, today=today))
    targets = selectors.dispatch_target_organisations(departments=departments)
    options = {
        "work_items": selectors.dispatchable_work_items(user=user, today=today),
        "departments": departments,
        "targets": targets,
    }
    refusal: list[dict] = []
    if request.method == "POST":
        form = DispatchForm(request.POST, **options)
        if form.is_valid():
            data = form.cleaned_data
            communities, areas = form.chosen_targets()
            try:
                dispatch = services.dispatch_create(
                    actor=user,
                    work_item=data["work_item"],
                    department=data.get("department"),
                    title=data["title"],
                    instructions=data["instructions"],
                    materials=data["materials"],
                    communities=communities,
                    areas=areas,
                    due_date=data["due_date"],
                    hours_per_community=data["hours_per_community"],
                    households_per_community=data["households_per_community"],
                    emergency=data["emergency"],
                    justification=data["justification"],
                )
            except RuleRefused as exc:
                refusal = _refusal_rows(exc, targets)
            except DomainError as exc:
                status = pages.show_error(request, exc, form)
            else:
                messages.success(
                    request,
                    ngettext(
                        "The task “%(title)s” reached %(count)s community.",
                        "The task “%(title)s” reached %(count)s communities.",
                        dispatch.community_count,
                    )
                    % {"title": dispatch.title, "count": dispatch.community_count},
                )
                return redirect("dispatch-show", pk=dispatch.pk)
    else:
        form = DispatchForm(initial=_initial_from_query(request.GET), **options)
    item = _chosen_item(form, items)
    selected = form.selected_codes()
    tree = build_target_tree(targets)
    return render(
        request,
        "registry/dispatch/new.html",
        {
            "title": _("Dispatch a task"),
            "form": form,
            "item": item,
            "has_items": bool(items),
            "refusal": refusal,
            "tree": tree,
            "selected": selected,
            "open_codes": _areas_holding(selected, targets),
            # A small jurisdiction shows every community at once.
            "expand_all": sum(node.community_count for node in tree) <= 60,
            "in_scope": _in_scope(item, targets),
            "time_left": time_left(_chosen_due_date(form), today),
            "minimum_days": settings.PORTAL["DISPATCH_MIN_LEAD_WORKING_DAYS"],
        },
        status=status,
    )


# --- Department, reviewer, supervisor: dispatches ---------------------------------------------


def _reason_words(reasons: dict[str, int]) -> list[tuple[str, int]]:
    labels = dict(Assignment.RefusalReason.choices)
    return [(labels.get(code, code), n) for code, n in sorted(reasons.items())]


@login_required
@require_GET
def dispatch_index(request: HttpRequest) -> HttpResponse:
    """The department's dispatches (reviewers and supervisors: those of their area)."""
    pages.require(request, "dispatch.view")
    # DispatchFilter (the API's too): ?emergency=true|false, ?q= (title).
    dispatches = pages.filtered(request, selectors.dispatch_list, user=request.user).order_by(
        "-created_at", "-id"
    )
    emergency = request.GET.get("emergency", "")
    query = request.GET.get("q", "").strip()[:100]
    may_dispatch = permissions.may(request.user, "dispatch.create")
    # An area's reviewers and supervisors also filter by department, area and date (the
    # same DispatchFilter: ?department=, ?area=, ?dispatched_after=, ?dispatched_before=).
    areas = [] if may_dispatch else selectors.dispatch_filter_areas(user=request.user)
    chosen = {
        key: request.GET.get(key, "").strip()[:40]
        for key in ("department", "area", "dispatched_after", "dispatched_before")
    }
    page = pages.paginate(request, dispatches, PAGE_SIZE)
    ids = [dispatch.pk for dispatch in page]
    counts = selectors.dispatch_refusal_counts(ids)
    reasons = selectors.dispatch_refusal_reasons(ids)
    for dispatch in page:
        dispatch.state_counts = counts.get(dispatch.pk, {})
        dispatch.refusal_words = _reason_words(reasons.get(dispatch.pk, {}))
    return render(
        request,
        "registry/dispatch/index.html",
        {
            "title": _("My dispatches") if may_dispatch else _("Dispatches in your area"),
            "page_obj": page,
            "emergency": emergency if emergency in ("true", "false") else "",
            "query": query,
            "may_dispatch": may_dispatch,
            "area_filters": not may_dispatch,
            "departments": []
            if may_dispatch
            else selectors.dispatch_filter_departments(user=request.user),
            "areas": areas,
            "chosen": chosen,
            "may_ratify": permissions.may(request.user, "dispatch.ratify"),
            # A department's own list need not repeat its name on every row.
            "show_department": len(permissions.grants_for(request.user, "dispatch.view")) != 1
            or not permissions.may(request.user, "dispatch.create"),
        },
    )


@login_required
@require_GET
def dispatch_show(request: HttpRequest, pk: int) -> HttpResponse:
    """One dispatch and every community it reached, with their answers."""
    return render_dispatch(request, selectors.dispatch_get(user=request.user, pk=pk))


# The forms of the department's corrections (services.DISPATCH), ids per action.
CORRECTION_FORMS: dict[str, Any] = {"recall": RecallForm, "amend-due-date": AmendDueDateForm}


def correction_form(action: str, data=None):
    return CORRECTION_FORMS[action](data, auto_id=f"{action}-%s")


def render_dispatch(
    request: HttpRequest,
    dispatch: Dispatch,
    bound: tuple[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The dispatch page (also with a correction's form that came back with errors)."""
    assignments = pages.filtered(
        request, selectors.dispatch_assignments, user=request.user, dispatch=dispatch
    )
    state = request.GET.get("state", "")
    if state not in Assignment.State.values:
        state = ""
    counts = selectors.dispatch_refusal_counts([dispatch.pk]).get(dispatch.pk, {})
    reasons = selectors.dispatch_refusal_reasons([dispatch.pk]).get(dispatch.pk, {})
    # The corrections' state from the counts already read (no query of its own).
    dispatch.taken_up = bool(
        counts.get(Assignment.State.ACCEPTED) or counts.get(Assignment.State.COMPLETED)
    )
    ratify_actions = services.EMERGENCY_RATIFICATION.buttons(
        request.user,
        dispatch,
        url=lambda action: ratification_url(action, dispatch),
        form=lambda transition: RATIFICATION_FORMS[transition.action](),
        next=request.get_full_path(),
        options={"ratify": {"inline": True}},
    )
    correction_actions = services.DISPATCH.buttons(
        request.user,
        dispatch,
        url=lambda action: reverse("dispatch-correct", args=[dispatch.pk, action]),
        form=lambda transition: correction_form(transition.action),
        bound=bound,
        options={
            "recall": {
                "note": _(
                    "Possible while no community has accepted the task. Every community it "
                    "reached sees it as withdrawn."
                )
            },
            "amend-due-date": {
                "note": _(
                    "Only later than %(due)s, and leaving at least %(days)s working days from "
                    "today. Communities that have not finished get the new date."
                )
                % {
                    "due": dispatch.due_date.isoformat(),
                    "days": settings.PORTAL["DISPATCH_MIN_LEAD_WORKING_DAYS"],
                }
            },
        },
    )
    return render(
        request,
        "registry/dispatch/show.html",
        {
            "title": dispatch.title,
            "dispatch": dispatch,
            "page_obj": pages.paginate(request, assignments, 50),
            "state": state,
            "states": Assignment.State.choices,
            "counts": counts,
            "refusal_words": _reason_words(reasons),
            "ratify_actions": ratify_actions,
            "correction_actions": correction_actions,
            "days_waiting": days_waiting(dispatch, timezone.localdate()),
        },
        status=status,
    )


# --- The community inbox -----------------------------------------------------------------------


def _covers_several_communities(user) -> bool:
    grants = permissions.grants_for(user, "assignment.view_community")
    return not (len(grants) == 1 and grants[0].kind == Organisation.Kind.COMMUNITY)


def _leaf_scope(user) -> bool:
    grants = permissions.grants_for(user, "assignment.view_community")
    return all(g.kind != Organisation.Kind.AREA for g in grants)


def _cards(assignments, user, today: datetime.date) -> list[dict]:
    return [
        {
            "assignment": assignment,
            "time_left": time_left(assignment.due_date, today),
            # Still waiting for the community's answer: the due date counts down.
            "open": assignment.state in Assignment.OPEN_STATES,
        }
        for assignment in assignments
    ]


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """What reached the community: open first, emergencies first, nearest due date."""
    pages.require(request, "assignment.view_community")
    everything = selectors.inbox_list(user=request.user)
    # The tabs' counts for a community's inbox; over an area (a supervisor's province, a
    # reviewer's city: millions of tasks) none, rather than a count of every row.
    wide = not _leaf_scope(request.user)
    counts = {} if wide else selectors.assignment_state_counts(everything)
    # AssignmentFilter (the API's too): ?state=open|pending|accepted|...
    shown = pages.filtered(request, selectors.inbox_list, user=request.user)
    state = request.GET.get("state", "")
    if state != "open" and state not in Assignment.State.values:
        state = ""
    filters = [
        (
            value,
            label,
            None
            if wide
            else sum(counts.values())
            if value == ""
            else sum(counts.get(s, 0) for s in Assignment.OPEN_STATES)
            if value == "open"
            else counts.get(value, 0),
        )
        for value, label in INBOX_FILTERS
    ]
    # A tab's count is the list's when the tab is all that filters it: the paginator need
    # not count again (an unknown value shows everything, and the "all" tab's count).
    only_tab = set(request.GET) <= {"state", "page"} and len(request.GET.getlist("state")) <= 1
    known = next((n for value, _label, n in filters if value == state), None) if only_tab else None
    cards = selectors.inbox_cards(selectors.inbox_order(shown))
    page = pages.paginate(request, cards, PAGE_SIZE, count=known)
    return render(
        request,
        "registry/dispatch/inbox.html",
        {
            "title": _("Inbox"),
            "page_obj": page,
            "cards": _cards(page, request.user, timezone.localdate()),
            "state": state,
            "filters": filters,
            "show_community": _covers_several_communities(request.user),
            "tools": plugins.visible_links(request.user, plugins.section_links("inbox-tools")),
        },
    )


@login_required
@require_GET
def inbox_section(request: HttpRequest) -> HttpResponse:
    """The community workbench's inbox section (loaded by htmx): the open tasks on top."""
    pages.require(request, "assignment.view_community")
    opened = selectors.inbox_list(user=request.user).filter(state__in=Assignment.OPEN_STATES)
    shown = list(selectors.inbox_order(opened)[: INBOX_SECTION_SIZE + 1])
    # How many are open: the rows already read say it, unless there are more than shown.
    count = len(shown) if len(shown) <= INBOX_SECTION_SIZE else opened.count()
    return render(
        request,
        "registry/dispatch/_inbox_section.html",
        {
            "cards": _cards(shown[:INBOX_SECTION_SIZE], request.user, timezone.localdate()),
            "more": len(shown) > INBOX_SECTION_SIZE,
            "count": count,
            "show_community": _covers_several_communities(request.user),
        },
    )


# The forms of the inbox task's answers (ids per action: two of them have a note).
RESPOND_FORMS: dict[str, Any] = {"accept": None, "complete": CompleteForm, "refuse": RefuseForm}


def _respond_form(action: str, data=None):
    form_class = RESPOND_FORMS[action]
    return form_class(data, auto_id=f"{action}-%s") if form_class else None


def _render_task(
    request: HttpRequest,
    assignment: Assignment,
    bound: tuple[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "registry/dispatch/task.html",
        {
            "title": assignment.dispatch.title,
            "card": _cards([assignment], request.user, today)[0],
            "assignment": assignment,
            "dispatch": assignment.dispatch,
            "actions": services.ASSIGNMENT.buttons(
                request.user,
                assignment,
                url=lambda action: reverse("inbox-respond", args=[assignment.pk, action]),
                form=lambda transition: _respond_form(transition.action),
                bound=bound,
            ),
            "show_community": _covers_several_communities(request.user),
        },
        status=status,
    )


@login_required
@require_GET
def inbox_task(request: HttpRequest, pk: int) -> HttpResponse:
    """One task as the community sees it: instructions, materials, and the answers."""
    return _render_task(request, selectors.inbox_get(user=request.user, pk=pk))


@login_required
@require_POST
def inbox_respond(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Accept, complete (with an optional note on what was returned) or refuse (a reason)."""
    if action not in services.ASSIGNMENT_ACTIONS:
        raise NotFound()
    assignment = selectors.inbox_get(user=request.user, pk=pk, action="assignment.respond")
    form = _respond_form(action, request.POST)
    if form is not None and not form.is_valid():
        return _render_task(request, assignment, bound=(action, form))
    fields = dict(form.cleaned_data) if form is not None else {}
    try:
        services.assignment_respond(
            actor=request.user, assignment=assignment, action=action, **fields
        )
    except IllegalTransition as exc:
        messages.error(request, str(exc.message))
        return redirect("inbox-task", pk=assignment.pk)
    except DomainError as exc:
        if form is None:
            raise
        status = pages.show_error(request, exc, form)
        return _render_task(request, assignment, bound=(action, form), status=status)
    done = {
        "accept": _("You accepted “%(title)s”."),
        "complete": _("You marked “%(title)s” as completed."),
        "refuse": _("You refused “%(title)s”; the department has been told why."),
    }[action]
    messages.success(request, done % {"title": assignment.dispatch.title})
    return redirect(pages.safe_next(request, reverse("inbox")))
