"""The pages: a cadre's registry, adding a sign with a photo, recording its removal, the
area's counts, the census page, the standards and the workbench section."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from registry import figure_cache
from signage.models import Plaque, PlaqueStandard
from tests.signage.helpers import TODAY, jpeg_with_gps, pdf_named_jpg, png, sign, standard

pytestmark = pytest.mark.django_db


def test_the_cadre_sees_the_registry_of_their_community_with_verdicts(client, world):
    standard(world)
    sign(world, "A一社区居民委员会")
    sign(world, "平安建设示范点", kind="publicity")
    client.force_login(world.a.cadre)
    response = client.get("/plaques/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "A一社区居民委员会" in page and "平安建设示范点" in page
    assert 'data-figure="excess">1<' in page
    assert 'href="/plaques/new/"' in page


def test_an_empty_registry_says_what_to_do(client, world):
    client.force_login(world.a.cadre)
    page = client.get("/plaques/").content.decode()
    assert 'class="empty-state"' in page
    assert "/plaques/new/" in page


def test_adding_a_sign_with_a_photo_from_the_page(client, world):
    client.force_login(world.a.cadre)
    assert client.get("/plaques/new/").status_code == 200
    response = client.post(
        "/plaques/new/",
        {
            "community": world.a.community.code,
            "text": "平安建设示范点",
            "kind": "publicity",
            "placement": "exterior",
            "location": "院墙",
            "installed_on": TODAY.isoformat(),
            "issuer": "",
            "work_item": "",
            "photo": jpeg_with_gps(),
        },
    )
    plaque = Plaque.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/plaques/{plaque.pk}/"
    assert plaque.photo and plaque.thumbnail
    detail = client.get(response["Location"]).content.decode()
    assert f"/plaques/{plaque.pk}/photo/photo/" in detail
    assert "data-confirm=" in detail  # the removal asks first


def test_a_bad_photo_on_the_page_keeps_the_form_and_writes_nothing(client, world):
    client.force_login(world.a.cadre)
    response = client.post(
        "/plaques/new/",
        {
            "community": world.a.community.code,
            "text": "平安建设示范点",
            "kind": "publicity",
            "placement": "exterior",
            "installed_on": TODAY.isoformat(),
            "photo": pdf_named_jpg(),
        },
    )
    assert response.status_code == 400
    assert 'value="平安建设示范点"' in response.content.decode()
    assert not Plaque.objects.exists()


def test_recording_the_removal_from_the_page_and_twice_is_refused(client, world):
    plaque = sign(world, "平安建设示范点", kind="publicity")
    client.force_login(world.a.cadre)
    data = {"removed_on": TODAY.isoformat(), "reason": "不在标准内", "photo": png()}
    response = client.post(f"/plaques/{plaque.pk}/remove/", data)
    assert response.status_code == 302
    plaque.refresh_from_db()
    assert plaque.status == "removed" and plaque.removal_photo
    again = client.post(
        f"/plaques/{plaque.pk}/remove/", {"removed_on": TODAY.isoformat(), "reason": "x"}
    )
    assert again.status_code == 409
    history = client.get(f"/plaques/?community={world.a.community.code}&status=removed")
    assert "平安建设示范点" in history.content.decode()


def test_a_supervisor_sees_the_counts_of_the_area_and_drills_down(client, world):
    standard(world)
    sign(world, "平安建设示范点", kind="publicity")
    client.force_login(world.a.supervisor)
    response = client.get("/plaques/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f'data-community="{world.a.community.code}"' in page
    assert f"?community={world.a.community.code}" in page
    assert world.b.community.name not in page
    drill = client.get(f"/plaques/?community={world.a.community.code}")
    assert "平安建设示范点" in drill.content.decode()
    assert client.get(f"/plaques/?community={world.b.community.code}").status_code == 404
    assert client.get("/plaques/?area=nowhere").status_code == 404


def test_the_list_pages_cost_the_same_queries_for_many_rows(
    client, world, django_assert_num_queries
):
    standard(world)
    for n in range(8):
        sign(world, f"宣传栏{n}", kind="publicity", issuer=world.a.department)
    client.force_login(world.a.cadre)
    client.get("/plaques/")
    # Session, user, memberships; the one community the cadre keeps; count and page of
    # signs (community, issuer, item joined); totals; the standard that applies; the
    # header's unread notifications.
    with django_assert_num_queries(9):
        response = client.get("/plaques/")
    assert response.content.decode().count('<li class="plaque-card') == 8


def test_the_census_page_lists_every_row_problem(client, world):
    client.force_login(world.a.reviewer)
    assert client.get("/plaques/census/").status_code == 200
    book = Workbook()
    book.active.append(["社区编码", "牌匾名称", "类别", "位置", "挂牌日期"])
    book.active.append(["nowhere", "X", "横幅", "室外", "2020-01-01"])
    buffer = io.BytesIO()
    book.save(buffer)
    response = client.post(
        "/plaques/census/",
        {"area": world.a.district.code, "file": SimpleUploadedFile("c.xlsx", buffer.getvalue())},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "nowhere" in page
    assert not Plaque.objects.exists()
    template = client.get("/plaques/census/template.xlsx")
    assert template.status_code == 200


def test_a_reviewer_sets_the_standard_from_the_page(client, world):
    client.force_login(world.a.reviewer)
    response = client.post(
        "/plaques/standards/",
        {
            "area": world.a.district.code,
            "named_signs": "党组织\n居民委员会\n",
            "max_exterior": 3,
            "max_interior": 5,
            "kinds_not_allowed": ["rules", "publicity"],
            "effective_from": (TODAY - datetime.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 302
    standard_ = PlaqueStandard.objects.get()
    assert standard_.named_signs == ["党组织", "居民委员会"]
    assert standard_.kinds_not_allowed == ["publicity", "rules"]
    client.force_login(world.a.cadre)
    page = client.get("/plaques/standards/").content.decode()
    assert "党组织" in page  # every role reads the standard ...
    assert 'name="max_exterior"' not in page  # ... only reviewers get the form to set one


def test_the_workbench_section_shows_the_figures(client, world):
    sign(world, "平安建设示范点", kind="publicity")
    client.force_login(world.a.supervisor)
    response = client.get("/plaques/section/")
    assert response.status_code == 200
    assert 'data-figure="up">1<' in response.content.decode()


def test_the_area_summary_of_communities_with_excess_costs_the_same_queries_for_more(
    client, world, django_assert_num_queries
):
    from tests.factories import MembershipFactory

    MembershipFactory(user=world.a.cadre, organisation=world.a.community2, role="community_cadre")
    world.a.cadre._portal_grants = None  # the grants are cached on the user object
    standard(world)
    sign(world, "平安建设示范点", kind="publicity")  # beyond the standard: a named sign is not
    sign(world, "A二社区居民委员会", community=world.a.community2)
    client.force_login(world.a.supervisor)
    url = f"/plaques/?area={world.a.district.code}&excess=1"
    client.get(url)  # warm the session and content types

    def listed() -> list[str]:
        # As after a change (a new version of the tree, which every figure's key holds):
        # session, user, memberships; the area; the areas to choose from; the count and
        # the page of communities (each one's figures a subquery of the page); the totals'
        # versions and the totals; the trend's versions and the trend (three).
        figure_cache.bump([figure_cache.TREE])
        with django_assert_num_queries(13):
            page = client.get(url).content.decode()
        # Read again: the totals and the trend kept, only their versions read.
        with django_assert_num_queries(9):
            client.get(url)
        return [c.code for c in (world.a.community, world.a.community2) if c.code in page]

    assert listed() == [world.a.community.code]
    sign(world, "禁毒宣传栏", kind="publicity", community=world.a.community2)
    sign(world, "文明宣传栏", kind="publicity", community=world.a.community2)
    assert listed() == [world.a.community.code, world.a.community2.code]
