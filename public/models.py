"""The public portal's one table: complaints and suggestions (投诉建议) sent to the bureau
by visitors without an account, and the bureau's answers."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from registry import limits
from registry.models import Organisation, User


class Complaint(models.Model):
    """One message from the public. Its ``reference`` is what the sender keeps: random, so
    that nobody can read another's answer by counting; the contact data is for the bureau's
    eyes only and never shown on the public lookup."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")
        SUGGESTION = "suggestion", _("Suggestion")

    class State(models.TextChoices):
        RECEIVED = "received", pgettext_lazy("complaint", "Received")
        ANSWERED = "answered", pgettext_lazy("complaint", "Answered")
        CLOSED = "closed", pgettext_lazy("complaint", "Closed")

    reference = models.CharField(_("reference number"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # The area whose supervisors answer it: the bureau's own (the root) unless the sender
    # names a district.
    area = models.ForeignKey(
        Organisation,
        verbose_name=_("addressed to"),
        on_delete=models.PROTECT,
        related_name="complaints",
        limit_choices_to={"kind": Organisation.Kind.AREA},
    )
    subject = models.CharField(pgettext_lazy("complaint", "subject"), max_length=limits.SHORT_TEXT)
    text = models.TextField(_("message"), max_length=limits.NOTE_TEXT)
    contact = models.CharField(_("contact (optional)"), max_length=limits.SHORT_TEXT, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.RECEIVED
    )
    answer = models.TextField(_("answer"), max_length=limits.NOTE_TEXT, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        User,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("complaint or suggestion")
        verbose_name_plural = _("complaints and suggestions")
        indexes = [
            # The queue: unanswered first, newest first, within an area's subtree.
            models.Index(fields=["state", "-created_at"], name="complaint_queue"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state="received")
                | (models.Q(answered_at__isnull=False) & ~models.Q(answer="")),
                name="complaint_answered_has_answer",
            ),
        ]

    def __str__(self) -> str:
        return self.reference
