"""The certificates rows of THE permission table (tests/test_permission_table.py).

The rows below are written in that table's terms so that they can be pasted into its
ENDPOINTS as they are; until they are, this module runs them with the table's own test.
Roles act from district A; the outsider is signed in with no membership.
"""

from __future__ import annotations

import pytest

from tests.test_permission_table import (
    ROLES,
    Endpoint,
    every_role,
    fixed,
    only,
)
from tests.test_permission_table import (
    test_permission_table as check_row,
)

# --- Certificates: the lookup is public; cadres keep the register; reviewers the catalogue --


def certificate_national_type(world):
    from certificates.models import CertificateType

    return CertificateType.objects.get(jurisdiction=None, name="无犯罪记录证明")


def certificate_retained_type(world):
    from registry.models import Membership
    from tests.factories import UserFactory

    city_reviewer = UserFactory(username="city_reviewer")
    Membership.objects.get_or_create(user=city_reviewer, organisation=world.city, role="reviewer")
    from certificates import services

    return services.certificate_type_create(
        actor=city_reviewer,
        jurisdiction=world.city,
        name="居住证明",
        status="retained",
        verification="实际居住情况",
    )


def certificate_issue_body(world, role, certificate_type) -> dict:
    return {
        "community": world.a.community.code,
        "certificate_type": certificate_type.pk,
        "applicant_name": "王秀英",
        "applicant_id_number": "11010519491231002X",
        "purpose": "办理居住证",
        "requested_by": "示范市公安局东城分局",
    }


def certificate_issued(world):
    from certificates import services

    return services.certificate_issue(
        actor=world.a.cadre,
        community=world.a.community,
        certificate_type=certificate_retained_type(world),
        applicant_name="王秀英",
        applicant_id_number="11010519491231002X",
        purpose="办理居住证",
        requested_by="示范市公安局东城分局",
    )


def certificate_refused(world):
    from certificates import services

    try:
        services.certificate_issue(
            actor=world.a.cadre,
            community=world.a.community,
            certificate_type=certificate_national_type(world),
            applicant_name="赵敏",
            applicant_id_number="11010519491231002X",
            purpose="入职",
            requested_by="示范人力资源服务有限公司",
        )
    except services.CertificateProhibited as refused:
        return refused.refusal
    raise AssertionError("a prohibited certificate was issued")


def certificate_proposal_body(world, role=None, prepared=None) -> dict:
    return {
        "department": world.a.department.code,
        "name": "志愿服务证明",
        "legal_basis": "《志愿服务条例》",
        "verification": "志愿服务记录",
    }


def certificate_proposed(world):
    from certificates import services

    body = certificate_proposal_body(world)
    body.pop("department")
    return services.certificate_type_propose(
        actor=world.a.department_staff, department=world.a.department, **body
    )


# The register is read by the community's cadres and by reviewers and supervisors above it.
CERTIFICATE_REGISTER_READERS = ("community_cadre", "reviewer", "supervisor")

