"""Issue 14 item 9: the printed certificate does its job.

It states the fact certified; it carries the full ID number on paper only (the print made
at issuance uses the number just typed, kept in no table, log, cache or session; a reprint
asks for it again and checks it against the stored hash); it has a verification code and a
QR code that anyone can check on a public page (no personal data); after a refusal the
form is cleared.
"""

from __future__ import annotations

import logging

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import models

from certificates import services
from certificates.models import CertificateIssuance
from registry import workdays
from registry.errors import IllegalTransition, PermissionDenied
from registry.models import AuditEntry
from tests.certificates.helpers import id_number, issue, national, retained_type

CLEAR = id_number(77, birth="19650315")
VERIFY_API = "/api/v1/certificate-issuances/verify/"


def page_form(world, certificate_type, **overrides):
    data = {
        "community": world.a.community.code,
        "certificate_type": certificate_type.pk,
        "applicant_name": "王秀英",
        "applicant_id_number": CLEAR,
        "purpose": "办理居住证",
        "requested_by": "示范市农商银行",
        "facts": "该居民自2019年3月起在本社区幸福里12号居住。",
        "request_token": "tok-1",
    }
    data.update(overrides)
    return data


def _every_text_in_the_database() -> str:
    chunks = []
    for model in apps.get_models():
        if not model._meta.managed or model._meta.proxy:
            continue
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if fields:
            for row in model.objects.values_list(*fields):
                chunks.extend(str(value) for value in row)
    # Sessions are signed and encoded: read them as Django does.
    chunks.extend(str(s.get_decoded()) for s in Session.objects.all())
    return "\n".join(chunks)


def _every_value_in_the_cache() -> bytes:
    backend = getattr(cache, "_cache", None)
    if backend is None or not hasattr(backend, "get_client"):  # locmem
        return (
            b"".join(repr(v).encode() for v in getattr(cache, "_cache", {}).values())
            if isinstance(getattr(cache, "_cache", None), dict)
            else b""
        )
    client = backend.get_client(None, write=False)
    values = []
    for key in client.scan_iter(count=500):
        if client.type(key) == b"string":
            values.append(key + b"=" + (client.get(key) or b""))
    return b"\n".join(values)


# --- The print at issuance ---------------------------------------------------------------------


def test_the_print_at_issuance_states_the_fact_and_the_full_number_kept_nowhere(
    world, client, caplog
):
    residence = retained_type(world)
    client.force_login(world.a.cadre)
    caplog.set_level(logging.DEBUG)
    response = client.post("/certificates/issue/", page_form(world, residence))
    html = response.content.decode()
    issuance = CertificateIssuance.objects.get()

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    # The fact certified: the cadre's entry and the type's own wording.
    assert "幸福里12号居住" in html
    assert "申请人在本社区实际居住的情况" in html
    # The full number on paper, with the verification code and its QR code.
    assert CLEAR in html
    assert issuance.verification_code_display in html
    assert f"/certificates/verify/?code={issuance.verification_code}" in html
    assert "<svg" in html

    # Kept nowhere: no table (audit log and sessions included), no log line, no cache entry.
    for form in (CLEAR, CLEAR[:6] + " " + CLEAR[6:]):
        assert form not in _every_text_in_the_database()
    assert CLEAR not in caplog.text
    assert CLEAR.encode() not in _every_value_in_the_cache()
    assert CLEAR not in str(list(AuditEntry.objects.values_list("before", "after")))


def test_a_resubmitted_issue_form_registers_one_line(world, client):
    residence = retained_type(world)
    client.force_login(world.a.cadre)
    first = client.post("/certificates/issue/", page_form(world, residence))
    again = client.post("/certificates/issue/", page_form(world, residence))
    assert first.status_code == again.status_code == 200
    assert CertificateIssuance.objects.count() == 1
    assert CLEAR in again.content.decode()
    # A new form has a new token: a second certificate for the same person is possible.
    client.post("/certificates/issue/", page_form(world, residence, request_token="tok-2"))
    assert CertificateIssuance.objects.count() == 2


