"""Writes of the monthly monitoring report: opening it pre-filled, editing entries while it
is a draft, submitting, and correcting (a new version that keeps the submitted one)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monitoring import audit_actions, deadlines
from monitoring.models import MonitoringReport, OffPlatformReport, ReportEntry
from monitoring.permissions import REPORT_FILE
from monitoring.selectors.points import is_point_during
from registry.audit import audit_record
from registry.errors import Conflict, IllegalTransition, InvalidInput
from registry.models import Assignment, Organisation, User
from registry.services.common import full_clean, require
from registry.transitions import Machine, Transition

MONITORING_REPORT = Machine(
    "monitoring_report",
    [
        Transition(
            "submit",
            {MonitoringReport.State.DRAFT},
            MonitoringReport.State.SUBMITTED,
            REPORT_FILE,
            gettext_lazy("Submit the report"),
            confirm=gettext_lazy(
                "Once submitted the report can no longer be edited; a later change is filed "
                "as a correction. Submit now?"
            ),
        ),
        Transition(
            "correct",
            {MonitoringReport.State.SUBMITTED},
            MonitoringReport.State.SUPERSEDED,
            REPORT_FILE,
            gettext_lazy("File a correction"),
            reason_required=True,
            tone="secondary",
        ),
    ],
    organisation=lambda report: report.community,
)

ENTRY_FIELDS = [
    "department",
    "title",
    "channel",
    "demanded_on",
    "due_date",
    "hours",
    "households",
    "cadres_involved",
    "note",
]
# What a liaison may correct on a pre-filled entry (where it came from stays as it was).
PREFILLED_EDITABLE = {"hours", "households", "cadres_involved", "note", "due_date"}


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def prefill_rows(community: Organisation, period: datetime.date) -> list[ReportEntry]:
    """The month's demands the platform already knows (two queries): every assignment the
    community received in the month and every off-platform report filed for it."""
    start, end = period, deadlines.next_month(period)
    rows = []
    assignments = (
        Assignment.objects.filter(
            community=community, created_at__gte=_start_of(start), created_at__lt=_start_of(end)
        )
        .select_related("dispatch")
        .order_by("created_at", "id")
    )
    for task in assignments:
        rows.append(
            ReportEntry(
                source=ReportEntry.Source.ASSIGNMENT,
                assignment=task,
                department_id=task.department_id,
                title=task.dispatch.title,
                channel=ReportEntry.Channel.PLATFORM,
                demanded_on=timezone.localtime(task.created_at).date(),
                due_date=task.due_date,
                hours=task.hours,
                households=task.dispatch.households_per_community or None,
            )
        )
    for report in OffPlatformReport.objects.filter(
        community=community,
        received_on__gte=start,
        received_on__lt=end,
        state=OffPlatformReport.State.REPORTED,
    ).order_by("received_on", "id"):
        rows.append(
            ReportEntry(
                source=ReportEntry.Source.OFFPLATFORM,
                offplatform_report=report,
                department_id=report.department_id,
                title=report.title,
                channel=report.channel,
                demanded_on=report.received_on,
                due_date=report.due_date,
                hours=report.hours,
                note=report.description,
            )
        )
    return rows


def _lock(report: MonitoringReport) -> MonitoringReport:
    return (
        MonitoringReport.objects.select_for_update(of=("self",))
        .select_related("community")
        .get(pk=report.pk)
    )


def _require_draft(report: MonitoringReport) -> None:
    if report.state != MonitoringReport.State.DRAFT:
        raise IllegalTransition(
            _("The report is %(state)s: its entries can no longer be changed.")
            % {"state": report.get_state_display()},
            state=report.state,
        )


@transaction.atomic
def monitoring_report_open(
    *, actor: User, community: Organisation, period: datetime.date
) -> MonitoringReport:
    """Open a point's report for a month, pre-filled. One report per point and month."""
    require(actor, REPORT_FILE, community)
    period = deadlines.month_start(period)
    today = timezone.localdate()
    if period > deadlines.month_start(today):
        message = _("A month that has not begun cannot be reported on.")
        raise InvalidInput(message, fields={"period": [message]})
    if not is_point_during(community, period, deadlines.month_end(period)):
        message = _("%(community)s is not a monitoring point in %(month)s.") % {
            "community": community.name,
            "month": f"{period:%Y-%m}",
        }
        raise InvalidInput(message, code="not_a_monitoring_point", fields={"community": [message]})
    if MonitoringReport.objects.filter(community=community, period=period).exists():
        raise Conflict(
            _("The report of %(month)s has already been opened.") % {"month": f"{period:%Y-%m}"},
            code="report_exists",
        )
    report = MonitoringReport(
        community=community,
        period=period,
        due_date=deadlines.report_due_date(period),
        created_by=actor,
    )
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:  # a second liaison opened it in the same instant
        raise Conflict(
            _("The report of %(month)s has already been opened.") % {"month": f"{period:%Y-%m}"},
            code="report_exists",
        ) from None
    rows = prefill_rows(community, period)
    for row in rows:
        row.report = report
    ReportEntry.objects.bulk_create(rows)
    audit_record(
        actor=actor,
        action=audit_actions.MONITORING_REPORT_OPEN,
        obj=report,
        after={"community": community.code, "period": report.period_label, "entries": len(rows)},
    )
    return report


def _entry_values(fields: dict) -> dict:
    values = {k: v for k, v in fields.items() if k in ENTRY_FIELDS}
    if "title" in values:
        values["title"] = (values["title"] or "").strip()
    return values


