"""Pages of the reverse evaluation (反向评价): the rounds, opening one, a community's
phone-first form, the results beside the measured facts (Excel and A4 print), closing
early, and a supervisor's reasoned look at who wrote the comments.

Anonymity: no page renders a single answer; a department sees its own row once the round
has closed; comments come without community or author except on the one view a
supervisor asks for with a reason (audited)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from monitoring import services
from monitoring.excel import XLSX_CONTENT_TYPE, evaluation_workbook
from monitoring.forms import EvaluationAuthorsForm, EvaluationResponseForm, EvaluationRoundForm
from monitoring.models import DIMENSION_SCALE, Dimension, EvaluationRound
from monitoring.permissions import (
    EVALUATION_MANAGE,
    EVALUATION_RESPOND,
    EVALUATION_VIEW,
    EVALUATION_VIEW_DEPARTMENT,
)
from monitoring.selectors import evaluation as reads
from registry import pages, permissions
from registry.errors import DomainError, IllegalTransition
from registry.models import Organisation

PAGE_SIZE = 25
SECTION_SIZE = 5
ANY_ROLE = (EVALUATION_VIEW, EVALUATION_RESPOND, EVALUATION_VIEW_DEPARTMENT)
STATE_TONES = {EvaluationRound.State.OPEN: "info", EvaluationRound.State.CLOSED: "neutral"}


def _dimensions() -> list[dict]:
    return [
        {
            "code": code,
            "label": label,
            "one": DIMENSION_SCALE[code][0],
            "five": DIMENSION_SCALE[code][1],
        }
        for code, label in Dimension.choices
    ]


@login_required
@require_GET
def evaluation_index(request: HttpRequest) -> HttpResponse:
    """The rounds the user sees: supervisors open them, cadres answer, departments read."""
    pages.require(request, *ANY_ROLE)
    rounds = pages.filtered(request, reads.round_list, user=request.user)
    page = pages.paginate(request, rounds, PAGE_SIZE)
    today = timezone.localdate()
    return render(
        request,
        "monitoring/evaluation/index.html",
        {
            "title": _("Reverse evaluation"),
            "page_obj": page,
            "rows": [
                {
                    "round": r,
                    "tone": STATE_TONES.get(r.state, "neutral"),
                    "accepting": r.accepts_on(today),
                }
                for r in page
            ],
            "may_open": permissions.may(request.user, EVALUATION_MANAGE),
            "may_answer": permissions.may(request.user, EVALUATION_RESPOND),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_new(request: HttpRequest) -> HttpResponse:
    pages.require(request, EVALUATION_MANAGE)
    areas = (
        Organisation.objects.areas()
        .filter(is_active=True)
        .filter(permissions.scope_q(request.user, EVALUATION_MANAGE, ""))
        .order_by("path")
    )
    form = EvaluationRoundForm(request.POST or None, areas=areas)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            evaluation_round = services.evaluation_round_open(
                actor=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            status = pages.show_error(request, exc, form)
        else:
            messages.success(
                request, _("Round opened: %(title)s") % {"title": evaluation_round.title}
            )
            return redirect("evaluation-round", pk=evaluation_round.pk)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "monitoring/evaluation/new.html",
        {"title": _("Open an evaluation round"), "form": form},
        status=status,
    )


def _results_context(request, evaluation_round) -> dict:
    """What the round page shows this user: every row (the area's supervisors and
    reviewers), or the department's own rows once closed, or a note why not yet."""
    context: dict = {"results": [], "unranked": [], "results_note": ""}
    try:
        rows = reads.results_for(user=request.user, round=evaluation_round)
    except IllegalTransition as exc:
        context["results_note"] = str(exc.message)
        return context
    except DomainError:
        return context
    context["results"] = [r for r in rows if r.ranked]
    context["unranked"] = [r for r in rows if not r.ranked]
    return context


