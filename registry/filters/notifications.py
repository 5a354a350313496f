"""Filters of the notifications list (the page's "Unread" tab)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from registry.filters.base import BooleanQueryFilter
from registry.models import Notification


class NotificationFilter(django_filters.FilterSet):
    unread = BooleanQueryFilter(method="filter_unread")

    class Meta:
        model = Notification
        fields = ["unread"]

    def filter_unread(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        # ``is_read``: the list selector's annotation (the asking user's own reads).
        return queryset.filter(is_read=not value)
