"""Issue 14 item 13: the demo city tells one consistent story. Seeded once for the module
(rolled back afterwards); each test states one invariant a visitor could check by hand."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from monitoring.models import Flag
from registry import demo, selectors
from registry.models import (
    Application,
    Assignment,
    Dispatch,
    Membership,
    Organisation,
    User,
    WorkItem,
)
from registry.workdays import working_days_between

DEMO_SETTINGS = {
    "DEBUG": True,
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
}
CITY = "990100"


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(**DEMO_SETTINGS), transaction.atomic():
        demo.seed()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def city(seeded, db):
    return seeded


def test_admissions_are_valid_from_before_the_history_that_cites_them(city):
    late = [
        (d.title, d.created_at.date(), d.work_item.valid_from)
        for d in Dispatch.objects.filter(work_item__isnull=False).select_related("work_item")
        if d.work_item.valid_from is None or d.work_item.valid_from > d.created_at.date()
    ]
    assert not late, f"tasks sent under an item not yet admitted: {late[:5]}"


def test_published_lists_as_of_a_past_date_agree_with_verification(city):
    jurisdiction = Organisation.objects.get(code=CITY)
    today = timezone.localdate()
    first_task = Dispatch.objects.order_by("created_at").first().created_at.date()
    for day in (first_task, today - datetime.timedelta(days=90)):
        listed = {
            item.admission_number
            for kind in ("duty", "assist")
            for item in selectors.published_list(
                jurisdiction=jurisdiction, list_kind=kind, as_of=day
            )
        }
        valid_then = set(
            WorkItem.objects.filter(
                jurisdiction=jurisdiction,
                list_kind__in=["duty", "assist"],
                status=WorkItem.Status.ACTIVE,
                valid_from__lte=day,
                valid_until__gte=day,
            ).values_list("admission_number", flat=True)
        )
        assert valid_then, f"nothing was admitted on {day}"
        assert listed == valid_then, f"the list as of {day} and verification disagree"
        # Every task sent that day cites an item on that day's list.
        cited = {
            d.work_item.admission_number
            for d in Dispatch.objects.filter(
                work_item__jurisdiction=jurisdiction, created_at__date=day
            ).select_related("work_item")
        }
        assert cited <= listed


def test_each_task_is_signed_by_a_user_of_the_department_that_sent_it(city):
    staff = set(
        Membership.objects.filter(role="department_staff").values_list("user_id", "organisation_id")
    )
    unsigned = [
        (d.title, d.department.name, d.created_by.username)
        for d in Dispatch.objects.select_related("department", "created_by")
        if (d.created_by_id, d.department_id) not in staff
    ]
    assert not unsigned, f"tasks signed by someone outside their department: {unsigned[:5]}"


def test_emergency_hours_are_plausible(city):
    # An emergency is a few days' work for a committee, not weeks: at most one cadre's
    # full working days until it is due.
    implausible = []
    for dispatch in Dispatch.objects.filter(emergency=True):
        sent = dispatch.created_at.date()
        days = max(1, working_days_between(sent, dispatch.due_date))
        if dispatch.hours_per_community > Decimal(8 * days):
            implausible.append((dispatch.title, dispatch.hours_per_community, days))
    assert not implausible, implausible
    # And the demo cadre's community is still overloaded, by ordinary plausible tasks.
    assert Flag.objects.filter(kind="community_overload", subject="朝阳社区").exists()


KEYWORDS = {
    "duplicate": ("相同数据", "重复"),
    "unreasonable_deadline": ("时限", "期限", "时间"),
    "outside_list": ("清单",),
    "not_admitted": ("准入",),
    "other": ("",),
}


def test_refusal_notes_match_their_reason(city):
    mismatched = [
        (a.refusal_reason, a.note)
        for a in Assignment.objects.filter(state="refused").only("refusal_reason", "note")
        if not any(word in a.note for word in KEYWORDS[a.refusal_reason])
    ]
    assert not mismatched, f"refusals whose note says something else: {mismatched[:5]}"
    assert not Assignment.objects.filter(state="completed", note__contains="相同数据").exists()


def test_the_district_reviewer_has_applications_to_review(city):
    reviewer = User.objects.get(username="district_reviewer")
    queue = selectors.review_queue(user=reviewer)
    assert queue.count() >= 2
    assert {a.state for a in queue} >= {Application.State.SUBMITTED}
    assert all(a.jurisdiction.code == "990102" for a in queue)