@transaction.atomic
def report_entry_add(*, actor: User, report: MonitoringReport, **fields) -> ReportEntry:
    """The liaison adds what came by other channels (a WeChat message, a meeting ...)."""
    report = _lock(report)
    require(actor, REPORT_FILE, report.community)
    _require_draft(report)
    values = _entry_values(fields)
    department = values.get("department")
    if department is not None and department.kind != Organisation.Kind.DEPARTMENT:
        message = _("Choose a department.")
        raise InvalidInput(message, fields={"department": [message]})
    entry = ReportEntry(report=report, source=ReportEntry.Source.MANUAL, **values)
    full_clean(entry, exclude=["assignment", "offplatform_report"])
    start, end = report.period, deadlines.month_end(report.period)
    if not start <= entry.demanded_on <= end:
        message = _("The date must fall in %(month)s.") % {"month": report.period_label}
        raise InvalidInput(message, fields={"demanded_on": [message]})
    entry.save()
    audit_record(
        actor=actor,
        action=audit_actions.MONITORING_REPORT_ENTRY_ADD,
        obj=report,
        after={"entry": entry.pk, "title": entry.title, "department": department.code},
    )
    return entry


@transaction.atomic
def report_entry_update(
    *, actor: User, report: MonitoringReport, entry: ReportEntry, **fields
) -> ReportEntry:
    """Correct an entry: any field of a manual one; the figures of a pre-filled one."""
    report = _lock(report)
    require(actor, REPORT_FILE, report.community)
    _require_draft(report)
    entry = ReportEntry.objects.get(pk=entry.pk, report=report)
    values = _entry_values(fields)
    if entry.source != ReportEntry.Source.MANUAL:
        fixed = sorted(set(values) - PREFILLED_EDITABLE)
        values = {k: v for k, v in values.items() if k in PREFILLED_EDITABLE}
        if fixed and not values:
            message = _("A pre-filled entry keeps where it came from; correct its figures.")
            raise InvalidInput(message, fields={fixed[0]: [message]})
    before = {k: getattr(entry, k if k != "department" else "department_id") for k in values}
    for key, value in values.items():
        setattr(entry, key, value)
    full_clean(entry, exclude=["assignment", "offplatform_report"])
    entry.save()
    audit_record(
        actor=actor,
        action=audit_actions.MONITORING_REPORT_ENTRY_UPDATE,
        obj=report,
        before={"entry": entry.pk, **before},
        after={
            "entry": entry.pk,
            **{k: getattr(entry, k, None) for k in values if k != "department"},
        },
    )
    return entry


@transaction.atomic
def report_entry_delete(*, actor: User, report: MonitoringReport, entry: ReportEntry) -> None:
    report = _lock(report)
    require(actor, REPORT_FILE, report.community)
    _require_draft(report)
    entry = ReportEntry.objects.get(pk=entry.pk, report=report)
    if entry.source != ReportEntry.Source.MANUAL:
        raise IllegalTransition(
            _("Only an entry you added can be deleted; correct a pre-filled one instead."),
            code="prefilled_entry",
        )
    audit_record(
        actor=actor,
        action=audit_actions.MONITORING_REPORT_ENTRY_DELETE,
        obj=report,
        before={"entry": entry.pk, "title": entry.title},
    )
    entry.delete()


@transaction.atomic
def monitoring_report_submit(*, actor: User, report: MonitoringReport) -> MonitoringReport:
    report = _lock(report)
    transition = MONITORING_REPORT.begin(actor=actor, obj=report, action="submit")
    from_state = MONITORING_REPORT.apply(report, transition)
    report.submitted_by = actor
    report.submitted_at = timezone.now()
    report.save(update_fields=["state", "submitted_by", "submitted_at"])
    audit_record(
        actor=actor,
        action=audit_actions.MONITORING_REPORT_SUBMIT,
        obj=report,
        before={"state": from_state},
        after={"state": report.state, "entries": report.entries.count()},
    )
    return report


@transaction.atomic
def monitoring_report_correct(
    *, actor: User, report: MonitoringReport, reason: str
) -> MonitoringReport:
    """A submitted report is never edited: the correction is a new draft version with the
    same entries; the submitted one stays, superseded, for the record."""
    report = _lock(report)
    transition = MONITORING_REPORT.begin(actor=actor, obj=report, action="correct", reason=reason)
    MONITORING_REPORT.apply(report, transition)
    report.save(update_fields=["state"])
    correction = MonitoringReport.objects.create(
        community=report.community,
        period=report.period,
        version=report.version + 1,
        previous=report,
        due_date=report.due_date,
        created_by=actor,
        correction_reason=reason.strip(),
    )
    copies = []
    for entry in report.entries.all():
        entry.pk = None
        entry.report = correction
        copies.append(entry)
    ReportEntry.objects.bulk_create(copies)
    audit_record(
        actor=actor,
        action=audit_actions.MONITORING_REPORT_CORRECT,
        obj=correction,
        before={"report": report.pk, "version": report.version},
        after={"report": correction.pk, "version": correction.version, "reason": reason},
    )
    return correction


def entry_figures(entry: ReportEntry) -> dict:
    """What a clue raised from an entry carries."""

    def number(value):
        return str(value) if isinstance(value, Decimal) else value

    return {
        "report": entry.report_id,
        "period": entry.report.period_label,
        "title": entry.title,
        "channel": entry.channel,
        "demanded_on": entry.demanded_on.isoformat(),
        "due_date": entry.due_date.isoformat() if entry.due_date else None,
        "hours": number(entry.hours),
        "households": entry.households,
        "cadres_involved": entry.cadres_involved,
    }
