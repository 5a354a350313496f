"""The issuance register: a cadre registers what their community issues; a prohibited type
is refused, with where to go instead and a notice to print, and counted against the
institution that asked for it."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from certificates import selectors, services
from certificates.models import CertificateIssuance, CertificateRefusal, IssuanceSequence
from registry.errors import InvalidInput, PermissionDenied
from registry.models import AuditEntry, User
from tests.certificates.helpers import id_number, issue, issue_body, national, retained_type
from tests.factories import MembershipFactory

URL = "/api/v1/certificate-issuances/"


def year() -> int:
    return timezone.localdate().year


def nothing_written() -> bool:
    return (
        not CertificateIssuance.objects.exists()
        and not CertificateRefusal.objects.exists()
        and not AuditEntry.objects.filter(action__startswith="certificate.").exists()
    )


# --- Issuing ---------------------------------------------------------------------------------


def test_a_cadre_issues_a_retained_type_and_gets_the_next_serial(world, api_as):
    residence = retained_type(world)
    client = api_as(world.a.cadre)
    first = client.post(URL, issue_body(world.a.community, residence), format="json")
    second = client.post(
        URL, issue_body(world.a.community, residence, applicant_name="李建国"), format="json"
    )
    assert first.status_code == 201, first.json()
    assert first.json()["serial_number"] == f"{year()}-0001"
    assert second.json()["serial_number"] == f"{year()}-0002"
    body = first.json()
    assert body["community"] == world.a.community.code
    assert body["certificate_type_name"] == "居住证明"
    assert body["applicant_id_masked"] == "9*************" + id_number(7)[-4:]
    assert body["requested_by"] == "示范市公安局东城分局"
    assert body["issued_by"] == world.a.cadre.username
    assert body["print_url"].endswith(f"/certificates/issuances/{body['id']}/print/")
    entry = AuditEntry.objects.get(action="certificate.issue", object_id=str(body["id"]))
    assert entry.after["serial_number"] == f"{year()}-0001"
    assert entry.actor == world.a.cadre


def test_serials_are_per_community_and_per_year(world):
    residence = retained_type(world)
    # The A cadre also keeps the second community's register.
    MembershipFactory(user=world.a.cadre, organisation=world.a.community2, role="community_cadre")
    assert issue(world, residence).serial_number == f"{year()}-0001"
    assert issue(world, residence, community=world.a.community2).serial_number == f"{year()}-0001"
    assert issue(world, residence).serial_number == f"{year()}-0002"
    next_year = datetime.date(year() + 1, 1, 2)
    later = services.certificate_issue(
        actor=world.a.cadre,
        community=world.a.community,
        certificate_type=residence,
        applicant_name="张丽",
        applicant_id_number=id_number(3),
        purpose="入学",
        requested_by="示范大学",
        today=next_year,
    )
    assert later.serial_number == f"{year() + 1}-0001"


def test_a_failed_issuance_uses_no_serial(world):
    residence = retained_type(world)
    issue(world, residence)
    with pytest.raises(InvalidInput):
        issue(world, residence, applicant_id_number="123")
    assert issue(world, residence).serial_number == f"{year()}-0002"


def test_the_institution_name_is_normalised(world):
    residence = retained_type(world)
    issuance = issue(world, residence, requested_by="  示范市  农商银行\u3000东城支行 ")
    assert issuance.requested_by == "示范市农商银行东城支行"


# --- Prohibited types --------------------------------------------------------------------------


def test_a_prohibited_type_is_refused_with_redirect_and_notice(world, api_as):
    no_crime = national("无犯罪记录证明")
    response = api_as(world.a.cadre).post(
        URL,
        issue_body(world.a.community, no_crime, requested_by="示范人力资源服务有限公司"),
        format="json",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "certificate_prohibited"
    assert body["redirect"] == "公安机关出具"
    refusal = CertificateRefusal.objects.get()
    assert body["notice_url"] == (f"http://testserver/certificates/refusals/{refusal.pk}/notice/")
    assert "无犯罪记录证明" in body["detail"]
    assert not CertificateIssuance.objects.exists()
    assert not IssuanceSequence.objects.filter(last_value__gt=0).exists()
    assert refusal.requested_by == "示范人力资源服务有限公司"
    assert refusal.refused_by == world.a.cadre
    assert AuditEntry.objects.filter(action="certificate.refuse").count() == 1


def test_refusals_count_against_the_institution_that_asked(world):
    asked = [
        (world.a, "示范人力资源服务有限公司", "无犯罪记录证明", 1),
        (world.a, "示范人力资源服务有限公司", "婚姻状况证明", 2),
        (world.b, "示范人力资源 服务有限公司", "无犯罪记录证明", 3),
        (world.b, "示范市农商银行", "居民财产证明", 4),
    ]
    for jurisdiction, institution, name, index in asked:
        with pytest.raises(services.CertificateProhibited):
            issue(
                world,
                national(name),
                community=jurisdiction.community,
                cadre=jurisdiction.cadre,
                requested_by=institution,
                applicant_id_number=id_number(index),
            )
    demand = list(selectors.prohibited_demand_by_institution(since=timezone.localdate()))
    assert demand[0] == {
        "requested_by": "示范人力资源服务有限公司",
        "refusals": 3,
        "communities": 2,
        "last_on": timezone.localdate(),
    }
    assert demand[1]["requested_by"] == "示范市农商银行"
    only_a = selectors.prohibited_demand_by_institution(
        since=timezone.localdate(), area=world.a.district
    )
    assert [(row["requested_by"], row["refusals"]) for row in only_a] == [
        ("示范人力资源服务有限公司", 2)
    ]


def test_demand_is_aggregated_in_one_query(world, django_assert_num_queries):
    for index in range(5):
        with pytest.raises(services.CertificateProhibited):
            issue(world, national(), applicant_id_number=id_number(index))
    with django_assert_num_queries(1):
        rows = list(
            selectors.prohibited_demand_by_institution(
                since=timezone.localdate() - datetime.timedelta(days=30)
            )
        )
    assert rows[0]["refusals"] == 5


def test_asking_again_the_same_day_is_one_refusal(world):
    for _attempt in range(2):
        with pytest.raises(services.CertificateProhibited) as refused:
            issue(world, national())
    assert CertificateRefusal.objects.count() == 1
    assert refused.value.refusal == CertificateRefusal.objects.get()
    assert AuditEntry.objects.filter(action="certificate.refuse").count() == 1


def test_a_district_may_prohibit_what_the_city_retains(world):
    residence = retained_type(world, "居住证明")
    retained_type(
        world,
        "居住证明",
        area=world.b.district,
        status="prohibited",
        verification="",
        redirect="公安机关居住登记信息查询",
    )
    assert issue(world, residence).serial_number.endswith("0001")  # district A: allowed
    with pytest.raises(services.CertificateProhibited) as refused:
        issue(world, residence, community=world.b.community, cadre=world.b.cadre)
    assert refused.value.extra["redirect"] == "公安机关居住登记信息查询"


def test_a_type_of_another_citys_catalogue_cannot_be_issued(world):
    from tests.factories import AreaFactory

    other_city = AreaFactory(code="9902", name="别的市", parent=None, level="city")
    elsewhere = retained_type(world, "外地证明", area=other_city)
    with pytest.raises(InvalidInput) as error:
        issue(world, elsewhere)
    assert "certificate_type" in error.value.extra["fields"]
    assert nothing_written()


# --- Who may issue -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who",
    ["outsider", "admin", "b_cadre", "a_liaison", "a_reviewer", "a_supervisor", "a_staff"],
)
def test_only_the_communitys_own_cadre_issues(world, who):
    residence = retained_type(world)
    actor = {
        "outsider": world.outsider,
        "admin": world.admin,
        "b_cadre": world.b.cadre,
        "a_liaison": world.a.liaison,
        "a_reviewer": world.a.reviewer,
        "a_supervisor": world.a.supervisor,
        "a_staff": world.a.department_staff,
    }[who]
    with pytest.raises(PermissionDenied):
        issue(world, residence, cadre=actor)
    assert nothing_written()


def test_another_communitys_cadre_is_refused_by_the_api(world, api_as):
    residence = retained_type(world)
    response = api_as(world.b.cadre).post(
        URL, issue_body(world.a.community, residence), format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert nothing_written()


def test_another_communitys_cadre_cannot_record_a_refusal_either(world, api_as):
    response = api_as(world.b.cadre).post(
        URL, issue_body(world.a.community, national()), format="json"
    )
    assert response.status_code == 403
    assert nothing_written()


# --- Bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"community": "NOPE"}, "community"),
        ({"community": 990102001001}, "community"),
        ({"certificate_type": 999999}, "certificate_type"),
        ({"certificate_type": "居住证明"}, "certificate_type"),
        ({"certificate_type": True}, "certificate_type"),
        ({"applicant_name": 123}, "applicant_name"),
        ({"applicant_name": ""}, "applicant_name"),
        ({"applicant_name": "王" * 51}, "applicant_name"),
        ({"applicant_id_number": 110105194912310021}, "applicant_id_number"),
        ({"applicant_id_number": "12345"}, "applicant_id_number"),
        ({"applicant_id_number": "110105194912310022"}, "applicant_id_number"),  # bad check
        ({"purpose": ""}, "purpose"),
        ({"requested_by": "   "}, "requested_by"),
        ({"requested_by": None}, "requested_by"),
        ({"requested_by": ["银行"]}, "requested_by"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(world, api_as, change, field):
    residence = retained_type(world)
    body = issue_body(world.a.community, residence)
    body.update(change)
    response = api_as(world.a.cadre).post(URL, body, format="json")
    assert response.status_code == 400, response.json()
    answer = response.json()
    assert answer["code"] == "invalid"
    assert field in answer["errors"], answer
    assert answer["detail"]
    assert nothing_written()


def test_missing_fields_are_all_named(world, api_as):
    response = api_as(world.a.cadre).post(URL, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {
        "community",
        "certificate_type",
        "applicant_name",
        "applicant_id_number",
        "purpose",
        "requested_by",
    }


def test_a_district_is_not_a_community(world, api_as):
    residence = retained_type(world)
    response = api_as(world.a.cadre).post(
        URL, issue_body(world.a.district, residence), format="json"
    )
    assert response.status_code == 400
    assert "community" in response.json()["errors"]
    assert nothing_written()


def test_malformed_json_is_a_400(world, api_as):
    response = api_as(world.a.cadre).post(
        URL, data='{"community": "990102001001", ', content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "malformed"
    assert nothing_written()


def test_a_json_list_is_a_400(world, api_as):
    response = api_as(world.a.cadre).post(URL, data="[1, 2]", content_type="application/json")
    assert response.status_code == 400
    assert nothing_written()


def test_errors_speak_chinese_by_default(world, api_as):
    residence = retained_type(world)
    body = issue_body(world.a.community, residence, applicant_id_number="12345")
    response = api_as(world.a.cadre).post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "身份证号码" in response.json()["detail"]


# --- Reading the register ------------------------------------------------------------------------


def _fill(world):
    residence = retained_type(world)
    MembershipFactory(user=world.a.cadre, organisation=world.a.community2, role="community_cadre")
    for index in range(3):
        issue(world, residence, applicant_id_number=id_number(index))
    issue(world, residence, community=world.a.community2)
    issue(world, residence, community=world.b.community, cadre=world.b.cadre)
    return residence


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("a_cadre", 4),  # both of their communities
        ("b_cadre", 1),
        ("a_reviewer", 4),
        ("a_supervisor", 4),
        ("b_supervisor", 1),
    ],
)
def test_the_register_is_scoped_to_what_the_reader_covers(world, api_as, who, expected):
    _fill(world)
    user = {
        "a_cadre": world.a.cadre,
        "b_cadre": world.b.cadre,
        "a_reviewer": world.a.reviewer,
        "a_supervisor": world.a.supervisor,
        "b_supervisor": world.b.supervisor,
    }[who]
    body = api_as(user).get(URL).json()
    assert body["count"] == expected


def test_the_register_filters_by_community_and_year(world, api_as):
    _fill(world)
    client = api_as(world.a.reviewer)
    body = client.get(URL, {"community": world.a.community.code, "year": year()}).json()
    assert body["count"] == 3
    assert [r["serial_number"][-4:] for r in body["results"]] == ["0003", "0002", "0001"]
    assert client.get(URL, {"year": year() - 1}).json()["count"] == 0
    # Another district's community: nothing visible, not an error.
    assert client.get(URL, {"community": world.b.community.code}).json()["count"] == 0
    assert client.get(URL, {"community": "NOPE"}).status_code == 400
    assert client.get(URL, {"year": "last"}).status_code == 400


def test_an_issuance_of_another_community_is_not_found(world, api_as):
    _fill(world)
    theirs = CertificateIssuance.objects.get(community=world.b.community)
    assert api_as(world.a.cadre).get(f"{URL}{theirs.pk}/").status_code == 404
    assert api_as(world.b.cadre).get(f"{URL}{theirs.pk}/").status_code == 200
    assert api_as(world.b.cadre).get(f"{URL}abc/").status_code == 404


def test_register_list_query_count_does_not_grow_with_rows(
    world, api_as, django_assert_num_queries
):
    _fill(world)
    client = api_as(User.objects.get(pk=world.a.supervisor.pk))  # grants not cached yet
    # 1 grants, 1 count, 1 page of issuances with community, type and issuer joined.
    with django_assert_num_queries(3):
        response = client.get(URL)
    assert response.json()["count"] == 4


def test_refusals_list_and_demand(world, api_as, django_assert_num_queries):
    for index in range(3):
        with pytest.raises(services.CertificateProhibited):
            issue(world, national(), applicant_id_number=id_number(index))
    client = api_as(User.objects.get(pk=world.a.supervisor.pk))
    # 1 grants, 1 count, 1 page of refusals with community, type and cadre joined.
    with django_assert_num_queries(3):
        refusals = client.get("/api/v1/certificate-refusals/").json()
    assert refusals["count"] == 3
    assert refusals["results"][0]["notice_url"].startswith("http://testserver/certificates/")
    demand = client.get("/api/v1/certificate-refusals/demand/").json()
    assert demand["results"] == [
        {
            "requested_by": "示范市公安局东城分局",
            "refusals": 3,
            "communities": 1,
            "last_on": timezone.localdate().isoformat(),
        }
    ]
    assert api_as(world.b.supervisor).get("/api/v1/certificate-refusals/").json()["count"] == 0
    bad = client.get("/api/v1/certificate-refusals/demand/", {"since": "yesterday"})
    assert bad.status_code == 400
