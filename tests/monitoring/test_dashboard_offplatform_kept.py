"""The dashboard's off-platform section is kept until a report under the area changes
(registry/figure_cache.py): a second read counts nothing again; a report, a correction
and a withdrawal each show in the very next read."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from monitoring import selectors, services

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def figures(client, world) -> dict:
    today = timezone.localdate()
    response = client.get(
        "/api/v1/dashboard/",
        {"area": world.a.district.code, "from": (today - datetime.timedelta(days=60)).isoformat(),
         "until": today.isoformat()},
    )  # fmt: skip
    assert response.status_code == 200
    return response.json()["offplatform"]["period"]["totals"]


def report(world, **fields):
    values = {
        "community": world.a.community,
        "department": world.a.department,
        "title": "微信群要求上报",
        "channel": "wechat",
        "received_on": timezone.localdate(),
        "description": "微信群里要求填报表格",
        **fields,
    }
    return services.offplatform_report_create(actor=world.a.liaison, **values)


def test_kept_then_each_change_shows_at_the_next_read(world, api_as):
    client = api_as(world.a.supervisor)
    first_report = report(world)
    first = figures(client, world)
    with CaptureQueriesContext(connection) as queries:
        assert figures(client, world) == first
    assert not [q for q in queries.captured_queries if "monitoring_offplatformreport" in q["sql"]]
    report(world, description="电话要求上报台账")
    added = figures(client, world)
    assert added["reports"] == first["reports"] + 1
    services.offplatform_report_withdraw(actor=world.a.liaison, report=first_report)
    # What the list (the drill-down) counts after the withdrawal, counted afresh.
    today = timezone.localdate()
    listed = selectors.offplatform_list(
        user=world.a.supervisor,
        filters={"area": world.a.district.code, "received_before": today.isoformat(),
                 "received_after": (today - datetime.timedelta(days=60)).isoformat()},
    ).count()  # fmt: skip
    assert figures(client, world)["reports"] == listed
