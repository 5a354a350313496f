"""The dashboard's certificates section is kept until the register under the area changes
(registry/figure_cache.py): a second read counts nothing again; an issuance, a withdrawal
and a refusal of a prohibited certificate each show in the very next read."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from certificates import services
from tests.certificates.helpers import id_number, issue, national, retained_type

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def figures(client, world) -> dict:
    today = timezone.localdate()
    response = client.get(
        "/api/v1/dashboard/",
        {"area": world.a.district.code, "from": today.replace(month=1, day=1).isoformat(),
         "until": today.isoformat()},
    )  # fmt: skip
    assert response.status_code == 200
    return response.json()["certificates"]["period"]["totals"]


def test_kept_then_each_change_to_the_register_shows_at_the_next_read(world, api_as):
    client = api_as(world.a.supervisor)
    kind = retained_type(world)
    first_issue = issue(world, kind)
    first = figures(client, world)
    assert first == {"issued": 1, "prohibited_demand": 0}
    with CaptureQueriesContext(connection) as queries:
        assert figures(client, world) == first
    assert not [q for q in queries.captured_queries if "certificates_certificate" in q["sql"]]

    issue(world, kind, applicant_id_number=id_number(3))
    assert figures(client, world)["issued"] == 2
    with pytest.raises(services.CertificateProhibited):
        issue(world, national(), applicant_id_number=id_number(4))
    assert figures(client, world) == {"issued": 2, "prohibited_demand": 1}
    services.certificate_issuance_withdraw(
        actor=world.a.cadre, issuance=first_issue, reason="登记有误"
    )
    withdrawn = figures(client, world)
    # What the register's selector counts after a withdrawal, counted afresh.
    from certificates.selectors import issuance_list

    today = timezone.localdate()
    period = {"issued_from": today.replace(month=1, day=1).isoformat(), "issued_until": today}
    counted = issuance_list(
        user=world.a.supervisor, filters={"area": world.a.district.code, **period}
    ).count()
    assert withdrawn["issued"] == counted


def test_another_districts_supervisor_has_figures_of_their_own(world, api_as):
    kind = retained_type(world)
    issue(world, kind)
    assert figures(api_as(world.a.supervisor), world)["issued"] == 1
    response = api_as(world.b.supervisor).get("/api/v1/dashboard/", {"area": world.a.district.code})
    assert response.status_code == 404  # not their jurisdiction: nothing kept leaks
