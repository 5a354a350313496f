"""Complaints and suggestions (投诉建议): a visitor sends one without an account and gets a
reference number, reads the answer with it (never the contact data), and the supervision
office answers from its queue."""

from __future__ import annotations

import re
import uuid

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from public import selectors, services
from public.models import Complaint
from registry import limits, workdays
from registry.errors import IllegalTransition, InvalidInput, PermissionDenied
from registry.models import AuditEntry

REFERENCE = re.compile(r"JY\d{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}")


def form(**fields) -> dict:
    return {
        "kind": "suggestion",
        "subject": "建议公布填表清单",
        "text": "社区每月要填的表太多，建议在网上公布清单。",
        "contact": "13800000000",
        "website": "",
        **fields,
    }


def send(world, area=None, **fields) -> Complaint:
    data = form(**fields)
    data.pop("website")
    return services.complaint_submit(area=area, **data)


def test_a_visitor_sends_a_suggestion_and_keeps_the_reference_number(world, client):
    response = client.post("/complaints/new/", form(area=world.a.district.pk))

    assert response.status_code == 200
    html = response.content.decode()
    reference = REFERENCE.search(html).group(0)
    complaint = Complaint.objects.get(reference=reference)
    assert complaint.area == world.a.district
    assert complaint.state == "received"
    assert complaint.contact == "13800000000"
    # The audit log says one arrived, not what it says nor who sent it.
    entry = AuditEntry.objects.get(action="complaint.receive", object_id=str(complaint.pk))
    assert entry.actor is None
    assert "13800000000" not in str(entry.after) and "填的表" not in str(entry.after)


def test_without_an_area_the_message_goes_to_the_bureau(world):
    assert send(world).area == world.city


def test_references_are_random_not_numbered(world):
    first, second = send(world), send(world)
    assert REFERENCE.fullmatch(first.reference) and REFERENCE.fullmatch(second.reference)
    assert first.reference[7:] != second.reference[7:]


def test_the_lookup_shows_the_state_and_answer_but_never_the_contact(world, client):
    complaint = send(world, area=world.a.district)
    services.complaint_answer(
        actor=world.a.supervisor, complaint=complaint, answer="已责成区统计局精简报表。"
    )
    # Typed the way people type: lower case, spaces, a full-width dash.
    typed = complaint.reference.lower().replace("-", " ", 1).replace("-", "－")

    response = client.get("/complaints/lookup/", {"number": typed})

    html = response.content.decode()
    assert response.status_code == 200
    assert complaint.reference in html
    assert "已责成区统计局精简报表。" in html
    assert "已答复" in html
    assert "13800000000" not in html
    assert world.a.supervisor.username not in html
    assert world.a.supervisor.display_name not in html


def test_an_unknown_reference_says_so(world, client):
    response = client.get("/complaints/lookup/", {"number": "JY2026-2222-3333"})
    assert response.status_code == 200
    assert "没有这个查询编号" in response.content.decode()


@pytest.fixture
def address():
    """A client address of the test's own: parallel test processes share the cache, and
    each clears 127.0.0.1's counters when a test starts."""
    ip = f"198.51.100.{uuid.uuid4().int % 250 + 1}"
    keys = [f"throttle_{scope}_{ip}" for scope in ("complaint", "complaint_lookup")]
    cache.delete_many(keys)
    yield ip
    cache.delete_many(keys)


def test_the_form_is_rate_limited_per_client_address(world, client, address):
    for _attempt in range(5):
        assert client.post("/complaints/new/", form(), REMOTE_ADDR=address).status_code == 200

    response = client.post("/complaints/new/", form(), REMOTE_ADDR=address)

    assert response.status_code == 429
    assert "操作过于频繁" in response.content.decode()
    assert Complaint.objects.count() == 5
    # Another address is not held back.
    assert client.post("/complaints/new/", form(), REMOTE_ADDR="192.0.2.44").status_code == 200
    cache.delete("throttle_complaint_192.0.2.44")


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_made_up_forwarded_header_does_not_reset_the_limit(world, client, address):
    for attempt in range(5):
        forwarded = f"10.0.0.{attempt}, {address}"
        client.post("/complaints/new/", form(), HTTP_X_FORWARDED_FOR=forwarded)

    response = client.post("/complaints/new/", form(), HTTP_X_FORWARDED_FOR=f"10.9.9.9, {address}")

    assert response.status_code == 429


