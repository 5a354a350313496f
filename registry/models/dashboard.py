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


class DashboardRollup(models.Model):
    """When the dashboard's monthly roll-ups were last rebuilt and up to which month they
    hold (one row per roll-up). A month up to ``through`` is read from the roll-up; later
    days are counted live from the rows (``registry.selectors.dashboard_rollups``)."""

    key = models.CharField(_("roll-up"), max_length=40, primary_key=True)
    refreshed_at = models.DateTimeField(_("refreshed at"), null=True, blank=True)
    # The first day of the last month held: the month before the refresh's, complete then.
    through = models.DateField(_("holds months up to"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    seconds = models.FloatField(_("seconds taken"), default=0)

    class Meta:
        verbose_name = _("dashboard roll-up")
        verbose_name_plural = _("dashboard roll-ups")

    def __str__(self) -> str:
        return f"{self.key} → {self.through}"


class CommunityMonth(models.Model):
    """One community's tasks received in one month (the assignments section's per
    community and per month figures): rebuilt from the assignments by
    ``services.dashboard.dashboard_rollups_refresh``; never written by anything else."""

    month = models.DateField(_("month"))
    community = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    tasks = models.PositiveIntegerField(default=0)
    hours = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    emergency = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    lead_working_days = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("community month")
        verbose_name_plural = _("community months")
        # Community first: a city's dashboard reads its 2,000 communities' rows by index.
        constraints = [
            models.UniqueConstraint(fields=["community", "month"], name="community_month_once")
        ]

    def __str__(self) -> str:
        return f"{self.community_id} {self.month:%Y-%m}"


class DepartmentMonth(models.Model):
    """One department's tasks into the communities of one parent area (a street, usually)
    in one month, with the refusals by reason (the refusals section): a department's
    communities number in the thousands, their parents in the tens."""

    month = models.DateField(_("month"))
    parent = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    department = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    tasks = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    refused_not_admitted = models.PositiveIntegerField(default=0)
    refused_outside_list = models.PositiveIntegerField(default=0)
    refused_unreasonable_deadline = models.PositiveIntegerField(default=0)
    refused_duplicate = models.PositiveIntegerField(default=0)
    refused_other = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("department month")
        verbose_name_plural = _("department months")
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "month", "department"], name="department_month_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.department_id} → {self.parent_id} {self.month:%Y-%m}"
