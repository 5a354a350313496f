"""Shared fixtures: a small city with two districts, and a user of each role in each.

``world.a`` and ``world.b`` are the two jurisdictions, so "the other district's reviewer"
is ``world.b.reviewer``. Tests that need PostgreSQL, Redis or Chromium skip with the reason
on a laptop without them; in CI (CI=true) a missing service fails the run instead.
"""

from __future__ import annotations

import datetime
import os
import shutil
import threading
from dataclasses import dataclass
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from registry.models import Organisation, Role, User
from tests.factories import (
    AreaFactory,
    CommunityFactory,
    DepartmentFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    WorkItemFactory,
)

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = "/usr/bin/chromium"


def _missing_services() -> dict[str, str]:
    missing = {}
    if not settings.IS_POSTGRES:
        missing["postgres"] = "needs PostgreSQL: set DATABASE_URL=postgres://..."
    if not settings.REDIS_URL:
        missing["redis"] = "needs Redis and a Celery worker: set REDIS_URL=redis://..."
    if not shutil.which(CHROMIUM):
        missing["e2e"] = f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)"
    return missing


def pytest_collection_modifyitems(config, items):
    missing = _missing_services()
    if IN_CI and missing:
        # In CI nothing may skip for want of a service: stop loudly instead.
        pytest.exit("CI is missing services: " + "; ".join(missing.values()), returncode=3)
    for item in items:
        for marker, reason in missing.items():
            if marker in item.keywords:
                item.add_marker(pytest.mark.skip(reason=reason))


@dataclass
class Jurisdiction:
    """One district with its street, two communities, a department and a user per role."""

    district: Organisation
    street: Organisation
    community: Organisation
    community2: Organisation
    department: Organisation
    department_staff: User
    reviewer: User
    cadre: User
    liaison: User
    supervisor: User
    administrator: User  # the district's area administrator (accounts only)

    def user(self, role: str) -> User:
        return {
            Role.DEPARTMENT_STAFF: self.department_staff,
            Role.REVIEWER: self.reviewer,
            Role.COMMUNITY_CADRE: self.cadre,
            Role.LIAISON: self.liaison,
            Role.SUPERVISOR: self.supervisor,
            Role.AREA_ADMINISTRATOR: self.administrator,
        }[Role(role)]


@dataclass
class World:
    city: Organisation
    city_department: Organisation
    a: Jurisdiction
    b: Jurisdiction
    admin: User
    outsider: User  # signed in, no membership at all


def _jurisdiction(city: Organisation, letter: str, number: int) -> Jurisdiction:
    district = AreaFactory(
        code=f"9901{number:02d}", name=f"{letter}区", parent=city, level=Organisation.Level.DISTRICT
    )
    street = AreaFactory(
        code=f"9901{number:02d}001",
        name=f"{letter}街道",
        parent=district,
        level=Organisation.Level.STREET,
    )
    community = CommunityFactory(
        code=f"9901{number:02d}001001",
        name=f"{letter}一社区",
        parent=street,
        is_monitoring_point=True,
    )
    community2 = CommunityFactory(
        code=f"9901{number:02d}001002", name=f"{letter}二社区", parent=street
    )
    department = DepartmentFactory(
        code=f"D9901{number:02d}-TJ", name=f"{letter}区统计局", parent=district
    )

    def member(role: str, organisation: Organisation) -> User:
        user = UserFactory(username=f"{letter.lower()}_{role}", display_name=f"{letter}{role}")
        MembershipFactory(user=user, organisation=organisation, role=role)
        return user

    return Jurisdiction(
        district=district,
        street=street,
        community=community,
        community2=community2,
        department=department,
        department_staff=member(Role.DEPARTMENT_STAFF, department),
        reviewer=member(Role.REVIEWER, district),
        cadre=member(Role.COMMUNITY_CADRE, community),
        liaison=member(Role.LIAISON, community),
        supervisor=member(Role.SUPERVISOR, district),
        administrator=member(Role.AREA_ADMINISTRATOR, district),
    )


