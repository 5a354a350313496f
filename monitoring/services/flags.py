"""Writes of flags: the idempotent computation, acknowledging and resolving."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monitoring import audit_actions
from monitoring import flags as flag_rules
from monitoring.models import Flag
from registry.audit import audit_record
from registry.models import User
from registry.transitions import Machine, Transition

_F = Flag.Status
# A flag is handled by the reviewers and supervisors of its area: acknowledged (seen, being
# dealt with), then resolved with a note. The computation clears a flag whose situation has
# gone ("clear", the platform's own transition, applied in bulk).
FLAG = Machine(
    "flag",
    [
        Transition(
            "acknowledge",
            {_F.OPEN},
            _F.ACKNOWLEDGED,
            "flag.manage",
            gettext_lazy("Acknowledge"),
            tone="secondary",
            illegal=gettext_lazy("Only an open flag can be acknowledged."),
        ),
        Transition(
            "resolve",
            {_F.OPEN, _F.ACKNOWLEDGED},
            _F.RESOLVED,
            "flag.manage",
            gettext_lazy("Resolve"),
            reason_required=True,
            reason_field="note",
            reason_error=gettext_lazy("Say how it was resolved."),
            summary=gettext_lazy("Resolve…"),
            confirm=gettext_lazy(
                "Resolve this flag? If the situation persists, the next run raises it again."
            ),
            tone="danger",
            illegal=gettext_lazy("The flag is already resolved."),
        ),
        Transition("clear", {_F.OPEN, _F.ACKNOWLEDGED}, _F.RESOLVED, None, gettext_lazy("Clear")),
    ],
    organisation=lambda flag: flag.organisation,
    state_field="status",
)

# Names the advisory lock that lets only one flag computation run at a time.
_FLAGS_LOCK_KEY = 7_401_002


@dataclass
class FlagRunSummary:
    raised: dict[str, int] = field(default_factory=dict)
    still_open: dict[str, int] = field(default_factory=dict)
    resolved: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"raised": self.raised, "still_open": self.still_open, "resolved": self.resolved}


@transaction.atomic
def flags_compute(
    *, today: datetime.date | None = None, kinds: list[str] | None = None
) -> FlagRunSummary:
    """Recompute every flag kind. Idempotent: a situation keeps its one unresolved flag
    (figures refreshed); a situation that has gone resolves its flag."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_FLAGS_LOCK_KEY])
    today = today or timezone.localdate()
    now = timezone.now()
    summary = FlagRunSummary()
    for kind, compute in flag_rules.RULES.items():
        if kinds and kind not in kinds:
            continue
        findings = {f.subject_key: f for f in compute(today)}
        unresolved = {
            flag.subject_key: flag
            for flag in Flag.objects.filter(kind=kind)
            .exclude(status=Flag.Status.RESOLVED)
            .only("pk", "subject_key", "figures", "severity")
        }
        new = [
            Flag(
                kind=kind,
                subject_key=key,
                subject=f.subject[:200],
                organisation_id=f.organisation_id,
                severity=f.severity,
                figures=f.figures,
                first_seen_at=now,
                last_seen_at=now,
            )
            for key, f in findings.items()
            if key not in unresolved
        ]
        Flag.objects.bulk_create(new, batch_size=1000)
        kept, changed = [], []
        for key, flag in unresolved.items():
            finding = findings.get(key)
            if finding is not None:
                kept.append(flag.pk)
                if (flag.figures, flag.severity) != (finding.figures, finding.severity):
                    flag.figures, flag.severity = finding.figures, finding.severity
                    changed.append(flag)
        # Every flag still seen is touched in one UPDATE; only those whose figures moved are
        # rewritten (bulk_update builds a CASE per row, slow for thousands of flags).
        Flag.objects.filter(pk__in=kept).update(last_seen_at=now)
        Flag.objects.bulk_update(changed, ["figures", "severity"], batch_size=1000)
        gone = [flag.pk for key, flag in unresolved.items() if key not in findings]
        # The machine's "clear", in one UPDATE (a flag resolved meanwhile by hand is left be).
        clear = FLAG["clear"]
        Flag.objects.filter(pk__in=gone, status__in=clear.sources).update(
            status=clear.target,
            resolved_at=now,
            resolution_note=_("Resolved automatically: the situation is no longer present."),
        )
        summary.raised[kind] = len(new)
        summary.still_open[kind] = len(kept)
        summary.resolved[kind] = len(gone)
    return summary


def _lock_flag(flag: Flag) -> Flag:
    return (
        Flag.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=flag.pk)
    )


@transaction.atomic
def flag_acknowledge(*, actor: User, flag: Flag) -> Flag:
    flag = _lock_flag(flag)
    transition = FLAG.begin(actor=actor, obj=flag, action="acknowledge")
    before = {"status": FLAG.apply(flag, transition)}
    flag.acknowledged_by = actor
    flag.acknowledged_at = timezone.now()
    flag.save(update_fields=["status", "acknowledged_by", "acknowledged_at"])
    audit_record(
        actor=actor,
        action=audit_actions.FLAG_ACKNOWLEDGE,
        obj=flag,
        before=before,
        after={"status": flag.status},
    )
    return flag


@transaction.atomic
def flag_resolve(*, actor: User, flag: Flag, note: str) -> Flag:
    flag = _lock_flag(flag)
    transition = FLAG.begin(actor=actor, obj=flag, action="resolve", reason=note)
    before = {"status": FLAG.apply(flag, transition)}
    flag.resolved_by = actor
    flag.resolved_at = timezone.now()
    flag.resolution_note = note.strip()
    flag.save(update_fields=["status", "resolved_by", "resolved_at", "resolution_note"])
    audit_record(
        actor=actor,
        action=audit_actions.FLAG_RESOLVE,
        obj=flag,
        before=before,
        after={"status": flag.status, "note": flag.resolution_note},
    )
    return flag
