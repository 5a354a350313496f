"""The reverse evaluation (issue 12 item 5): one closed round over the city with the most
communities (at full size ~1,500 communities and ~100 departments of the city and its
districts), every community answering: it rates the departments that sent it most work
in the period, four dimensions each, a comment now and then.

A random generator of its own, so that adding these rows changes none of the others."""

from __future__ import annotations

import datetime
import random
from collections import Counter

from django.db import connection
from django.utils import timezone

from bench import pgload
from bench.data.common import _words
from bench.data.spec import SUPERVISOR_USERNAME
from monitoring.models import Dimension, EvaluationRating, EvaluationResponse, EvaluationRound
from registry.models import User

BENCH_ROUND_TITLE = "基准测试：反向评价"
# How many departments a community rates (the busiest senders of the period, at most).
RATED_PER_COMMUNITY = 8
PERIOD_DAYS = 90
COMMENTS = ["会议太多", "材料重复报送", "响应及时", "检查考核频繁", "台账要求过多"]


class EvaluationMixin:
    def write_evaluation(self) -> None:
        rng = random.Random(self.spec.seed + 12)
        cities = [a for a in self.areas if a.level == "city"]
        if not cities or not self.communities:
            return
        city = max(cities, key=lambda a: (len(self.under.get(a.id, [])), -a.id))
        communities = self.under.get(city.id, [])
        pool = [d for d in self.departments if d.path.startswith(city.path)]
        if not communities or not pool:
            return
        today = self.today
        start = today - datetime.timedelta(days=PERIOD_DAYS)
        supervisor = User.objects.get(username=SUPERVISOR_USERNAME)
        evaluation_round = EvaluationRound.objects.create(
            area_id=city.id,
            title=BENCH_ROUND_TITLE,
            period_from=start,
            period_until=today,
            opens_on=today - datetime.timedelta(days=14),
            closes_on=today - datetime.timedelta(days=1),
            state=EvaluationRound.State.CLOSED,
            created_by=supervisor,
            closed_at=timezone.now(),
        )
        senders = self._senders(city, start)
        now = timezone.now()
        self.counts["evaluation_responses"] = pgload.copy_rows(
            EvaluationResponse,
            _words("round community submitted_by submitted_at version"),
            (
                (evaluation_round.pk, c.id, self.cadre_user.get(c.id, supervisor.pk), now, 1)
                for c in communities
            ),
        )
        response_of = dict(
            EvaluationResponse.objects.filter(round=evaluation_round).values_list(
                "community_id", "id"
            )
        )
        # Each department has a "temper": some are harder on communities than others.
        temper = {d.id: rng.uniform(-1.2, 1.2) for d in pool}
        dimensions = [code for code, _label in Dimension.choices]

        def rows():
            for community in communities:
                rated = [d for d, _n in senders.get(community.id, Counter()).most_common()]
                rated = rated[:RATED_PER_COMMUNITY] or rng.sample(
                    [d.id for d in pool], k=min(3, len(pool))
                )
                for department_id in rated:
                    comment = rng.choice(COMMENTS) if rng.random() < 0.1 else ""
                    for dimension in dimensions:
                        score = round(3 + temper.get(department_id, 0) + rng.gauss(0, 0.9))
                        yield (
                            response_of[community.id],
                            evaluation_round.pk,
                            department_id,
                            dimension,
                            max(1, min(5, score)),
                            comment,
                        )

        self.counts["evaluation_ratings"] = pgload.copy_rows(
            EvaluationRating,
            _words("response round department dimension score comment"),
            rows(),
        )
        self.progress(
            f"evaluation: a round over {city.name} ({len(communities):,} communities, "
            f"{len(pool)} departments), {self.counts['evaluation_ratings']:,} ratings"
        )

    def _senders(self, city, start: datetime.date) -> dict[int, Counter]:
        """Per community of the city: how many tasks each department sent it in the period
        (one grouped scan of the period's assignments)."""
        since = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT a.community_id, a.department_id, count(*) FROM registry_assignment a "
                "JOIN registry_organisation c ON c.id = a.community_id "
                "WHERE c.path LIKE %s AND a.created_at >= %s "
                "GROUP BY a.community_id, a.department_id",
                [city.path + "%", since],
            )
            senders: dict[int, Counter] = {}
            for community_id, department_id, n in cursor.fetchall():
                senders.setdefault(community_id, Counter())[department_id] = n
        return senders
