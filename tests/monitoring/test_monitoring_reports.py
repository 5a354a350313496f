"""Monthly monitoring reports through the API: pre-filled, one per point and month,
read-only once submitted, corrections as new versions."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine

from monitoring import services
from monitoring.models import MonitoringReport
from registry import services as registry_services
from tests.factories import WorkItemFactory

URL = "/api/v1/monitoring-reports/"
pytestmark = pytest.mark.django_db


def _dispatch(world, title: str, due: datetime.date):
    item = WorkItemFactory(
        jurisdiction=world.a.district, department=world.a.department, scope=[world.a.street]
    )
    return registry_services.dispatch_create(
        actor=world.a.department_staff,
        work_item=item,
        title=title,
        communities=[world.a.community, world.a.community2],
        due_date=due,
        hours_per_community=Decimal("2"),
        emergency=False,
        justification="",
    )


@time_machine.travel(datetime.datetime(2026, 3, 10, 9, 0), tick=False)
def test_a_report_opens_prefilled_with_the_months_assignments_and_offplatform_reports(
    world, api_as
):
    _dispatch(world, "居民信息核对", datetime.date(2026, 3, 31))
    services.offplatform_report_create(
        actor=world.a.cadre,
        community=world.a.community,
        department=world.a.department,
        title="微信群要求三天内上报空置房",
        channel="wechat",
        received_on=datetime.date(2026, 3, 2),
        hours=Decimal("3"),
    )
    # Another month's and another community's demands stay out.
    services.offplatform_report_create(
        actor=world.a.cadre,
        community=world.a.community,
        department=world.a.department,
        title="二月的电话通知",
        channel="phone",
        received_on=datetime.date(2026, 2, 27),
    )
    response = api_as(world.a.liaison).post(
        URL, {"community": world.a.community.code, "period": "2026-03"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "draft"
    # Five working days after 31 March 2026: 1, 2, 3, 7, 8 April (清明 Monday 6 April off).
    assert body["due_date"] == "2026-04-08"
    entries = sorted((e["source"], e["title"], e["channel"]) for e in body["entries"])
    assert entries == [
        ("assignment", "居民信息核对", "platform"),
        ("offplatform", "微信群要求三天内上报空置房", "wechat"),
    ]
    second = api_as(world.a.liaison).post(
        URL, {"community": world.a.community.code, "period": "2026-03"}, format="json"
    )
    assert second.status_code == 409
    assert second.json()["code"] == "report_exists"


@time_machine.travel(datetime.datetime(2026, 3, 10, 9, 0), tick=False)
def test_entries_are_added_and_corrected_while_draft_and_read_only_once_submitted(world, api_as):
    client = api_as(world.a.liaison)
    report = client.post(
        URL, {"community": world.a.community.code, "period": "2026-03"}, format="json"
    ).json()
    added = client.post(
        f"{URL}{report['id']}/entries/",
        {
            "department": world.a.department.code,
            "title": "微信群要求统计商户",
            "channel": "wechat",
            "demanded_on": "2026-03-05",
            "hours": "4",
            "households": 30,
            "cadres_involved": 2,
        },
        format="json",
    )
    assert added.status_code == 201, added.content
    entry = added.json()["id"]
    patched = client.patch(f"{URL}{report['id']}/entries/{entry}/", {"hours": "5.5"}, format="json")
    assert patched.status_code == 200 and patched.json()["hours"] == "5.50"
    outside = client.post(
        f"{URL}{report['id']}/entries/",
        {
            "department": world.a.department.code,
            "title": "x",
            "channel": "phone",
            "demanded_on": "2026-02-05",
        },
        format="json",
    )
    assert outside.status_code == 400

    submitted = client.post(f"{URL}{report['id']}/submit/")
    assert submitted.status_code == 200
    assert submitted.json()["state"] == "submitted" and submitted.json()["submitted_at"]
    late_edit = client.patch(f"{URL}{report['id']}/entries/{entry}/", {"hours": "1"}, format="json")
    assert late_edit.status_code == 409
    assert client.delete(f"{URL}{report['id']}/entries/{entry}/").status_code == 409
    assert client.post(f"{URL}{report['id']}/submit/").status_code == 409

    correction = client.post(f"{URL}{report['id']}/correct/", {"reason": "漏报一项"}, format="json")
    assert correction.status_code == 201
    assert correction.json()["version"] == 2 and correction.json()["state"] == "draft"
    assert len(correction.json()["entries"]) == 1
    old = MonitoringReport.objects.get(pk=report["id"])
    assert old.state == "superseded" and old.entries.get().hours == Decimal("5.5")


@time_machine.travel(datetime.datetime(2026, 3, 10, 9, 0), tick=False)
def test_only_the_points_liaison_opens_a_report(world, api_as):
    body = {"community": world.a.community2.code, "period": "2026-03"}
    # community2 is not a monitoring point.
    from tests.factories import MembershipFactory

    MembershipFactory(user=world.a.liaison, organisation=world.a.community2, role="liaison")
    response = api_as(world.a.liaison).post(URL, body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "not_a_monitoring_point"
    other = api_as(world.b.liaison).post(
        URL, {"community": world.a.community.code, "period": "2026-03"}, format="json"
    )
    assert other.status_code == 403


@time_machine.travel(datetime.datetime(2026, 3, 10, 9, 0), tick=False)
def test_the_supervisors_list_counts_queries_once_for_many_reports(
    world, api_as, django_assert_num_queries
):
    for month in ("2026-01", "2026-02", "2026-03"):
        api_as(world.a.liaison).post(
            URL, {"community": world.a.community.code, "period": month}, format="json"
        )
    client = api_as(world.a.supervisor)
    # The supervisor's memberships, the area named by code, the count, and the page of
    # reports with their totals (one query however many reports).
    with django_assert_num_queries(4):
        response = client.get(URL, {"area": world.a.district.code})
    assert response.json()["count"] == 3
    assert client.get(URL, {"period": "2026-13"}).status_code == 400
    assert api_as(world.b.supervisor).get(URL).json()["count"] == 0