def test_after_a_refusal_the_form_is_cleared_not_refilled(world, client):
    client.force_login(world.a.cadre)
    response = client.post(
        "/certificates/issue/",
        page_form(world, national(), applicant_name="赵敏", requested_by="示范人才公司"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "打印不予出具告知书" in html
    form_html = html[html.index('class="card issue-form"') :]

    def tag(name: str) -> str:
        start = form_html.index(f'name="{name}"')
        return form_html[form_html.rindex("<", 0, start) : form_html.index(">", start)]

    assert "value=" not in tag("applicant_name")
    assert "value=" not in tag("requested_by")
    assert "value=" not in tag("purpose")
    assert 'value="tok-1"' not in tag("request_token")  # a fresh token for the next one


# --- The reprint ---------------------------------------------------------------------------------


def test_a_reprint_asks_for_the_number_again_and_checks_it_against_the_hash(world, client):
    issuance = issue(world, retained_type(world), applicant_id_number=CLEAR)
    client.force_login(world.a.cadre)
    url = f"/certificates/issuances/{issuance.pk}/print/"

    asked = client.get(url).content.decode()
    assert CLEAR not in asked and issuance.applicant_id_masked in asked
    assert 'name="applicant_id_number"' in asked

    wrong = client.post(url, {"applicant_id_number": id_number(78, birth="19650315")})
    assert wrong.status_code == 400
    assert "不是证明" in wrong.content.decode() or "不一致" in wrong.content.decode()
    assert "print-notice" not in wrong.content.decode()

    right = client.post(url, {"applicant_id_number": CLEAR.lower()})
    assert right.status_code == 200
    assert CLEAR in right.content.decode() and "print-notice" in right.content.decode()
    assert "no-store" in right["Cache-Control"]
    assert CLEAR not in _every_text_in_the_database()


def test_a_reviewer_reads_the_line_but_does_not_reprint_it(world, client):
    issuance = issue(world, retained_type(world), applicant_id_number=CLEAR)
    client.force_login(world.a.reviewer)
    url = f"/certificates/issuances/{issuance.pk}/print/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"applicant_id_number": CLEAR}).status_code == 403


# --- The public check --------------------------------------------------------------------------


def test_the_public_check_answers_with_no_personal_data(world, api_as):
    issuance = issue(world, retained_type(world), applicant_id_number=CLEAR)
    response = api_as(None).get(VERIFY_API, {"code": issuance.verification_code})
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "valid": True,
        "certificate_type": "居住证明",
        "community": world.a.community.name,
        "issued_on": issuance.issued_on.isoformat(),
        "serial_number": issuance.serial_number,
    }
    text = response.content.decode()
    assert "王秀英" not in text and issuance.applicant_id_masked not in text
    # As typed from paper: lower case, in groups.
    typed = issuance.verification_code_display.lower().replace("-", " ")
    assert api_as(None).get(VERIFY_API, {"code": typed}).json()["valid"] is True


@pytest.mark.parametrize("code", ["", "NOSUCHCODE12", "x" * 5000, "ABCD-EFGH-JKMN"])
def test_an_unknown_code_is_not_valid_rather_than_not_found(world, api_as, code):
    response = api_as(None).get(VERIFY_API, {"code": code})
    assert response.status_code == 200
    assert response.json() == {
        "valid": False,
        "certificate_type": None,
        "community": None,
        "issued_on": None,
        "serial_number": None,
    }


def test_the_public_check_ignores_a_stale_token_and_is_throttled(world, client, settings):
    issuance = issue(world, retained_type(world))
    response = client.get(
        VERIFY_API, {"code": issuance.verification_code}, HTTP_AUTHORIZATION="Token stale"
    )
    assert response.status_code == 200
    from certificates.api import CertificateIssuanceViewSet
    from registry.api.throttling import AnonRateThrottle

    view = CertificateIssuanceViewSet()
    view.action = "verify"
    assert [type(t) for t in view.get_throttles()] == [AnonRateThrottle]


def test_the_public_check_is_one_query(world, api_as, django_assert_num_queries):
    workdays.is_covered(2026)
    residence = retained_type(world)
    issued = [issue(world, residence, applicant_id_number=id_number(i)) for i in range(3)]
    client = api_as(None)
    with django_assert_num_queries(1):
        assert client.get(VERIFY_API, {"code": issued[1].verification_code}).json()["valid"]


def test_the_public_page_shows_type_community_date_serial_and_withdrawal(world, client):
    issuance = issue(world, retained_type(world))
    page = client.get("/certificates/verify/", {"code": issuance.verification_code})
    html = page.content.decode()
    assert page.status_code == 200
    assert "居住证明" in html and world.a.community.name in html
    assert issuance.serial_number in html and "有效" in html
    assert "王秀英" not in html and issuance.applicant_id_masked not in html

    services.certificate_issuance_withdraw(
        actor=world.a.cadre, issuance=issuance, reason="出具有误"
    )
    html = client.get("/certificates/verify/", {"code": issuance.verification_code}).content
    assert "已撤回" in html.decode()
    assert client.get(VERIFY_API, {"code": issuance.verification_code}).json()["valid"] is False
    assert client.get("/certificates/verify/", {"code": "NOPE"}).status_code == 404
    assert client.get("/certificates/verify/").status_code == 200


# --- Withdrawal ---------------------------------------------------------------------------------


def test_withdrawing_is_audited_once_and_only_by_the_communitys_cadre(world):
    issuance = issue(world, retained_type(world))
    with pytest.raises(PermissionDenied):
        services.certificate_issuance_withdraw(
            actor=world.a.reviewer, issuance=issuance, reason="错"
        )
    services.certificate_issuance_withdraw(actor=world.a.cadre, issuance=issuance, reason="错")
    with pytest.raises(IllegalTransition) as again:
        services.certificate_issuance_withdraw(actor=world.a.cadre, issuance=issuance, reason="错")
    assert "已撤回" in str(again.value.message)
    assert AuditEntry.objects.filter(action="certificate.withdraw").count() == 1


def test_withdrawing_from_the_page_asks_first_and_needs_a_reason(world, client):
    issuance = issue(world, retained_type(world))
    client.force_login(world.a.cadre)
    url = f"/certificates/issuances/{issuance.pk}/print/"
    html = client.get(url).content.decode()
    assert "data-confirm=" in html and "撤回" in html
    withdraw = f"/certificates/issuances/{issuance.pk}/withdraw/"
    assert client.post(withdraw, {"reason": ""}).status_code == 400
    assert client.post(withdraw, {"reason": "出具有误"}).status_code == 302
    issuance.refresh_from_db()
    assert issuance.withdrawn_on is not None and issuance.withdrawal_reason == "出具有误"


# --- Query counts (with several lines in the register) -------------------------------------


def test_the_reprint_and_the_withdrawal_cost_the_same_with_many_lines(
    world, client, django_assert_num_queries
):
    workdays.is_covered(2026)
    residence = retained_type(world)
    issued = [issue(world, residence, applicant_id_number=id_number(i)) for i in range(4)]
    client.force_login(world.a.cadre)
    url = f"/certificates/issuances/{issued[2].pk}/print/"
    client.get(url)
    # 1 session, 1 user, 1 grants, 1 the line with its community and type.
    with django_assert_num_queries(4):
        response = client.post(url, {"applicant_id_number": id_number(2)})
    assert response.status_code == 200 and id_number(2) in response.content.decode()
    # The reading as above, then the row lock, the update, the register's figure versions
    # (one statement up the tree) and the audit entry (chain head lock, insert), inside
    # their savepoints; none of it grows with the register.
    with django_assert_num_queries(12):
        response = client.post(
            f"/certificates/issuances/{issued[2].pk}/withdraw/", {"reason": "出具有误"}
        )
    assert response.status_code == 302
