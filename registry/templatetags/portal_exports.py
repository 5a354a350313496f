"""``{% export_link "applications" %}``: the list's Excel download, with the filters the
page shows (its query string without the page number), for users who may download it."""

from __future__ import annotations

from django import template
from django.urls import reverse

from registry import exports, permissions

register = template.Library()


@register.inclusion_tag("registry/jobs/_export_link.html", takes_context=True)
def export_link(context: template.Context, name: str, query=None) -> dict:
    request = context.get("request")
    spec = exports.get(name)
    if request is None or spec is None or not permissions.may_any(request.user, *spec.actions):
        return {"href": ""}
    filters = exports.filters_of(request.GET if query is None else query)
    encoded = filters.urlencode()
    href = reverse("list-export", args=[name]) + (f"?{encoded}" if encoded else "")
    return {"href": href, "limit": exports.inline_limit()}
