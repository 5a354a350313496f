"""The certificates pages as a cadre, a reviewer and a department meet them."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from certificates import services
from certificates.models import CertificateIssuance, CertificateRefusal
from registry.models import User
from tests.certificates.helpers import id_number, issue, national, retained_type


def form(world, certificate_type, **overrides):
    data = {
        "community": world.a.community.code,
        "certificate_type": certificate_type.pk,
        "applicant_name": "王秀英",
        "applicant_id_number": id_number(1),
        "purpose": "办理居住证",
        "requested_by": "示范市公安局东城分局",
    }
    data.update(overrides)
    return data


# --- Issuing from the page ---------------------------------------------------------------------


def test_the_issue_form_groups_types_and_marks_prohibited_ones(world, client):
    retained_type(world)
    client.force_login(world.a.cadre)
    html = client.get("/certificates/issue/").content.decode()
    assert "出具证明" in html
    assert "居住证明" in html and "无犯罪记录证明" in html
    assert 'data-status="prohibited"' in html
    assert 'data-redirect="公安机关出具"' in html
    # One community: it is not asked for, it is shown.
    assert 'type="hidden" name="community"' in html and world.a.community.name in html


def test_issuing_from_the_page_prints_the_certificate_and_the_register_has_the_line(world, client):
    # Issue 14 item 9: the page answers with the certificate to print (the full number
    # typed in this request), no longer with a redirect to the register.
    residence = retained_type(world)
    client.force_login(world.a.cadre)
    response = client.post("/certificates/issue/", form(world, residence))
    html = response.content.decode()
    issuance = CertificateIssuance.objects.get()
    assert response.status_code == 200
    assert "print-notice" in html and f"{timezone.localdate().year}-0001" in html
    assert id_number(1) in html
    register = client.get(
        f"/certificates/register/?community={world.a.community.code}"
    ).content.decode()
    assert "王秀英" in register and issuance.applicant_id_masked in register


def test_a_prohibited_type_on_the_page_shows_the_refusal_and_the_notice_button(world, client):
    client.force_login(world.a.cadre)
    response = client.post(
        "/certificates/issue/",
        form(world, national(), requested_by="示范人力资源服务有限公司", purpose="入职"),
    )
    html = response.content.decode()
    refusal = CertificateRefusal.objects.get()
    assert response.status_code == 200
    assert 'role="alert"' in html
    assert "公安机关出具" in html
    assert f"/certificates/refusals/{refusal.pk}/notice/" in html
    assert "打印不予出具告知书" in html
    assert not CertificateIssuance.objects.exists()


def test_page_errors_are_shown_on_the_fields_and_nothing_is_written(world, client):
    residence = retained_type(world)
    client.force_login(world.a.cadre)
    response = client.post(
        "/certificates/issue/", form(world, residence, applicant_id_number="110105194912310022")
    )
    html = response.content.decode()
    # A refused form is shown again with the refusal's status, as on every page.
    assert response.status_code == 400
    assert "校验位" in html
    assert 'aria-invalid="true"' in html
    assert not CertificateIssuance.objects.exists()


def test_the_issue_page_is_for_cadres_only(world, client):
    for user in (world.a.reviewer, world.a.liaison, world.outsider):
        client.force_login(user)
        assert client.get("/certificates/issue/").status_code == 403
    client.logout()
    assert client.get("/certificates/issue/").status_code == 302


def test_a_cadre_cannot_post_for_another_community(world, client):
    residence = retained_type(world)
    client.force_login(world.b.cadre)
    response = client.post("/certificates/issue/", form(world, residence))
    assert response.status_code == 200
    assert not CertificateIssuance.objects.exists()


# --- The register, the printouts, the export ---------------------------------------------------


def test_the_register_page_shows_issuances_and_refusals(world, client):
    residence = retained_type(world)
    issue(world, residence)
    with pytest.raises(services.CertificateProhibited):
        issue(world, national("婚姻状况证明"), requested_by="示范市农商银行")
    client.force_login(world.a.cadre)
    html = client.get("/certificates/register/").content.decode()
    assert "证明出具登记" in html
    assert "居住证明" in html and "婚姻状况证明" in html
    assert "示范市农商银行" in html
    assert "不予出具告知书" in html


def test_the_register_page_is_empty_in_words_when_nothing_was_issued(world, client):
    client.force_login(world.a.cadre)
    html = client.get("/certificates/register/").content.decode()
    assert "本年度尚未出具证明" in html


def test_register_page_query_count_does_not_grow_with_rows(
    world, client, django_assert_num_queries
):
    residence = retained_type(world)
    for index in range(5):
        issue(world, residence, applicant_id_number=id_number(index))
    client.force_login(world.a.supervisor)
    client.get("/certificates/register/")
    # 1 session, 1 user, 1 grants (also used by the layout's navigation), 1 communities for
    # the filter, 1 count and 1 page of issuances (joined), 1 refusals (joined).
    with django_assert_num_queries(7):
        response = client.get("/certificates/register/")
    assert response.status_code == 200


def test_the_printable_certificate_and_register(world, client):
    residence = retained_type(world)
    issuance = issue(world, residence)
    client.force_login(world.a.cadre)
    # A reprint asks for the ID number again (issue 14 item 9), then prints it in full.
    page = client.get(f"/certificates/issuances/{issuance.pk}/print/").content.decode()
    assert issuance.serial_number in page and issuance.applicant_id_masked in page
    sheet = client.post(
        f"/certificates/issuances/{issuance.pk}/print/",
        {"applicant_id_number": id_number(7)},
    ).content.decode()
    assert "print-notice" in sheet and issuance.serial_number in sheet
    assert "（盖章）" in sheet and id_number(7) in sheet
    register = client.get(
        f"/certificates/register/print/?community={world.a.community.code}"
    ).content.decode()
    assert "print-wall" in register and issuance.serial_number in register
    client.force_login(world.b.cadre)
    assert client.get(f"/certificates/issuances/{issuance.pk}/print/").status_code == 404


def test_printing_the_register_needs_a_community(world, client):
    client.force_login(world.a.supervisor)
    response = client.get("/certificates/register/print/")
    assert response.status_code == 302


def test_the_register_exports_to_excel(world, api_as):
    residence = retained_type(world)
    for index in range(2):
        issue(world, residence, applicant_id_number=id_number(index))
    response = api_as(world.a.cadre).get(
        "/api/v1/certificate-issuances/export/", {"community": world.a.community.code}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "编号"
    assert [r[0] for r in rows[1:]] == [
        f"{timezone.localdate().year}-0002",
        f"{timezone.localdate().year}-0001",
    ]
    assert rows[1][2] == "居住证明"


# --- The refusal notice --------------------------------------------------------------------------


def test_the_refusal_notice_has_the_reason_the_redirect_and_a_qr_code(world, client):
    with pytest.raises(services.CertificateProhibited) as refused:
        issue(world, national(), requested_by="示范人力资源服务有限公司")
    refusal = refused.value.refusal
    client.force_login(world.a.cadre)
    html = client.get(f"/certificates/refusals/{refusal.pk}/notice/").content.decode()
    assert "不予出具告知书" in html
    assert "公安机关出具" in html
    assert "示范人力资源服务有限公司" in html
    assert "民发〔2020〕20号" in html
    assert "<svg" in html and "print-notice" in html
    target = f"http://testserver/certificates/types/{refusal.certificate_type_id}/"
    assert target in html


def test_the_notice_is_for_those_who_may_read_the_register(world, client):
    with pytest.raises(services.CertificateProhibited) as refused:
        issue(world, national())
    url = f"/certificates/refusals/{refused.value.refusal.pk}/notice/"
    for user, status in [
        (world.a.cadre, 200),
        (world.a.reviewer, 200),
        (world.a.supervisor, 200),
        (world.b.cadre, 404),
        (world.b.supervisor, 404),
        (world.a.department_staff, 404),
    ]:
        client.force_login(User.objects.get(pk=user.pk))
        assert client.get(url).status_code == status, user


# --- Catalogue and proposals ---------------------------------------------------------------------


def test_the_catalogue_page_is_for_reviewers(world, client):
    retained_type(world, "居住证明", area=world.a.district)
    retained_type(world, "B区证明", area=world.b.district)
    client.force_login(world.a.reviewer)
    html = client.get("/certificates/catalogue/").content.decode()
    assert "证明事项目录" in html
    assert "居住证明" in html and "无犯罪记录证明" in html
    assert "B区证明" not in html
    for user in (world.a.cadre, world.a.supervisor, world.a.department_staff):
        client.force_login(user)
        assert client.get("/certificates/catalogue/").status_code == 403


def test_a_department_proposes_from_the_page(world, client):
    client.force_login(world.a.department_staff)
    response = client.post(
        "/certificates/propose/",
        {
            "department": world.a.department.pk,
            "name": "志愿服务证明",
            "verification": "在本社区参加志愿服务的时间",
            "materials": "居民身份证",
            "synonyms": "志愿者证明、志愿时长证明",
            "legal_basis": "《志愿服务条例》",
            "description": "",
            "submit_now": "on",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "志愿服务证明" in html and "已提交" in html
    proposal = world.a.department.applications.get().certificate_proposal
    assert proposal.synonyms == ["志愿者证明", "志愿时长证明"]


def test_a_proposal_like_a_prohibited_type_is_refused_on_the_page(world, client):
    client.force_login(world.a.department_staff)
    response = client.post(
        "/certificates/propose/",
        {
            "department": world.a.department.pk,
            "name": "无犯罪证明",
            "verification": "有无犯罪",
            "legal_basis": "无",
            "submit_now": "on",
        },
    )
    assert response.status_code == 422
    assert "负面清单" in response.content.decode() or "无犯罪记录证明" in response.content.decode()
    assert not world.a.department.applications.exists()


def test_the_propose_page_is_for_department_staff(world, client):
    for user in (world.a.cadre, world.a.reviewer):
        client.force_login(user)
        assert client.get("/certificates/propose/").status_code == 403
