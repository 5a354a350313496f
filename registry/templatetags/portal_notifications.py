"""``{% notifications_link %}``: the header link to the notifications, with an unread badge.

Put it in base.html's header tools for signed-in users: ``{% load portal_notifications %}``
then ``{% if user.is_authenticated %}{% notifications_link %}{% endif %}``.
The badge is fetched by htmx (``notifications-badge``) once the page has loaded, so the
tag itself runs no query and no page's query count changes.
"""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("registry/notifications/_link.html", takes_context=True)
def notifications_link(context: template.Context) -> dict:
    return {"request": context.get("request")}
