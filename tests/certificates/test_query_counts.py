"""Query counts of the certificates lists that had none (style.md rule 8)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from registry import workdays
from registry.models import User
from tests.certificates.helpers import retained_type
from tests.certificates.test_proposals import PROPOSALS, proposal_body


@pytest.fixture
def proposals(world, api_as):
    for n in range(3):
        body = proposal_body(world, name=f"志愿服务证明{n}", synonyms=[f"志愿{n}"])
        assert (
            api_as(world.a.department_staff).post(PROPOSALS, body, format="json").status_code == 201
        )
        retained_type(world, name=f"居住证明{n}", synonyms=[f"住址{n}"])


def test_proposals_api_costs_the_same_for_many_proposals(
    world, proposals, api_as, django_assert_num_queries
):
    reviewer = User.objects.get(pk=world.a.reviewer.pk)
    # 1 grants, 1 count, 1 the page of proposals with their application and department,
    # 1 the certificate types the applications created (prefetched).
    with django_assert_num_queries(4):
        response = api_as(reviewer).get(PROPOSALS)
    assert response.json()["count"] == 3


def test_catalogue_page_costs_the_same_for_many_types_and_proposals(
    world, proposals, client, django_assert_num_queries
):
    client.force_login(world.a.reviewer)
    # The holiday table behind the reviewers' calendar banner is read once per process.
    workdays.is_covered(2026)
    # 1 session, 2 user, 3 grants, 4 the catalogue's types, 5 the pending proposals, 6
    # their certificate types (prefetched), 7-8 the import form's area choices (Django's
    # Select reads them once for the "required" attribute and once to render).
    with django_assert_num_queries(8):
        response = client.get(reverse("certificate-catalogue"))
    assert response.status_code == 200
    assert len(response.context["proposals"]) == 3


def test_propose_page_costs_the_same_for_many_proposals(
    world, proposals, client, django_assert_num_queries
):
    client.force_login(world.a.department_staff)
    # 1 session, 2 user, 3 grants, 4 the department's proposals, 5 their certificate
    # types (prefetched), 6-7 the department choices (read twice, as above).
    with django_assert_num_queries(7):
        response = client.get(reverse("certificate-propose"))
    assert len(response.context["proposals"]) == 3


def test_the_admin_issuance_list_costs_the_same_for_more_rows_and_filters_by_year(
    world, client, django_assert_num_queries
):
    from django.utils import timezone

    from tests.certificates.helpers import id_number, issue

    residence = retained_type(world)
    year = timezone.localdate().year
    url = reverse("admin:certificates_certificateissuance_changelist")
    client.force_login(world.admin)

    def changelist(**params) -> str:
        client.get(url, params)  # warm the session and content types
        # 1 session, 2 user, 3 the year filter's first and last issued_on (the index's two
        # ends, no DISTINCT over the table), 4 the capped count, 5 the rows with their
        # community and type (all on one page: no ids first), 6 the grants (the header).
        with django_assert_num_queries(6):
            response = client.get(url, params)
        assert response.status_code == 200
        return response.content.decode()

    for index in range(2):
        issue(world, residence, applicant_id_number=id_number(index))
    page = changelist()
    assert f"?year__exact={year}" in page and f"{year}-0002" in page
    for index in range(2, 6):
        issue(world, residence, applicant_id_number=id_number(index))
    page = changelist()
    assert all(f"{year}-{n:04d}" in page for n in range(1, 7))
    assert f"{year}-0006" in changelist(year__exact=year)
    assert f"{year}-0006" not in changelist(year__exact=year - 1)
