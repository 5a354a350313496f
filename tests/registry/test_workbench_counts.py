"""The workbenches count what is open for each role (issue 14, item 12): the liaison's 待办
shows the community's open tasks, a department sees its refusals of the week with their
reasons, and an item about to expire offers 申请续期 (a renewal application, pre-filled)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from registry import services
from registry.models import Application, Assignment

TODAY = datetime.date(2026, 9, 14)

pytestmark = pytest.mark.usefixtures("on_a_known_monday")


def send(world, item, title="居民信息核对"):
    return services.dispatch_create(
        actor=world.a.department_staff,
        work_item=item,
        title=title,
        communities=[world.a.community, world.a.community2],
        due_date=TODAY + datetime.timedelta(days=14),
        hours_per_community=Decimal("2"),
    )


def test_the_liaisons_todo_counts_the_open_inbox_tasks(world, item, client):
    send(world, item)
    client.force_login(world.a.liaison)
    workbench = client.get("/workbench/liaison/").content.decode()
    assert 'hx-get="/inbox/section/"' in workbench
    section = client.get("/inbox/section/").content.decode()
    assert "居民信息核对" in section
    assert "1 项待办" in section  # one open task reached the liaison's community


def test_the_department_sees_its_refusals_of_the_week_with_reasons(world, item, client):
    send(world, item)
    services.assignment_respond(
        actor=world.a.cadre,
        assignment=Assignment.objects.get(community=world.a.community),
        action="refuse",
        reason_code="duplicate",
        note="上月已报送同样的名单",
    )
    client.force_login(world.a.department_staff)
    page = client.get("/workbench/department/").content.decode()
    assert "本周被拒收的任务" in page
    assert "A一社区" in page and "重复报送已有数据" in page and "上月已报送同样的名单" in page


def test_refusals_older_than_a_week_and_other_departments_are_not_shown(world, item, client):
    import time_machine

    with time_machine.travel(datetime.datetime(2026, 9, 1, 9, 0), tick=False):
        send(world, item, title="八月的任务")
        services.assignment_respond(
            actor=world.a.cadre,
            assignment=Assignment.objects.get(community=world.a.community),
            action="refuse",
            reason_code="duplicate",
        )
    client.force_login(world.a.department_staff)
    page = client.get("/workbench/department/").content.decode()
    assert "八月的任务" not in page
    assert "本周没有被拒收的任务" in page
    client.force_login(world.b.department_staff)
    assert "八月的任务" not in client.get("/workbench/department/").content.decode()


def test_an_expiring_item_offers_a_prefilled_renewal(world, item, client):
    item.valid_until = TODAY + datetime.timedelta(days=20)
    item.save(update_fields=["valid_until"])
    client.force_login(world.a.department_staff)
    page = client.get("/workbench/department/").content.decode()
    renew = f"/applications/new/?renew={item.admission_number}"
    assert "申请续期" in page and renew in page
    form = client.get(renew).content.decode()
    assert "居民信息核对" in form  # the title, pre-filled
    assert f'name="renewal_of" value="{item.admission_number}"' in form


def test_the_renewal_application_renews_the_item(world, item, client):
    item.valid_until = TODAY + datetime.timedelta(days=20)
    item.save(update_fields=["valid_until"])
    client.force_login(world.a.department_staff)
    response = client.post(
        "/applications/new/",
        {
            "department": world.a.department.code,
            "renewal_of": item.admission_number,
            "title": item.title,
            "list_kind": item.list_kind,
            "description": "续期",
            "legal_basis": "《统计法》",
            "frequency": item.frequency,
            "hours_per_occurrence": "3",
            "households_per_occurrence": "20",
            "ledgers": "0",
            "funding_per_community": "0",
            "valid_months": "12",
            "scope": [world.a.street.code],
            "data_fields": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    application = Application.objects.get()
    assert application.renewal_of == item


def test_another_departments_item_cannot_be_renewed_from_the_form(world, item, client):
    client.force_login(world.b.department_staff)
    response = client.get(f"/applications/new/?renew={item.admission_number}")
    assert response.status_code == 404


def test_an_item_with_a_renewal_under_way_offers_no_second_one(world, item, client):
    item.valid_until = TODAY + datetime.timedelta(days=20)
    item.save(update_fields=["valid_until"])
    services.application_create(
        actor=world.a.department_staff,
        department=world.a.department,
        scope=[world.a.street],
        renewal_of=item,
        title=item.title,
        list_kind=item.list_kind,
        description="续期",
        legal_basis="《统计法》",
        frequency=item.frequency,
        hours_per_occurrence=Decimal("3"),
        households_per_occurrence=20,
    )
    client.force_login(world.a.department_staff)
    page = client.get("/workbench/department/").content.decode()
    assert "/applications/new/?renew=" not in page
    assert "续期申请办理中" in page


def test_the_department_workbench_costs_the_same_queries_for_more_rows(world, item, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from registry import workdays
    from tests.factories import WorkItemFactory

    workdays.is_covered(2026)
    client.force_login(world.a.department_staff)

    def refused_task(work_item, title):
        send(world, work_item, title=title)
        services.assignment_respond(
            actor=world.a.cadre,
            assignment=Assignment.objects.get(dispatch__title=title, community=world.a.community),
            action="refuse",
            reason_code="other",
            note="不合理",
        )

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/workbench/department/").status_code == 200
        return len(queries)

    item.valid_until = TODAY + datetime.timedelta(days=20)
    item.save(update_fields=["valid_until"])
    refused_task(item, "一")
    few = count()
    for title in ("二", "三"):
        other = WorkItemFactory(
            jurisdiction=world.a.district,
            department=world.a.department,
            hours_per_occurrence=Decimal("3"),
            households_per_occurrence=20,
            valid_from=datetime.date(2026, 1, 1),
            valid_until=TODAY + datetime.timedelta(days=25),
            scope=[world.a.street],
        )
        refused_task(other, title)
    assert count() == few
