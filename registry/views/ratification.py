"""Pages of emergency ratification (追认): the admission office's queue, oldest first, and
the two decisions (ratify, or 不予追认 with an opinion). The dispatch page shows the same
buttons (``registry.views.dispatch.render_dispatch``) through ``ratification_url`` and
``RATIFICATION_FORMS``."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from registry import pages, selectors, services
from registry.errors import IllegalTransition, InvalidInput
from registry.forms.dispatch import RatifyForm, RefuseRatificationForm
from registry.models import Dispatch

PAGE_SIZE = 20


def days_waiting(dispatch: Dispatch, today: datetime.date) -> int:
    return (today - timezone.localtime(dispatch.created_at).date()).days


RATIFICATION_FORMS = {"ratify": RatifyForm, "refuse-ratification": RefuseRatificationForm}
RATIFICATION_PAGES = {
    "ratify": "dispatch-ratify-page",
    "refuse-ratification": "dispatch-refuse-ratification-page",
}


def ratification_url(action: str, dispatch: Dispatch) -> str:
    return reverse(RATIFICATION_PAGES[action], args=[dispatch.pk])


def _ratify_buttons(user, dispatch: Dispatch) -> list:
    """A queue row's ratify form, inline and small, and the refusal behind a disclosure
    (ids per row: many forms on one page)."""
    return services.EMERGENCY_RATIFICATION.buttons(
        user,
        dispatch,
        url=lambda action: ratification_url(action, dispatch),
        form=lambda transition: RATIFICATION_FORMS[transition.action](
            auto_id=f"{transition.action}-{dispatch.pk}-%s"
        ),
        options={
            "ratify": {"inline": True, "dom_id": f"ratify-{dispatch.pk}"},
            "refuse-ratification": {"dom_id": f"refuse-ratification-{dispatch.pk}"},
        },
        compact=True,
    )


@login_required
@require_GET
def ratification_queue(request: HttpRequest) -> HttpResponse:
    """Emergency tasks waiting for the admission office's ratification, oldest first."""
    pages.require(request, "dispatch.ratify")
    page = pages.paginate(request, selectors.ratification_queue(user=request.user), PAGE_SIZE)
    today = timezone.localdate()
    limit = settings.PORTAL["EMERGENCY_RATIFY_DAYS"]
    for dispatch in page:
        dispatch.days_waiting = days_waiting(dispatch, today)
        dispatch.late = dispatch.days_waiting > limit
        dispatch.actions = _ratify_buttons(request.user, dispatch)
    return render(
        request,
        "registry/dispatch/ratification.html",
        {
            "title": _("Emergency tasks awaiting ratification"),
            "page_obj": page,
            "limit": limit,
        },
    )


def _decide(request: HttpRequest, pk: int, form_class, decide, done: str) -> HttpResponse:
    """A reviewer's decision on an emergency task (追认 or 不予追认) from the queue or the
    task's page: the form's note to ``decide(dispatch, note)``, then back where they were."""
    dispatch = selectors.dispatch_get(user=request.user, pk=pk, action="dispatch.ratify")
    back = pages.safe_next(request, reverse("dispatch-ratification"))
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, _("The note is too long."))
        return redirect(back)
    try:
        decide(dispatch, form.cleaned_data["note"])
    except (IllegalTransition, InvalidInput) as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, done % {"title": dispatch.title})
    return redirect(back)


@login_required
@require_POST
def dispatch_ratify(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(
        request,
        pk,
        RatifyForm,
        lambda dispatch, note: services.dispatch_ratify(
            actor=request.user, dispatch=dispatch, note=note
        ),
        _("The emergency task “%(title)s” is ratified."),
    )


@login_required
@require_POST
def dispatch_refuse_ratification(request: HttpRequest, pk: int) -> HttpResponse:
    """不予追认, with the reviewer's required opinion."""
    return _decide(
        request,
        pk,
        RefuseRatificationForm,
        lambda dispatch, note: services.dispatch_refuse_ratification(
            actor=request.user, dispatch=dispatch, reason=note
        ),
        _("The emergency task “%(title)s” is not ratified; the department has been told."),
    )
