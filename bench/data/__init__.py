"""Fill PostgreSQL with a province: the organisation tree, departments, work items, two
years of dispatches and assignments, off-platform reports, monitoring points with their
monthly reports, clues and rectification notices, certificate issuances and plaques, and a
reverse-evaluation round over the biggest city.

The rows are built in Python from a seeded random generator (the same spec and seed give
the same province) and loaded with COPY; the big tables' secondary indexes and foreign
keys are dropped during the load and built again afterwards, then everything is ANALYZEd.
All of it is one transaction: a failed run leaves the database as it was.

This bypasses the services on purpose (a million audited inserts would take days): the
rows obey the same rules the services enforce (materialised paths, admission numbers and
their sequences, assignments copying their dispatch, the frequency rule per item), but
no audit entries, notifications or row history are written for the generated past.
"""

from __future__ import annotations

import datetime
import random
import time
from dataclasses import asdict

from django.db import connection, transaction
from django.utils import timezone

from bench import pgload
from bench.data.certificates import CertificatesMixin
from bench.data.common import Item, Org, Progress
from bench.data.dispatch import DispatchMixin
from bench.data.evaluation import BENCH_ROUND_TITLE, EvaluationMixin
from bench.data.items import ItemsMixin
from bench.data.monitoring import MonitoringMixin
from bench.data.plaques import PlaquesMixin
from bench.data.spec import (
    ADMIN_USERNAME,
    BENCH_ITEM_TITLE,
    BENCH_PASSWORD,
    FULL,
    LIAISON_PREFIX,
    REVIEWER_USERNAME,
    SUPERVISOR_USERNAME,
    TINY,
    ProvinceSpec,
)
from bench.data.tree import TreeMixin
from monitoring.models import OffPlatformReport
from registry import figure_cache
from registry.models import Assignment, Dispatch, Organisation

__all__ = [
    "ADMIN_USERNAME",
    "BENCH_ITEM_TITLE",
    "BENCH_PASSWORD",
    "BENCH_ROUND_TITLE",
    "FULL",
    "LIAISON_PREFIX",
    "REVIEWER_USERNAME",
    "SUPERVISOR_USERNAME",
    "TINY",
    "ProvinceSpec",
    "generate",
    "province_exists",
]


class _Province(
    TreeMixin,
    ItemsMixin,
    DispatchMixin,
    MonitoringMixin,
    CertificatesMixin,
    PlaquesMixin,
    EvaluationMixin,
):
    """The province being generated: each mixin (a module of this package) builds and
    writes one domain's rows from the shared state set up here."""

    def __init__(self, spec: ProvinceSpec, progress: Progress, today: datetime.date):
        self.spec = spec
        self.progress = progress
        self.today = today
        self.rng = random.Random(spec.seed)
        self.areas: list[Org] = []
        self.communities: list[Org] = []
        self.departments: list[Org] = []
        self.items: list[Item] = []
        self.under: dict[int, list[Org]] = {}  # area id -> communities under it
        self.staff_user: dict[int, int] = {}  # department id -> user id
        self.cadre_user: dict[int, int] = {}  # community id -> user id
        self.reviewer_id = 0
        self.counts: dict[str, int] = {}


def province_exists(spec: ProvinceSpec) -> bool:
    return Organisation.objects.filter(code=spec.province_code).exists()


def inbox_versions_seed() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO registry_inboxversion (organisation_id, version) "
            "SELECT id, nextval('registry_inboxversion_seq') FROM registry_organisation "
            "WHERE kind IN ('community', 'department') ON CONFLICT DO NOTHING"
        )


def generate(
    spec: ProvinceSpec = FULL, *, progress: Progress = print, today: datetime.date | None = None
) -> dict:
    """Build and load the province in one transaction; returns what was written."""
    if connection.vendor != "postgresql":
        raise RuntimeError("The benchmark data needs PostgreSQL (COPY); set DATABASE_URL.")
    started = time.monotonic()
    province = _Province(spec, progress, today or timezone.localdate())
    with transaction.atomic():
        if province_exists(spec):
            raise RuntimeError(f"Province {spec.province_code} is already in this database.")
        province.build_tree()
        province.write_tree()
        province.write_users()
        province.build_items()
        province.write_items()
        planned = province.plan_dispatches()
        big = [Dispatch, Assignment, OffPlatformReport]
        with pgload.secondary_indexes_dropped(big, progress):
            province.write_dispatches(planned)
            province.write_assignments(planned)
            province.write_offplatform()
        # After the big tables' indexes are back: the report entries are selected from the
        # assignments and off-platform reports of each point and month.
        province.write_monitoring()
        # A reverse-evaluation round over the biggest city, rating the period's senders.
        province.write_evaluation()
        province.write_certificates()
        province.write_signage()
        # Every community's and department's inbox version, as the migration gives the
        # organisations that exist when it runs (registry/inbox_cache.py).
        inbox_versions_seed()
        # Rows loaded by COPY bypass the services: every figure kept in the cache from
        # before is stale (registry/figure_cache.py; the tree is in every key).
        figure_cache.bump([figure_cache.TREE])
    # After the commit (VACUUM cannot run in a transaction): statistics for the planner and
    # the visibility map for index-only scans, as autovacuum leaves a live database.
    progress("vacuum analyze")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    seconds = round(time.monotonic() - started, 1)
    progress(f"done in {seconds} s")
    return {"spec": asdict(spec), "rows": province.counts, "seconds": seconds}
