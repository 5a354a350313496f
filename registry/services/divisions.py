"""Importing the official division-code tree: preview, then apply, all or nothing.

Applying one edition after another is idempotent (the same file twice changes nothing);
abolished divisions are closed (``is_active`` off), never deleted, and keep their
memberships, items and history; a moved one keeps its identity (its id, so everything
that points at it) and its subtree moves with it. The whole import is one transaction and
one audit entry naming every change; the preview stored with the import is checked again
under the lock, so what is applied is what the administrator saw.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry import audit_actions, divisions, figure_cache
from registry.audit import audit_record
from registry.errors import Conflict, IllegalTransition, InvalidInput
from registry.models import DivisionImport, Organisation, User
from registry.models.organisations import PATH_SEPARATOR
from registry.services.common import require

Progress = Callable[[int, int], None]
# Names the advisory lock that keeps two imports from applying at once.
_IMPORT_LOCK_KEY = 7_401_016
_BATCH = 2000


def progress_key(import_id: int) -> str:
    return f"division-import:{import_id}:progress"


def _rows_of(record: DivisionImport) -> list[divisions.DivisionRow]:
    return [
        divisions.DivisionRow(line, full, full[: divisions.SHORT_LENGTH[level]], name, level, kind)
        for line, full, name, level, kind in record.rows
    ]


def _check_parent(parent: Organisation | None) -> None:
    if parent is not None and parent.kind != Organisation.Kind.AREA:
        raise InvalidInput(_("The file can only be attached under an area."), code="bad_parent")


@transaction.atomic
def division_import_preview(
    *, actor: User, data: bytes, file_name: str, parent: Organisation | None = None
) -> DivisionImport:
    """Read the file and record what applying it would change; the tree is not touched."""
    require(actor, "division.import")
    _check_parent(parent)
    rows = divisions.parse(data)
    plan = divisions.plan(rows, parent=parent)
    return DivisionImport.objects.create(
        created_by=actor,
        file_name=file_name[:200],
        parent=parent,
        rows=[[r.line, r.full_code, r.name, r.level, r.type_code] for r in rows],
        summary=plan.summary(),
    )


@transaction.atomic
def division_import_start(*, actor: User, division_import: DivisionImport) -> DivisionImport:
    """Queue the previewed import as a Celery job (a province takes a few seconds)."""
    require(actor, "division.import")
    record = DivisionImport.objects.select_for_update().get(pk=division_import.pk)
    if record.state != DivisionImport.State.PREVIEWED:
        raise IllegalTransition(_("This import has already been started."))
    record.state = DivisionImport.State.QUEUED
    record.save(update_fields=["state"])
    # By name, through the outbox (registry/outbox.py): the job survives a broker outage,
    # and services need not import the tasks that call them.
    from registry.outbox import enqueue

    enqueue("registry.tasks.division_import_apply", record.pk)
    return record


def division_import_apply(*, import_id: int, progress: Progress | None = None) -> DivisionImport:
    """Apply a queued (or previewed) import; safe to run twice (an applied one is left)."""
    try:
        return _apply(import_id, progress)
    except (Conflict, InvalidInput) as exc:
        DivisionImport.objects.filter(pk=import_id).update(
            state=DivisionImport.State.FAILED, error=str(exc.message)
        )
        raise


@transaction.atomic
def _apply(import_id: int, progress: Progress | None) -> DivisionImport:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_IMPORT_LOCK_KEY])
    record = (
        DivisionImport.objects.select_for_update().select_related("created_by").get(pk=import_id)
    )
    if record.state == DivisionImport.State.APPLIED:
        return record  # a redelivered job: done already
    if record.state == DivisionImport.State.FAILED:
        raise IllegalTransition(_("This import failed; preview the file again."))
    require(record.created_by, "division.import")
    plan = divisions.plan(_rows_of(record), parent=record.parent)
    if plan.summary() != record.summary:
        raise Conflict(
            _("The organisation tree changed since the preview; preview the file again."),
            code="stale_preview",
        )
    report = progress or (
        lambda done, total: cache.set(progress_key(import_id), [done, total], 3600)
    )
    _apply_plan(plan, report)
    summary = record.summary
    audit_record(
        actor=record.created_by,
        action=audit_actions.DIVISION_IMPORT,
        obj=record,
        after={
            "file": record.file_name,
            "parent": record.parent.code if record.parent else None,
            "added": [entry["code"] for entry in summary["added"]],
            "renamed": [[e["code"], e["old"], e["new"]] for e in summary["renamed"]],
            "moved": [[e["old_code"], e["code"]] for e in summary["moved"]],
            "abolished": [entry["code"] for entry in summary["abolished"]],
            "reopened": [entry["code"] for entry in summary["reopened"]],
        },
    )
    record.state = DivisionImport.State.APPLIED
    record.applied_at = timezone.now()
    record.save(update_fields=["state", "applied_at"])
    return record


def _apply_plan(plan: divisions.Plan, progress: Progress) -> None:
    rows = plan.rows
    total, done = len(rows), 0
    top_level = rows[0].level
    identity = dict(plan.identity)
    existing = Organisation.objects.in_bulk(list(identity.values()))
    by_level: dict[int, list[divisions.DivisionRow]] = defaultdict(list)
    for row in rows:
        by_level[row.level].append(row)
    paths = dict(
        Organisation.objects.filter(pk__in=[p for p in plan.parent_of.values() if p]).values_list(
            "pk", "path"
        )
    )
    depths = dict(Organisation.objects.filter(pk__in=list(paths)).values_list("pk", "depth"))
    moved_or_recoded = False
    for level in sorted(by_level):
        new: list[Organisation] = []
        changed: list[Organisation] = []
        for row in by_level[level]:
            parent_id = (
                plan.parent_of[row.code] if level == top_level else identity[row.parent_code]
            )
            parent_path = paths.get(parent_id, PATH_SEPARATOR) if parent_id else PATH_SEPARATOR
            depth = depths[parent_id] + 1 if parent_id else 0
            org_id = identity.get(row.code)
            if org_id is None:
                new.append(
                    Organisation(
                        code=row.code,
                        name=row.name,
                        kind=row.kind,
                        level=row.org_level,
                        parent_id=parent_id,
                        path=f"{parent_path}{row.code}{PATH_SEPARATOR}",
                        depth=depth,
                    )
                )
                continue
            org = existing[org_id]
            target = (row.code, row.name, row.kind, row.org_level, parent_id, True)
            if (org.code, org.name, org.kind, org.level, org.parent_id, org.is_active) != target:
                moved_or_recoded |= (org.code, org.parent_id) != (row.code, parent_id)
                org.code, org.name, org.kind, org.level, org.parent_id, org.is_active = target
                changed.append(org)
            paths[org_id], depths[org_id] = f"{parent_path}{row.code}{PATH_SEPARATOR}", depth
        # Codes are unique: the level's existing rows take their new codes before new rows
        # are created (codes of different levels never collide: their lengths differ).
        Organisation.objects.bulk_update(
            changed, ["code", "name", "kind", "level", "parent", "is_active"], batch_size=_BATCH
        )
        for org in Organisation.objects.bulk_create(new, batch_size=_BATCH):
            identity[org.code] = org.pk
            paths[org.pk], depths[org.pk] = org.path, org.depth
        done += len(by_level[level])
        progress(done, total)
    abolished = [entry["id"] for entry in plan.summary()["abolished"]]
    Organisation.objects.filter(pk__in=abolished).update(is_active=False)
    if moved_or_recoded:
        _repath()
        # Every scope and area filter reads the paths: the cached figures are stale.
        figure_cache.bump([figure_cache.TREE])
    progress(total, total)


def _repath() -> None:
    """Recompute every materialised path and depth from the parents, and write the ones
    that differ: codes and parents changed (moves, renumbering), so paths below them did."""
    rows = list(Organisation.objects.values_list("pk", "parent_id", "code", "path", "depth"))
    children: dict[int | None, list[tuple]] = defaultdict(list)
    for row in rows:
        children[row[1]].append(row)
    stale: list[Organisation] = []
    stack = [(row, PATH_SEPARATOR, 0) for row in children[None]]
    while stack:
        (pk, _parent, code, path, depth), prefix, expected_depth = stack.pop()
        expected = f"{prefix}{code}{PATH_SEPARATOR}"
        if (path, depth) != (expected, expected_depth):
            stale.append(Organisation(pk=pk, path=expected, depth=expected_depth))
        stack.extend((child, expected, expected_depth + 1) for child in children[pk])
    Organisation.objects.bulk_update(stale, ["path", "depth"], batch_size=_BATCH)