@pytest.fixture
def world(db) -> World:
    city = OrganisationFactory(code="9901", name="示范市", level=Organisation.Level.CITY)
    city_department = DepartmentFactory(code="D9901-MZ", name="市民政局", parent=city)
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    return World(
        city=city,
        city_department=city_department,
        a=_jurisdiction(city, "A", 2),
        b=_jurisdiction(city, "B", 3),
        admin=admin,
        outsider=UserFactory(username="outsider"),
    )


@pytest.fixture
def city_supervisor(world) -> User:
    """A supervisor of the whole city (the dashboards', the public queue's, the lists')."""
    user = UserFactory(username="city_supervisor")
    MembershipFactory(user=user, organisation=world.city, role=Role.SUPERVISOR)
    return user


@pytest.fixture
def api():
    """An API client; ``api.force_authenticate(user)`` to act as someone."""
    return APIClient()


@pytest.fixture
def api_as(api):
    def act_as(user: User | None) -> APIClient:
        api.force_authenticate(user)
        return api

    return act_as


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Throttle counters live in the cache; one test's requests must not slow another's.

    Only the test client's own counters are deleted: clearing the whole cache would flush
    the Redis database the Celery broker shares, dropping another process's queued tasks.
    """
    from django.core.cache import cache

    scopes = ("anon", "user", "complaint", "complaint_lookup")
    cache.delete_many([f"throttle_{scope}_127.0.0.1" for scope in scopes])
    yield


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """The holiday table is cached per process; a test's rows are rolled back with it."""
    from django.core.cache import cache

    from registry import workdays

    cache.delete(workdays._VERSION_KEY)
    workdays._sync_state.update(version=None, checked=float("-inf"))
    workdays.clear_local()
    yield
    workdays.clear_local()


def pytest_configure(config):
    # Test-database flushes TRUNCATE every table; the audit log refuses TRUNCATE unless the
    # session allows it (registry migration 0007). libpq reads PGOPTIONS, so the worker
    # and server subprocesses the tests start inherit it too.
    allow = "-c portal.allow_audit_truncate=on"
    if allow not in os.environ.get("PGOPTIONS", ""):
        os.environ["PGOPTIONS"] = f"{os.environ.get('PGOPTIONS', '')} {allow}".strip()
    # No signed audit head unless a test asks for one (in a tmp_path): the nightly task a
    # real worker runs must not write into the checkout, nor one test's head judge another.
    os.environ["AUDIT_HEAD_FILE"] = ""
    settings.AUDIT_HEAD_FILE = ""
    # A fast hasher for the users tests create (PBKDF2 takes a second under load); PBKDF2
    # stays listed to check hashes made with it.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "registry.hashers.InitialPasswordHasher",
    ]


# --- The known-day clock ------------------------------------------------------------------
# A Monday in a year the holiday calendar covers; the National Day week lies ahead, so lead
# times in working days differ from calendar days. Modules that reason in days use it with
# ``pytestmark = pytest.mark.usefixtures("on_a_known_monday")``.
KNOWN_MONDAY = datetime.date(2026, 9, 14)


@pytest.fixture
def on_a_known_monday():
    with time_machine.travel(datetime.datetime(2026, 9, 14, 9, 0), tick=False):
        yield


@pytest.fixture
def item(world):
    """A monthly item of district A's department over street A: 3 hours, 20 households,
    valid 2026 to 2028."""
    return WorkItemFactory(
        admission_number="990102-2026-0007",
        title="居民信息核对",
        jurisdiction=world.a.district,
        department=world.a.department,
        frequency="monthly",
        hours_per_occurrence=Decimal("3"),
        households_per_occurrence=20,
        valid_from=datetime.date(2026, 1, 1),
        valid_until=datetime.date(2028, 12, 31),
        scope=[world.a.street],
    )


def _race(*calls, timeout: float = 60):
    """Run the calls in threads released together; return each one's result or error."""
    from registry.errors import DomainError

    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except DomainError as exc:
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return outcomes


@pytest.fixture
def race():
    """``race(call, call, ...)``: the calls at once, on real row locks (needs
    ``django_db(transaction=True)`` and PostgreSQL)."""
    return _race


@pytest.fixture
def job_media(settings, tmp_path):
    """Background jobs' files (exports, uploaded imports) go to a throwaway MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
