"""Query counts of monitoring's lists that had none (style.md rule 8), with several rows."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from monitoring import services
from registry.models import User


@pytest.fixture
def reports(world):
    return [
        services.offplatform_report_create(
            actor=world.a.liaison,
            community=community,
            department=world.a.department,
            title=f"微信群要求上报{n}",
            channel="wechat",
            received_on=datetime.date.today(),
        )
        for n, community in enumerate([world.a.community, world.a.community, world.a.community])
    ]


def test_offplatform_reports_api_costs_the_same_for_many_reports(
    world, reports, api_as, django_assert_num_queries
):
    staff = User.objects.get(pk=world.a.department_staff.pk)
    # 1 grants, 1 count, 1 the page of reports with community, department and reporter.
    with django_assert_num_queries(3):
        response = api_as(staff).get("/api/v1/offplatform-reports/")
    assert response.json()["count"] == 3
    staff = User.objects.get(pk=world.a.department_staff.pk)  # grants not cached yet
    with django_assert_num_queries(3):  # a filter narrows the same queries
        api_as(staff).get("/api/v1/offplatform-reports/", {"channel": "wechat"})


def test_offplatform_reports_page_costs_the_same_for_many_reports(
    world, reports, client, django_assert_num_queries
):
    client.force_login(world.a.department_staff)
    # 1 session, 2 user, 3 grants, 4 the departments of the visible reports (the filter's
    # choices), 5 count for the paginator, 6 the page of reports with their organisations.
    with django_assert_num_queries(6):
        response = client.get(reverse("offplatform-reports"))
    assert len(response.context["page_obj"]) == 3


def test_a_bad_month_on_the_reports_page_is_a_message_and_a_400_in_the_api(
    world, reports, client, api_as
):
    client.force_login(world.a.department_staff)
    response = client.get(reverse("offplatform-reports"), {"month": "2026-13"})
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]]
    bad = api_as(world.a.department_staff).get("/api/v1/offplatform-reports/", {"month": "x"})
    assert bad.status_code == 400 and "month" in bad.json()["errors"]
    month = datetime.date.today().strftime("%Y-%m")
    api = api_as(world.a.department_staff).get("/api/v1/offplatform-reports/", {"month": month})
    assert api.json()["count"] == 3