def test_the_lookup_is_rate_limited_too(world, client, address):
    number = {"number": "JY2026-2222-3333"}
    for _attempt in range(30):
        assert client.get("/complaints/lookup/", number, REMOTE_ADDR=address).status_code == 200
    response = client.get("/complaints/lookup/", number, REMOTE_ADDR=address)
    assert response.status_code == 429
    assert "操作过于频繁" in response.content.decode()


def test_the_form_needs_its_csrf_token(world):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/complaints/new/", form()).status_code == 403
    assert Complaint.objects.count() == 0


def test_a_robot_filling_the_hidden_field_is_refused(world, client):
    response = client.post("/complaints/new/", form(website="http://spam.example"))
    assert response.status_code == 400
    assert Complaint.objects.count() == 0


def test_texts_are_bounded(world, client):
    response = client.post("/complaints/new/", form(text="字" * (limits.NOTE_TEXT + 1)))
    assert response.status_code == 400
    with pytest.raises(InvalidInput):
        send(world, text="字" * (limits.NOTE_TEXT + 1))
    with pytest.raises(InvalidInput):
        send(world, subject=" ")
    with pytest.raises(InvalidInput):
        send(world, kind="praise")
    with pytest.raises(InvalidInput):
        send(world, area=world.a.street)  # only the bureau or one of its districts


# --- The answer queue -----------------------------------------------------------------------


def test_the_queue_is_scoped_and_puts_unanswered_newest_first(world, client):
    old = send(world, area=world.a.district, subject="旧的")
    answered = send(world, area=world.a.district, subject="已答复的")
    services.complaint_answer(actor=world.a.supervisor, complaint=answered, answer="已处理")
    new = send(world, area=world.a.district, subject="新的")
    send(world, area=world.b.district, subject="B区的")
    send(world, subject="市里的")

    mine = list(selectors.complaint_list(user=world.a.supervisor))
    assert mine == [new, old, answered]
    # The administrator answers for the whole deployment.
    assert selectors.complaint_list(user=world.admin).count() == 5
    assert selectors.complaint_list(user=world.a.cadre).count() == 0

    client.force_login(world.a.supervisor)
    html = client.get("/complaints/").content.decode()
    assert html.index("新的") < html.index("旧的") < html.index("已答复的")
    assert "B区的" not in html and "市里的" not in html


def test_the_queue_costs_the_same_queries_for_more_rows(world, client, django_assert_num_queries):
    workdays.is_covered(2026)
    for n in range(3):
        send(world, area=world.a.district, subject=f"第{n}条")
    client.force_login(world.a.supervisor)
    client.get("/complaints/")

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/complaints/").status_code == 200
        return len(captured)

    few = count_queries()
    for n in range(10):
        send(world, area=world.a.district, subject=f"又一条{n}")
    # 1 session, 2 user, 3 memberships, 4 count, 5 the page of complaints (area and the
    # answerer joined), 6 the notification badge.
    with django_assert_num_queries(few):
        assert client.get("/complaints/").status_code == 200
    assert few <= 7


