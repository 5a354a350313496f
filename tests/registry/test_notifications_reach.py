"""Communities hear what concerns them (issue 14, item 7): suspending, reinstating and
revoking an item tell every community in its scope (one bulk insert), the open tasks under
it show the item's new status, and a notification's read state is each person's own."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from registry import services
from registry.models import Assignment, Membership, Notification, Role
from tests.factories import CommunityFactory, UserFactory

TODAY = datetime.date(2026, 9, 14)

pytestmark = pytest.mark.usefixtures("on_a_known_monday")


@pytest.mark.parametrize("action", ["suspend", "revoke"])
def test_every_community_in_the_scope_is_told(world, item, action):
    services.work_item_change_status(
        actor=world.a.reviewer, item=item, action=action, reason="政策调整"
    )
    told = Notification.objects.filter(kind=f"work_item.{action}")
    recipients = {n.recipient_id for n in told}
    assert {world.a.community.pk, world.a.community2.pk, world.a.department.pk} <= recipients
    assert world.b.community.pk not in recipients
    assert all("政策调整" in n.body for n in told)


def test_reinstating_tells_them_too(world, item):
    services.work_item_change_status(
        actor=world.a.reviewer, item=item, action="suspend", reason="暂停"
    )
    services.work_item_change_status(
        actor=world.a.reviewer, item=item, action="reinstate", reason="恢复"
    )
    told = Notification.objects.filter(kind="work_item.reinstate")
    assert world.a.community.pk in {n.recipient_id for n in told}


def test_the_fan_out_is_one_insert_whatever_the_scope(world, item, django_assert_max_num_queries):
    for _ in range(6):
        CommunityFactory(parent=world.a.street)
    # lock, audit (lock, head, insert), save, the scope's communities (one prefix query),
    # one bulk insert, savepoints: never one per community.
    with django_assert_max_num_queries(14):
        services.work_item_change_status(
            actor=world.a.reviewer, item=item, action="suspend", reason="暂停"
        )
    assert Notification.objects.filter(kind="work_item.suspend").count() == 9


def test_an_open_task_shows_the_items_new_status(world, item, client):
    services.dispatch_create(
        actor=world.a.department_staff,
        work_item=item,
        title="居民信息核对",
        communities=[world.a.community],
        due_date=TODAY + datetime.timedelta(days=14),
        hours_per_community=Decimal("2"),
    )
    services.work_item_change_status(
        actor=world.a.reviewer, item=item, action="suspend", reason="暂停"
    )
    assignment = Assignment.objects.get()
    client.force_login(world.a.cadre)
    assert "事项已暂停" in client.get("/inbox/").content.decode()
    assert "事项已暂停" in client.get(f"/inbox/{assignment.pk}/").content.decode()


def test_reading_is_each_persons_own(world, item, client):
    services.work_item_change_status(
        actor=world.a.reviewer, item=item, action="suspend", reason="暂停"
    )
    colleague = UserFactory(username="a_cadre_2")
    Membership.objects.create(
        user=colleague, organisation=world.a.community, role=Role.COMMUNITY_CADRE
    )
    mine = Notification.objects.get(recipient=world.a.community, kind="work_item.suspend")
    client.force_login(world.a.cadre)
    client.post("/notifications/read/", {"id": mine.pk})
    assert "data-unread" not in client.get("/notifications/badge/").content.decode()
    client.force_login(colleague)
    assert 'data-unread="1"' in client.get("/notifications/badge/").content.decode()
    page = client.get("/notifications/?unread=true").content.decode()
    assert "暂停" in page


def test_mark_all_read_is_the_readers_alone(world, item, client):
    services.work_item_change_status(
        actor=world.a.reviewer, item=item, action="suspend", reason="暂停"
    )
    colleague = UserFactory(username="a_liaison_2")
    Membership.objects.create(user=colleague, organisation=world.a.community, role=Role.LIAISON)
    client.force_login(world.a.liaison)
    client.post("/notifications/read/")
    client.force_login(colleague)
    assert 'data-unread="1"' in client.get("/notifications/badge/").content.decode()


def test_the_notification_list_costs_the_same_queries_for_more_rows(world, item, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.a.cadre)
    services.work_item_change_status(
        actor=world.a.reviewer, item=item, action="suspend", reason="一"
    )
    mine = Notification.objects.get(recipient=world.a.community)
    client.post("/notifications/read/", {"id": mine.pk})
    with CaptureQueriesContext(connection) as few:
        client.get("/notifications/")
    services.work_item_change_status(
        actor=world.a.reviewer, item=item, action="reinstate", reason="二"
    )
    services.work_item_change_status(
        actor=world.a.reviewer, item=item, action="revoke", reason="三"
    )
    with CaptureQueriesContext(connection) as more:
        page = client.get("/notifications/").content.decode()
    assert page.count("notification--unread") == 2
    assert len(more) == len(few)
