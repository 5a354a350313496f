"""The audit log: one entry per change, hash-chained, append-only, and checkable."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from registry import services
from registry.audit import GENESIS_HASH, audit_chain_verify
from registry.errors import Conflict
from registry.models import AuditEntry, Membership, Organisation


def new_entries(since: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(id__gt=since).order_by("id"))


def last_id() -> int:
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def make_history(world) -> list[AuditEntry]:
    """A few audited changes; returns every entry in chain order."""
    street = services.organisation_create(
        actor=world.admin, code="990102002", name="新街道", kind="area", parent=world.a.district
    )
    services.organisation_update(actor=world.admin, organisation=street, name="新街道（改）")
    services.user_create(
        actor=world.admin,
        username="new_reviewer",
        password="Lantern-river-42",
        memberships=[(world.a.district, "reviewer")],
    )
    services.organisation_update(actor=world.admin, organisation=street, staff_count=7)
    return list(AuditEntry.objects.order_by("id"))


@contextmanager
def triggers_off() -> Iterator[None]:
    """On PostgreSQL, let one raw statement past the append-only trigger, as a DBA could.

    SET LOCAL ends with the test's transaction, so nothing leaks into other tests.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def raw(sql: str, params: list) -> None:
    with triggers_off(), connection.cursor() as cursor:
        cursor.execute(sql, params)


# --- One entry per change ---------------------------------------------------------------


def test_creating_an_organisation_records_who_what_and_after(world):
    since = last_id()
    street = services.organisation_create(
        actor=world.admin, code="990102002", name="新街道", kind="area", parent=world.a.district
    )
    (entry,) = new_entries(since)
    assert entry.actor == world.admin
    assert entry.actor_name == "admin"
    assert entry.action == "organisation.create"
    assert (entry.object_type, entry.object_id) == ("registry.organisation", str(street.pk))
    assert entry.object_repr == "新街道"
    assert entry.before is None
    assert entry.after["code"] == "990102002"
    assert entry.after["parent"] == world.a.district.pk


def test_updating_an_organisation_records_before_and_after(world):
    since = last_id()
    services.organisation_update(actor=world.admin, organisation=world.a.community, staff_count=15)
    (entry,) = new_entries(since)
    assert entry.action == "organisation.update"
    assert entry.object_id == str(world.a.community.pk)
    assert entry.before["staff_count"] == world.a.community.staff_count
    assert entry.after["staff_count"] == 15
    assert entry.before["name"] == entry.after["name"]


def test_creating_a_user_records_memberships_but_never_the_password(world):
    since = last_id()
    user = services.user_create(
        actor=world.admin,
        username="new_cadre",
        password="Lantern-river-42",
        display_name="新干部",
        memberships=[(world.a.community, "community_cadre")],
    )
    (entry,) = new_entries(since)
    assert entry.action == "user.create"
    assert entry.object_id == str(user.pk)
    assert entry.after == {
        "username": "new_cadre",
        "display_name": "新干部",
        "memberships": [[world.a.community.code, "community_cadre"]],
    }
    assert "Lantern-river-42" not in str(entry.after)
    assert user.password not in str(entry.after)


def test_granting_and_revoking_a_membership_are_recorded(world):
    since = last_id()
    membership = services.membership_grant(
        actor=world.admin, user=world.outsider, organisation=world.b.community, role="liaison"
    )
    (grant,) = new_entries(since)
    assert grant.action == "membership.grant"
    assert grant.after == {
        "user": "outsider",
        "organisation": world.b.community.code,
        "role": "liaison",
    }

    since = grant.id
    services.membership_revoke(actor=world.admin, membership=membership)
    (revoke,) = new_entries(since)
    assert revoke.action == "membership.revoke"
    assert revoke.before == grant.after
    assert revoke.after is None
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_granting_a_membership_twice_records_it_once(world):
    since = last_id()
    for _ in range(2):
        services.membership_grant(
            actor=world.admin, user=world.outsider, organisation=world.b.community, role="liaison"
        )
    assert len(new_entries(since)) == 1


def test_a_refused_change_records_nothing(world):
    since = last_id()
    with pytest.raises(Conflict):
        services.organisation_create(
            actor=world.admin,
            code=world.a.community.code,
            name="重复",
            kind="community",
            parent=world.a.street,
        )
    assert new_entries(since) == []
    assert not Organisation.objects.filter(name="重复").exists()


# --- The chain --------------------------------------------------------------------------


def test_entries_form_a_chain_from_the_genesis_hash(world):
    entries = make_history(world)
    assert entries[0].prev_hash == GENESIS_HASH
    for previous, entry in itertools.pairwise(entries):
        assert entry.prev_hash == previous.hash
    report = audit_chain_verify()
    assert report.ok
    assert report.checked == len(entries) == 4


def test_an_empty_log_verifies(db):
    report = audit_chain_verify()
    assert report.ok
    assert report.checked == 0


def test_verify_audit_command_reports_an_intact_chain(world, capsys):
    make_history(world)
    call_command("verify_audit")
    assert "Audit chain intact: 4 entries." in capsys.readouterr().out


def test_edited_content_is_detected_and_the_entry_named(world):
    entries = make_history(world)
    target = entries[1]
    raw("UPDATE registry_auditentry SET actor_name = %s WHERE id = %s", ["mallory", target.id])

    report = audit_chain_verify()
    assert not report.ok
    assert report.first_broken_id == target.id
    assert report.checked == 1
    assert report.problem == "content does not match its hash"
    with pytest.raises(CommandError, match=rf"broken at entry {target.id}\b"):
        call_command("verify_audit")


