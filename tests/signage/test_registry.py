"""The registry through the API: adding, reading by role, removal (twice is 409), signs
turning excess when their item is revoked or expires, the summary, and query counts."""

from __future__ import annotations

import datetime

import pytest

from registry import services as registry_services
from registry.models import Notification, WorkItem
from signage.models import Plaque
from tests.factories import WorkItemFactory
from tests.signage.helpers import TODAY, sign, standard

pytestmark = pytest.mark.django_db


def body(world, **extra):
    data = {
        "community": world.a.community.code,
        "text": "平安建设示范点",
        "kind": "publicity",
        "placement": "exterior",
        "issuer": world.a.department.code,
        "location": "院墙东侧",
        "installed_on": (TODAY - datetime.timedelta(days=20)).isoformat(),
        "work_item": None,
    }
    data.update(extra)
    return data


def item(world, **extra):
    return WorkItemFactory(
        jurisdiction=world.a.district,
        department=world.a.department,
        scope=[world.a.street],
        **extra,
    )


def test_a_cadre_adds_a_sign_and_sees_at_once_whether_it_is_within_the_standard(api_as, world):
    standard(world)
    response = api_as(world.a.cadre).post("/api/v1/plaques/", body(world), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "up"
    assert data["within_standard"] is False
    assert data["why"]["code"] == "not_backed"
    assert data["why"]["detail"] == "不是规定保留的牌子，也没有有效准入事项对应"
    assert data["issuer"] == world.a.department.code
    backed = item(world)
    response = api_as(world.a.cadre).post(
        "/api/v1/plaques/",
        body(world, text="统计调查点", kind="function_room", work_item=backed.admission_number),
        format="json",
    )
    assert response.json()["within_standard"] is True
    assert response.json()["why"] is None
    assert response.json()["work_item"] == backed.admission_number


def test_a_cadre_may_not_add_to_another_community(api_as, world):
    response = api_as(world.a.cadre).post(
        "/api/v1/plaques/", body(world, community=world.b.community.code), format="json"
    )
    assert response.status_code == 403
    assert not Plaque.objects.exists()


def test_bad_input_is_a_400_in_the_contracts_shape_and_writes_nothing(api_as, world):
    client = api_as(world.a.cadre)
    for bad in (
        {"kind": "banner"},
        {"placement": "roof"},
        {"installed_on": "2026-13-01"},
        {"installed_on": (TODAY + datetime.timedelta(days=3)).isoformat()},
        {"text": "   "},
        {"work_item": "NO-SUCH-0001"},
        {"issuer": world.a.community.code},
        {"community": "nowhere"},
    ):
        response = client.post("/api/v1/plaques/", body(world, **bad), format="json")
        assert response.status_code == 400, (bad, response.content)
        assert {"detail", "code"} <= set(response.json())
    assert not Plaque.objects.exists()


def test_each_role_reads_what_it_may(api_as, world):
    sign(world, "A一社区居民委员会")
    sign(world, "平安建设示范点", kind="publicity", issuer=world.a.department)
    sign(world, "B社区居委会", community=world.b.community, actor=world.b.cadre)

    def texts(user, query=""):
        response = api_as(user).get(f"/api/v1/plaques/{query}")
        assert response.status_code == 200
        return sorted(row["text"] for row in response.json()["results"])

    assert texts(world.a.cadre) == ["A一社区居民委员会", "平安建设示范点"]
    assert texts(world.a.supervisor) == ["A一社区居民委员会", "平安建设示范点"]
    assert texts(world.a.reviewer) == ["A一社区居民委员会", "平安建设示范点"]
    assert texts(world.a.department_staff) == ["平安建设示范点"]
    assert texts(world.b.cadre) == ["B社区居委会"]
    assert texts(world.a.supervisor, f"?community={world.b.community.code}") == []
    assert api_as(world.a.liaison).get("/api/v1/plaques/").status_code == 403


def test_filters_status_and_within_standard_and_a_bad_value_is_400(api_as, world):
    standard(world)
    named = sign(world, "A一社区居民委员会")
    excess = sign(world, "平安建设示范点", kind="publicity")
    client = api_as(world.a.supervisor)
    ids = lambda q: [r["id"] for r in client.get(f"/api/v1/plaques/{q}").json()["results"]]  # noqa: E731
    assert ids("?within_standard=false") == [excess.pk]
    assert ids("?within_standard=true") == [named.pk]
    assert ids(f"?area={world.a.street.code}&status=up") == sorted([named.pk, excess.pk])
    assert ids("?status=removed") == []
    response = client.get("/api/v1/plaques/?within_standard=maybe")
    assert response.status_code == 400
    assert "within_standard" in response.json()["errors"]


def test_removal_keeps_the_sign_as_history_and_a_second_removal_is_409(api_as, world):
    plaque = sign(world, "平安建设示范点", kind="publicity")
    client = api_as(world.a.cadre)
    url = f"/api/v1/plaques/{plaque.pk}/remove/"
    response = client.post(
        url, {"removed_on": TODAY.isoformat(), "reason": "不在标准清单内"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "removed"
    assert response.json()["removed_on"] == TODAY.isoformat()
    again = client.post(url, {"removed_on": TODAY.isoformat(), "reason": "再摘一次"}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "illegal_transition"
    assert Plaque.objects.get(pk=plaque.pk).removal_reason == "不在标准清单内"
    history = client.get("/api/v1/plaques/?status=removed").json()["results"]
    assert [row["id"] for row in history] == [plaque.pk]


def test_removal_needs_a_reason_and_a_date_not_before_the_sign_went_up(api_as, world):
    plaque = sign(world, "平安建设示范点", kind="publicity")
    client = api_as(world.a.cadre)
    url = f"/api/v1/plaques/{plaque.pk}/remove/"
    assert (
        client.post(url, {"removed_on": TODAY.isoformat(), "reason": ""}, format="json").status_code
        == 400
    )
    early = (plaque.installed_on - datetime.timedelta(days=1)).isoformat()
    response = client.post(url, {"removed_on": early, "reason": "整合"}, format="json")
    assert response.status_code == 400
    assert "removed_on" in response.json()["errors"]
    assert Plaque.objects.get(pk=plaque.pk).status == "up"


def test_only_the_communitys_cadre_removes_and_others_are_told_so(api_as, world):
    plaque = sign(world, "平安建设示范点", kind="publicity")
    url = f"/api/v1/plaques/{plaque.pk}/remove/"
    data = {"removed_on": TODAY.isoformat(), "reason": "整合"}
    assert api_as(world.a.supervisor).post(url, data, format="json").status_code == 403
    assert api_as(world.b.cadre).post(url, data, format="json").status_code == 404


def test_revoking_the_backing_item_turns_its_signs_excess_and_tells_the_community(world):
    standard(world)
    backing = item(world)
    backed = sign(world, "人口普查工作站", kind="function_room", work_item=backing)
    named = sign(world, "A一社区居民委员会", work_item=backing)
    assert Plaque.objects.get(pk=backed.pk).within_standard
    registry_services.work_item_change_status(
        actor=world.a.reviewer, item=backing, action="revoke", reason="任务已完成"
    )
    backed.refresh_from_db()
    assert (backed.within_standard, backed.why) == (False, "not_backed")
    named.refresh_from_db()
    assert named.within_standard  # a named sign needs no item
    note = Notification.objects.get(recipient=world.a.community, kind="plaque.excess")
    assert backing.admission_number in note.title
    assert note.link.endswith(f"?community={world.a.community.code}")
    assert not Notification.objects.filter(recipient=world.b.community, kind="plaque.excess")


def test_when_the_item_expires_its_signs_become_excess_the_day_after(world):
    backing = item(world, valid_until=TODAY - datetime.timedelta(days=1))
    WorkItem.objects.filter(pk=backing.pk).update(valid_until=TODAY + datetime.timedelta(days=1))
    backed = sign(world, "人口普查工作站", kind="function_room", work_item=backing)
    assert Plaque.objects.get(pk=backed.pk).within_standard
    WorkItem.objects.filter(pk=backing.pk).update(valid_until=TODAY - datetime.timedelta(days=1))
    assert registry_services.work_items_expire(today=TODAY) == 1
    backed.refresh_from_db()
    assert (backed.within_standard, backed.why) == (False, "not_backed")
    assert (
        Notification.objects.filter(recipient=world.a.community, kind="plaque.excess").count() == 1
    )
    # Running the job again changes nothing and tells nobody twice.
    assert registry_services.work_items_expire(today=TODAY) == 0
    assert Notification.objects.filter(kind="plaque.excess").count() == 1


def test_the_summary_counts_per_community_on_a_date(api_as, world):
    standard(world)
    old = TODAY - datetime.timedelta(days=100)
    sign(world, "A一社区居民委员会", installed_on=old)
    sign(world, "A一社区党群服务中心", installed_on=old)
    gone = sign(world, "平安建设示范点", kind="publicity", installed_on=old)
    sign(world, "禁毒宣传栏", kind="publicity", placement="interior", installed_on=old)
    from signage import services

    services.plaque_remove(actor=world.a.cadre, plaque=gone, removed_on=TODAY, reason="整合")
    client = api_as(world.a.supervisor)
    response = client.get(f"/api/v1/plaques/summary/?area={world.a.district.code}")
    assert response.status_code == 200
    rows = {row["community"]: row for row in response.json()["results"]}
    assert rows[world.a.community.code] == {
        "community": world.a.community.code,
        "community_name": world.a.community.name,
        "up": 3,
        "exterior": 2,
        "interior": 1,
        "excess": 1,
        "removed_this_year": 1,
    }
    assert rows[world.a.community2.code]["up"] == 0
    assert response.json()["totals"]["up"] == 3
    # Yesterday the removed sign was still up, and still excess.
    yesterday = (TODAY - datetime.timedelta(days=1)).isoformat()
    before = client.get(f"/api/v1/plaques/summary/?area={world.a.district.code}&on={yesterday}")
    row = next(r for r in before.json()["results"] if r["community"] == world.a.community.code)
    if TODAY.year == (TODAY - datetime.timedelta(days=1)).year:
        assert (row["up"], row["excess"], row["removed_this_year"]) == (4, 2, 0)
    assert client.get("/api/v1/plaques/summary/?on=yesterday").status_code == 400
    assert client.get("/api/v1/plaques/summary/?area=nowhere").status_code == 400
    # The other district's supervisor sees none of A's communities.
    other = api_as(world.b.supervisor).get("/api/v1/plaques/summary/").json()["results"]
    assert world.a.community.code not in {row["community"] for row in other}


def test_the_monthly_trend_follows_additions_and_removals(api_as, world):
    from signage import services

    gone = sign(
        world, "平安建设示范点", kind="publicity", installed_on=TODAY - datetime.timedelta(days=400)
    )
    sign(world, "A一社区居民委员会", installed_on=TODAY)
    services.plaque_remove(actor=world.a.cadre, plaque=gone, removed_on=TODAY, reason="整合")
    trend = api_as(world.a.supervisor).get("/api/v1/plaques/trend/?months=3").json()
    assert [m["month"] for m in trend][-1] == TODAY.strftime("%Y-%m")
    assert trend[0]["up"] >= 1
    assert (trend[-1]["added"], trend[-1]["removed"], trend[-1]["up"]) == (1, 1, 1)


def test_the_list_and_the_summary_cost_the_same_queries_for_many_rows(
    api_as, world, django_assert_num_queries
):
    from tests.factories import MembershipFactory

    MembershipFactory(user=world.a.cadre, organisation=world.a.community2, role="community_cadre")
    world.a.cadre._portal_grants = None  # the grants are cached on the user object
    standard(world)
    for n in range(6):
        sign(world, f"工作站{n}", issuer=world.a.department, work_item=item(world))
        sign(world, f"宣传栏{n}", community=world.a.community2, kind="publicity")
    client = api_as(world.a.supervisor)
    client.get("/api/v1/plaques/")  # warm the session and content types
    # The memberships are cached on the (forced) user: 1 count, 1 page of signs with their
    # community, issuer and item joined in.
    with django_assert_num_queries(2):
        response = client.get("/api/v1/plaques/?page_size=50")
    assert response.json()["count"] == 12
    # 1 the area by its code, 1 count of communities, 1 grouped page of counts, the totals'
    # versions (registry/figure_cache.py), then the totals (the signs were just added).
    url = f"/api/v1/plaques/summary/?area={world.a.district.code}"
    with django_assert_num_queries(5):
        response = client.get(url)
    assert response.json()["totals"]["up"] == 12
    # Again, no sign changed: the totals kept, their versions read.
    with django_assert_num_queries(4):
        assert client.get(url).json() == response.json()


def test_adding_and_removing_cost_a_fixed_number_of_queries(world, django_assert_num_queries):
    from signage import services

    standard(world)
    for n in range(5):
        sign(world, f"宣传栏{n}", kind="publicity")
    plaque = Plaque.objects.filter(community=world.a.community).first()
    # Savepoint and release (nested atomic), the locked sign, its update; the assessment:
    # the community, the standards, the signs up (nothing else changes, no bulk update);
    # the audit entry: advisory lock, last hash, insert; new versions of the area's cached
    # figures (one statement, registry/figure_cache.py).
    with django_assert_num_queries(11):
        services.plaque_remove(actor=world.a.cadre, plaque=plaque, removed_on=TODAY, reason="整合")
