"""One filter path (issue 9, items 3 and 8): the pages and the API filter through the same
FilterSets, every boolean filter refuses a bad value, and code lists resolve in one query."""

from __future__ import annotations

import datetime
from decimal import Decimal
from importlib import import_module

import django_filters
import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from registry import services
from registry.filters.base import BooleanQueryFilter
from registry.models import Application, Dispatch, Organisation, User
from tests.factories import WorkItemFactory

TODAY = datetime.date(2026, 9, 14)


@pytest.fixture(autouse=True)
def on_a_known_day():
    with time_machine.travel(datetime.datetime(2026, 9, 14, 9, 0), tick=False):
        yield


@pytest.fixture
def item(world):
    return WorkItemFactory(
        jurisdiction=world.a.district,
        department=world.a.department,
        frequency="monthly",
        hours_per_occurrence=Decimal("3"),
        households_per_occurrence=20,
        valid_from=datetime.date(2026, 1, 1),
        valid_until=datetime.date(2028, 12, 31),
        scope=[world.a.street],
    )


def _communities(street: Organisation, n: int) -> list[Organisation]:
    """``n`` more communities under ``street`` in one insert (a factory would save each)."""
    made = []
    for i in range(n):
        community = Organisation(
            code=f"{street.code}9{i:03d}",
            name=f"批量社区{i}",
            kind=Organisation.Kind.COMMUNITY,
            level=Organisation.Level.COMMUNITY,
            parent=street,
            depth=street.depth + 1,
        )
        community.path = community.compute_path()
        made.append(community)
    return Organisation.objects.bulk_create(made)


# --- Every boolean filter refuses a bad value ------------------------------------------------


def _api_filtersets():
    """(url prefix, viewset) of every router-registered API list with a FilterSet."""
    for app in settings.INSTALLED_APPS:
        try:
            urls = import_module(f"{app}.urls")
        except ImportError:
            continue
        router = getattr(urls, "router", None)
        for prefix, viewset, _basename in getattr(router, "registry", []):
            if getattr(viewset, "filterset_class", None) is not None:
                yield prefix, viewset


def test_no_filterset_uses_django_filters_lenient_boolean_filter():
    """django-filter's BooleanFilter drops ``?emergency=yes`` and returns every row."""
    lenient = [
        f"{viewset.filterset_class.__name__}.{name}"
        for _prefix, viewset in _api_filtersets()
        for name, filter_ in viewset.filterset_class.base_filters.items()
        if isinstance(filter_, django_filters.BooleanFilter)
    ]
    assert lenient == []


BOOLEAN_FILTERS = [
    ("dispatches", "emergency"),
    ("dispatches", "unratified"),
    ("assignments", "emergency"),
    ("organisations", "is_monitoring_point"),
]


def test_the_boolean_filter_table_lists_every_boolean_filter_of_the_api():
    found = {
        (prefix, name)
        for prefix, viewset in _api_filtersets()
        for name, filter_ in viewset.filterset_class.base_filters.items()
        if isinstance(filter_, BooleanQueryFilter)
    }
    assert found == set(BOOLEAN_FILTERS)


