"""The bureau's own baseline period of the supervisors' dashboard, one per area."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models.organisations import Organisation, User


class DashboardBaseline(models.Model):
    """The period an area compares itself against, as its supervisors saved it (e.g. the
    year before the 准入 rules). An area without one is compared with the same period of
    the year before; an area under one that has one uses the nearest area's."""

    area = models.OneToOneField(
        Organisation,
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        related_name="dashboard_baseline",
    )
    name = models.CharField(_("name"), max_length=200)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))
    saved_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    saved_at = models.DateTimeField(_("saved at"), auto_now=True)

    class Meta:
        verbose_name = _("dashboard baseline")
        verbose_name_plural = _("dashboard baselines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__lte=models.F("end")), name="baseline_start_before_end"
            )
        ]

    def __str__(self) -> str:
        return f"{self.area} · {self.name}"
