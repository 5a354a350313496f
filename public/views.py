"""Pages of the public portal: the front page a visitor gets at ``/`` (registered with the
hub as its front page), the complaint form and its lookup (no account), and the
supervisors' and administrators' queue of complaints and suggestions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from public import selectors, services
from public.forms import AnswerForm, ComplaintForm, LookupForm
from public.models import Complaint
from public.permissions import COMPLAINT_HANDLE
from public.throttling import ComplaintLookupThrottle, ComplaintThrottle, wait_minutes
from registry import pages
from registry.errors import DomainError


def front_page(request: HttpRequest) -> HttpResponse:
    """``/`` for a visitor: the figures, the published lists, the certificate lookup, the
    admission-number check, the complaint form, and a way to sign in."""
    return render(
        request,
        "public/front.html",
        {"figures": selectors.public_figures(), "lookup_form": LookupForm()},
    )


def _throttled(request: HttpRequest, throttle, template: str, context: dict) -> HttpResponse:
    context = {
        **context,
        "throttled": _("Too many attempts from your address. Try again in %(minutes)s minutes.")
        % {"minutes": wait_minutes(throttle)},
    }
    return render(request, template, context, status=429)


def complaint_new(request: HttpRequest) -> HttpResponse:
    """The form (投诉建议); sending it answers with the reference number to keep."""
    title = _("Complaints and suggestions")
    if request.method != "POST":
        return render(
            request, "public/complaint_form.html", {"title": title, "form": ComplaintForm()}
        )
    form = ComplaintForm(request.POST)
    throttle = ComplaintThrottle()
    if not throttle.allow_request(request, None):
        return _throttled(
            request, throttle, "public/complaint_form.html", {"title": title, "form": form}
        )
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            complaint = services.complaint_submit(
                kind=data["kind"],
                subject=data["subject"],
                text=data["text"],
                contact=data["contact"],
                area=data["area"],
            )
        except DomainError as exc:
            status = pages.show_error(request, exc, form)
        else:
            # Shown on the answer to the POST itself, not put in a URL: the number is the
            # sender's key to the answer and has no business in logs or a referrer.
            return render(
                request,
                "public/complaint_sent.html",
                {"title": _("Sent"), "complaint": complaint},
            )
    return render(
        request, "public/complaint_form.html", {"title": title, "form": form}, status=status
    )


def complaint_lookup(request: HttpRequest) -> HttpResponse:
    """The sender types their reference number and reads the state and the answer."""
    context: dict = {"title": _("Look up a complaint or suggestion")}
    if "number" not in request.GET:
        return render(request, "public/complaint_lookup.html", {**context, "form": LookupForm()})
    form = LookupForm(request.GET)
    context["form"] = form
    throttle = ComplaintLookupThrottle()
    if not throttle.allow_request(request, None):
        return _throttled(request, throttle, "public/complaint_lookup.html", context)
    if not form.is_valid():
        return render(request, "public/complaint_lookup.html", context, status=400)
    complaint = selectors.complaint_lookup(reference=form.cleaned_data["number"])
    context.update(searched=True, complaint=complaint)
    return render(request, "public/complaint_lookup.html", context)


# --- The queue (supervisors of the area, the administrator) ---------------------------------


@login_required
def complaint_queue(request: HttpRequest) -> HttpResponse:
    pages.require(request, COMPLAINT_HANDLE)
    complaints = selectors.complaint_list(user=request.user)
    state = request.GET.get("state", "")
    if state in Complaint.State.values:
        complaints = complaints.filter(state=state)
    else:
        state = ""
    return render(
        request,
        "public/complaint_queue.html",
        {
            "title": _("Complaints and suggestions"),
            "page_obj": pages.paginate(request, complaints),
            "state": state,
            "states": Complaint.State.choices,
        },
    )


@login_required
def complaint_section(request: HttpRequest) -> HttpResponse:
    """The workbench section (loaded by htmx): how many wait, and the newest of them."""
    pages.require(request, COMPLAINT_HANDLE)
    waiting = selectors.complaint_list(user=request.user).filter(state=Complaint.State.RECEIVED)
    return render(
        request,
        "public/_section.html",
        {
            "counts": selectors.complaint_counts(user=request.user),
            "latest": list(waiting[:5]),
        },
    )


def _page(request: HttpRequest, complaint: Complaint, bound=None, status: int = 200):
    actions = services.COMPLAINT.buttons(
        request.user,
        complaint,
        url=lambda action: reverse("complaint-action", args=[complaint.pk, action]),
        form=lambda transition: AnswerForm() if transition.action == "answer" else None,
        bound=bound,
        options={"answer": {"open": True}},
    )
    return render(
        request,
        "public/complaint_page.html",
        {"title": complaint.subject, "complaint": complaint, "actions": actions},
        status=status,
    )


@login_required
def complaint_page(request: HttpRequest, pk: int) -> HttpResponse:
    pages.require(request, COMPLAINT_HANDLE)
    return _page(request, selectors.complaint_get(user=request.user, pk=pk))


@login_required
@require_POST
def complaint_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    pages.require(request, COMPLAINT_HANDLE)
    complaint = selectors.complaint_get(user=request.user, pk=pk, action=COMPLAINT_HANDLE)
    form = AnswerForm(request.POST) if action == "answer" else None
    if form is not None and not form.is_valid():
        return _page(request, complaint, bound=(action, form), status=400)
    try:
        services.complaint_change(
            actor=request.user,
            complaint=complaint,
            action=action,
            answer=form.cleaned_data["answer"] if form is not None else "",
        )
    except DomainError as exc:
        status = pages.show_error(request, exc, form)
        fresh = selectors.complaint_get(user=request.user, pk=pk)
        return _page(request, fresh, bound=(action, form) if form else None, status=status)
    messages.success(
        request,
        _("The answer is sent: the sender reads it with their reference number.")
        if action == "answer"
        else _("The message is closed."),
    )
    return redirect("complaint-page", pk=pk)
