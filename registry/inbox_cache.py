"""The first page of a community's inbox and of a department's list, kept ready.

Reads outnumber changes by far (a community answers a task a few times a day, its cadres
open the inbox all day), so the first page of an inbox (``GET /api/v1/assignments/``
with no filter, the default page size) is built once per change and then served from
memory: the worker's own (a small LRU) and the shared cache (Redis).

**Never stale, by construction.** Each community and department has a row in
``registry_inboxversion``; every change to the assignments it lists takes a new version
from a sequence *in the transaction of the change* (``bump``: the assignment machine's
``on_apply`` hook for every transition, ``dispatch_create`` for the fan-out, an
organisation's rename, which also bumps the lists on the other side). A page is stored
under the versions of the organisations it shows. A reader reads the versions first,
then (on a miss) the rows, each in its own statement at READ COMMITTED: if it sees a
change's new version it sees the change, and a page built before a change is filed under
the old version, which no reader asks for once the change is committed. A version read
before the commit and rows read after it make a page that is newer than its key, never
older. The key also names the database (its OID: a recreated database starts its
sequence again) and the day (``working_days_left``).

Only what can be cached is: a user whose every grant is held in a community or a
department (a leaf), PostgreSQL, no query parameter but ``page=1``. Anything else is
built per request by the same fast path (``registry.selectors.dispatch.inbox_rows``).

**A hit is one query beside the token's**: the user's grants and their organisations'
versions in one statement (``grants_and_versions``), then the page from memory, kept as
the JSON bytes of its rows (``Page``). Nothing about the user is cached: the token and the
grants are read on every request, so an account switched off, a token deleted or a
membership revoked is refused or sees nothing at the very next request.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.utils import timezone, translation

from registry.cache import WorkerLRU
from registry.models import InboxVersion

KEY_PREFIX = "inbox-page:v2"  # v2: a Page with its rows as JSON bytes
TTL_SECONDS = 600  # the shared copy; versions make it exact, the TTL only frees memory
LOCAL_SIZE = 2_000  # first pages kept in each worker

_local = WorkerLRU(LOCAL_SIZE)
_database_ids: dict[str, int] = {}


@dataclass(frozen=True)
class Page:
    """A first page as kept: its rows already written as the API's JSON renderer writes
    them, so a hit neither unpickles a thousand values nor encodes them again (the
    envelope around them, with the request's own ``next`` link, is ``Pagination``'s)."""

    count: int
    more: bool
    capped: bool
    results: bytes


def enabled() -> bool:
    return connection.vendor == "postgresql"


def bump(organisation_ids: Iterable[int | None]) -> None:
    """New versions for these organisations' inboxes, in the caller's transaction (one
    statement whatever their number; sorted, so two bumps lock rows in the same order)."""
    ids = sorted({pk for pk in organisation_ids if pk is not None})
    if not ids or not enabled():
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO registry_inboxversion (organisation_id, version) "
            "SELECT id, nextval('registry_inboxversion_seq') FROM unnest(%s::bigint[]) AS id "
            "ON CONFLICT (organisation_id) DO UPDATE SET version = EXCLUDED.version",
            [ids],
        )


def bump_dispatch(dispatch) -> None:
    """New versions for every community a dispatch reached and for its department, read
    from its assignments (in the caller's transaction, one statement)."""
    if not enabled():
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO registry_inboxversion (organisation_id, version) "
            "SELECT id, (SELECT nextval('registry_inboxversion_seq')) FROM ("
            "  SELECT community_id AS id FROM registry_assignment WHERE dispatch_id = %s"
            "  UNION SELECT %s) AS reached ORDER BY id "
            "ON CONFLICT (organisation_id) DO UPDATE SET version = EXCLUDED.version",
            [dispatch.pk, dispatch.department_id],
        )


