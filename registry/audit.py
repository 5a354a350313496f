"""Writing and checking the hash-chained audit log.

Each entry's hash covers its content and the previous entry's hash, so editing, deleting
or reordering any entry breaks the chain from there on. The hash is an HMAC-SHA256 under
``settings.AUDIT_KEY``, a key the database does not hold: whoever can rewrite the table
cannot recompute a chain that verifies. What a chain cannot show by itself is that its
*end* was cut off (or the table truncated), so a signed head (count, last id and hash) is
kept outside the database, rewritten by the nightly verification and by every backup,
and the log must still reach it.

Appends are serialised with a transaction-scoped advisory lock on PostgreSQL (SQLite
serialises writers anyway), so two concurrent writers cannot fork the chain.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.utils import timezone

from registry import audit_actions
from registry.models import AuditEntry, User

GENESIS_HASH = "0" * 64
# Arbitrary constant naming the advisory lock that serialises audit appends.
_AUDIT_LOCK_KEY = 7_401_001


def _normalise(value: Any) -> Any:
    """JSON round-trip, so what is hashed is exactly what the database gives back."""
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def entry_digest(
    *,
    prev_hash: str,
    at: str,
    actor_name: str,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    before: Any,
    after: Any,
    key: str | None = None,
) -> str:
    """The entry's HMAC-SHA256 (under ``key``, by default ``settings.AUDIT_KEY``)."""
    payload = json.dumps(
        {
            "prev": prev_hash,
            "at": at,
            "actor": actor_name,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "object_repr": object_repr,
            "before": before,
            "after": after,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    secret = (key if key is not None else settings.AUDIT_KEY).encode("utf-8")
    return hmac.new(secret, payload.encode("utf-8"), hashlib.sha256).hexdigest()


def _digest_of(entry: AuditEntry, prev_hash: str, key: str | None = None) -> str:
    return entry_digest(
        key=key,
        prev_hash=prev_hash,
        at=entry.at.isoformat(),
        actor_name=entry.actor_name,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        object_repr=entry.object_repr,
        before=entry.before,
        after=entry.after,
    )


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. Call inside the service's transaction, after the change.

    ``action`` is a name from an ``audit_actions`` module (see registry/audit_actions.py).
    """
    if not audit_actions.is_defined(action):
        # A programming error, not the user's: every name is listed with its meaning.
        raise ValueError(f"audit action {action!r} is not defined in an audit_actions module")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_AUDIT_LOCK_KEY])
    last = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first()
    entry = AuditEntry(
        # Microseconds are dropped so the stored and hashed times agree on every database.
        at=timezone.now().replace(microsecond=0),
        actor=actor,
        actor_name=actor.get_username() if actor else "system",
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        before=_normalise(before),
        after=_normalise(after),
        prev_hash=last or GENESIS_HASH,
    )
    entry.hash = _digest_of(entry, entry.prev_hash)
    entry.save()
    return entry


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_id: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None


@dataclass(frozen=True)
class ChainHead:
    """How far the log reached when it was last verified: signed, stored off the database."""

    count: int
    last_id: int
    last_hash: str
    written_at: str
    signature: str = ""

    def _message(self) -> bytes:
        return f"{self.count}:{self.last_id}:{self.last_hash}:{self.written_at}".encode()

    def signed(self) -> ChainHead:
        mac = hmac.new(settings.AUDIT_KEY.encode("utf-8"), self._message(), hashlib.sha256)
        return ChainHead(self.count, self.last_id, self.last_hash, self.written_at, mac.hexdigest())

    @property
    def signature_ok(self) -> bool:
        return hmac.compare_digest(self.signed().signature, self.signature)


class HeadInvalid(Exception):
    """The head file exists but is not one this deployment signed (edited or foreign)."""


def head_path(path: str | os.PathLike | None = None) -> Path | None:
    chosen = path if path is not None else settings.AUDIT_HEAD_FILE
    return Path(chosen) if chosen else None


def head_read(path: str | os.PathLike | None = None) -> ChainHead | None:
    """The signed head at ``path`` (default AUDIT_HEAD_FILE), None if none was written yet."""
    file = head_path(path)
    if file is None or not file.exists():
        return None
    try:
        head = ChainHead(**json.loads(file.read_text(encoding="utf-8")))
    except (ValueError, TypeError) as exc:
        raise HeadInvalid(f"{file} is not an audit head file") from exc
    if not head.signature_ok:
        raise HeadInvalid(f"{file} is not signed with this deployment's AUDIT_KEY")
    return head


def head_write(report: ChainReport, path: str | os.PathLike | None = None) -> ChainHead | None:
    """Record an intact chain's head at ``path``; written atomically (rename), never partial."""
    file = head_path(path)
    if file is None or not report.ok:
        return None
    # One statement, so the count and the last id describe the same moment (appends since
    # the walk extend an intact chain and are counted in: the next check walks them).
    totals = AuditEntry.objects.aggregate(count=models.Count("id"), last_id=models.Max("id"))
    last_id = totals["last_id"] or 0
    last_hash = AuditEntry.objects.filter(id=last_id).values_list("hash", flat=True).first()
    head = ChainHead(
        count=totals["count"],
        last_id=last_id,
        last_hash=last_hash or "",
        written_at=timezone.now().isoformat(timespec="seconds"),
    ).signed()
    file.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=file.parent, delete=False, encoding="utf-8") as out:
        json.dump(asdict(head), out, indent=1)
    os.replace(out.name, file)
    return head


def audit_chain_verify(*, head: ChainHead | bool | None = True) -> ChainReport:
    """Walk the chain in order; report the first entry whose link or content is wrong.

    With a signed head (by default the one at AUDIT_HEAD_FILE, if written), the log must
    also still hold that head's entry at that position: a log cut short, or truncated,
    is reported as broken at the first missing entry.
    """
    if head is True:
        head = head_read()
    elif head is False:
        head = None
    prev_hash = GENESIS_HASH
    checked = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.prev_hash != prev_hash:
            return ChainReport(checked, entry.id, "previous-hash link broken")
        if _digest_of(entry, prev_hash) != entry.hash:
            return ChainReport(checked, entry.id, "content does not match its hash")
        prev_hash = entry.hash
        checked += 1
        if (
            head is not None
            and checked == head.count
            and (entry.id != head.last_id or entry.hash != head.last_hash)
        ):
            return ChainReport(checked - 1, entry.id, "does not match the signed head")
    if head is not None and checked < head.count:
        return ChainReport(
            checked,
            head.last_id,
            f"entries missing: the signed head of {head.written_at} counted {head.count}",
        )
    return ChainReport(checked)


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of ``obj`` as a plain dict for an entry's before/after."""
    data: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        data[name] = getattr(obj, field.attname)
    return _normalise(data)
