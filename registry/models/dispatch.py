"""Dispatches of tasks to communities, and the assignments in each community's inbox."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Case, F, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _

from registry.models.admission import WorkItem
from registry.models.organisations import Organisation, User


class Dispatch(models.Model):
    """One task a department sends, under an admitted work item or as an emergency."""

    department = models.ForeignKey(
        Organisation,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="dispatches",
    )
    work_item = models.ForeignKey(
        WorkItem,
        verbose_name=_("work item"),
        on_delete=models.PROTECT,
        related_name="dispatches",
        null=True,
        blank=True,
    )
    created_by = models.ForeignKey(
        User, verbose_name=_("dispatched by"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(_("instructions"), blank=True)
    materials = models.TextField(_("materials to return"), blank=True)
    due_date = models.DateField(_("due date"))
    hours_per_community = models.DecimalField(
        _("hours per community"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    households_per_community = models.PositiveIntegerField(
        _("households to visit per community"), default=0
    )
    lead_working_days = models.PositiveIntegerField(
        _("working days allowed"), help_text=_("From dispatch to the due date.")
    )
    emergency = models.BooleanField(_("emergency task"), default=False)
    justification = models.TextField(_("justification for the emergency"), blank=True)
    ratified_at = models.DateTimeField(_("ratified at"), null=True, blank=True)
    ratified_by = models.ForeignKey(
        User,
        verbose_name=_("ratified by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    ratification_note = models.TextField(_("ratification note"), blank=True)
    # 不予追认: the reviewer's refusal keeps the task marked (never ratified) and says why in
    # ratification_note; a task is decided once, either way.
    ratification_refused_at = models.DateTimeField(
        _("ratification refused at"), null=True, blank=True
    )
    ratification_refused_by = models.ForeignKey(
        User,
        verbose_name=_("ratification refused by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    # A recall (撤回) withdraws every assignment while no community has taken the task up.
    recalled_at = models.DateTimeField(_("recalled at"), null=True, blank=True)
    recalled_by = models.ForeignKey(
        User,
        verbose_name=_("recalled by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    recall_reason = models.TextField(_("reason for the recall"), blank=True)
    community_count = models.PositiveIntegerField(_("communities"), default=0)
    created_at = models.DateTimeField(_("dispatched at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["department", "-created_at"], name="dispatch_department"),
            models.Index(
                fields=["created_at"],
                condition=models.Q(emergency=True, ratified_at__isnull=True),
                name="dispatch_unratified",
            ),
        ]

    def __str__(self) -> str:
        return self.title


def open_first() -> Case:
    """0 for an open task (pending or accepted), 1 for a closed one: the inbox's first sort
    key (selectors.inbox_order), and the second column of the indexes that serve it."""
    return Case(
        When(state__in=["pending", "accepted"], then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )


# The inbox order after the organisation: open first, emergencies first, nearest due date,
# newest. An index in this order lets one community's or department's first page be read
# without sorting all of its rows (a busy department has ~70,000; docs/performance.md).
INBOX_ORDER_INDEXED = (F("emergency").desc(), "due_date", F("created_at").desc(), F("id").desc())


class Assignment(models.Model):
    """A dispatch as it reached one community: the row in that community's inbox.

    Department, item, due date, hours and the emergency mark are copied from the dispatch
    so the inbox, the department's list and the flag aggregates read one table.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        COMPLETED = "completed", _("Completed")
        REFUSED = "refused", _("Refused")
        # The department recalled the dispatch before any community took it up.
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class RefusalReason(models.TextChoices):
        NOT_ADMITTED = "not_admitted", _("Not admitted")
        OUTSIDE_LIST = "outside_list", _("Outside the lists")
        UNREASONABLE_DEADLINE = "unreasonable_deadline", _("Unreasonable deadline")
        DUPLICATE = "duplicate", _("Duplicates data already reported")
        OTHER = "other", _("Other")

    OPEN_STATES = (State.PENDING, State.ACCEPTED)

    # No single-column index on the foreign keys: each leads a composite index already
    # (assignment_once, assignment_inbox_order, assignment_dept_order,
    # assignment_frequency), and every index is one more write per row of a fan-out
    # (a province-wide dispatch inserts 20,000; docs/performance.md).
    dispatch = models.ForeignKey(
        Dispatch, on_delete=models.CASCADE, related_name="assignments", db_index=False
    )
    community = models.ForeignKey(
        Organisation,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="assignments",
        db_index=False,
    )
    department = models.ForeignKey(
        Organisation,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    work_item = models.ForeignKey(
        WorkItem,
        verbose_name=_("work item"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        db_index=False,
    )
    emergency = models.BooleanField(_("emergency task"), default=False)
    due_date = models.DateField(_("due date"))
    hours = models.DecimalField(_("hours"), max_digits=7, decimal_places=2)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PENDING
    )
    refusal_reason = models.CharField(
        _("refusal reason"), max_length=32, choices=RefusalReason.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    responded_by = models.ForeignKey(
        User,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        db_index=False,
    )
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["due_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["dispatch", "community"], name="assignment_once"),
        ]
        indexes = [
            # The inbox: one community's rows by state and due date.
            models.Index(fields=["community", "state", "due_date"], name="assignment_inbox"),
            # The department's list and its monthly refusal rate.
            models.Index(fields=["department", "created_at"], name="assignment_department"),
            # The frequency rule: earlier assignments of an item to a community.
            models.Index(
                fields=["work_item", "community", "created_at"], name="assignment_frequency"
            ),
            # Overload: open assignments by due date, across communities.
            models.Index(fields=["state", "due_date"], name="assignment_open_due"),
            # The first page of a community's inbox and of a department's list, in order.
            models.Index(
                "community", open_first(), *INBOX_ORDER_INDEXED, name="assignment_inbox_order"
            ),
            models.Index(
                "department", open_first(), *INBOX_ORDER_INDEXED, name="assignment_dept_order"
            ),
            # The same order over every assignment: an area's list (a supervisor's province,
            # a reviewer's city) reads its first page in order, keeping the rows whose
            # community lies in the area, instead of sorting millions (docs/performance.md).
            models.Index(open_first(), *INBOX_ORDER_INDEXED, name="assignment_area_order"),
        ]

    def __str__(self) -> str:
        return f"{self.dispatch} → {self.community}"


class InboxVersion(models.Model):
    """A counter per organisation (a community's inbox, a department's list), bumped in the
    transaction of every change to the assignments it lists (``registry.inbox_cache``).

    The first pages kept in the cache are keyed by it: a reader that sees the committed
    change also sees the new version, so it can never be served a page from before."""

    organisation = models.OneToOneField(
        Organisation, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    # From a sequence (never reused, even by a rolled-back transaction), not +1.
    version = models.BigIntegerField()

    class Meta:
        verbose_name = _("inbox version")
        verbose_name_plural = _("inbox versions")

    def __str__(self) -> str:
        return f"{self.organisation_id}@{self.version}"


class FigureVersion(models.Model):
    """A counter per named set of rows ("clues", "plaques:<area id>", "tree"), bumped in
    the transaction of every change to those rows (``registry.figure_cache``): counts and
    totals kept in the cache are keyed by the versions of what they read, so a reader that
    sees a committed change also sees its new version and is never served a figure from
    before it. A key with no row yet reads as version 0."""

    key = models.CharField(max_length=64, primary_key=True)
    # From a sequence (never reused, even by a rolled-back transaction), not +1.
    version = models.BigIntegerField()

    class Meta:
        verbose_name = _("figure version")
        verbose_name_plural = _("figure versions")

    def __str__(self) -> str:
        return f"{self.key}@{self.version}"
