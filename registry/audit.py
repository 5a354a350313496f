"""Writing and checking the hash-chained audit log.

Each entry's hash covers its content and the previous entry's hash, so editing, deleting
or reordering any entry breaks the chain from there on. Appends are serialised with a
transaction-scoped advisory lock on PostgreSQL (SQLite serialises writers anyway), so two
concurrent writers cannot fork the chain.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

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
) -> str:
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
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _digest_of(entry: AuditEntry, prev_hash: str) -> str:
    return entry_digest(
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


def audit_chain_verify() -> ChainReport:
    """Walk the chain in order; report the first entry whose link or content is wrong."""
    prev_hash = GENESIS_HASH
    checked = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.prev_hash != prev_hash:
            return ChainReport(checked, entry.id, "previous-hash link broken")
        if _digest_of(entry, prev_hash) != entry.hash:
            return ChainReport(checked, entry.id, "content does not match its hash")
        prev_hash = entry.hash
        checked += 1
    return ChainReport(checked)


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of ``obj`` as a plain dict for an entry's before/after."""
    data: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        data[name] = getattr(obj, field.attname)
    return _normalise(data)