CERTIFICATE_ENDPOINTS: list[Endpoint] = [
    # Public, signed in or not: the lookup and each type.
    Endpoint(
        "certificate-type-list",
        "get",
        fixed("/api/v1/certificate-types/?q=wfzjl"),
        default=200,
        anonymous=200,
    ),
    Endpoint(
        "certificate-type-detail",
        "get",
        lambda w, t: f"/api/v1/certificate-types/{t.pk}/",
        prepare=certificate_national_type,
        default=200,
        anonymous=200,
    ),
    # No file sent: the reviewer passes the permission check and is told the file is missing.
    Endpoint(
        "certificate-type-import",
        "post",
        fixed("/api/v1/certificate-types/import/"),
        **only(400, "reviewer"),
    ),
    Endpoint(
        "certificate-type-export",
        "get",
        fixed("/api/v1/certificate-types/export/"),
        **every_role(200),
    ),
    # Proposals are admission applications: the department writes, readers as applications.
    Endpoint(
        "certificate-type-proposal-list",
        "get",
        fixed("/api/v1/certificate-type-proposals/"),
        **only(200, "department_staff", "reviewer", "supervisor"),
    ),
    Endpoint(
        "certificate-type-proposal-list",
        "post",
        fixed("/api/v1/certificate-type-proposals/"),
        body=certificate_proposal_body,
        **only(201, "department_staff"),
    ),
    Endpoint(
        "certificate-type-proposal-detail",
        "get",
        lambda w, a: f"/api/v1/certificate-type-proposals/{a.pk}/",
        prepare=certificate_proposed,
        **only(200, "department_staff", "reviewer", "supervisor"),
    ),
    Endpoint(
        "certificate-type-proposal-detail",
        "patch",
        lambda w, a: f"/api/v1/certificate-type-proposals/{a.pk}/",
        prepare=certificate_proposed,
        body=lambda w, r, p: {"materials": "居民身份证"},
        **only(200, "department_staff"),
    ),
    # The register: only the community's cadre writes it.
    Endpoint(
        "certificate-issuance-list",
        "get",
        fixed("/api/v1/certificate-issuances/"),
        **only(200, *CERTIFICATE_REGISTER_READERS),
    ),
    Endpoint(
        "certificate-issuance-list",
        "post",
        fixed("/api/v1/certificate-issuances/"),
        prepare=certificate_retained_type,
        body=certificate_issue_body,
        **only(201, "community_cadre"),
    ),
    Endpoint(
        "certificate-issuance-detail",
        "get",
        lambda w, i: f"/api/v1/certificate-issuances/{i.pk}/",
        prepare=certificate_issued,
        **only(200, *CERTIFICATE_REGISTER_READERS),
    ),
    Endpoint(
        "certificate-issuance-export",
        "get",
        fixed("/api/v1/certificate-issuances/export/"),
        **only(200, *CERTIFICATE_REGISTER_READERS),
    ),
    Endpoint(
        "certificate-refusal-list",
        "get",
        fixed("/api/v1/certificate-refusals/"),
        **only(200, *CERTIFICATE_REGISTER_READERS),
    ),
    Endpoint(
        "certificate-refusal-detail",
        "get",
        lambda w, r: f"/api/v1/certificate-refusals/{r.pk}/",
        prepare=certificate_refused,
        **only(200, *CERTIFICATE_REGISTER_READERS),
    ),
    Endpoint(
        "certificate-refusal-demand",
        "get",
        fixed("/api/v1/certificate-refusals/demand/"),
        **only(200, *CERTIFICATE_REGISTER_READERS),
    ),
    # Pages. Public: the lookup and each type's page (the QR target).
    Endpoint(
        "certificate-lookup",
        "get",
        fixed("/certificates/lookup/?q=良民证"),
        default=200,
        anonymous=200,
    ),
    Endpoint(
        "certificate-type-page",
        "get",
        lambda w, t: f"/certificates/types/{t.pk}/",
        prepare=certificate_national_type,
        default=200,
        anonymous=200,
    ),
    # Signed-in pages: a visitor is sent to sign in (302).
    Endpoint(
        "certificate-register",
        "get",
        fixed("/certificates/register/"),
        **only(200, *CERTIFICATE_REGISTER_READERS, anonymous=302),
    ),
    Endpoint(
        "certificate-register-print",
        "get",
        lambda w, p: f"/certificates/register/print/?community={w.a.community.code}",
        **only(200, *CERTIFICATE_REGISTER_READERS, anonymous=302),
    ),
    Endpoint(
        "certificate-issue",
        "get",
        fixed("/certificates/issue/"),
        **only(200, "community_cadre", anonymous=302),
    ),
    # An issuance or refusal outside what one may read is "not found" (404).
    Endpoint(
        "certificate-issuance-print",
        "get",
        lambda w, i: f"/certificates/issuances/{i.pk}/print/",
        prepare=certificate_issued,
        **only(200, *CERTIFICATE_REGISTER_READERS, default=404, anonymous=302),
    ),
    Endpoint(
        "certificate-refusal-notice",
        "get",
        lambda w, r: f"/certificates/refusals/{r.pk}/notice/",
        prepare=certificate_refused,
        **only(200, *CERTIFICATE_REGISTER_READERS, default=404, anonymous=302),
    ),
    Endpoint(
        "certificate-catalogue",
        "get",
        fixed("/certificates/catalogue/"),
        **only(200, "reviewer", anonymous=302),
    ),
    Endpoint(
        "certificate-propose",
        "get",
        fixed("/certificates/propose/"),
        **only(200, "department_staff", anonymous=302),
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", CERTIFICATE_ENDPOINTS, ids=lambda e: e.label)
def test_certificate_permission_rows(world, endpoint: Endpoint, role: str):
    check_row(world, endpoint, role)
