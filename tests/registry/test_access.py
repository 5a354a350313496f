"""Load-and-check: a loader carries the action, so an object the user cannot see is 404
and one they see but may not act on is 403, from one call (registry.selectors.access)."""

from __future__ import annotations

import pytest

from registry import selectors
from registry.errors import NotFound, PermissionDenied
from registry.selectors.access import load
from tests.factories import WorkItemFactory
from tests.registry.test_admission import draft


def test_application_hidden_is_404_and_visible_but_not_editable_is_403(world):
    application = draft(world)

    # The department's staff see and may edit their own draft.
    assert (
        selectors.application_get(
            user=world.a.department_staff, pk=application.pk, action="application.edit"
        )
        == application
    )
    # The district's reviewer sees it but may not edit a department's draft.
    with pytest.raises(PermissionDenied):
        selectors.application_get(
            user=world.a.reviewer, pk=application.pk, action="application.edit"
        )
    # The other district's people do not even learn it exists.
    with pytest.raises(NotFound):
        selectors.application_get(
            user=world.b.reviewer, pk=application.pk, action="application.review"
        )


def test_a_reviewer_of_the_jurisdiction_may_review_and_a_supervisor_only_read(world):
    application = draft(world)

    reviewed = selectors.application_get(
        user=world.a.reviewer, pk=application.pk, action="application.review"
    )
    assert reviewed == application
    assert selectors.application_get(user=world.a.supervisor, pk=application.pk) == application
    with pytest.raises(PermissionDenied):
        selectors.application_get(
            user=world.a.supervisor, pk=application.pk, action="application.review"
        )


def test_work_items_are_read_by_every_role_and_managed_by_their_jurisdiction(world):
    item = WorkItemFactory(jurisdiction=world.a.district, admission_number="990102-2026-0001")

    assert selectors.work_item_get(user=world.b.cadre, admission_number=item.admission_number)
    assert selectors.work_item_get(
        user=world.a.reviewer, admission_number=item.admission_number, action="work_item.manage"
    )
    with pytest.raises(PermissionDenied):
        selectors.work_item_get(
            user=world.b.reviewer,
            admission_number=item.admission_number,
            action="work_item.manage",
        )
    with pytest.raises(NotFound):
        selectors.work_item_get(user=world.outsider, admission_number=item.admission_number)


def test_a_malformed_key_is_404_not_a_crash(world):
    with pytest.raises(NotFound):
        selectors.application_get(user=world.a.department_staff, pk="not-a-number")


def test_asking_for_an_action_the_object_does_not_have_is_a_programming_error(world):
    application = draft(world)

    with pytest.raises(ValueError, match=r"dispatch\.ratify"):
        selectors.application_get(
            user=world.a.reviewer, pk=application.pk, action="dispatch.ratify"
        )
    with pytest.raises(ValueError):
        load(
            selectors.work_item_list(user=world.a.reviewer),
            user=world.a.reviewer,
            action="work_item.revoke",
            judged_on=selectors.WORK_ITEM_ACTIONS,
            pk=1,
        )