def test_edited_before_after_data_is_detected(world):
    entries = make_history(world)
    target = entries[2]
    raw(
        "UPDATE registry_auditentry SET after = %s WHERE id = %s",
        ['{"username": "someone_else", "display_name": "", "memberships": []}', target.id],
    )
    assert audit_chain_verify().first_broken_id == target.id


def test_a_rewritten_entry_with_a_fresh_hash_breaks_the_next_link(world):
    # A forger who also recomputes the edited entry's own hash still breaks the next link.
    from registry.audit import entry_digest

    entries = make_history(world)
    target, following = entries[1], entries[2]
    forged_hash = entry_digest(
        prev_hash=target.prev_hash,
        at=target.at.isoformat(),
        actor_name="mallory",
        action=target.action,
        object_type=target.object_type,
        object_id=target.object_id,
        object_repr=target.object_repr,
        before=target.before,
        after=target.after,
    )
    raw(
        "UPDATE registry_auditentry SET actor_name = %s, hash = %s WHERE id = %s",
        ["mallory", forged_hash, target.id],
    )
    report = audit_chain_verify()
    assert report.first_broken_id == following.id
    assert report.problem == "previous-hash link broken"


def test_a_deleted_entry_in_the_middle_is_detected(world):
    entries = make_history(world)
    raw("DELETE FROM registry_auditentry WHERE id = %s", [entries[1].id])
    report = audit_chain_verify()
    assert report.first_broken_id == entries[2].id
    assert report.problem == "previous-hash link broken"
    with pytest.raises(CommandError, match=rf"broken at entry {entries[2].id}\b"):
        call_command("verify_audit")


def test_swapped_entries_are_detected(world):
    entries = make_history(world)
    first, second = entries[1], entries[2]
    raw(
        "UPDATE registry_auditentry SET actor_name = %s, action = %s WHERE id = %s",
        [second.actor_name, second.action, first.id],
    )
    assert audit_chain_verify().first_broken_id == first.id


# --- Append-only ------------------------------------------------------------------------


def test_the_orm_refuses_to_update_or_delete_entries(world):
    (entry, *_rest) = make_history(world)
    with pytest.raises(TypeError, match="append-only"):
        AuditEntry.objects.update(action="x")
    with pytest.raises(TypeError, match="append-only"):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(TypeError, match="append-only"):
        AuditEntry.objects.all().delete()
    with pytest.raises(TypeError, match="append-only"):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    entry.action = "x"
    with pytest.raises(TypeError, match="append-only"):
        entry.save()
    with pytest.raises(TypeError, match="append-only"):
        entry.delete()
    # bulk_update runs in its own atomic block; a savepoint keeps the test's transaction usable.
    with pytest.raises(TypeError, match="append-only"), transaction.atomic():
        AuditEntry.objects.bulk_update([entry], ["action"])
    assert audit_chain_verify().ok
    assert AuditEntry.objects.get(pk=entry.pk).action == "organisation.create"


@pytest.mark.postgres
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE registry_auditentry SET actor_name = 'mallory' WHERE id = %s",
        "DELETE FROM registry_auditentry WHERE id = %s",
    ],
    ids=["update", "delete"],
)
def test_postgresql_refuses_raw_updates_and_deletes(world, statement):
    (entry, *_rest) = make_history(world)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [entry.id])
    assert AuditEntry.objects.filter(pk=entry.pk, actor_name="admin").exists()
    assert audit_chain_verify().ok


# --- Concurrency ------------------------------------------------------------------------


@pytest.mark.postgres
def test_concurrent_writers_keep_one_unbroken_chain(world, transactional_db):
    writers, per_writer = 4, 5
    start = threading.Barrier(writers)
    errors: list[BaseException] = []
    before = AuditEntry.objects.count()

    def write(number: int) -> None:
        try:
            start.wait(timeout=30)
            for index in range(per_writer):
                services.organisation_create(
                    actor=world.admin,
                    code=f"99010200{number}{index:02d}",
                    name=f"并发社区{number}-{index}",
                    kind="community",
                    parent=world.a.street,
                )
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors

    report = audit_chain_verify()
    assert report.ok, report
    assert report.checked == before + writers * per_writer
    hashes = list(AuditEntry.objects.values_list("prev_hash", flat=True))
    assert len(hashes) == len(set(hashes)), "two entries claim the same predecessor: a fork"


def test_an_action_missing_from_the_documented_list_is_refused(world):
    from registry.audit import audit_record

    with pytest.raises(ValueError, match="not defined"):
        audit_record(actor=world.admin, action="organisation.frobnicate", obj=world.a.street)
    assert not AuditEntry.objects.filter(action="organisation.frobnicate").exists()


def test_every_action_the_services_write_is_listed_with_its_meaning(world):
    """The list (registry/audit_actions.py and each app's audit_actions module) holds
    every machine's transitions, so an entry always reads as words."""
    from django.utils import translation

    from monitoring import services as monitoring_services
    from registry import audit_actions, services

    for prefix, machine in (
        ("application", services.APPLICATION),
        ("assignment", services.ASSIGNMENT),
        ("work_item", services.WORK_ITEM),
        ("dispatch", services.DISPATCH),
        ("offplatform_report", monitoring_services.OFFPLATFORM_REPORT),
    ):
        for action in machine.transitions:
            assert audit_actions.is_defined(audit_actions.for_transition(prefix, action))
    with translation.override("zh-hans"):
        assert str(audit_actions.meaning(audit_actions.MEMBERSHIP_GRANT)) == "授予角色"
        assert str(audit_actions.meaning("certificate.issue")) != "certificate.issue"
