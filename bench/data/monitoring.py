"""Monitoring: off-platform reports."""

from __future__ import annotations

import bisect
import datetime
import itertools
from decimal import Decimal

from bench import pgload
from bench.data.common import TASK_TOPICS, Org, _aware, _words
from monitoring.models import OffPlatformReport


class MonitoringMixin:
    # --- monitoring and certificates ------------------------------------------------------

    def _department_pools(self) -> dict[int, tuple[list[Org], list[float]]]:
        """Per district: the departments of the district and of its city, cumulative weights."""
        by_area: dict[int, list[Org]] = {}
        for d in self.departments:
            by_area.setdefault(d.parent.id, []).append(d)
        pools = {}
        for district in (a for a in self.areas if a.level == "district"):
            depts = by_area.get(district.id, []) + by_area.get(district.parent.id, [])
            pools[district.id] = (depts, list(itertools.accumulate(d.weight**0.5 for d in depts)))
        return pools

    def write_offplatform(self) -> None:
        spec, rng, today = self.spec, self.rng, self.today
        if not spec.offplatform_reports:
            return
        pools = self._department_pools()
        cum = list(itertools.accumulate(c.weight for c in self.communities))
        channels = [c.value for c in OffPlatformReport.Channel]
        days = 365 * spec.years
        fields = _words(
            "community department title description channel received_on due_date hours "
            "reported_by created_at"
        )

        def rows():
            for _ in range(spec.offplatform_reports):
                community = self.communities[bisect.bisect(cum, rng.random() * cum[-1])]
                depts, dcum = pools[community.parent.parent.id]
                if not depts:
                    continue
                dept = depts[bisect.bisect(dcum, rng.random() * dcum[-1])]
                received = today - datetime.timedelta(days=int(days * rng.random() ** 1.3))
                yield (
                    community.id,
                    dept.id,
                    f"{rng.choice(TASK_TOPICS)}（微信群通知）",
                    "",
                    rng.choice(channels),
                    received,
                    received + datetime.timedelta(days=rng.randint(1, 10))
                    if rng.random() < 0.8
                    else None,
                    Decimal(rng.choice(["1", "2", "3", "5"])) if rng.random() < 0.7 else None,
                    self.cadre_user[community.id],
                    _aware(received, rng.randint(9 * 3600, 20 * 3600)),
                )

        self.counts["offplatform_reports"] = pgload.copy_rows(OffPlatformReport, fields, rows())
        self.progress(f"off-platform reports: {self.counts['offplatform_reports']}")
