"""The benchmark's database: create it if missing (or drop and recreate it), migrate."""

from __future__ import annotations

from collections.abc import Callable

from django.core.management import call_command
from django.db import connection


def _exists(name: str) -> bool:
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def prepare(*, recreate: bool = False, progress: Callable[[str], None] = print) -> None:
    """Make sure the DATABASE_URL database exists and is migrated.

    ``recreate`` drops it first, and only for a database whose name says it is a bench
    one: a mistyped DATABASE_URL must never cost anyone their data.
    """
    if connection.vendor != "postgresql":
        raise RuntimeError("The benchmark needs PostgreSQL: set DATABASE_URL=postgres://...")
    name = connection.settings_dict["NAME"]
    connection.close()
    if recreate:
        if "bench" not in name:
            raise RuntimeError(f"Refusing to drop {name!r}: its name does not contain 'bench'.")
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        progress(f"dropped database {name}")
    if not _exists(name):
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        progress(f"created database {name}")
    call_command("migrate", interactive=False, verbosity=0)
    progress("migrated")
