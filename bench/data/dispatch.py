"""Two years of dispatches and their assignments (the biggest table)."""

from __future__ import annotations

import bisect
import datetime
import itertools
from collections.abc import Iterator
from decimal import Decimal

from django.utils import timezone

from bench import pgload
from bench.data.common import NULL, TASK_TOPICS, Item, Org, PlannedDispatch, _aware, _words
from bench.data.spec import BENCH_ITEM_TITLE
from registry.models import (
    Assignment,
    Dispatch,
    ListKind,
)
from registry.services.dispatch import period_start
from registry.workdays import add_working_days, working_days_between


class DispatchMixin:
    # --- dispatches and assignments -------------------------------------------------------

    def plan_dispatches(self) -> list[PlannedDispatch]:
        """Dispatches over the last ``years`` until the assignments reach the target: items
        picked by their department's weight, at most once per period of their frequency."""
        spec, rng, today = self.spec, self.rng, self.today
        start = today - datetime.timedelta(days=365 * spec.years)
        by_department: dict[int, list[Item]] = {}
        for item in self.items:
            if item.department is not None and item.list_kind != ListKind.NEGATIVE:
                by_department.setdefault(item.department.id, []).append(item)
        senders = [d for d in self.departments if d.id in by_department]
        cum = list(itertools.accumulate(d.weight for d in senders))
        scope_cache: dict[int, list[Org]] = {}
        used: set[tuple[int, datetime.date | None]] = set()
        month_start = today.replace(day=1)
        next_id = itertools.count(pgload.next_id(Dispatch))
        planned: list[PlannedDispatch] = []
        total, misses = 0, 0
        while total < spec.assignments and misses < 50_000:
            dept = senders[bisect.bisect(cum, rng.random() * cum[-1])]
            emergency = rng.random() < (0.2 if dept.id in self.emergency_heavy else 0.025)
            item = None if emergency else rng.choice(by_department[dept.id])
            low = start if item is None else max(start, item.valid_from)
            high = today if item is None else min(today, item.valid_until)
            if low > high:
                misses += 1
                continue
            if rng.random() < 0.15:  # a busy last six weeks: the open tasks of today
                low = max(low, today - datetime.timedelta(days=45))
            day = low + datetime.timedelta(days=rng.randint(0, max(0, (high - low).days)))
            if item is not None:
                key = (item.id, period_start(item.frequency, day))
                if key in used or (item.title == BENCH_ITEM_TITLE and day >= month_start):
                    misses += 1
                    continue
                used.add(key)
            short = rng.random() < 0.05
            due = add_working_days(day, rng.randint(1, 4) if short else rng.randint(5, 25))
            if item is not None and due > item.valid_until:
                due = item.valid_until
            areas = [dept.parent] if item is None else item.scope
            pool_key = item.id if item else -dept.id
            pool = scope_cache.get(pool_key)
            if pool is None:
                pool = scope_cache[pool_key] = [c for a in areas for c in self.under.get(a.id, [])]
            size = len(pool)
            share = rng.uniform(0.05, 0.6) if size > 600 else rng.uniform(0.2, 1.0)
            chosen = [c.id for c in pool if rng.random() < share * c.weight]
            if not chosen:
                misses += 1
                continue
            chosen = chosen[: spec.assignments - total]
            total += len(chosen)
            hours = item.hours if item else Decimal(rng.choice(["1", "2", "4"]))
            planned.append(
                PlannedDispatch(
                    next(next_id),
                    dept,
                    item,
                    _aware(day, rng.randint(8 * 3600, 18 * 3600)),
                    due,
                    hours,
                    item.households if item else 0,
                    chosen,
                )
            )
        self.progress(f"planned {len(planned)} dispatches with {total} assignments")
        return planned

    def write_dispatches(self, planned: list[PlannedDispatch]) -> None:
        rng = self.rng
        fields = _words(
            "id department work_item created_by title instructions materials due_date "
            "hours_per_community households_per_community lead_working_days emergency "
            "justification ratified_at ratified_by ratification_note community_count created_at "
            "recall_reason"
        )

        def rows():
            for p in planned:
                emergency = p.item is None
                ratified = emergency and rng.random() < 0.85
                day = timezone.localdate(p.created_at)
                title = p.item.title if p.item else "应急：" + rng.choice(TASK_TOPICS)
                yield (
                    p.id,
                    p.department.id,
                    p.item.id if p.item else None,
                    self.staff_user[p.department.id],
                    f"{title}（{day:%Y年%m月}）",
                    "请按附件要求完成并在系统中反馈。",
                    "核对表一份" if rng.random() < 0.5 else "",
                    p.due,
                    p.hours,
                    p.households,
                    working_days_between(day, p.due),
                    emergency,
                    "上级紧急部署，时限紧" if emergency else "",
                    p.created_at + datetime.timedelta(days=rng.randint(1, 6)) if ratified else None,
                    self.reviewer_id if ratified else None,
                    "情况属实" if ratified else "",
                    len(p.communities),
                    p.created_at,
                    "",  # never recalled
                )

        self.counts["dispatches"] = pgload.copy_rows(Dispatch, fields, rows())
        pgload.sync_sequence(Dispatch)
        self.progress(f"dispatches: {self.counts['dispatches']}")

    def write_assignments(self, planned: list[PlannedDispatch]) -> None:
        """The biggest table, as pre-formatted COPY text (no value needs escaping)."""
        rng, today = self.rng, self.today
        fields = _words(
            "dispatch community department work_item emergency due_date hours state "
            "refusal_reason note responded_at created_at"
        )
        reasons = ["not_admitted", "outside_list", "unreasonable_deadline", "duplicate"]
        target = sum(len(p.communities) for p in planned)
        step = max(1, target // 10)

        def chunks() -> Iterator[str]:
            written, next_report, lines = 0, step, []
            # In the order they were received, as a live database holds them (the
            # received-time BRIN index of the dashboard's live days relies on it).
            for p in sorted(planned, key=lambda p: (p.created_at, p.id)):
                refusal = 0.3 if p.department.id in self.refusal_hot else 0.04
                past = p.due < today
                answer_days = max(1, (p.due - p.created_at.date()).days)
                item = str(p.item.id) if p.item else NULL
                emergency = "t" if p.item is None else "f"
                head = f"{p.id}\t"
                tail = f"\t{p.department.id}\t{item}\t{emergency}\t{p.due.isoformat()}\t{p.hours}\t"
                created = p.created_at.isoformat()
                for community in p.communities:
                    x = rng.random()
                    if x < refusal:
                        state, reason = "refused", rng.choice(reasons)
                    elif past:
                        state, reason = ("pending" if x < refusal + 0.01 else "completed"), ""
                    else:
                        state = (
                            "completed"
                            if x < refusal + 0.05
                            else "accepted"
                            if x < 0.55
                            else "pending"
                        )
                        reason = ""
                    responded = (
                        NULL
                        if state == "pending"
                        else (
                            p.created_at
                            + datetime.timedelta(hours=rng.uniform(1, 24 * answer_days))
                        ).isoformat()
                    )
                    lines.append(
                        f"{head}{community}{tail}{state}\t{reason}\t\t{responded}\t{created}\n"
                    )
                written += len(p.communities)
                if len(lines) >= 20_000:
                    yield "".join(lines)
                    lines = []
                if written >= next_report:
                    self.progress(f"assignments: {written:,} of {target:,}")
                    next_report += step
            if lines:
                yield "".join(lines)

        pgload.copy_text(Assignment, fields, chunks())
        self.counts["assignments"] = target
