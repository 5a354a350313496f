"""Monitoring points (基层减负监测点): communities designated for a period, so that rotation
keeps its history. The liaisons are the community's memberships with the liaison role."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registry.models import Organisation, User


class MonitoringPoint(models.Model):
    community = models.ForeignKey(
        Organisation,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="monitoring_designations",
    )
    designated_from = models.DateField(_("designated from"))
    # Open-ended while the community remains a point.
    designated_until = models.DateField(_("designated until"), null=True, blank=True)
    designated_by = models.ForeignKey(
        User, verbose_name=_("designated by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("monitoring point")
        verbose_name_plural = _("monitoring points")
        ordering = ["community__path", "-designated_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(designated_until__isnull=True)
                | Q(designated_until__gte=models.F("designated_from")),
                name="monitoring_point_period_order",
            ),
        ]
        indexes = [models.Index(fields=["community", "designated_from"], name="point_community")]

    def __str__(self) -> str:
        return f"{self.community} ({self.designated_from}–{self.designated_until or ''})"

    def covers(self, day: datetime.date) -> bool:
        return self.designated_from <= day and (
            self.designated_until is None or day <= self.designated_until
        )

    def overlaps(self, start: datetime.date, end: datetime.date) -> bool:
        """Whether the designation covers any day of [start, end]."""
        return self.designated_from <= end and (
            self.designated_until is None or self.designated_until >= start
        )