@login_required
@require_GET
def evaluation_round(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation_round = reads.round_get(user=request.user, pk=pk)
    area = evaluation_round.area
    oversees = permissions.may(request.user, EVALUATION_VIEW, area)
    if not oversees and not permissions.may(request.user, EVALUATION_VIEW_DEPARTMENT):
        # A community's cadre answers on the form; the results are not theirs to read.
        return redirect("evaluation-form", pk=evaluation_round.pk)
    context = _results_context(request, evaluation_round)
    manages = permissions.may(request.user, EVALUATION_MANAGE, area)
    context.update(
        {
            "title": evaluation_round.title,
            "round": evaluation_round,
            "tone": STATE_TONES.get(evaluation_round.state, "neutral"),
            "dimensions": _dimensions(),
            "minimum": reads.minimum_responses(),
            "oversees": oversees,
            "responses": evaluation_round.responses.count(),
            "communities": Organisation.objects.communities()
            .filter(path__startswith=area.path, is_active=True)
            .count(),
            "comments": reads.round_comments(evaluation_round) if manages else [],
            "authors_form": EvaluationAuthorsForm() if manages else None,
            "actions": services.ROUND.buttons(
                request.user,
                evaluation_round,
                url=lambda action: reverse("evaluation-action", args=[evaluation_round.pk, action]),
            ),
        }
    )
    return render(request, "monitoring/evaluation/round.html", context)


@login_required
@require_GET
def evaluation_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The rows the page shows, as a workbook: aggregates and facts, nothing else."""
    evaluation_round = reads.round_get(user=request.user, pk=pk)
    try:
        rows = reads.results_for(user=request.user, round=evaluation_round)
    except DomainError as exc:
        pages.show_error(request, exc)
        return redirect("evaluation-round", pk=evaluation_round.pk)
    content = evaluation_workbook(rows, title=evaluation_round.title)
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="evaluation-{evaluation_round.pk}.xlsx"'
    )
    return response


@login_required
@require_POST
def evaluation_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    evaluation_round = reads.round_get(user=request.user, pk=pk, action=EVALUATION_MANAGE)
    if action != "close":
        messages.error(request, _("Unknown action “%(action)s”.") % {"action": action})
        return redirect("evaluation-round", pk=evaluation_round.pk)
    try:
        services.evaluation_round_close(actor=request.user, round=evaluation_round)
    except DomainError as exc:
        pages.show_error(request, exc)
    else:
        messages.success(request, _("The round is closed; the departments see their results."))
    return redirect("evaluation-round", pk=evaluation_round.pk)


@login_required
@require_POST
def evaluation_authors(request: HttpRequest, pk: int) -> HttpResponse:
    """Who wrote each comment, for this one answer to a recorded reason."""
    evaluation_round = reads.round_get(user=request.user, pk=pk, action="evaluation.authors")
    form = EvaluationAuthorsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for seeing who wrote the comments."))
        return redirect("evaluation-round", pk=evaluation_round.pk)
    try:
        rows = services.evaluation_authors_reveal(
            actor=request.user, round=evaluation_round, reason=form.cleaned_data["reason"]
        )
    except DomainError as exc:
        pages.show_error(request, exc)
        return redirect("evaluation-round", pk=evaluation_round.pk)
    return render(
        request,
        "monitoring/evaluation/authors.html",
        {
            "title": _("Who wrote the comments"),
            "round": evaluation_round,
            "rows": rows,
            "reason": form.cleaned_data["reason"],
        },
    )


def _community_for(request, evaluation_round) -> Organisation | None:
    code = request.POST.get("community") or request.GET.get("community") or ""
    mine = reads.responding_communities(user=request.user, round=evaluation_round)
    if code:
        return mine.filter(code=code).first()
    return mine.first()


def _added(request, evaluation_round) -> list[Organisation]:
    codes = (request.POST.getlist("add") or request.GET.getlist("add"))[:50]
    if not codes:
        return []
    return list(reads.addable_departments(evaluation_round).filter(code__in=codes))


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_form(request: HttpRequest, pk: int) -> HttpResponse:
    """The community's answer, phone first: one card per department, four rows of 1-5."""
    pages.require(request, EVALUATION_RESPOND)
    evaluation_round = reads.round_get(user=request.user, pk=pk)
    community = _community_for(request, evaluation_round)
    if community is None:
        raise Http404(_("You answer for no community in this round's area."))
    added = _added(request, evaluation_round)
    rows = reads.form_departments(evaluation_round, community, added=added)
    dimensions = [(code, label) for code, label in Dimension.choices]
    form = EvaluationResponseForm(request.POST or None, rows=rows, dimensions=dimensions)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_response_submit(
                actor=request.user,
                round=evaluation_round,
                community=community,
                ratings=form.ratings(),
            )
        except DomainError as exc:
            status = pages.show_error(request, exc, form)
        else:
            messages.success(
                request,
                _(
                    "Thank you: the answer of %(community)s is saved. "
                    "You can change it until %(day)s."
                )
                % {"community": community.name, "day": evaluation_round.closes_on.isoformat()},
            )
            return redirect(f"{reverse('evaluation-form', args=[pk])}?community={community.code}")
    elif request.method == "POST":
        status = 400
    listed = {row["department"].pk for row in rows}
    return render(
        request,
        "monitoring/evaluation/form.html",
        {
            "title": evaluation_round.title,
            "round": evaluation_round,
            "community": community,
            "communities": list(
                reads.responding_communities(user=request.user, round=evaluation_round)[:50]
            ),
            "form": form,
            "groups": form.groups(),
            "dimensions": _dimensions(),
            "accepting": evaluation_round.accepts_on(timezone.localdate()),
            "not_yet": timezone.localdate() < evaluation_round.opens_on,
            "addable": [
                d for d in reads.addable_departments(evaluation_round) if d.pk not in listed
            ],
            "added": added,
        },
        status=status,
    )


@login_required
@require_GET
def evaluation_section(request: HttpRequest) -> HttpResponse:
    """A workbench section: the open rounds (and for departments, the closed ones)."""
    pages.require(request, *ANY_ROLE)
    rounds = reads.round_list(user=request.user)
    if permissions.may(request.user, EVALUATION_VIEW_DEPARTMENT) and not permissions.may_any(
        request.user, EVALUATION_VIEW, EVALUATION_RESPOND
    ):
        rounds = rounds.filter(state=EvaluationRound.State.CLOSED)
    else:
        rounds = rounds.filter(state=EvaluationRound.State.OPEN)
    today = timezone.localdate()
    return render(
        request,
        "monitoring/evaluation/_section.html",
        {
            "rows": [{"round": r, "accepting": r.accepts_on(today)} for r in rounds[:SECTION_SIZE]],
            "answers": permissions.may(request.user, EVALUATION_RESPOND),
        },
    )
