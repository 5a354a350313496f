"""A list page's tabs and filter form keep the page's other filters.

A list is often reached already filtered: a drill-down from the dashboard opens
``/inbox/?area=…&received_from=…&received_until=…``. Clicking a state tab, or submitting the
filter form to change one field, must change only that and keep the rest, or the person is
silently shown another province's rows under the same heading. The page number always goes:
page 3 of one state is not page 3 of another.

- ``{% tab_query state=value %}``: the ``?…`` of a tab (an empty value removes the key);
- ``{% kept_filters form %}``: hidden inputs for a GET form, the filters it has no field for.

What counts as a filter is the exports' rule (``exports.filters_of``: everything but the page
number, the page size and the format switch), so a tab, the form and the Excel download of
a list always carry the same filters.
"""

from __future__ import annotations

from django import forms, template
from django.http import QueryDict
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from registry import exports

register = template.Library()


def _filters(context: template.Context) -> QueryDict:
    request = context.get("request")
    return exports.filters_of(request.GET) if request is not None else QueryDict(mutable=True)


@register.simple_tag(takes_context=True)
def tab_query(context: template.Context, **changes) -> str:
    """``?`` and the request's filters with ``changes`` applied (None or "" removes a key).
    Never empty: a bare ``?`` still leaves the current query behind (``href=""`` would
    keep it)."""
    query = _filters(context)
    for key, value in changes.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = str(value)
    return "?" + query.urlencode()


@register.simple_tag(takes_context=True)
def kept_filters(context: template.Context, form: forms.Form) -> SafeString:
    """``<input type="hidden">`` for each of the request's filters that ``form`` has no
    field for, so that submitting the form keeps them."""
    query = _filters(context)
    return format_html_join(
        "",
        '<input type="hidden" name="{}" value="{}">',
        ((key, value) for key in query if key not in form.fields for value in query.getlist(key)),
    )