@pytest.mark.parametrize(("prefix", "name"), BOOLEAN_FILTERS)
def test_a_bad_boolean_filter_value_is_a_400_naming_the_filter(world, api_as, prefix, name):
    staff = api_as(world.a.department_staff)
    assert staff.get(f"/api/v1/{prefix}/").status_code == 200
    response = staff.get(f"/api/v1/{prefix}/", {name: "yes"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["detail"]
    assert name in body["errors"]
    assert staff.get(f"/api/v1/{prefix}/", {name: "true"}).status_code == 200


def test_emergency_filter_on_dispatches_filters_both_ways(world, item, api_as):
    services.dispatch_create(
        actor=world.a.department_staff,
        work_item=item,
        title="常规",
        communities=[world.a.community],
        due_date=TODAY + datetime.timedelta(days=14),
        hours_per_community=Decimal("1"),
    )
    services.dispatch_create(
        actor=world.a.department_staff,
        work_item=None,
        title="应急",
        communities=[world.a.community2],
        due_date=TODAY + datetime.timedelta(days=1),
        hours_per_community=Decimal("1"),
        emergency=True,
        justification="防汛",
    )
    staff = api_as(world.a.department_staff)

    def titles(**query):
        return [d["title"] for d in staff.get("/api/v1/dispatches/", query).json()["results"]]

    assert titles(emergency="true") == ["应急"]
    assert titles(emergency="false") == ["常规"]
    assert titles(unratified="true") == ["应急"]
    assert sorted(titles()) == ["常规", "应急"]


# --- A page and the API filter alike -----------------------------------------------------------


def test_work_item_search_finds_an_admission_number_on_the_page_and_in_the_api(
    world, item, client, api_as
):
    WorkItemFactory(jurisdiction=world.a.district, department=world.a.department, title="别的")
    number = item.admission_number
    api = api_as(world.a.reviewer).get("/api/v1/work-items/", {"q": number}).json()
    assert [row["admission_number"] for row in api["results"]] == [number]
    client.force_login(world.a.reviewer)
    page = client.get(reverse("work-items"), {"q": number})
    assert page.status_code == 200
    assert [i.admission_number for i in page.context["page_obj"]] == [number]


def test_older_than_days_means_the_same_on_the_review_queue_and_in_the_api(world, client, api_as):
    def submitted(title: str, days_ago: int) -> Application:
        application = Application.objects.create(
            department=world.a.department,
            jurisdiction=world.a.district,
            created_by=world.a.department_staff,
            title=title,
            list_kind="assist",
            legal_basis="《条例》",
            frequency="once",
            hours_per_occurrence=Decimal("1"),
            state=Application.State.SUBMITTED,
            submitted_at=timezone.now() - datetime.timedelta(days=days_ago),
        )
        return application

    submitted("老申请", 12)
    submitted("新申请", 2)
    api = api_as(world.a.reviewer).get("/api/v1/applications/", {"older_than_days": 10})
    assert [row["title"] for row in api.json()["results"]] == ["老申请"]
    client.force_login(world.a.reviewer)
    page = client.get(reverse("review-queue"), {"older_than_days": 10})
    assert [a.title for a in page.context["page_obj"]] == ["老申请"]
    assert (
        api_as(world.a.reviewer)
        .get("/api/v1/applications/", {"older_than_days": "7.5"})
        .status_code
        == 400
    )


@pytest.mark.parametrize(
    ("page", "query"),
    [
        ("dispatch-index", {"emergency": "yes"}),
        ("review-queue", {"older_than_days": "soon"}),
        ("work-items", {"status": "lost"}),
        ("notifications", {"unread": "maybe"}),
        ("applications", {"state": "nowhere"}),
    ],
)
def test_a_bad_filter_value_on_a_page_says_so_and_shows_the_list(world, client, page, query):
    user = {
        "dispatch-index": world.a.department_staff,
        "review-queue": world.a.reviewer,
        "work-items": world.a.reviewer,
        "notifications": world.a.cadre,
        "applications": world.a.department_staff,
    }[page]
    client.force_login(user)
    response = client.get(reverse(page), query)
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert any("filter" in m.lower() or "筛选" in m for m in shown), shown


def test_inbox_open_tab_is_the_assignment_filter_of_the_api_too(world, item, client, api_as):
    services.dispatch_create(
        actor=world.a.department_staff,
        work_item=item,
        title="核对",
        communities=[world.a.community],
        due_date=TODAY + datetime.timedelta(days=14),
        hours_per_community=Decimal("1"),
    )
    cadre = api_as(world.a.cadre)
    assert cadre.get("/api/v1/assignments/", {"state": "open"}).json()["count"] == 1
    assert cadre.get("/api/v1/assignments/", {"state": "completed"}).json()["count"] == 0
    client.force_login(world.a.cadre)
    assert len(client.get(reverse("inbox"), {"state": "open"}).context["cards"]) == 1
    assert len(client.get(reverse("inbox"), {"state": "completed"}).context["cards"]) == 0


# --- Codes resolved in one query -------------------------------------------------------------


def _dispatch_body(item, codes: list[str]) -> dict:
    return {
        "work_item": item.admission_number,
        "title": "居民信息核对",
        "communities": codes,
        "due_date": str(TODAY + datetime.timedelta(days=14)),
        "hours_per_community": 2,
        "households_per_community": 10,
    }


def test_every_unknown_community_code_is_named_in_one_400(world, item, api_as):
    response = api_as(world.a.department_staff).post(
        "/api/v1/dispatches/",
        _dispatch_body(item, [world.a.community.code, "NOPE1", "NOPE2"]),
        format="json",
    )
    assert response.status_code == 400
    (message,) = response.json()["errors"]["communities"]
    assert "NOPE1" in message and "NOPE2" in message
    assert Dispatch.objects.count() == 0


def test_a_number_is_not_a_community_code(world, item, api_as):
    response = api_as(world.a.department_staff).post(
        "/api/v1/dispatches/", _dispatch_body(item, [990102001001]), format="json"
    )
    assert response.status_code == 400 and "communities" in response.json()["errors"]


def test_dispatch_to_2_and_to_200_communities_costs_the_same_queries(
    world, item, api_as, django_assert_num_queries
):
    many = [c.code for c in _communities(world.a.street, 200)]
    for codes in ([world.a.community.code, world.a.community2.code], many):
        staff = User.objects.get(pk=world.a.department_staff.pk)  # grants load afresh
        # 1 grants, 1 the community codes (one code__in), 1 the work item by number;
        # the service: savepoint, the item locked, its scope, earlier assignments (the
        # frequency rule), the dispatch, the assignments (one bulk insert), the
        # notifications (one bulk insert), the audit chain's lock, its last hash, the
        # entry, release; then the dispatch read back and its state counts.
        with django_assert_num_queries(16):
            response = api_as(staff).post(
                "/api/v1/dispatches/", _dispatch_body(item, codes), format="json"
            )
        assert response.status_code == 201, response.json()
        assert response.json()["assignments"] == len(codes)


def test_dispatch_by_area_expands_once_in_the_service(
    world, item, api_as, django_assert_num_queries
):
    _communities(world.a.street, 30)
    staff = User.objects.get(pk=world.a.department_staff.pk)
    body = {**_dispatch_body(item, []), "areas": [world.a.street.code]}
    # As above, with the area's code looked up instead of the communities' (an empty
    # list costs no query), plus one prefix query for the communities under the area.
    with django_assert_num_queries(17):
        response = api_as(staff).post("/api/v1/dispatches/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["assignments"] == 32
