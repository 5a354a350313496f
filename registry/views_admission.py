"""Pages of the admission workflow and the published lists."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from registry import selectors


@login_required
def work_item_detail(request: HttpRequest, admission_number: str) -> HttpResponse:
    item = selectors.work_item_get(user=request.user, admission_number=admission_number)
    return render(request, "registry/work_item_detail.html", {"item": item})


def verify(request: HttpRequest) -> HttpResponse:
    """Public: anyone types an admission number and sees whether it is valid."""
    number = request.GET.get("number", "").strip()[:40]
    result = selectors.work_item_verify(number=number) if number else None
    return render(request, "registry/verify.html", {"number": number, "result": result})
