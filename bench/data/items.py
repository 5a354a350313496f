"""Work items: the admitted lists of every area, the benchmark's own item, the negative list."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from bench import pgload
from bench.data.common import DATA_FIELDS, TASK_TOPICS, Item, Org, _words
from bench.data.spec import BENCH_ITEM_TITLE
from registry.models import (
    AdmissionSequence,
    Frequency,
    ListKind,
    WorkItem,
)


class ItemsMixin:
    # --- work items -----------------------------------------------------------------------

    def build_items(self) -> None:
        spec, rng, today = self.spec, self.rng, self.today
        next_id = itertools.count(pgload.next_id(WorkItem))
        sequences: dict[tuple[int, int], int] = {}
        per_department = [1] * len(self.departments)
        extra = max(0, spec.work_items - len(self.departments) - 1)
        for i in rng.choices(
            range(len(self.departments)), weights=[d.weight**0.5 for d in self.departments], k=extra
        ):
            per_department[i] += 1
        plans: list[tuple[Org, str]] = []
        for dept, n in zip(self.departments, per_department, strict=True):
            plans += [(dept, "active")] * n
        plans = plans[: max(1, spec.work_items - 1)]
        plans += [
            (rng.choice(self.departments), rng.choice(["expired", "expired", "revoked"]))
            for _ in range(max(1, spec.work_items * 8 // 100))
        ]
        frequencies = [
            Frequency.ONCE,
            Frequency.WEEKLY,
            Frequency.MONTHLY,
            Frequency.QUARTERLY,
            Frequency.YEARLY,
        ]
        busy = self.departments[0]
        # The benchmark's own item: monthly, the busiest department, its whole city.
        plans.insert(0, (busy, "bench"))
        for dept, status in plans:
            area = dept.parent
            if status == "bench":
                valid_until = today + datetime.timedelta(days=700)
                valid_from = today - datetime.timedelta(days=400)
                frequency, hours, households, title = (
                    Frequency.MONTHLY,
                    Decimal("4"),
                    50,
                    BENCH_ITEM_TITLE,
                )
                scope = [area]
            else:
                if status == "active":
                    # ~3% end within 60 days (the "expiring admission" flag).
                    left = rng.randint(1, 60) if rng.random() < 0.03 else rng.randint(61, 1_095)
                    valid_until = today + datetime.timedelta(days=left)
                else:
                    valid_until = today - datetime.timedelta(days=rng.randint(1, 400))
                valid_from = valid_until - datetime.timedelta(days=1_095)
                frequency = rng.choices(frequencies, weights=[10, 5, 35, 30, 20])[0]
                hours = Decimal(rng.choice(["0.5", "1", "2", "3", "4", "6", "8"]))
                households = rng.choice([0, 0, 10, 20, 30, 50])
                title = f"{rng.choice(TASK_TOPICS)}（{dept.name}）"
                scope = self._scope_for(area)
            year = valid_from.year
            n = sequences[(area.id, year)] = sequences.get((area.id, year), 0) + 1
            self.items.append(
                Item(
                    next(next_id),
                    dept,
                    area,
                    rng.choice([ListKind.DUTY, ListKind.ASSIST]),
                    title,
                    f"{area.code}-{year}-{n:04d}",
                    frequency,
                    hours,
                    households,
                    {"bench": "active", "active": "active"}.get(status, status),
                    valid_from,
                    valid_until,
                    scope,
                    rng.sample(DATA_FIELDS, k=rng.randint(2, 5)),
                )
            )
        # The negative list (负面清单): two entries per city, no number, no department.
        for city in (a for a in self.areas if a.level == "city"):
            for topic in rng.sample(TASK_TOPICS, k=2):
                self.items.append(
                    Item(
                        next(next_id),
                        None,
                        city,
                        ListKind.NEGATIVE,
                        f"{topic}（不得摊派）",
                        None,
                        Frequency.ONCE,
                        Decimal("0"),
                        0,
                        "active",
                        today,
                        today,
                        [],
                    )
                )
        self.sequences = sequences
        self.progress(f"work items: {len(self.items)}")

    def _scope_for(self, area: Org) -> list[Org]:
        """Most items cover their whole jurisdiction; some only a few areas within it."""
        if self.rng.random() < 0.88:
            return [area]
        children = [a for a in self.areas if a.parent is area]
        return self.rng.sample(children, k=min(len(children), self.rng.randint(1, 3))) or [area]

    def write_items(self) -> None:
        fields = _words(
            "id admission_number jurisdiction list_kind title description department legal_basis "
            "valid_from valid_until status status_reason frequency hours_per_occurrence "
            "households_per_occurrence ledgers data_fields funding_per_community created_at "
            "updated_at"
        )
        now = timezone.now()
        from psycopg.types.json import Jsonb

        rows = (
            (
                i.id,
                i.number,
                i.jurisdiction.id,
                i.list_kind,
                i.title,
                "",
                i.department.id if i.department else None,
                "《城乡社区服务体系建设规划》",
                None if i.number is None else i.valid_from,
                None if i.number is None else i.valid_until,
                i.status,
                "撤销：不再需要" if i.status == "revoked" else "",
                i.frequency,
                i.hours,
                i.households,
                self.rng.randint(0, 3),
                Jsonb(i.data_fields),
                Decimal(self.rng.choice([0, 0, 500, 2_000])),
                now,
                now,
            )
            for i in self.items
        )
        self.counts["work_items"] = pgload.copy_rows(WorkItem, fields, rows)
        pgload.sync_sequence(WorkItem)
        scope_rows = ((i.id, org.id) for i in self.items for org in i.scope)
        pgload.copy_rows(WorkItem.scope.through, ["workitem", "organisation"], scope_rows)
        AdmissionSequence.objects.bulk_create(
            AdmissionSequence(jurisdiction_id=area_id, year=year, last_value=n)
            for (area_id, year), n in self.sequences.items()
        )
