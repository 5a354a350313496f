"""The admission API as api-v1.md fixes it: applications, transitions, work items, verify."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from registry.models import Application, ListKind, User, WorkItem
from tests.factories import WorkItemFactory
from tests.registry.test_admission import draft, under_review


def payload(world, **overrides):
    data = {
        "department": world.a.department.code,
        "title": "社区退役军人信息采集",
        "description": "采集辖区退役军人基本信息。",
        "list_kind": "assist",
        "legal_basis": "《退役军人保障法》第十条",
        "scope": [world.a.street.code],
        "frequency": "yearly",
        "hours_per_occurrence": 8,
        "households_per_occurrence": 30,
        "ledgers": 1,
        "data_fields": ["姓名", "联系电话"],
        "funding_per_community": 500,
        "valid_months": 24,
    }
    data.update(overrides)
    return data


def test_department_creates_a_draft_and_reads_it_back(world, api_as):
    response = api_as(world.a.department_staff).post(
        "/api/v1/applications/", payload(world), format="json"
    )
    assert response.status_code == 201, response.data
    body = response.json()
    assert body["state"] == "draft"
    assert body["scope"] == [world.a.street.code]
    assert body["department"] == world.a.department.code
    assert body["history"][0] == {**body["history"][0], "from": None, "to": "draft"}
    assert set(body["checks"]) >= {"similar_items", "negative_matches", "funding", "hearing"}
    assert body["actions"] == ["submit", "withdraw"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("hours_per_occurrence", "many"),
        ("frequency", "daily"),
        ("scope", ["NOPE"]),
        ("department", "NOPE"),
        ("data_fields", "姓名"),
        ("valid_months", 0),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_creates_nothing(world, api_as, field, value):
    response = api_as(world.a.department_staff).post(
        "/api/v1/applications/", payload(world, **{field: value}), format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert any(key.startswith(field) for key in response.json()["errors"])
    assert Application.objects.count() == 0


def test_malformed_json_is_a_400(world, api_as):
    response = api_as(world.a.department_staff).post(
        "/api/v1/applications/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "malformed"


def test_staff_cannot_apply_for_another_department(world, api_as):
    response = api_as(world.b.department_staff).post(
        "/api/v1/applications/", payload(world), format="json"
    )
    assert response.status_code == 403


def test_whole_review_over_the_api(world, api_as):
    application = draft(world)
    url = f"/api/v1/applications/{application.pk}"
    dept = api_as(world.a.department_staff)
    assert dept.post(f"{url}/submit/").json()["state"] == "submitted"
    reviewer = api_as(world.a.reviewer)
    assert reviewer.post(f"{url}/start-review/").json()["state"] == "under_review"
    assert (
        reviewer.post(
            f"{url}/require-hearing/", {"scheduled_on": str(timezone.localdate())}, format="json"
        ).json()["state"]
        == "hearing"
    )
    hearing = {
        "held_on": str(timezone.localdate()),
        "participants": [
            {"name": "王书记", "organisation": "A一社区", "opinion": "for"},
            {
                "name": "李主任",
                "organisation": "A二社区",
                "opinion": "against",
                "comment": "频次过高",
            },
        ],
    }
    body = reviewer.post(f"{url}/record-hearing/", hearing, format="json").json()
    assert [p["opinion"] for p in body["hearing"]["participants"]] == ["for", "against"]
    body = reviewer.post(f"{url}/approve/", {"reason": "听证通过"}, format="json").json()
    assert body["state"] == "approved"
    number = body["work_item"]["admission_number"]
    assert number.startswith(f"{world.a.district.code}-{timezone.localdate().year}-")
    assert [h["to"] for h in body["history"]] == [
        "draft",
        "submitted",
        "under_review",
        "hearing",
        "hearing_held",
        "approved",
    ]
    assert body["history"][-1]["reason"] == "听证通过"
    # The department sees the admission number on its application.
    seen = api_as(world.a.department_staff).get(f"{url}/").json()
    assert seen["work_item"]["admission_number"] == number


def test_illegal_transition_is_a_409_with_a_clear_message(world, api_as):
    application = draft(world)
    response = api_as(world.a.reviewer).post(
        f"/api/v1/applications/{application.pk}/approve/", {"reason": "同意"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"
    assert response.json()["detail"]


def test_missing_reason_is_a_400_on_reason(world, api_as):
    application = under_review(world)
    response = api_as(world.a.reviewer).post(f"/api/v1/applications/{application.pk}/reject/")
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]


def test_negative_list_match_is_a_422_naming_the_entry(world, api_as):
    WorkItemFactory(
        jurisdiction=world.city,
        list_kind=ListKind.NEGATIVE,
        admission_number=None,
        title="社区创建达标评比活动",
        department=None,
    )
    application = draft(world, title="文明社区创建达标评比活动")
    response = api_as(world.a.department_staff).post(
        f"/api/v1/applications/{application.pk}/submit/"
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "negative_list_match"
    assert body["negative_matches"][0]["title"] == "社区创建达标评比活动"


def test_other_districts_application_is_not_found(world, api_as):
    application = draft(world)
    for user in (world.b.reviewer, world.b.department_staff, world.a.cadre):
        response = api_as(user).get(f"/api/v1/applications/{application.pk}/")
        assert response.status_code in (403, 404), user
    assert (
        api_as(world.b.reviewer).get(f"/api/v1/applications/{application.pk}/").status_code == 404
    )


def test_department_edits_a_draft_with_patch(world, api_as):
    application = draft(world)
    response = api_as(world.a.department_staff).patch(
        f"/api/v1/applications/{application.pk}/",
        {"title": "新的标题", "scope": [world.a.community.code]},
        format="json",
    )
    assert response.status_code == 200, response.data
    assert response.json()["title"] == "新的标题"
    assert response.json()["scope"] == [world.a.community.code]


def test_application_list_filters_by_state_and_department(world, api_as):
    draft(world)
    under_review(world, title="第二件")
    client = api_as(world.a.reviewer)
    assert client.get("/api/v1/applications/?state=under_review").json()["count"] == 1
    assert (
        client.get(f"/api/v1/applications/?department={world.a.department.code}").json()["count"]
        == 2
    )
    assert client.get("/api/v1/applications/?state=bogus").status_code == 400


def test_application_list_query_count_does_not_grow_with_rows(
    world, api_as, django_assert_num_queries
):
    for i in range(6):
        draft(world, title=f"事项{i}")
    client = api_as(User.objects.get(pk=world.a.department_staff.pk))  # grants not cached yet
    # 1 memberships (permission grants), 1 count, 1 page of applications with department,
    # jurisdiction, work item and creator joined, 1 prefetch of scopes.
    with django_assert_num_queries(4):
        response = client.get("/api/v1/applications/")
    assert response.json()["count"] == 6


def test_work_items_list_filter_by_community(world, api_as):
    covering = WorkItemFactory(
        jurisdiction=world.a.district, department=world.a.department, scope=[world.a.street]
    )
    WorkItemFactory(
        jurisdiction=world.b.district, department=world.b.department, scope=[world.b.street]
    )
    body = (
        api_as(world.a.cadre).get(f"/api/v1/work-items/?community={world.a.community.code}").json()
    )
    assert [i["admission_number"] for i in body["results"]] == [covering.admission_number]


def test_work_items_list_query_count_does_not_grow_with_rows(
    world, api_as, django_assert_num_queries
):
    for _ in range(6):
        WorkItemFactory(
            jurisdiction=world.a.district,
            department=world.a.department,
            scope=[world.a.street, world.a.community],
        )
    client = api_as(User.objects.get(pk=world.a.supervisor.pk))  # grants not cached yet
    # 1 grants, 1 count, 1 page with jurisdiction and department joined, 1 scope prefetch.
    with django_assert_num_queries(4):
        response = client.get("/api/v1/work-items/")
    assert response.json()["count"] == 6


def test_work_item_detail_by_admission_number(world, api_as):
    item = WorkItemFactory(jurisdiction=world.a.district, department=world.a.department)
    body = api_as(world.a.cadre).get(f"/api/v1/work-items/{item.admission_number}/").json()
    assert body["title"] == item.title
    assert api_as(world.a.cadre).get("/api/v1/work-items/NOPE-1/").status_code == 404


def test_verify_is_public_and_unknown_numbers_are_not_valid(world, api):
    item = WorkItemFactory(jurisdiction=world.a.district, department=world.a.department)
    body = api.get(f"/api/v1/work-items/verify/?number={item.admission_number}").json()
    assert body["valid"] is True
    assert body["department"] == world.a.department.name
    assert body["valid_until"] == item.valid_until.isoformat()
    unknown = api.get("/api/v1/work-items/verify/?number=0000-1999-0001")
    assert unknown.status_code == 200
    assert unknown.json()["valid"] is False
    assert api.get("/api/v1/work-items/verify/").json()["valid"] is False


def test_verify_shows_an_expired_item_as_not_valid(world, api):
    item = WorkItemFactory(
        jurisdiction=world.a.district,
        department=world.a.department,
        valid_until=timezone.localdate() - datetime.timedelta(days=1),
    )
    body = api.get(f"/api/v1/work-items/verify/?number={item.admission_number}").json()
    assert body["valid"] is False


def test_reviewer_revokes_an_item_with_a_reason(world, api_as):
    item = WorkItemFactory(jurisdiction=world.a.district, department=world.a.department)
    url = f"/api/v1/work-items/{item.admission_number}/revoke/"
    assert api_as(world.a.reviewer).post(url).status_code == 400
    response = api_as(world.a.reviewer).post(url, {"reason": "已由部门自行承担"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "revoked"
    item.refresh_from_db()
    assert item.status == WorkItem.Status.REVOKED
    assert api_as(world.b.reviewer).post(url, {"reason": "x"}, format="json").status_code in (
        403,
        409,
    )


def test_reviewer_imports_a_list_over_the_api(world, api_as):
    from tests.registry.test_list_excel import good_rows, workbook

    client = api_as(world.a.reviewer)
    response = client.post(
        "/api/v1/work-items/import/",
        {"jurisdiction": world.a.district.code, "file": workbook(good_rows(world))},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert len(response.json()) == 3
    rows = good_rows(world)
    rows[0][0] = ""
    response = client.post(
        "/api/v1/work-items/import/",
        {"jurisdiction": world.a.district.code, "file": workbook(rows)},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["rows"] == [
        {"row": 2, "column": "title", "message": response.json()["rows"][0]["message"]}
    ]
    assert WorkItem.objects.count() == 3


def test_published_list_is_public_and_can_go_back_in_time(world, api):
    WorkItemFactory(
        jurisdiction=world.a.district,
        department=world.a.department,
        title="公开事项",
        scope=[world.a.street],
    )
    body = api.get(f"/api/v1/lists/{world.a.district.code}/assist/").json()
    assert [i["title"] for i in body] == ["公开事项"]
    assert body[0]["department_name"] == world.a.department.name
    assert body[0]["scope"] == [world.a.street.code]
    past = api.get(f"/api/v1/lists/{world.a.district.code}/assist/?as_of=2020-01-01").json()
    assert past == []
    assert api.get(f"/api/v1/lists/{world.a.district.code}/bogus/").status_code == 400
    assert api.get("/api/v1/lists/NOPE/assist/").status_code == 404
    assert (
        api.get(f"/api/v1/lists/{world.a.district.code}/assist/?as_of=yesterday").status_code == 400
    )
