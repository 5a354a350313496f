"""The reverse evaluation (反向评价): rounds over an area and period, each community's one
response, and its ratings of departments on the four dimensions.

Anonymity lives in the reads (monitoring/selectors/evaluation.py): a response's author and
community are stored so that a community can edit its own answer and a supervisor with a
recorded reason can see who wrote a comment, and are shown nowhere else."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from registry.models import Organisation, User


class Dimension(models.TextChoices):
    """The four dimensions of the brief, in the contract's codes."""

    MEETINGS_DOCUMENTS = "meetings_documents", _("Meetings and documents")
    INSPECTIONS = "inspections", _("Inspections, checks and assessments")
    LEDGERS_MATERIALS = "ledgers_materials", _("Ledgers and materials")
    WHISTLE_RESPONSE = "whistle_response", _("Response when called")


# What a 1 and a 5 mean on each dimension, shown beside the scores on the form.
DIMENSION_SCALE = {
    Dimension.MEETINGS_DOCUMENTS: (
        _("Many meetings and documents, asked of the community at short notice"),
        _("Few meetings and documents, merged or sent only when needed"),
    ),
    Dimension.INSPECTIONS: (
        _("Frequent inspections, checks and assessments, overlapping each other"),
        _("Rare inspections, combined with others, results shared"),
    ),
    Dimension.LEDGERS_MATERIALS: (
        _("Many ledgers, forms and photos, the same data asked again"),
        _("Few ledgers, data taken from the platform instead of asked again"),
    ),
    Dimension.WHISTLE_RESPONSE: (
        _("Does not come when the community calls (吹哨) for help"),
        _("Comes quickly when called and solves the problem"),
    ),
}


class EvaluationRound(models.Model):
    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("evaluation round", "Open")
        CLOSED = "closed", pgettext_lazy("evaluation round", "Closed")

    area = models.ForeignKey(
        Organisation,
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        related_name="evaluation_rounds",
    )
    title = models.CharField(_("title"), max_length=200)
    # The period whose dispatches are rated and whose facts are shown beside the scores.
    period_from = models.DateField(_("period from"))
    period_until = models.DateField(_("period until"))
    # Communities answer from opens_on through closes_on.
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.OPEN)
    created_by = models.ForeignKey(
        User, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")
        ordering = ["-period_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_from__lte=models.F("period_until")),
                name="evaluation_round_period",
            ),
            models.CheckConstraint(
                condition=models.Q(opens_on__lte=models.F("closes_on")),
                name="evaluation_round_window",
            ),
        ]
        indexes = [models.Index(fields=["state", "closes_on"], name="evaluation_round_state")]

    def __str__(self) -> str:
        return self.title

    def accepts_on(self, day) -> bool:
        return self.state == self.State.OPEN and self.opens_on <= day <= self.closes_on


class EvaluationResponse(models.Model):
    """One community's answer in a round; a later submission replaces it whole."""

    round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE, related_name="responses")
    community = models.ForeignKey(
        Organisation, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    # Never shown except to a supervisor who records a reason (and in the audit log).
    submitted_by = models.ForeignKey(
        User, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("evaluation response")
        verbose_name_plural = _("evaluation responses")
        constraints = [
            models.UniqueConstraint(fields=["round", "community"], name="evaluation_one_response")
        ]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.community_id}"


class EvaluationRating(models.Model):
    """One score of one department on one dimension. ``round`` is copied from the response
    so the results are one aggregate over one table."""

    response = models.ForeignKey(
        EvaluationResponse, on_delete=models.CASCADE, related_name="ratings"
    )
    round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(
        Organisation, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    dimension = models.CharField(_("dimension"), max_length=24, choices=Dimension.choices)
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("evaluation rating")
        verbose_name_plural = _("evaluation ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "department", "dimension"], name="evaluation_one_rating"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="evaluation_score_range"
            ),
        ]
        indexes = [
            models.Index(fields=["round", "department"], name="evaluation_rating_round"),
        ]

    def __str__(self) -> str:
        return f"{self.department_id} {self.dimension}={self.score}"
