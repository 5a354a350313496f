"""The audit chain becomes keyed (HMAC under AUDIT_KEY) and TRUNCATE is refused.

Existing entries were chained with plain SHA-256. They are checked under that scheme first
(a broken chain stops the migration: an operator must look before anything is re-sealed),
then re-sealed under the key, entry by entry, in this migration's transaction. The
append-only trigger is disabled for that one UPDATE pass (the table's owner runs
migrations) and enabled again before the transaction commits.

TRUNCATE is refused by a statement trigger unless the session sets
``portal.allow_audit_truncate = on``: test-database flushes do (tests/conftest.py sets it
through PGOPTIONS); an operator never needs to, and the signed head detects it anyway.
"""

import hashlib
import hmac
import json

from django.conf import settings
from django.db import migrations

NO_TRUNCATE = """
CREATE OR REPLACE FUNCTION registry_auditentry_no_truncate() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('portal.allow_audit_truncate', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'registry_auditentry is append-only (TRUNCATE refused)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER registry_auditentry_no_truncate
    BEFORE TRUNCATE ON registry_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION registry_auditentry_no_truncate();
"""
DROP_NO_TRUNCATE = """
DROP TRIGGER IF EXISTS registry_auditentry_no_truncate ON registry_auditentry;
DROP FUNCTION IF EXISTS registry_auditentry_no_truncate();
"""


def _payload(entry, prev_hash: str) -> bytes:
    # The same canonical JSON as registry.audit.entry_digest (frozen here: a migration must
    # not change when the app's code does).
    return json.dumps(
        {
            "prev": prev_hash,
            "at": entry.at.isoformat(),
            "actor": entry.actor_name,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "object_repr": entry.object_repr,
            "before": entry.before,
            "after": entry.after,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")


def _keyed_chain_intact(entries, key: bytes) -> bool:
    prev = "0" * 64
    for entry in entries:
        digest = hmac.new(key, _payload(entry, prev), hashlib.sha256).hexdigest()
        if entry.prev_hash != prev or digest != entry.hash:
            return False
        prev = entry.hash
    return True


def reseal(apps, schema_editor):
    AuditEntry = apps.get_model("registry", "AuditEntry")
    key = settings.AUDIT_KEY.encode("utf-8")
    if _keyed_chain_intact(AuditEntry.objects.order_by("id").iterator(chunk_size=2000), key):
        return  # sealed already (migrated back and forth again): nothing to do
    old_prev, new_prev, rows = "0" * 64, "0" * 64, []
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        payload = _payload(entry, old_prev)
        if entry.prev_hash != old_prev or hashlib.sha256(payload).hexdigest() != entry.hash:
            raise RuntimeError(
                f"The audit chain is broken at entry {entry.id} before re-sealing; "
                "investigate (manage.py verify_audit on the previous release) first."
            )
        old_prev = entry.hash
        new_hash = hmac.new(key, _payload(entry, new_prev), hashlib.sha256).hexdigest()
        rows.append((new_prev, new_hash, entry.id))
        new_prev = new_hash
    if not rows:
        return
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE registry_auditentry DISABLE TRIGGER registry_auditentry_append_only"
            )
        # Unique hashes: move every hash out of the way first, so no two rows collide.
        cursor.execute("UPDATE registry_auditentry SET hash = 'reseal-' || id")
        cursor.executemany(
            "UPDATE registry_auditentry SET prev_hash = %s, hash = %s WHERE id = %s", rows
        )
        if vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE registry_auditentry ENABLE TRIGGER registry_auditentry_append_only"
            )


def forwards(apps, schema_editor):
    reseal(apps, schema_editor)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(NO_TRUNCATE)


def backwards(apps, schema_editor):
    # The keyed chain stays keyed: going back would need the plain hashes, which are gone.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_NO_TRUNCATE)


class Migration(migrations.Migration):
    dependencies = [("registry", "0006_assignment_inbox_order")]
    operations = [migrations.RunPython(forwards, backwards)]
