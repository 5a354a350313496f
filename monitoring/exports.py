"""Monitoring's lists as Excel downloads (registry/exports.py): off-platform reports,
flags and clues, each filtered as its page and its API list are. Who reported a demand or
a clue is never in a file: reporters are protected (a department reads its clues without
``reported_by``, and so does everyone's download)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from monitoring import selectors
from monitoring.models import Clue, Flag, OffPlatformReport
from registry import exports
from registry.excel import Column

REPORT_COLUMNS = [
    Column("id", _("Number"), 8),
    Column("title", _("What was demanded"), 36),
    Column("community", _("Community"), 16),
    Column("department", _("Department"), 18),
    Column("channel", _("Channel"), 10),
    Column("received_on", _("Received on"), 12),
    Column("due_date", _("Due date"), 12),
    Column("hours", _("Effort (hours)"), 10),
    Column("created_at", _("Reported at"), 17),
]
FLAG_COLUMNS = [
    Column("kind", _("Kind"), 22),
    Column("subject", _("Subject"), 30),
    Column("organisation", _("Organisation"), 18),
    Column("severity", _("Severity"), 8),
    Column("status", _("Status"), 10),
    Column("first_seen_at", _("First seen"), 17),
    Column("last_seen_at", _("Last seen"), 17),
    Column("acknowledged_at", _("Acknowledged at"), 17),
    Column("resolved_at", _("Resolved at"), 17),
    Column("resolution_note", _("Resolution note"), 30),
]
CLUE_COLUMNS = [
    Column("id", _("Number"), 8),
    Column("summary", _("Summary"), 36),
    Column("department", _("Department concerned"), 18),
    Column("community", _("Community"), 16),
    Column("state", _("State"), 12),
    Column("created_at", _("Reported at"), 17),
    Column("visited_on", _("Visited on"), 12),
    Column("checked_on", _("Rectification checked on"), 12),
]

channel = exports.choice_label(OffPlatformReport.Channel.choices)
flag_kind = exports.choice_label(Flag.Kind.choices)
severity = exports.choice_label(Flag.Severity.choices)
flag_status = exports.choice_label(Flag.Status.choices)
clue_state = exports.choice_label(Clue.State.choices)


def _reports(user, filters):
    return selectors.offplatform_list(user=user, filters=filters).order_by("-received_on", "-id")


def _report_cells(row):
    pk, title, community, department, channel_, received, due, hours, created = row
    return [
        pk,
        title,
        community,
        department or "",
        channel(channel_),
        received,
        due,
        hours,
        created,
    ]


def _flags(user, filters):
    return selectors.flag_list(user=user, filters=filters).order_by("-last_seen_at", "-id")


def _flag_cells(row):
    kind, subject, organisation, severity_, status, first, last, acknowledged, resolved, note = row
    return [
        flag_kind(kind), subject, organisation or "", severity(severity_), flag_status(status),
        first, last, acknowledged, resolved, note,
    ]  # fmt: skip


def _clues(user, filters):
    return selectors.board_order(selectors.clue_list(user=user, filters=filters))


def _clue_cells(row):
    pk, summary, department, community, state, created, visited, checked = row
    return [pk, summary, department, community or "", clue_state(state), created, visited, checked]


def register() -> None:
    exports.register(
        exports.ListExport(
            name="offplatform-reports",
            title=_("Off-platform demands"),
            actions=("offplatform.view_community", "offplatform.view_department"),
            rows=_reports,
            fields=(
                "id",
                "title",
                "community__name",
                "department__name",
                "channel",
                "received_on",
                "due_date",
                "hours",
                "created_at",
            ),
            columns=REPORT_COLUMNS,
            cells=_report_cells,
            page_url_name="offplatform-reports",
        )
    )
    exports.register(
        exports.ListExport(
            name="flags",
            title=_("Flags"),
            actions=("flag.view",),
            rows=_flags,
            fields=(
                "kind",
                "subject",
                "organisation__name",
                "severity",
                "status",
                "first_seen_at",
                "last_seen_at",
                "acknowledged_at",
                "resolved_at",
                "resolution_note",
            ),
            columns=FLAG_COLUMNS,
            cells=_flag_cells,
            page_url_name="flags",
        )
    )
    exports.register(
        exports.ListExport(
            name="clues",
            title=_("Clues"),
            actions=("clue.view", "clue.view_department", "clue.raise"),
            rows=_clues,
            fields=(
                "id",
                "summary",
                "department__name",
                "community__name",
                "state",
                "created_at",
                "visited_on",
                "checked_on",
            ),
            columns=CLUE_COLUMNS,
            cells=_clue_cells,
            page_url_name="clue-board",
        )
    )
