"""Two reviewers acting at once, on real PostgreSQL row locks."""

from __future__ import annotations

import pytest

from registry import services
from registry.errors import DomainError
from registry.models import Application, ApplicationTransition, Role, WorkItem
from tests.factories import MembershipFactory, UserFactory
from tests.registry.test_admission import under_review

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_reviewers_approving_at_once_cannot_both_succeed(world, race):
    second_reviewer = UserFactory(username="a_reviewer_2")
    MembershipFactory(user=second_reviewer, organisation=world.a.district, role=Role.REVIEWER)
    application = under_review(world)

    outcomes = race(
        lambda: services.application_approve(
            actor=world.a.reviewer, application=application, reason="同意"
        ),
        lambda: services.application_approve(
            actor=second_reviewer, application=application, reason="同意"
        ),
    )

    winners = [o for o in outcomes if isinstance(o, Application)]
    losers = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(winners) == 1
    assert len(losers) == 1 and losers[0].code == "illegal_transition"
    assert WorkItem.objects.count() == 1
    assert (
        ApplicationTransition.objects.filter(application=application, to_state="approved").count()
        == 1
    )


def test_concurrent_approvals_of_different_applications_get_distinct_numbers(world, race):
    applications = [under_review(world, title=f"事项{i}") for i in range(4)]
    outcomes = race(
        *[
            (
                lambda a=a: services.application_approve(
                    actor=world.a.reviewer, application=a, reason="同意"
                )
            )
            for a in applications
        ]
    )
    assert all(isinstance(o, Application) for o in outcomes), outcomes
    numbers = sorted(WorkItem.objects.values_list("admission_number", flat=True))
    assert [n[-4:] for n in numbers] == ["0001", "0002", "0003", "0004"]
