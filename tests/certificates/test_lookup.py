"""The public lookup: a resident types what they were asked for and learns whether the
community can issue it, what to bring, or where to go instead. No login."""

from __future__ import annotations

import datetime

import pytest

from certificates import selectors
from certificates.models import CertificateType
from tests.certificates.helpers import national, retained_type

Status = CertificateType.Status


def names(query: str, **kwargs) -> list[str]:
    found, _exact = selectors.certificate_type_search(q=query, **kwargs)
    return [t.name for t in found]


def test_the_national_batch_of_twenty_prohibited_certificates_is_loaded(db):
    batch = CertificateType.objects.filter(jurisdiction=None)
    assert batch.count() == 20
    assert set(batch.values_list("status", flat=True)) == {Status.PROHIBITED}
    assert list(batch.order_by("national_seq").values_list("name", flat=True)[:2]) == [
        "亲属关系证明",
        "居民身份信息证明",
    ]
    no_crime = national("无犯罪记录证明")
    assert no_crime.redirect == "公安机关出具"
    assert "民发〔2020〕20号" in no_crime.legal_basis
    assert {"良民证", "无犯罪证明"} <= set(no_crime.synonyms)
    assert no_crime.initials == "wfzjlzm"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("无犯罪记录证明", "无犯罪记录证明"),  # the full name
        ("犯罪", "无犯罪记录证明"),  # part of it
        ("良民证", "无犯罪记录证明"),  # what people call it
        ("无违法犯罪记录", "无犯罪记录证明"),
        ("wfzjl", "无犯罪记录证明"),  # pinyin initials, as typed on a phone
        ("WFZJL", "无犯罪记录证明"),
        ("liangmin", "无犯罪记录证明"),  # full pinyin
        ("亲属证明", "亲属关系证明"),
        ("关系证明", "亲属关系证明"),
        ("养狗", "居民养犬证明"),
        ("未婚证明", "婚姻状况证明"),
        ("生存证明", "健在证明"),
        ("ＷＦＺＪＬ", "无犯罪记录证明"),  # full-width letters from a Chinese keyboard
    ],
)
def test_lookup_finds_types_by_part_synonym_and_pinyin(db, query, expected):
    assert expected in names(query)


def test_the_closest_match_comes_first(db):
    assert names("婚姻")[0] == "婚姻状况证明"
    assert names("无犯罪记录证明")[0] == "无犯罪记录证明"


def test_every_word_of_a_query_must_match(db):
    assert names("无犯罪 证明") == ["无犯罪记录证明"]
    assert names("无犯罪 养犬") == [] or names("无犯罪 养犬")[0] != "居民养犬证明"


def test_a_query_that_matches_nothing_suggests_close_names(db):
    found, exact = selectors.certificate_type_search(q="开无犯罪的证明")
    assert not exact
    assert found[0].name == "无犯罪记录证明"
    found, exact = selectors.certificate_type_search(q="火星通行证")
    assert (found, exact) == ([], False)


def test_status_filter_and_local_retained_types(world):
    retained_type(world, "居住证明")
    assert names("居住", status=Status.RETAINED) == ["居住证明"]
    assert "居住证明" not in names("居住", status=Status.PROHIBITED)
    assert names("zzzm") == ["居住证明"]  # 住址证明, its other name


def test_types_not_in_effect_are_not_shown(world):
    retained_type(
        world,
        "老证明",
        effective_from=datetime.date(2020, 1, 1),
        effective_until=datetime.date(2021, 1, 1),
    )
    assert names("老证明") == []


def test_area_filter_keeps_national_and_that_areas_types(world):
    retained_type(world, "A区证明", area=world.a.district)
    retained_type(world, "B区证明", area=world.b.district)
    found = names("证明", area=world.a.street)
    assert "A区证明" in found and "B区证明" not in found and "无犯罪记录证明" in found


# --- The public API -----------------------------------------------------------------------


def test_api_lookup_is_public_and_says_where_to_go(db, api):
    response = api.get("/api/v1/certificate-types/", {"q": "良民证"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    entry = body["results"][0]
    assert entry["name"] == "无犯罪记录证明"
    assert entry["status"] == "prohibited"
    assert entry["redirect"] == "公安机关出具"
    assert entry["jurisdiction"] is None
    assert entry["url"].startswith("http://testserver/certificates/types/")


def test_api_lookup_works_with_a_stale_token(db, api):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api.get("/api/v1/certificate-types/", {"q": "wfzjl"}).status_code == 200


def test_api_status_filter_and_bad_values(world, api):
    retained_type(world, "居住证明")
    retained = api.get("/api/v1/certificate-types/", {"status": "retained"}).json()
    assert [t["name"] for t in retained["results"]] == ["居住证明"]
    assert retained["results"][0]["materials"] == "居民身份证；租房合同"
    prohibited = api.get("/api/v1/certificate-types/", {"status": "prohibited"}).json()
    assert prohibited["count"] == 20
    bad = api.get("/api/v1/certificate-types/", {"status": "maybe"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"
    unknown_area = api.get("/api/v1/certificate-types/", {"area": "NOPE"})
    assert unknown_area.status_code == 400
    assert "errors" in unknown_area.json()


def test_api_type_detail_is_public(db, api):
    certificate_type = national("健在证明")
    body = api.get(f"/api/v1/certificate-types/{certificate_type.pk}/").json()
    assert body["name"] == "健在证明"
    assert api.get("/api/v1/certificate-types/99999/").status_code == 404


def test_api_list_query_count_does_not_grow_with_rows(world, api, django_assert_num_queries):
    for index in range(4):
        retained_type(world, f"保留证明{index}")
    # 1 count, 1 page of types with their jurisdiction joined.
    with django_assert_num_queries(2):
        response = api.get("/api/v1/certificate-types/", {"page_size": 100})
    assert response.json()["count"] == 24


# --- The public pages -----------------------------------------------------------------------


def test_lookup_page_without_query_lists_both_kinds_in_chinese(world, client):
    retained_type(world, "居住证明")
    html = client.get("/certificates/lookup/").content.decode()
    assert "证明事项查询" in html
    assert "社区可以出具的证明" in html and "社区不出具的证明" in html
    assert "居住证明" in html and "无犯罪记录证明" in html


def test_lookup_page_shows_where_to_go_instead(db, client):
    html = client.get("/certificates/lookup/", {"q": "wfzjl"}).content.decode()
    assert "无犯罪记录证明" in html
    assert "社区不出具" in html
    assert "公安机关出具" in html


def test_lookup_page_shows_what_to_bring_for_a_retained_type(world, client):
    retained_type(world, "居住证明")
    html = client.get("/certificates/lookup/", {"q": "居住"}).content.decode()
    assert "社区可以出具" in html and "居民身份证；租房合同" in html


def test_lookup_page_says_so_in_chinese_when_nothing_matches(db, client):
    html = client.get("/certificates/lookup/", {"q": "火星通行证"}).content.decode()
    assert "没有找到与“火星通行证”相符的证明" in html


def test_each_type_has_a_public_page(db, client):
    certificate_type = national("死亡证明")
    response = client.get(f"/certificates/types/{certificate_type.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "死亡证明" in html and "医疗机构或公安机关出具居民死亡医学证明" in html
    assert client.get("/certificates/types/999999/").status_code == 404


def test_lookup_page_query_count(world, client, django_assert_num_queries):
    for index in range(4):
        retained_type(world, f"保留证明{index}")
    # 1 query: the types in effect with their jurisdiction (a visitor has no session).
    with django_assert_num_queries(1):
        response = client.get("/certificates/lookup/")
    assert response.status_code == 200
