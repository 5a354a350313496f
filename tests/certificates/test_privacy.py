"""ID numbers are never kept or shown in clear: not in any column of the certificates
tables, not in the audit log, not in an API response, not on a page: only on the
certificate printed in the request that typed it (at issuance, or a reprint)."""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.db import models
from openpyxl import load_workbook

from certificates import services
from certificates.identity import hash_id_number
from certificates.models import CertificateIssuance, CertificateRefusal
from registry.models import AuditEntry
from tests.certificates.helpers import id_number, issue_body, national, retained_type

URL = "/api/v1/certificate-issuances/"
CLEAR = id_number(42, birth="19491231")
# How a clear number could hide: as typed, with a lower-case x, or spaced out in groups.
FORMS = [CLEAR, CLEAR.lower(), CLEAR[:6] + " " + CLEAR[6:14] + " " + CLEAR[14:]]


def _request_both_kinds(world, api_as) -> list:
    residence = retained_type(world)
    client = api_as(world.a.cadre)
    responses = [
        client.post(
            URL, issue_body(world.a.community, residence, applicant_id_number=CLEAR), format="json"
        ),
        client.post(
            URL, issue_body(world.a.community, national(), applicant_id_number=CLEAR), format="json"
        ),
    ]
    assert [r.status_code for r in responses] == [201, 422]
    return responses


def _text_in_every_column() -> str:
    """Every text and JSON value of every row of the certificates tables and the audit log."""
    chunks = []
    models_to_scan = [*apps.get_app_config("certificates").get_models(), AuditEntry]
    for model in models_to_scan:
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        for row in model.objects.values_list(*fields):
            chunks.extend(str(value) for value in row)
    return "\n".join(chunks)


def test_no_clear_id_number_in_the_database_or_the_audit_log(world, api_as):
    _request_both_kinds(world, api_as)
    stored = _text_in_every_column()
    assert CertificateIssuance.objects.count() == 1 and CertificateRefusal.objects.count() == 1
    for form in FORMS:
        assert form not in stored
    # The masked form and the keyed hash are what is kept.
    issuance = CertificateIssuance.objects.get()
    assert issuance.applicant_id_masked == CLEAR[0] + "*" * 13 + CLEAR[-4:]
    assert issuance.applicant_id_hash == hash_id_number(CLEAR) != CLEAR
    assert len(issuance.applicant_id_hash) == 64
    assert AuditEntry.objects.filter(action__startswith="certificate.").count() == 2


def test_the_hash_matches_repeat_requests_and_depends_on_the_secret(world, settings):
    same = hash_id_number(CLEAR)
    assert hash_id_number(CLEAR.lower()) == same
    assert hash_id_number(" " + CLEAR) == same
    assert hash_id_number(id_number(43)) != same
    settings.SECRET_KEY = "another-deployment-secret-" + "x" * 40
    assert hash_id_number(CLEAR) != same


def test_no_clear_id_number_in_api_responses(world, api_as):
    responses = _request_both_kinds(world, api_as)
    client = api_as(world.a.cadre)
    issuance = CertificateIssuance.objects.get()
    texts = [r.content.decode() for r in responses]
    texts += [
        client.get(URL).content.decode(),
        client.get(f"{URL}{issuance.pk}/").content.decode(),
        client.get("/api/v1/certificate-refusals/").content.decode(),
        client.get("/api/v1/certificate-refusals/demand/").content.decode(),
    ]
    for text in texts:
        for form in FORMS:
            assert form not in text
    assert "applicant_id_number" not in texts[0]


def test_no_clear_id_number_on_any_page_but_the_print_made_in_the_same_request(world, client):
    """Issue 14 item 9 changed this on purpose: the certificate printed at issuance carries
    the number typed in that request (and only that response does, sent with no-store);
    every other page, and the reprint's question, show it masked or not at all."""
    residence = retained_type(world)
    client.force_login(world.a.cadre)
    issued = client.post(
        "/certificates/issue/",
        {
            "community": world.a.community.code,
            "certificate_type": residence.pk,
            "applicant_name": "王秀英",
            "applicant_id_number": CLEAR,
            "purpose": "办理居住证",
            "requested_by": "示范市公安局东城分局",
        },
    )
    assert CLEAR in issued.content.decode() and "no-store" in issued["Cache-Control"]
    refused = client.post(
        "/certificates/issue/",
        {
            "community": world.a.community.code,
            "certificate_type": national().pk,
            "applicant_name": "王秀英",
            "applicant_id_number": CLEAR,
            "purpose": "入职",
            "requested_by": "示范人力资源服务有限公司",
        },
    )
    # A form shown again with an error must not send the number back either.
    invalid = client.post(
        "/certificates/issue/",
        {
            "community": world.a.community.code,
            "certificate_type": residence.pk,
            "applicant_name": "",
            "applicant_id_number": CLEAR,
            "purpose": "",
            "requested_by": "",
        },
    )
    issuance = CertificateIssuance.objects.get()
    refusal = CertificateRefusal.objects.get()
    pages = [
        refused,
        invalid,
        client.get("/certificates/register/"),
        client.get(f"/certificates/register/print/?community={world.a.community.code}"),
        client.get(f"/certificates/issuances/{issuance.pk}/print/"),
        client.get(f"/certificates/refusals/{refusal.pk}/notice/"),
    ]
    assert [p.status_code for p in pages] == [200] * len(pages)
    workbook = load_workbook(io.BytesIO(client.get(f"{URL}export/").content))
    cells = " ".join(str(c) for row in workbook.active.iter_rows(values_only=True) for c in row)
    assert issuance.applicant_id_masked in cells
    for content in [*(p.content.decode() for p in pages), cells]:
        for form in FORMS:
            assert form not in content


def test_the_service_never_puts_the_number_in_an_error(world):
    with pytest.raises(services.CertificateProhibited) as refused:
        services.certificate_issue(
            actor=world.a.cadre,
            community=world.a.community,
            certificate_type=national(),
            applicant_name="赵敏",
            applicant_id_number=CLEAR,
            purpose="入职",
            requested_by="示范人力资源服务有限公司",
        )
    assert CLEAR not in str(refused.value.message) + str(refused.value.extra)
