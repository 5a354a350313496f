"""The demo's reverse evaluation: a closed round of 东城区 with enough answers to rank, an
open one below the minimum; safe to seed twice."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from monitoring.models import EvaluationResponse, EvaluationRound
from monitoring.selectors import evaluation as reads
from registry.audit import audit_chain_verify


@pytest.fixture(autouse=True)
def demo_settings(settings):
    settings.DEBUG = True  # seed_demo refuses to run with production settings
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_demo_has_a_ranked_closed_round_and_an_open_one_below_the_minimum(db, client):
    call_command("seed_demo", stdout=StringIO())
    closed = EvaluationRound.objects.get(area__name="东城区", state="closed")
    current = EvaluationRound.objects.get(area__name="东城区", state="open")
    assert closed.responses.count() == 7
    assert current.responses.count() == 2
    ranked = [r for r in reads.round_results(closed) if r.ranked]
    assert len(ranked) >= 3 and ranked[0].rank == 1 and ranked[0].scores is not None
    assert all(r.scores is None and r.rank is None for r in reads.round_results(current))
    assert reads.round_comments(closed)
    audit_chain_verify()

    # The demo's supervisor reads the results page.
    client.login(username="supervisor", password="Demo-2026!")
    page = client.get(f"/monitoring/evaluation/{closed.pk}/")
    assert page.status_code == 200
    assert "评价结果与监测数据对照" in page.content.decode()

    responses = EvaluationResponse.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert EvaluationRound.objects.count() == 2
    assert EvaluationResponse.objects.count() == responses
