"""Counts and totals over wide areas, kept until what they read changes.

A province's figures read every row of the area: the clue list's capped count joins the
4,000 clues to the 22,835 organisations twice for the visibility filter, the plaque
summary's totals and monthly trend read 200,000 signs (60-330 ms; docs/performance.md).
They change far less often than they are read, so they are computed once per change and
then served from memory: the worker's own (a small LRU) and the shared cache (Redis).

**Never stale, by construction** (the inbox cache's rule, registry/inbox_cache.py). What a
figure reads is named by version keys in ``registry_figureversion``: ``clues`` (every
clue), ``plaques:<organisation id>`` (the signs of the communities under it) and ``tree``
(the organisations' paths and codes, which every scope and area filter reads; part of
every key). Each change takes new versions from a sequence *in the transaction of the
change* (``bump``, ``bump_areas``). A reader reads the versions first, then (on a miss)
the rows, each in its own statement at READ COMMITTED: a figure built before a change is
filed under the old versions, which no reader asks for once the change is committed. A
key with no row yet reads as 0 (the sequence never gives 0, and the cache key names the
database by its OID, so a recreated database does not meet its predecessor's figures).

What else a figure depends on is in its key: for a queryset (``of_query``) its SQL and
parameters, which carry the user's scope (their grants' paths, their id) and the filters;
for the others the caller's ``parts``. Nothing about the user is cached: the token and
grants are read on every request, so a revoked membership changes the key at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import cache
from django.db import connection
from django.db.models import Model, QuerySet

from registry import inbox_cache
from registry.cache import WorkerLRU

T = TypeVar("T")

KEY_PREFIX = "figure:v1"
TTL_SECONDS = 600  # the shared copy; versions make it exact, the TTL only frees memory
LOCAL_SIZE = 1_000  # figures kept in each worker
TREE = "tree"

_local = WorkerLRU(LOCAL_SIZE)
# model -> the version keys its rows are counted under (``counted_under``).
_counted: dict[type[Model], tuple[str, ...]] = {}


def enabled() -> bool:
    return connection.vendor == "postgresql"


def bump(keys: Iterable[str]) -> None:
    """New versions for ``keys``, in the caller's transaction (one statement; sorted, so
    two bumps lock rows in the same order)."""
    keys = sorted(set(keys))
    if not keys or not enabled():
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO registry_figureversion (key, version) "
            "SELECT key, nextval('registry_figureversion_seq') FROM unnest(%s::text[]) AS key "
            "ON CONFLICT (key) DO UPDATE SET version = EXCLUDED.version",
            [keys],
        )


def bump_areas(topic: str, organisation_ids: Iterable[int]) -> None:
    """New versions of ``<topic>:<id>`` for these organisations and every one above them
    (up the parents, which the paths are made of), in the caller's transaction: one
    statement however many (the daily reassessment of a province's 20,000 communities)."""
    ids = sorted({pk for pk in organisation_ids if pk is not None})
    if not ids or not enabled():
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH RECURSIVE up (id, parent_id) AS ("
            "  SELECT id, parent_id FROM registry_organisation WHERE id = ANY(%s::bigint[])"
            "  UNION SELECT o.id, o.parent_id FROM registry_organisation o"
            "  JOIN up ON o.id = up.parent_id) "
            "INSERT INTO registry_figureversion (key, version) "
            "SELECT %s || ':' || id, nextval('registry_figureversion_seq') "
            "FROM (SELECT DISTINCT id FROM up ORDER BY id) AS above "
            "ON CONFLICT (key) DO UPDATE SET version = EXCLUDED.version",
            [ids, topic],
        )


def counted_under(model: type[Model], *keys: str) -> None:
    """Declare that every change to ``model``'s rows bumps ``keys`` (its app's services
    do, in their transactions): its capped counts (``registry.paginators``) are then
    cached under them. Called from the app's ``ready()``."""
    _counted[model] = keys


def versions(keys: Iterable[str]) -> dict[str, int]:
    keys = sorted(set(keys))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT key, version FROM registry_figureversion WHERE key = ANY(%s::text[])", [keys]
        )
        found = dict(cursor.fetchall())
    return {key: found.get(key, 0) for key in keys}


def remember(
    name: str,
    parts: Iterable,
    keys: Iterable[str],
    build: Callable[[], T],
    *,
    local: bool = True,
) -> T:
    """``build()``, or what it gave for the same ``parts`` while the versions of ``keys``
    (and of the tree) were what they are now. ``local=False`` for a big value (a
    province's 20,000 communities' rows, megabytes as Python objects): it is kept in the
    shared cache only, not in each worker's LRU, whose bound is a number of entries."""
    if not enabled():
        return build()
    current = versions([*keys, TREE])  # before any row is read (the module's rule)
    digest = hashlib.sha256(repr((tuple(parts), sorted(current.items()))).encode()).hexdigest()
    key = f"{KEY_PREFIX}:{inbox_cache._database_id()}:{name}:{digest}"
    if local and (kept := _local.get(key)) is not None:
        return kept  # type: ignore[return-value]
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, TTL_SECONDS)
    if local:
        _local.put(key, value)
    return value


def of_query(queryset: QuerySet, build: Callable[[QuerySet], T]) -> T:
    """``build(queryset)``, cached under its SQL and the versions its model is counted
    under (``counted_under``); not cached for a model that declared none."""
    keys = _counted.get(queryset.model)
    if keys is None or not enabled():
        return build(queryset)
    sql, params = queryset.query.sql_with_params()
    return remember(queryset.model._meta.label, (sql, params), keys, lambda: build(queryset))


def clear_local() -> None:
    """Forget the worker's copies (tests)."""
    _local.clear()
