"""Clues (线索), rectification notices (整改通知书) and their extensions, and the ledger
that makes the daily escalation job notify each step only once."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models import Organisation, User


class Clue(models.Model):
    class State(models.TextChoices):
        REPORTED = "reported", _("Reported")
        ANALYSED = "analysed", _("Analysed")
        VERIFIED = "verified", _("Verified on site")
        NOTICE_SENT = "notice_sent", _("Notice sent")
        RESPONDED = "responded", _("Responded")
        CLOSED = "closed", _("Closed")
        DISMISSED = "dismissed", _("Dismissed")

    OPEN_STATES = (
        State.REPORTED,
        State.ANALYSED,
        State.VERIFIED,
        State.NOTICE_SENT,
        State.RESPONDED,
    )

    class Urgency(models.IntegerChoices):
        """Where the board puts a clue, top first (then the oldest): its unanswered notice
        overdue red, or yellow; still open; done."""

        RED = 0, _("Overdue (red)")
        YELLOW = 1, _("Urged (yellow)")
        OPEN = 2, _("Open")
        DONE = 3, _("Closed or dismissed")

    department = models.ForeignKey(
        Organisation,
        verbose_name=_("department concerned"),
        on_delete=models.PROTECT,
        related_name="clues_against",
    )
    community = models.ForeignKey(
        Organisation,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="clues",
        null=True,
        blank=True,
    )
    summary = models.CharField(_("summary"), max_length=200)
    details = models.TextField(_("details"), blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.REPORTED
    )
    flag = models.ForeignKey(
        "monitoring.Flag", on_delete=models.PROTECT, null=True, blank=True, related_name="clues"
    )
    report_entry = models.ForeignKey(
        "monitoring.ReportEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="clues",
    )
    # The figures the clue was raised from (a report entry's hours and households, a flag's).
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    # Never shown to the department concerned (reporter protection).
    reported_by = models.ForeignKey(
        User, verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    analysis_note = models.TextField(_("analysis"), blank=True)
    visited_on = models.DateField(_("visited on"), null=True, blank=True)
    visited_by = models.ForeignKey(
        User,
        verbose_name=_("visited by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    findings = models.TextField(_("findings on site"), blank=True)
    checked_on = models.DateField(_("rectification checked on"), null=True, blank=True)
    # The board's sort key, stored so that its order is read from an index instead of two
    # EXISTS per clue and a sort of all of them. It depends on the clue's state and its
    # notices' state and escalation: every service changing one of them recomputes it in
    # its transaction (monitoring.services.clue_board). New clues are reported, so open;
    # the database default lets bulk loads leave it out.
    urgency = models.PositiveSmallIntegerField(
        _("urgency"),
        choices=Urgency.choices,
        default=Urgency.OPEN,
        db_default=Urgency.OPEN,
        editable=False,
    )

    class Meta:
        verbose_name = _("clue")
        verbose_name_plural = _("clues")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "department"], name="clue_state_department"),
            # The board's order (monitoring.selectors.board_order), so a page is read from
            # the index and the scan stops after it.
            models.Index(fields=["urgency", "created_at", "id"], name="clue_board_order"),
        ]

    def __str__(self) -> str:
        return self.summary

    @property
    def supervision_organisation(self) -> Organisation:
        """Whose supervisors handle it: the community's area when there is one (a district
        supervisor handles a city department's demand on a district community)."""
        return self.community or self.department


class ClueTransition(models.Model):
    """One step of a clue's history: who, when, from which state to which, and why."""

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(_("action"), max_length=32)
    from_state = models.CharField(_("from"), max_length=16, choices=Clue.State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=16, choices=Clue.State.choices)
    actor = models.ForeignKey(User, verbose_name=_("actor"), on_delete=models.PROTECT)
    at = models.DateTimeField(_("time"))
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("clue transition")
        verbose_name_plural = _("clue history")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_state} -> {self.to_state}"


class NoticeSequence(models.Model):
    """The last notice number used per jurisdiction and year; locked to allocate the next."""

    jurisdiction = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "year"], name="notice_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id}-{self.year}: {self.last_value}"


def _verification_code() -> str:
    return secrets.token_urlsafe(12)


class RectificationNotice(models.Model):
    class State(models.TextChoices):
        SENT = "sent", _("Awaiting the department's measures")
        RESPONDED = "responded", _("Measures received")
        CLOSED = "closed", _("Closed after a check")
        WITHDRAWN = "withdrawn", _("Replaced by a new notice")

    class Escalation(models.TextChoices):
        NONE = "none", _("On time")
        REMINDED = "reminded", _("Reminded")
        YELLOW = "yellow", _("Urged (yellow)")
        RED = "red", _("Overdue (red)")

    clue = models.ForeignKey(Clue, on_delete=models.PROTECT, related_name="notices")
    jurisdiction = models.ForeignKey(
        Organisation, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Organisation, verbose_name=_("department"), on_delete=models.PROTECT, related_name="notices"
    )
    number = models.CharField(_("notice number"), max_length=40, unique=True)
    findings = models.TextField(_("findings"))
    requirements = models.TextField(_("what must change"))
    due_working_days = models.PositiveSmallIntegerField(_("working days allowed"))
    sent_on = models.DateField(_("sent on"))
    due_date = models.DateField(_("due date"))
    sent_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.SENT)
    escalation = models.CharField(
        _("escalation"), max_length=16, choices=Escalation.choices, default=Escalation.NONE
    )
    measures = models.TextField(_("measures taken"), blank=True)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    responded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    verification_code = models.CharField(
        max_length=32, unique=True, default=_verification_code, editable=False
    )

    class Meta:
        verbose_name = _("rectification notice")
        verbose_name_plural = _("rectification notices")
        ordering = ["-sent_on", "-id"]
        indexes = [models.Index(fields=["state", "due_date"], name="notice_state_due")]

    def __str__(self) -> str:
        return self.number

    @property
    def pending_extension(self) -> NoticeExtension | None:
        for extension in self.extensions.all():
            if extension.state == NoticeExtension.State.REQUESTED:
                return extension
        return None


class NoticeExtension(models.Model):
    """A department's request for more time on a notice, and the supervisor's decision."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")

    notice = models.ForeignKey(
        RectificationNotice, on_delete=models.CASCADE, related_name="extensions"
    )
    reason = models.TextField(_("reason"))
    old_due_date = models.DateField(_("due date before"))
    new_due_date = models.DateField(_("new due date asked for"))
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.REQUESTED
    )
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("decision"), blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["notice"],
                condition=models.Q(state="requested"),
                name="notice_one_pending_extension",
            )
        ]

    def __str__(self) -> str:
        return f"{self.notice} → {self.new_due_date}"


class ReminderLog(models.Model):
    """Every reminder or escalation step the daily job has sent, by a stable key
    ("notice:12:yellow:2026-05-08"): a rerun finds the key and sends nothing."""

    key = models.CharField(max_length=200, unique=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")

    def __str__(self) -> str:
        return self.key
