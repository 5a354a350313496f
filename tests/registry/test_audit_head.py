"""The audit chain cannot be cut or re-forged silently (hardening 15.8).

The chain is an HMAC under AUDIT_KEY, so a rewritten entry whose hash is recomputed without
the key is caught at that entry; a signed head kept outside the database catches entries
cut off the end and a truncated log; PostgreSQL refuses TRUNCATE itself.
"""

from __future__ import annotations

import hashlib
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from registry.audit import (
    HeadInvalid,
    audit_chain_verify,
    entry_digest,
    head_read,
    head_write,
)
from registry.models import AuditEntry
from registry.tasks import audit_chain_verify as audit_chain_verify_task
from tests.registry.test_audit import make_history, raw


@pytest.fixture
def head_file(tmp_path, settings):
    settings.AUDIT_HEAD_FILE = str(tmp_path / "audit-head.json")
    return tmp_path / "audit-head.json"


def _forged_fields(entry: AuditEntry, **changes) -> dict:
    fields = {
        "prev_hash": entry.prev_hash,
        "at": entry.at.isoformat(),
        "actor_name": entry.actor_name,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "before": entry.before,
        "after": entry.after,
    }
    fields.update(changes)
    return fields


def test_a_rewritten_last_entry_rehashed_without_the_key_is_detected(world):
    # Without a key, the forger's best guess is the old unkeyed SHA-256 (or a key of their own).
    entries = make_history(world)
    last = entries[-1]
    payload = json.dumps(
        {
            "prev": last.prev_hash,
            "at": last.at.isoformat(),
            "actor": "mallory",
            "action": last.action,
            "object_type": last.object_type,
            "object_id": last.object_id,
            "object_repr": last.object_repr,
            "before": last.before,
            "after": last.after,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    for forged in (
        hashlib.sha256(payload.encode()).hexdigest(),
        entry_digest(**_forged_fields(last, actor_name="mallory"), key="a-guessed-key"),
    ):
        raw(
            "UPDATE registry_auditentry SET actor_name = %s, hash = %s WHERE id = %s",
            ["mallory", forged, last.id],
        )
        report = audit_chain_verify()
        assert report.first_broken_id == last.id
        assert report.problem == "content does not match its hash"


def test_the_same_entry_under_another_key_has_another_hash(world):
    (entry, *_rest) = make_history(world)
    fields = _forged_fields(entry)
    assert entry_digest(**fields) == entry.hash
    assert entry_digest(**fields, key="another-deployment") != entry.hash


def test_deleting_the_last_entries_is_detected_by_the_signed_head(world, head_file):
    entries = make_history(world)
    call_command("verify_audit", "--write-head")
    assert head_read().count == len(entries)

    raw("DELETE FROM registry_auditentry WHERE id >= %s", [entries[-2].id])
    report = audit_chain_verify()
    assert not report.ok
    assert report.checked == len(entries) - 2
    assert report.first_broken_id == entries[-1].id
    assert report.problem.startswith("entries missing")
    with pytest.raises(CommandError, match="entries missing"):
        call_command("verify_audit")


def test_a_truncated_log_is_detected_by_the_signed_head(world, head_file):
    make_history(world)
    call_command("verify_audit", "--write-head")
    # A DBA who gets past the trigger (tests allow TRUNCATE for their flushes): detected.
    raw("DELETE FROM registry_auditentry", [])
    report = audit_chain_verify()
    assert not report.ok
    assert report.checked == 0


def test_a_replaced_last_entry_does_not_match_the_signed_head(world, head_file):
    entries = make_history(world)
    head_write(audit_chain_verify())
    raw("DELETE FROM registry_auditentry WHERE id = %s", [entries[-1].id])
    # Re-appending through the app (which holds the key) makes a valid chain of the same
    # length, but not the entry the head recorded.
    from registry import services

    services.organisation_update(actor=world.admin, organisation=world.a.street, staff_count=99)
    report = audit_chain_verify()
    assert report.problem == "does not match the signed head"


def test_entries_added_after_the_head_verify_and_move_the_head_on(world, head_file):
    from registry import services

    make_history(world)
    head_write(audit_chain_verify())
    services.organisation_update(actor=world.admin, organisation=world.a.street, staff_count=8)
    assert audit_chain_verify().ok
    # The nightly task verifies and records the longer head.
    assert audit_chain_verify_task()["ok"] is True
    assert head_read().count == 5


def test_an_edited_head_file_is_refused(world, head_file):
    make_history(world)
    call_command("verify_audit", "--write-head")
    data = json.loads(head_file.read_text())
    data["count"] = 2
    head_file.write_text(json.dumps(data))
    with pytest.raises(HeadInvalid):
        head_read()
    with pytest.raises(CommandError, match="Audit head refused"):
        call_command("verify_audit")


def test_a_backup_head_can_be_named_on_the_command_line(world, tmp_path, capsys):
    make_history(world)
    saved = tmp_path / "backup" / "audit-head.json"
    call_command("verify_audit", "--write-head", "--head-file", str(saved))
    call_command("verify_audit", "--head-file", str(saved))
    assert "reaches the signed head" in capsys.readouterr().out


@pytest.mark.postgres
def test_postgresql_refuses_truncate(world):
    make_history(world)
    with (
        pytest.raises(DatabaseError, match="TRUNCATE refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # The test session allows TRUNCATE for flushes; an app session does not.
        cursor.execute("SET LOCAL portal.allow_audit_truncate = 'off'")
        # Django's foreign keys are deferred; check them now, or PostgreSQL refuses the
        # TRUNCATE for pending trigger events before our trigger is asked.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE registry_auditentry")
    assert AuditEntry.objects.count() == 4


def test_the_upgrade_reseals_an_unkeyed_chain_and_refuses_a_broken_one(world):
    """Migration 0007 on a deployment whose chain was plain SHA-256: checked, then keyed."""
    import importlib

    from django.apps import apps

    reseal = importlib.import_module("registry.migrations.0007_audit_keyed_no_truncate")
    entries = make_history(world)
    prev = "0" * 64
    for entry in entries:  # rewrite the chain as the previous release wrote it
        plain = hashlib.sha256(reseal._payload(entry, prev)).hexdigest()
        raw(
            "UPDATE registry_auditentry SET prev_hash = %s, hash = %s WHERE id = %s",
            [prev, plain, entry.id],
        )
        prev = plain
    assert not audit_chain_verify().ok
    with connection.cursor() as cursor:  # deferred foreign keys: check them now (as a
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # migration's fresh transaction)
    with connection.schema_editor() as editor:
        reseal.reseal(apps, editor)
    assert audit_chain_verify().ok
    assert audit_chain_verify().checked == len(entries)

    # A chain broken before the upgrade stops it: nothing is re-sealed over tampering.
    raw(
        "UPDATE registry_auditentry SET prev_hash = %s, hash = %s WHERE id = %s",
        ["0" * 64, "f" * 64, entries[1].id],
    )
    with (
        pytest.raises(RuntimeError, match=r"broken at entry \d+ before re-sealing"),
        connection.schema_editor() as editor,
    ):
        reseal.reseal(apps, editor)