def bump_organisation(organisation) -> None:
    """An organisation's code or name changed: it is on every row of its own inbox or list
    and of the lists on the other side (a community on its departments' lists, a
    department in its communities' inboxes). One statement, in the caller's transaction."""
    if not enabled():
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO registry_inboxversion (organisation_id, version) "
            "SELECT id, (SELECT nextval('registry_inboxversion_seq')) FROM ("
            "  SELECT %s::bigint AS id"
            "  UNION SELECT department_id FROM registry_assignment WHERE community_id = %s"
            "  UNION SELECT community_id FROM registry_assignment WHERE department_id = %s"
            ") AS shown ORDER BY id "
            "ON CONFLICT (organisation_id) DO UPDATE SET version = EXCLUDED.version",
            [organisation.pk, organisation.pk, organisation.pk],
        )


def _database_id() -> int:
    name = connection.settings_dict["NAME"]
    if name not in _database_ids:
        with connection.cursor() as cursor:
            cursor.execute("SELECT oid FROM pg_database WHERE datname = current_database()")
            _database_ids[name] = cursor.fetchone()[0]
    return _database_ids[name]


def grants_and_versions(user) -> dict[int, int | None]:
    """The user's grants (kept on the user, as ``permissions.grants_of`` keeps them) and
    the inbox version of each organisation they are held in (None: no version yet), in
    one statement: a cached first page then costs one query beside the token's, where the
    grants and the versions were two round trips (docs/performance.md). One statement is
    one snapshot, and it runs before any row of a page is read, so the rule above holds."""
    from registry import permissions

    if not user.is_authenticated or not user.is_active:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_grants_and_versions_sql(), [user.pk])
        rows = cursor.fetchall()
    permissions.keep_grants(user, rows)
    return {row[1]: row[-1] for row in rows}


_statements: dict[str, str] = {}


def _grants_and_versions_sql() -> str:
    """``permissions.memberships_in_force`` with each one's version, compiled once per
    process: building it through the ORM on every request cost more than running it."""
    if "grants" not in _statements:
        from django.db.models import OuterRef, Subquery

        from registry import permissions
        from registry.models import User

        probe = User(pk=-1)  # stands for the user id, the statement's only parameter
        version = InboxVersion.objects.filter(organisation_id=OuterRef("organisation_id"))
        query = (
            permissions.memberships_in_force(probe)
            .annotate(inbox_version=Subquery(version.values("version")))
            .values_list(*permissions.GRANT_FIELDS, "inbox_version")
            .query
        )
        sql, params = query.sql_with_params()
        if tuple(params) != (-1,):  # the ORM changed the statement's shape: say so
            raise RuntimeError(f"unexpected parameters {params!r} in {sql}")
        _statements["grants"] = sql
    return _statements["grants"]


def page_key(
    organisation_ids: Iterable[int], page_size: int, versions: dict[int, int | None] | None = None
) -> str | None:
    """The key of the first page over these organisations now, or None (not cacheable:
    one of them has no version row). ``versions`` read by ``grants_and_versions`` spare
    the query."""
    ids = sorted(set(organisation_ids))
    if not ids or not enabled():
        return None
    if versions is None:
        versions = dict(
            InboxVersion.objects.filter(organisation_id__in=ids).values_list(
                "organisation_id", "version"
            )
        )
    if any(versions.get(pk) is None for pk in ids):
        return None
    parts = ",".join(f"{pk}.{versions[pk]}" for pk in ids)
    today = timezone.localdate().isoformat()
    language = translation.get_language() or ""
    if len(parts) > 120:  # a cadre of many communities: keep the key short
        parts = hashlib.sha256(parts.encode()).hexdigest()
    return f"{KEY_PREFIX}:{_database_id()}:{today}:{language}:{page_size}:{parts}"


def get(key: str) -> Page | None:
    page = _local.get(key)
    if page is not None:
        return page
    page = cache.get(key)
    if page is not None:
        _local.put(key, page)
    return page


def put(key: str, page: Page) -> None:
    _local.put(key, page)
    cache.set(key, page, TTL_SECONDS)


def clear_local() -> None:
    """Forget the worker's copies (tests)."""
    _local.clear()
