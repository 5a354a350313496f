"""Plaques (牌匾): every sign on a committee's building, the standard they are held to, and
their removal. "一个牌子就意味着一项工作任务": a sign is tied to the work item behind it."""

from __future__ import annotations

import datetime

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models import Organisation, User, WorkItem


class Kind(models.TextChoices):
    ORGANISATION = "organisation", _("Organisation sign")
    FUNCTION_ROOM = "function_room", _("Function room sign")
    RULES = "rules", _("Rules board")
    PUBLICITY = "publicity", _("Publicity board")
    OTHER = "other", _("Other sign")


class Placement(models.TextChoices):
    EXTERIOR = "exterior", _("Exterior")
    INTERIOR = "interior", _("Interior")


class Why(models.TextChoices):
    """Why a sign is beyond the standard (stored with the sign, so lists filter on it)."""

    NOT_BACKED = "not_backed", _("Not a named sign and no active work item backs it")
    KIND_NOT_ALLOWED = "kind_not_allowed", _("This kind of sign is not allowed on walls")
    OVER_COUNT = "over_count", _("More signs than the standard allows")


class PlaqueStandard(models.Model):
    """What an area allows on its communities' walls from ``effective_from``.

    The standard that applies to a community on a day is the one of its nearest area that
    has one in effect; a district's may only tighten its city's (services check it)."""

    area = models.ForeignKey(
        Organisation,
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        related_name="plaque_standards",
        limit_choices_to={"kind": Organisation.Kind.AREA},
    )
    # A sign is a named one when its text contains one of these (“居民委员会” matches
    # “朝阳社区居民委员会”), so one standard serves every community of the area.
    named_signs = models.JSONField(_("named signs"), default=list, blank=True)
    max_exterior = models.PositiveIntegerField(
        _("most exterior signs"), validators=[MinValueValidator(0)]
    )
    max_interior = models.PositiveIntegerField(
        _("most interior signs"), validators=[MinValueValidator(0)]
    )
    kinds_not_allowed = models.JSONField(_("kinds not allowed on walls"), default=list, blank=True)
    effective_from = models.DateField(_("effective from"))
    created_by = models.ForeignKey(
        User, verbose_name=_("set by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("set at"), auto_now_add=True)

    class Meta:
        verbose_name = _("plaque standard")
        verbose_name_plural = _("plaque standards")
        ordering = ["area__path", "-effective_from", "-id"]
        indexes = [models.Index(fields=["area", "effective_from"], name="plaque_standard_area")]

    def __str__(self) -> str:
        return f"{self.area} · {self.effective_from:%Y-%m-%d}"

    def names(self, text: str) -> bool:
        """Is a sign with ``text`` one of the named signs every community keeps?"""
        compact = "".join(text.split())
        return any("".join(name.split()) in compact for name in self.named_signs if name.strip())


class Plaque(models.Model):
    """One sign of one community, up or (kept as history) removed."""

    class Status(models.TextChoices):
        UP = "up", _("Up")
        REMOVED = "removed", _("Removed")

    community = models.ForeignKey(
        Organisation,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="plaques",
        limit_choices_to={"kind": Organisation.Kind.COMMUNITY},
    )
    text = models.CharField(_("text on the sign"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    placement = models.CharField(_("placement"), max_length=16, choices=Placement.choices)
    issuer = models.ForeignKey(
        Organisation,
        verbose_name=_("department that asked for it"),
        on_delete=models.PROTECT,
        related_name="plaques_issued",
        null=True,
        blank=True,
        limit_choices_to={"kind": Organisation.Kind.DEPARTMENT},
    )
    location = models.CharField(_("where it hangs"), max_length=200, blank=True)
    installed_on = models.DateField(_("up since"))
    work_item = models.ForeignKey(
        WorkItem,
        verbose_name=_("work item that backs it"),
        on_delete=models.PROTECT,
        related_name="plaques",
        null=True,
        blank=True,
    )
    photo = models.FileField(_("photo"), upload_to="plaques/", blank=True)
    thumbnail = models.FileField(_("thumbnail"), upload_to="plaques/", blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default="up")
    # The assessment against the standard, kept current by services.plaques_assess: stored
    # so that lists filter on it and the excess flag is one aggregate query. A removed sign
    # keeps the assessment it had while up (the history of a clean-up campaign).
    within_standard = models.BooleanField(_("within the standard"), default=True)
    why = models.CharField(_("why beyond the standard"), max_length=20, blank=True)
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    removal_reason = models.TextField(_("reason for removal"), blank=True)
    removal_photo = models.FileField(_("photo of the bare wall"), upload_to="plaques/", blank=True)
    removal_thumbnail = models.FileField(_("thumbnail"), upload_to="plaques/", blank=True)
    removed_by = models.ForeignKey(
        User,
        verbose_name=_("removed by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_by = models.ForeignKey(
        User, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("plaque")
        verbose_name_plural = _("plaques")
        ordering = ["community__path", "status", "placement", "installed_on", "id"]
        indexes = [
            models.Index(fields=["community", "status"], name="plaque_community_status"),
            models.Index(fields=["status", "within_standard"], name="plaque_excess"),
            models.Index(fields=["work_item"], name="plaque_work_item"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="up", removed_on__isnull=True)
                | models.Q(status="removed", removed_on__isnull=False),
                name="plaque_removed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    def is_up_on(self, day: datetime.date) -> bool:
        return self.installed_on <= day and (self.removed_on is None or self.removed_on > day)

    @property
    def why_label(self) -> str:
        return Why(self.why).label if self.why in Why.values else ""
