"""PostgreSQL bulk-loading helpers: COPY, secondary indexes off during a load, sequences.

Everything here runs inside the caller's transaction, so a failed load leaves nothing
behind (PostgreSQL DDL is transactional): the dropped indexes and constraints come back
with the rollback.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection
from django.db.models import Model


def columns_of(model: type[Model], fields: Sequence[str]) -> list[str]:
    """Database column names of ``fields`` ("parent" -> "parent_id")."""
    return [model._meta.get_field(name).column for name in fields]


def copy_rows(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """COPY ``rows`` (tuples in ``fields`` order) into the model's table; returns the count."""
    table = model._meta.db_table
    cols = ", ".join(f'"{c}"' for c in columns_of(model, fields))
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
        with raw.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def copy_text(model: type[Model], fields: Sequence[str], chunks: Iterable[str]) -> None:
    """COPY pre-formatted text (tab-separated lines, ``\\N`` for NULL) into the table.

    For the biggest table, where building the lines in Python is faster than adapting each
    value: the caller guarantees no value contains a tab, newline or backslash.
    """
    table = model._meta.db_table
    cols = ", ".join(f'"{c}"' for c in columns_of(model, fields))
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy,
    ):
        for chunk in chunks:
            copy.write(chunk)


def next_id(model: type[Model]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{model._meta.db_table}"')
        return cursor.fetchone()[0]


def sync_sequence(model: type[Model]) -> None:
    """After rows were copied in with explicit ids, move the id sequence past them."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "
            f'GREATEST((SELECT MAX(id) FROM "{table}"), 1))',
            [table],
        )


@dataclass
class _Dropped:
    table: str
    indexes: list[tuple[str, str]]  # (name, CREATE INDEX ...)
    constraints: list[tuple[str, str, str]]  # (name, contype, definition)


def _dropped_for(table: str) -> _Dropped:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.conname, c.contype, pg_get_constraintdef(c.oid)
            FROM pg_constraint c
            WHERE c.conrelid = %s::regclass AND c.contype IN ('f', 'u')
            ORDER BY c.contype DESC, c.conname
            """,
            [table],
        )
        constraints = [(name, kind, definition) for name, kind, definition in cursor.fetchall()]
        cursor.execute(
            """
            SELECT i.relname, pg_get_indexdef(i.oid)
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
            WHERE x.indrelid = %s::regclass AND NOT x.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
            ORDER BY i.relname
            """,
            [table],
        )
        indexes = list(cursor.fetchall())
    return _Dropped(table, indexes, constraints)


@contextmanager
def secondary_indexes_dropped(
    models: Sequence[type[Model]], progress=lambda message: None
) -> Iterator[None]:
    """Drop foreign keys, unique constraints and secondary indexes of the tables, load,
    then build them again (one sort per index instead of millions of inserts into it) and
    re-check the foreign keys in one pass each. The primary keys stay."""
    dropped = [_dropped_for(m._meta.db_table) for m in models]
    with connection.cursor() as cursor:
        # Django's foreign keys are deferred: run the checks queued so far, or PostgreSQL
        # refuses to alter a table with pending trigger events.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for d in dropped:
            for name, _kind, _definition in d.constraints:  # foreign keys first (contype DESC)
                cursor.execute(f'ALTER TABLE "{d.table}" DROP CONSTRAINT "{name}"')
            for name, _definition in d.indexes:
                cursor.execute(f'DROP INDEX "{name}"')
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute("SET LOCAL max_parallel_maintenance_workers = 2")
        for d in dropped:
            began = time.monotonic()
            for _name, definition in d.indexes:
                cursor.execute(definition)
            # Unique constraints before the foreign keys (contype 'u' sorts after 'f').
            for name, _kind, definition in sorted(d.constraints, key=lambda c: c[1] != "u"):
                cursor.execute(f'ALTER TABLE "{d.table}" ADD CONSTRAINT "{name}" {definition}')
            progress(
                f"{d.table}: {len(d.indexes)} indexes and {len(d.constraints)} constraints "
                f"rebuilt in {time.monotonic() - began:.1f} s"
            )
