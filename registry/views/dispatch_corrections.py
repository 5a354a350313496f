"""The department corrects a task it sent (services.dispatch_corrections): recall it, or
give it more time. Thin: the dispatch page shows the buttons, this answers their POSTs."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registry import pages, selectors, services
from registry.errors import DomainError, IllegalTransition, NotFound
from registry.views.dispatch import correction_form, render_dispatch


@login_required
@require_POST
def dispatch_correct(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """撤回 (recall, after the page's confirmation) or a later due date."""
    if action not in services.DISPATCH_ACTIONS:
        raise NotFound()
    dispatch = selectors.dispatch_get(user=request.user, pk=pk, action="dispatch.create")
    form = correction_form(action, request.POST)
    if not form.is_valid():
        return render_dispatch(request, dispatch, bound=(action, form), status=400)
    try:
        if action == "recall":
            services.dispatch_recall(
                actor=request.user, dispatch=dispatch, reason=form.cleaned_data["reason"]
            )
        else:
            services.dispatch_amend_due_date(
                actor=request.user, dispatch=dispatch, **form.cleaned_data
            )
    except IllegalTransition as exc:
        messages.error(request, str(exc.message))
        return redirect("dispatch-show", pk=dispatch.pk)
    except DomainError as exc:
        status = pages.show_error(request, exc, form)
        return render_dispatch(request, dispatch, bound=(action, form), status=status)
    if action == "recall":
        done = _("“%(title)s” is recalled; every community it reached has been told.")
    else:
        done = _("“%(title)s” is now due %(due)s; the communities have been told.")
    messages.success(
        request,
        done % {"title": dispatch.title, "due": form.cleaned_data.get("due_date", "")},
    )
    return redirect("dispatch-show", pk=dispatch.pk)
