"""The FLAG machine (registry.transitions shape) drives the flags page's buttons."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from monitoring import services as monitoring_services
from monitoring.models import Flag
from registry.errors import InvalidInput
from tests.factories import WorkItemFactory

MONDAY = datetime.date(2026, 9, 14)


@pytest.fixture(autouse=True)
def on_a_known_monday():
    with time_machine.travel(datetime.datetime(2026, 9, 14, 9, 0), tick=False):
        yield


def an_open_flag(world) -> Flag:
    WorkItemFactory(
        jurisdiction=world.a.district,
        department=world.a.department,
        valid_until=MONDAY + datetime.timedelta(days=10),
    )
    monitoring_services.flags_compute(today=MONDAY)
    return Flag.objects.get()


def offered(client, user, **query) -> list[str]:
    client.force_login(user)
    response = client.get(reverse("flags"), query)
    assert response.status_code == 200
    return re.findall(r'data-action="([\w-]+)"', response.content.decode())


def machine_offers(user, flag) -> list[str]:
    return [t.action for t in monitoring_services.FLAG.available_actions(user, flag)]


def test_flags_page_shows_exactly_what_the_machine_offers(client, world):
    flag = an_open_flag(world)

    for user in (world.a.supervisor, world.a.reviewer):
        assert machine_offers(user, flag) == ["acknowledge", "resolve"]
        assert offered(client, user) == ["acknowledge", "resolve"]

    monitoring_services.flag_acknowledge(actor=world.a.supervisor, flag=flag)
    flag.refresh_from_db()
    assert machine_offers(world.a.supervisor, flag) == ["resolve"]
    assert offered(client, world.a.supervisor) == ["resolve"]

    monitoring_services.flag_resolve(actor=world.a.supervisor, flag=flag, note="已督促续期")
    flag.refresh_from_db()
    assert machine_offers(world.a.supervisor, flag) == []
    assert offered(client, world.a.supervisor, status="resolved") == []


def test_users_without_flag_manage_are_offered_nothing(client, world):
    flag = an_open_flag(world)

    # The other district's supervisor may manage flags, but not this area's.
    assert machine_offers(world.b.supervisor, flag) == []
    assert offered(client, world.b.supervisor) == []
    # Department staff may not even open the page.
    client.force_login(world.a.department_staff)
    assert client.get(reverse("flags")).status_code == 403


def test_resolving_needs_a_note_named_as_the_api_names_it(world):
    flag = an_open_flag(world)

    with pytest.raises(InvalidInput) as refused:
        monitoring_services.flag_resolve(actor=world.a.supervisor, flag=flag, note=" ")

    assert refused.value.extra["fields"] == {"note": ["请说明处理情况。"]}
    flag.refresh_from_db()
    assert flag.status == Flag.Status.OPEN