def test_a_supervisor_answers_and_closes_and_each_step_is_audited(world, client):
    complaint = send(world, area=world.a.district)
    client.force_login(world.a.supervisor)

    page = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert "13800000000" in page  # the bureau sees the contact
    response = client.post(
        f"/complaints/{complaint.pk}/answer/", {"answer": "感谢建议，已转区统计局。"}
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.state, complaint.answered_by) == ("answered", world.a.supervisor)

    assert client.post(f"/complaints/{complaint.pk}/close/").status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == "closed"
    actions = list(
        AuditEntry.objects.filter(object_id=str(complaint.pk), object_type="public.complaint")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["complaint.receive", "complaint.answer", "complaint.close"]


def test_illegal_steps_get_a_specific_error(world):
    complaint = send(world, area=world.a.district)
    with pytest.raises(InvalidInput):
        services.complaint_answer(actor=world.a.supervisor, complaint=complaint, answer="  ")
    with pytest.raises(IllegalTransition, match="只能办结已答复的"):
        services.complaint_close(actor=world.a.supervisor, complaint=complaint)
    services.complaint_answer(actor=world.a.supervisor, complaint=complaint, answer="好")
    with pytest.raises(IllegalTransition, match="已经答复"):
        services.complaint_answer(actor=world.a.supervisor, complaint=complaint, answer="再答")
    with pytest.raises(PermissionDenied):
        services.complaint_close(actor=world.b.supervisor, complaint=complaint)
    with pytest.raises(PermissionDenied):
        services.complaint_close(actor=world.a.cadre, complaint=complaint)


def test_an_answer_posted_twice_on_the_page_says_it_is_already_answered(world, client):
    complaint = send(world, area=world.a.district)
    client.force_login(world.a.supervisor)
    client.post(f"/complaints/{complaint.pk}/answer/", {"answer": "第一次"})

    response = client.post(f"/complaints/{complaint.pk}/answer/", {"answer": "第二次"})

    assert response.status_code == 409
    assert "已经答复" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.answer == "第一次"


def test_the_supervisor_workbench_shows_what_waits(world, client):
    send(world, area=world.a.district, subject="等待答复的")
    client.force_login(world.a.supervisor)

    workbench = client.get("/workbench/supervisor/").content.decode()
    section = client.get("/complaints/section/").content.decode()

    assert 'hx-get="/complaints/section/"' in workbench
    assert "等待答复的" in section
    assert "1 条" in section


# --- Concurrency, query counts, the demo -----------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_supervisors_answering_at_once_give_one_answer(world, race):
    from registry.models import Membership

    complaint = send(world, area=world.a.district)
    other = type(world.a.supervisor).objects.create(username="a_supervisor_2")
    Membership.objects.create(user=other, organisation=world.a.district, role="supervisor")

    def answer(actor, text):
        return lambda: services.complaint_answer(actor=actor, complaint=complaint, answer=text)

    outcomes = race(answer(world.a.supervisor, "第一份答复"), answer(other, "第二份答复"))

    answered = [o for o in outcomes if isinstance(o, Complaint)]
    refused = [o for o in outcomes if isinstance(o, IllegalTransition)]
    assert len(answered) == 1 and len(refused) == 1, outcomes
    complaint.refresh_from_db()
    assert complaint.answer == answered[0].answer
    assert AuditEntry.objects.filter(action="complaint.answer").count() == 1


def test_sending_costs_a_fixed_number_of_queries(world, client, django_assert_num_queries):
    workdays.is_covered(2026)
    send(world)
    send(world)
    # 1-2 the form's areas (the bureau: the top levels, then its row; the choices), 3-4 the
    # service's check of the area (bureau again, then exists), 5 the savepoint's insert, 6-8 the
    # audit entry (lock, last hash, insert) and the savepoint statements around the insert.
    with CaptureQueriesContext(connection) as first:
        assert client.post("/complaints/new/", form(area=world.a.district.pk)).status_code == 200
    for n in range(3):
        send(world, subject=f"又一条{n}")
    with django_assert_num_queries(len(first)):
        assert client.post("/complaints/new/", form(area=world.a.district.pk)).status_code == 200


def test_the_lookup_costs_one_query(world, client, django_assert_num_queries):
    for _n in range(3):
        complaint = send(world)
    with django_assert_num_queries(1):
        assert client.get("/complaints/lookup/", {"number": complaint.reference}).status_code == 200


def test_answering_costs_the_same_queries_whatever_the_queue(
    world, client, django_assert_num_queries
):
    workdays.is_covered(2026)
    first, second = send(world, area=world.a.district), send(world, area=world.a.district)
    client.force_login(world.a.supervisor)
    with CaptureQueriesContext(connection) as baseline:
        client.post(f"/complaints/{first.pk}/answer/", {"answer": "已处理"})
    for n in range(5):
        send(world, area=world.a.district, subject=f"第{n}条")
    with django_assert_num_queries(len(baseline)):
        client.post(f"/complaints/{second.pk}/answer/", {"answer": "已处理"})
    assert len(baseline) <= 16


def test_the_workbench_section_costs_the_same_queries_for_more_rows(
    world, client, django_assert_num_queries
):
    workdays.is_covered(2026)
    client.force_login(world.a.supervisor)
    send(world, area=world.a.district)
    send(world, area=world.a.district)
    with CaptureQueriesContext(connection) as few:
        client.get("/complaints/section/")
    for n in range(8):
        send(world, area=world.a.district, subject=f"第{n}条")
    # The session, the user, the memberships, the counts (one aggregate), the five newest.
    with django_assert_num_queries(len(few)):
        client.get("/complaints/section/")
    assert len(few) <= 6


def test_the_demo_has_messages_and_an_answer(world):
    from public import demo
    from registry.demo.context import DemoContext
    from tests.factories import MembershipFactory, UserFactory

    # The demo's supervisor works in the city's supervision office.
    city_supervisor = UserFactory(username="supervisor")
    MembershipFactory(user=city_supervisor, organisation=world.city, role="supervisor")
    ctx = DemoContext()
    demo.seed_messages(ctx)
    demo.seed_messages(ctx)  # a second run writes nothing

    assert Complaint.objects.count() == 3
    assert Complaint.objects.filter(state="answered").count() == 1
    assert (ctx.created, ctx.existing) == (3, 1)
