"""In-app notifications, addressed to an organisation (every member sees them), each
member reading them for themselves (``NotificationRead``: one row per person and
notification read, so the reviewer of 减负办 reading one does not mark it read for the
supervisor of 督查办 in the same city organisation)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models.organisations import Organisation, User


class Notification(models.Model):
    recipient = models.ForeignKey(
        Organisation,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=48)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Set in the transaction that sends the email, so a redelivered job sends nothing twice.
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "-created_at"], name="notification_inbox")]

    def __str__(self) -> str:
        return self.title


class NotificationRead(models.Model):
    """That one person has read one notification of their organisation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="reads")
    read_at = models.DateTimeField(_("read at"), auto_now_add=True)

    class Meta:
        verbose_name = _("notification read")
        verbose_name_plural = _("notifications read")
        constraints = [
            models.UniqueConstraint(fields=["user", "notification"], name="notification_read_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.notification}"
