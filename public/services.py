"""Writes of the public portal: a visitor sends a complaint or suggestion; the supervision
office (or the administrator) answers and closes it, through the one machine shape
(registry.transitions)."""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from public import audit_actions, selectors
from public.models import Complaint
from public.permissions import COMPLAINT_HANDLE
from registry import limits
from registry.audit import audit_record
from registry.errors import InvalidInput
from registry.models import Organisation, User
from registry.services.common import full_clean
from registry.transitions import Machine, Transition

COMPLAINT = Machine(
    "complaint",
    [
        Transition(
            "answer",
            {Complaint.State.RECEIVED},
            Complaint.State.ANSWERED,
            COMPLAINT_HANDLE,
            gettext_lazy("Answer"),
            reason_required=True,
            reason_field="answer",
            reason_error=gettext_lazy("Write the answer the sender will read."),
            confirm=gettext_lazy(
                "Send this answer? The sender reads it with their reference number; it "
                "cannot be changed afterwards."
            ),
            illegal=gettext_lazy("This message has already been answered."),
        ),
        Transition(
            "close",
            {Complaint.State.ANSWERED},
            Complaint.State.CLOSED,
            COMPLAINT_HANDLE,
            gettext_lazy("Close"),
            confirm=gettext_lazy("Close this message? The sender sees it as concluded."),
            tone="secondary",
            illegal=gettext_lazy("Only an answered message can be closed."),
        ),
    ],
    organisation=lambda complaint: complaint.area,
)

# No 0/O or 1/I/L: a reference is read out over the phone and typed on a phone.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference(year: int) -> str:
    """``JY2026-7KQ4-M9XD``: 31^8 (about 8.5 x 10^11) choices a year, so a number cannot
    be guessed from another (the lookup is rate-limited besides)."""
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"JY{year}-{body[:4]}-{body[4:]}"


def _text(value: str, field: str, limit: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        message = _("Fill in this field.")
        raise InvalidInput(message, fields={field: [message]})
    if len(value) > limit:
        message = _("At most %(limit)s characters (this has %(length)s).") % {
            "limit": limit,
            "length": len(value),
        }
        raise InvalidInput(message, fields={field: [message]})
    return value


def _root_area() -> Organisation:
    area = selectors.complaint_bureau()
    if area is None:
        message = _("The portal has no bureau to send this to yet.")
        raise InvalidInput(message, fields={"area": [message]})
    return area


@transaction.atomic
def complaint_submit(
    *,
    kind: str,
    subject: str,
    text: str,
    contact: str = "",
    area: Organisation | None = None,
) -> Complaint:
    """A visitor's message to the bureau (no account, so no actor). Returns it with its
    reference number. The audit entry records that one arrived, not what it says nor who
    sent it."""
    if kind not in Complaint.Kind.values:
        message = _("Choose complaint or suggestion.")
        raise InvalidInput(message, fields={"kind": [message]})
    if area is not None and not selectors.complaint_areas().filter(pk=area.pk).exists():
        message = _("Choose the bureau or one of its districts.")
        raise InvalidInput(message, fields={"area": [message]})
    complaint = Complaint(
        kind=kind,
        area=area or _root_area(),
        subject=" ".join(_text(subject, "subject", limits.SHORT_TEXT).split()),
        text=_text(text, "text", limits.NOTE_TEXT),
        contact=_text(contact, "contact", limits.SHORT_TEXT, required=False),
    )
    year = timezone.localdate().year
    for _attempt in range(5):
        complaint.reference = new_reference(year)
        full_clean(complaint, exclude=["reference"])
        try:
            with transaction.atomic():
                complaint.save()
            break
        except IntegrityError:  # the same reference drawn twice: draw again
            complaint.pk = None
    else:  # pragma: no cover - 5 collisions in 10^11 do not happen
        raise RuntimeError("no free complaint reference")
    audit_record(
        actor=None,
        action=audit_actions.COMPLAINT_RECEIVE,
        obj=complaint,
        after={"kind": complaint.kind, "area": complaint.area.code},
    )
    return complaint


def _locked(complaint: Complaint) -> Complaint:
    return (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("area")
        .get(pk=complaint.pk)
    )


@transaction.atomic
def complaint_answer(*, actor: User, complaint: Complaint, answer: str) -> Complaint:
    """Answer a message (once): the sender reads the answer with their reference."""
    row = _locked(complaint)
    transition = COMPLAINT.begin(actor=actor, obj=row, action="answer", reason=answer)
    answer = _text(answer, "answer", limits.NOTE_TEXT)
    before = {"state": row.state}
    COMPLAINT.apply(row, transition)
    row.answer = answer
    row.answered_at = timezone.now()
    row.answered_by = actor
    row.save(update_fields=["state", "answer", "answered_at", "answered_by"])
    audit_record(
        actor=actor,
        action=audit_actions.COMPLAINT_ANSWER,
        obj=row,
        before=before,
        after={"state": row.state, "answer": row.answer},
    )
    return row


@transaction.atomic
def complaint_close(*, actor: User, complaint: Complaint) -> Complaint:
    row = _locked(complaint)
    transition = COMPLAINT.begin(actor=actor, obj=row, action="close")
    before = {"state": row.state}
    COMPLAINT.apply(row, transition)
    row.save(update_fields=["state"])
    audit_record(
        actor=actor,
        action=audit_actions.COMPLAINT_CLOSE,
        obj=row,
        before=before,
        after={"state": row.state},
    )
    return row


def complaint_change(*, actor: User, complaint: Complaint, action: str, answer: str = ""):
    """The page's one door for the machine's actions."""
    if action == "answer":
        return complaint_answer(actor=actor, complaint=complaint, answer=answer)
    if action == "close":
        return complaint_close(actor=actor, complaint=complaint)
    COMPLAINT.begin(actor=actor, obj=complaint, action=action)  # raises: unknown action
    raise AssertionError("unreachable")
