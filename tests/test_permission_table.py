"""THE permission table: every endpoint x every role -> the HTTP status that role gets.

One row per (endpoint, method). A row names the URL (by its URL name, so the resolver walk
below can tell when a route has no row), builds the path and body from the ``world``
fixture, and says what each role gets: ``default`` for every signed-in role not named,
``anonymous`` for a visitor without credentials, and per-role overrides.

Adding an endpoint? Add its rows here; ``test_every_api_route_has_a_row`` fails until you do.
Pages have rows too (the foundation's: home, workbenches, admin, sign-in); the resolver walk
is enforced for /api/v1/ only, so a new page's row is up to its author.
The roles act from district A (``world.a``); the outsider is signed in with no membership.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from tests.factories import TEST_PASSWORD, WorkItemFactory

ROLES = [
    "anonymous",
    "outsider",
    "department_staff",
    "reviewer",
    "community_cadre",
    "liaison",
    "supervisor",
    "area_administrator",
    "admin",
]
ROLE_HOLDERS = [
    "department_staff",
    "reviewer",
    "community_cadre",
    "liaison",
    "supervisor",
    "area_administrator",
]


def user_for(world, role: str):
    if role == "anonymous":
        return None
    if role == "outsider":
        return world.outsider
    if role == "admin":
        return world.admin
    return world.a.user(role)


@dataclass(frozen=True)
class Endpoint:
    """One (URL name, method) with what every role gets.

    ``url(world, prepared)`` builds the path; ``prepare(world)`` makes what the request
    needs (an object in a given state) and its result is passed to ``url`` and ``body``;
    ``body(world, role, prepared)`` is the JSON sent with a write.
    """

    name: str
    method: str
    url: Callable[[Any, Any], str]
    default: int
    anonymous: int = 401
    overrides: dict[str, int] = field(default_factory=dict)
    body: Callable[[Any, str, Any], Any] | None = None
    prepare: Callable[[Any], Any] | None = None
    # Tells two rows apart in test ids when a page and an API route share a URL name.
    note: str = ""

    def expected(self, role: str) -> int:
        if role in self.overrides:
            return self.overrides[role]
        if role == "anonymous":
            return self.anonymous
        return self.default

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.name}{f' ({self.note})' if self.note else ''}"


def only(status: int, *roles: str, default: int = 403, anonymous: int = 401) -> dict:
    """Keyword arguments for an Endpoint where only ``roles`` get ``status``."""
    return {"default": default, "anonymous": anonymous, "overrides": dict.fromkeys(roles, status)}


def every_role(status: int, denied: int = 403) -> dict:
    """Every role holder gets ``status``; the outsider and the administrator ``denied``."""
    return only(status, *ROLE_HOLDERS, default=denied)


def fixed(path: str) -> Callable[[Any, Any], str]:
    return lambda world, prepared: path


def new_organisation(world, role, prepared) -> dict:
    return {"code": "990102001009", "name": "新社区", "kind": "community", "parent": "990102001"}


def new_user(world, role, prepared) -> dict:
    return {
        "username": "new_cadre",
        "password": "Lantern-river-42",
        "memberships": [{"organisation": world.a.community.code, "role": "community_cadre"}],
    }


def own_credentials(world, role, prepared) -> dict:
    user = user_for(world, role)
    if user is None:  # a visitor with made-up credentials
        return {"username": "nobody", "password": "guess"}
    return {"username": user.username, "password": TEST_PASSWORD}


# --- Admission: objects in district A, in the state each action needs --------------------


def application_body(world, role=None, prepared=None) -> dict:
    return {
        "department": world.a.department.code,
        "title": "老年人居家安全入户排查",
        "description": "每月入户排查独居老人居家安全隐患。",
        "list_kind": "assist",
        "legal_basis": "《老年人权益保障法》第三十条",
        "scope": [world.a.street.code],
        "frequency": "monthly",
        "hours_per_occurrence": "3",
        "households_per_occurrence": 20,
        "ledgers": 1,
        "data_fields": ["姓名", "住址"],
        "funding_per_community": "2000",
    }


def draft(world):
    from registry import services

    fields = application_body(world)
    fields.pop("department")
    fields.pop("scope")
    return services.application_create(
        actor=world.a.department_staff,
        department=world.a.department,
        scope=[world.a.street],
        **fields,
    )


def submitted(world):
    from registry import services

    return services.application_submit(actor=world.a.department_staff, application=draft(world))


def under_review(world):
    from registry import services

    return services.application_start_review(actor=world.a.reviewer, application=submitted(world))


def in_hearing(world):
    from registry import services

    return services.application_require_hearing(
        actor=world.a.reviewer, application=under_review(world), reason="涉及面广"
    )


def work_item(world, status: str = "active"):
    return WorkItemFactory(
        jurisdiction=world.a.district,
        department=world.a.department,
        scope=[world.a.street],
        status=status,
    )


def application_url(action: str = ""):
    suffix = f"{action}/" if action else ""
    return lambda world, application: f"/api/v1/applications/{application.pk}/{suffix}"


def work_item_url(action: str = ""):
    suffix = f"{action}/" if action else ""
    return lambda world, item: f"/api/v1/work-items/{item.admission_number}/{suffix}"


def reason(world, role, prepared) -> dict:
    return {"reason": "理由充分"}


def hearing_record(world, role, prepared) -> dict:
    return {
        "held_on": "2026-01-05",
        "participants": [{"name": "张三", "organisation": "A一社区", "opinion": "for"}],
        "reason": "听证已举行",
    }


# Applications are read by the department, and by reviewers and supervisors above it.
APPLICATION_READERS = ("department_staff", "reviewer", "supervisor")


# --- Dispatch, the inbox, off-platform reports and flags (district A) ---------------------


def _today():
    from django.utils import timezone

    return timezone.localdate()


def dispatch_body(world, role=None, item=None) -> dict:
    import datetime

    return {
        "work_item": item.admission_number,
        "title": "居民信息核对",
        "instructions": "请核对附件名单",
        "communities": [world.a.community.code],
        "due_date": str(_today() + datetime.timedelta(days=30)),
        "hours_per_community": 1,
        "households_per_community": 0,
        "emergency": False,
        "justification": "",
    }


def dispatched(world, emergency: bool = False):
    import datetime
    from decimal import Decimal

    from registry import services

    return services.dispatch_create(
        actor=world.a.department_staff,
        work_item=None if emergency else work_item(world),
        title="台风应急排查" if emergency else "居民信息核对",
        communities=[world.a.community],
        due_date=_today() + datetime.timedelta(days=1 if emergency else 30),
        hours_per_community=Decimal("1"),
        emergency=emergency,
        justification="台风红色预警" if emergency else "",
    )


def _later(dispatch):
    import datetime

    return dispatch.due_date + datetime.timedelta(days=7)


def assignment(world, accepted: bool = False):
    from registry import services

    (task,) = dispatched(world).assignments.all()
    if accepted:
        task = services.assignment_respond(actor=world.a.cadre, assignment=task, action="accept")
    return task


def offplatform_body(world, role=None, prepared=None) -> dict:
    return {
        "community": world.a.community.code,
        "department": world.a.department.code,
        "title": "微信群要求三天内上报空置房",
        "channel": "wechat",
        "received_on": str(_today()),
    }


def offplatform_report(world):
    from monitoring import services

    return services.offplatform_report_create(
        actor=world.a.liaison,
        community=world.a.community,
        department=world.a.department,
        title="电话要求填报表格",
        channel="phone",
        received_on=_today(),
    )


def flag(world):
    import datetime

    from monitoring import services
    from monitoring.models import Flag

    # An admission about to expire is flagged to the district's reviewers and supervisors.
    WorkItemFactory(
        jurisdiction=world.a.district,
        department=world.a.department,
        valid_until=_today() + datetime.timedelta(days=10),
    )
    services.flags_compute(today=_today())
    return Flag.objects.get()


# Seen from the community side (and the areas above it) or from the department side.
ASSIGNMENT_READERS = ("community_cadre", "liaison", "reviewer", "supervisor", "department_staff")
FLAG_HOLDERS = ("reviewer", "supervisor")
DASHBOARD_READERS = ("reviewer", "supervisor")

# Workbench slug -> the role whose home it is (registry.views.workbench.WORKBENCHES).
WORKBENCH_ROLES = {
    "department": "department_staff",
    "reviewer": "reviewer",
    "community": "community_cadre",
    "liaison": "liaison",
    "supervisor": "supervisor",
}

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
    # Public: the check behind a printed certificate's code (no personal data).
    Endpoint(
        "certificate-issuance-verify",
        "get",
        lambda w, i: f"/api/v1/certificate-issuances/verify/?code={i.verification_code}",
        prepare=certificate_issued,
        default=200,
        anonymous=200,
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
    Endpoint(
        "certificate-verify",
        "get",
        lambda w, i: f"/certificates/verify/?code={i.verification_code}",
        prepare=certificate_issued,
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
    # A reprint (the ID number typed again) and a withdrawal: the community's own cadre;
    # reviewers and supervisors read the line but do not print or withdraw it.
    Endpoint(
        "certificate-issuance-print",
        "post",
        lambda w, i: f"/certificates/issuances/{i.pk}/print/",
        prepare=certificate_issued,
        body=lambda w, role, i: {"applicant_id_number": "11010519491231002X"},
        note="reprint",
        **only(200, "community_cadre", default=404, anonymous=302)
        | {"overrides": {"community_cadre": 200, "reviewer": 403, "supervisor": 403}},
    ),
    Endpoint(
        "certificate-issuance-withdraw",
        "post",
        lambda w, i: f"/certificates/issuances/{i.pk}/withdraw/",
        prepare=certificate_issued,
        body=lambda w, role, i: {"reason": "登记错误"},
        overrides={"community_cadre": 302, "reviewer": 403, "supervisor": 403},
        default=404,
        anonymous=302,
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

# --- Plaques (signage): a cadre keeps their community's registry; reviewers and supervisors
# read their area's; departments read the signs they asked for ----------------------------


@pytest.fixture(autouse=True)
def _plaque_media(settings, tmp_path):
    """Photos written by the plaque rows go to a throwaway MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"


def plaque_body(world, role=None, prepared=None) -> dict:
    return {
        "community": world.a.community.code,
        "text": "平安建设示范点",
        "kind": "publicity",
        "placement": "exterior",
        "issuer": world.a.department.code,
        "location": "院墙",
        "installed_on": _today().isoformat(),
        "work_item": None,
    }


def plaque_up(world):
    """A sign of district A's community, asked for by A's department, with a photo."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from signage import services

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="JPEG")
    body = plaque_body(world)
    return services.plaque_create(
        actor=world.a.cadre,
        community=world.a.community,
        text=body["text"],
        kind=body["kind"],
        placement=body["placement"],
        issuer=world.a.department,
        installed_on=_today(),
        photo=SimpleUploadedFile("sign.jpg", buffer.getvalue()),
    )


def plaque_removal(world, role, prepared) -> dict:
    return {"removed_on": _today().isoformat(), "reason": "不在标准清单内"}


def plaque_standard_body(world, role=None, prepared=None) -> dict:
    return {
        "area": world.a.district.code,
        "named_signs": ["党组织", "居民委员会"],
        "max_exterior": 3,
        "max_interior": 4,
        "kinds_not_allowed": ["rules"],
        "effective_from": _today().isoformat(),
    }


def plaque_standard(world):
    from signage import services

    body = plaque_standard_body(world)
    body.pop("area")
    body["effective_from"] = _today()
    return services.plaque_standard_create(actor=world.a.reviewer, area=world.a.district, **body)


PLAQUE_READERS = ("community_cadre", "reviewer", "supervisor", "department_staff")
PLAQUE_AREA_READERS = ("community_cadre", "reviewer", "supervisor")
PLAQUE_CENSUS = ("reviewer", "supervisor")

SIGNAGE_ENDPOINTS: list[Endpoint] = [
    Endpoint("plaque-list", "get", fixed("/api/v1/plaques/"), **only(200, *PLAQUE_READERS)),
    Endpoint(
        "plaque-list",
        "post",
        fixed("/api/v1/plaques/"),
        body=plaque_body,
        **only(201, "community_cadre"),
    ),
    Endpoint(
        "plaque-detail",
        "get",
        lambda w, p: f"/api/v1/plaques/{p.pk}/",
        prepare=plaque_up,
        **only(200, *PLAQUE_READERS),
    ),
    Endpoint(
        "plaque-remove",
        "post",
        lambda w, p: f"/api/v1/plaques/{p.pk}/remove/",
        prepare=plaque_up,
        body=plaque_removal,
        **only(200, "community_cadre"),
    ),
    Endpoint(
        "plaque-summary",
        "get",
        lambda w, p: f"/api/v1/plaques/summary/?area={w.a.district.code}",
        **only(200, *PLAQUE_AREA_READERS),
    ),
    Endpoint(
        "plaque-trend", "get", fixed("/api/v1/plaques/trend/"), **only(200, *PLAQUE_AREA_READERS)
    ),
    Endpoint(
        "plaque-export",
        "get",
        fixed("/api/v1/plaques/export/"),
        **only(200, *PLAQUE_AREA_READERS),
    ),
    # The gate lets only the census's roles through; a body without the workbook is then a
    # 400 (everyone else is stopped before the body is looked at).
    Endpoint(
        "plaque-census",
        "post",
        fixed("/api/v1/plaques/census/"),
        **only(400, *PLAQUE_CENSUS),
    ),
    Endpoint(
        "plaque-census-template",
        "get",
        fixed("/api/v1/plaques/census-template/"),
        **only(200, *PLAQUE_CENSUS),
    ),
    Endpoint("plaque-standard-list", "get", fixed("/api/v1/plaque-standards/"), **every_role(200)),
    Endpoint(
        "plaque-standard-list",
        "post",
        fixed("/api/v1/plaque-standards/"),
        body=plaque_standard_body,
        **only(201, "reviewer"),
    ),
    Endpoint(
        "plaque-standard-detail",
        "get",
        lambda w, s: f"/api/v1/plaque-standards/{s.pk}/",
        prepare=plaque_standard,
        **every_role(200),
    ),
    # Pages: a visitor is sent to sign in (302).
    Endpoint(
        "plaque-registry",
        "get",
        fixed("/plaques/"),
        **only(200, *PLAQUE_READERS, anonymous=302),
    ),
    Endpoint(
        "plaque-new", "get", fixed("/plaques/new/"), **only(200, "community_cadre", anonymous=302)
    ),
    Endpoint(
        "plaque-section",
        "get",
        fixed("/plaques/section/"),
        **only(200, *PLAQUE_AREA_READERS, anonymous=302),
    ),
    # A sign outside what one may read is "not found" (404).
    Endpoint(
        "plaque-page",
        "get",
        lambda w, p: f"/plaques/{p.pk}/",
        prepare=plaque_up,
        **only(200, *PLAQUE_READERS, default=404, anonymous=302),
    ),
    Endpoint(
        "plaque-photo",
        "get",
        lambda w, p: f"/plaques/{p.pk}/photo/thumbnail/",
        prepare=plaque_up,
        **only(200, *PLAQUE_READERS, default=404, anonymous=302),
    ),
    # Those who see the sign but may not remove it get 403; the rest 404; the cadre 302.
    Endpoint(
        "plaque-page-remove",
        "post",
        lambda w, p: f"/plaques/{p.pk}/remove/",
        prepare=plaque_up,
        body=plaque_removal,
        default=404,
        anonymous=302,
        overrides={
            "community_cadre": 302,
            "reviewer": 403,
            "supervisor": 403,
            "department_staff": 403,
        },
    ),
    Endpoint(
        "plaque-census-page",
        "get",
        fixed("/plaques/census/"),
        **only(200, *PLAQUE_CENSUS, anonymous=302),
    ),
    Endpoint(
        "plaque-census-template-file",
        "get",
        fixed("/plaques/census/template.xlsx"),
        **only(200, *PLAQUE_CENSUS, anonymous=302),
    ),
    Endpoint(
        "plaque-standards",
        "get",
        fixed("/plaques/standards/"),
        **only(200, *ROLE_HOLDERS, anonymous=302),
    ),
]


def division_import(world):
    from registry import services

    data = "code,name,level,type\n970000000000,云岭省,1,\n".encode()
    return services.division_import_preview(actor=world.admin, data=data, file_name="x.csv")


# Deployment pages (issue 16): administrators only; anyone signed in may change their password.
DEPLOY_ENDPOINTS = [
    Endpoint(
        "division-import", "get", fixed("/divisions/import/"), **only(200, "admin", anonymous=302)
    ),
    Endpoint(
        "division-import-show",
        "get",
        lambda w, record: f"/divisions/import/{record.pk}/",
        prepare=division_import,
        **only(200, "admin", anonymous=302),
    ),
    Endpoint(
        "division-import-progress",
        "get",
        lambda w, record: f"/divisions/import/{record.pk}/progress/",
        prepare=division_import,
        **only(200, "admin", anonymous=302),
    ),
    Endpoint(
        "division-import-apply",
        "post",
        lambda w, record: f"/divisions/import/{record.pk}/apply/",
        prepare=division_import,
        **only(302, "admin", anonymous=302),
    ),
    Endpoint(
        "account-import",
        "get",
        fixed("/accounts/import/"),
        **only(200, "admin", "area_administrator", anonymous=302),
    ),
    Endpoint(
        "account-deactivate",
        "get",
        fixed("/accounts/deactivate/"),
        **only(200, "admin", "area_administrator", anonymous=302),
    ),
    Endpoint("calendar", "get", fixed("/calendar/"), **only(200, "admin", anonymous=302)),
    Endpoint(
        "calendar-template",
        "get",
        fixed("/calendar/template.xlsx"),
        **only(200, "admin", anonymous=302),
    ),
    Endpoint(
        "password-change-required",
        "get",
        fixed("/accounts/password/"),
        default=200,
        anonymous=302,
    ),
]


ENDPOINTS: list[Endpoint] = [
    # --- Authentication -------------------------------------------------------------------
    # Anyone may ask; a role's own credentials give a token, a visitor's guess does not.
    Endpoint(
        "api-token",
        "post",
        fixed("/api/v1/auth/token/"),
        default=200,
        anonymous=400,
        body=own_credentials,
    ),
    # --- Organisations: every role reads the tree, only the administrator changes it ------
    Endpoint(
        "organisation-list",
        "get",
        fixed("/api/v1/organisations/"),
        **only(200, *ROLE_HOLDERS, "admin"),
    ),
    Endpoint(
        "organisation-list",
        "post",
        fixed("/api/v1/organisations/"),
        body=new_organisation,
        **only(201, "admin"),
    ),
    Endpoint(
        "organisation-detail",
        "get",
        lambda w, p: f"/api/v1/organisations/{w.b.community.code}/",
        **only(200, *ROLE_HOLDERS, "admin"),
    ),
    Endpoint(
        "organisation-detail",
        "patch",
        lambda w, p: f"/api/v1/organisations/{w.a.community.code}/",
        body=lambda w, r, p: {"staff_count": 12},
        **only(200, "admin"),
    ),
    # --- Users: the administrator's; everyone signed in sees themselves --------------------
    Endpoint("user-list", "get", fixed("/api/v1/users/"), **only(200, "admin")),
    Endpoint("user-list", "post", fixed("/api/v1/users/"), body=new_user, **only(201, "admin")),
    Endpoint(
        "user-detail",
        "get",
        lambda w, p: f"/api/v1/users/{w.a.reviewer.pk}/",
        **only(200, "admin"),
    ),
    Endpoint("user-me", "get", fixed("/api/v1/users/me/"), default=200),
    # --- Admission applications: the department edits, its district's reviewer decides ---
    Endpoint(
        "application-list",
        "get",
        fixed("/api/v1/applications/"),
        **only(200, *APPLICATION_READERS),
    ),
    Endpoint(
        "application-list",
        "post",
        fixed("/api/v1/applications/"),
        body=application_body,
        **only(201, "department_staff"),
    ),
    Endpoint(
        "application-detail",
        "get",
        application_url(),
        prepare=submitted,
        **only(200, *APPLICATION_READERS),
    ),
    Endpoint(
        "application-detail",
        "patch",
        application_url(),
        prepare=draft,
        body=lambda w, r, p: {"title": "改过的标题"},
        **only(200, "department_staff"),
    ),
    Endpoint(
        "application-submit",
        "post",
        application_url("submit"),
        prepare=draft,
        **only(200, "department_staff"),
    ),
    Endpoint(
        "application-withdraw",
        "post",
        application_url("withdraw"),
        prepare=submitted,
        body=reason,
        **only(200, "department_staff"),
    ),
    Endpoint(
        "application-start-review",
        "post",
        application_url("start-review"),
        prepare=submitted,
        **only(200, "reviewer"),
    ),
    Endpoint(
        "application-return",
        "post",
        application_url("return"),
        prepare=under_review,
        body=reason,
        **only(200, "reviewer"),
    ),
    Endpoint(
        "application-require-hearing",
        "post",
        application_url("require-hearing"),
        prepare=under_review,
        body=reason,
        **only(200, "reviewer"),
    ),
    Endpoint(
        "application-record-hearing",
        "post",
        application_url("record-hearing"),
        prepare=in_hearing,
        body=hearing_record,
        **only(200, "reviewer"),
    ),
    Endpoint(
        "application-approve",
        "post",
        application_url("approve"),
        prepare=under_review,
        body=reason,
        **only(200, "reviewer"),
    ),
    Endpoint(
        "application-reject",
        "post",
        application_url("reject"),
        prepare=under_review,
        body=reason,
        **only(200, "reviewer"),
    ),
    # --- Work items: published to every role; the reviewer changes their status -----------
    Endpoint("work-item-list", "get", fixed("/api/v1/work-items/"), **every_role(200)),
    Endpoint(
        "work-item-detail",
        "get",
        work_item_url(),
        prepare=work_item,
        **every_role(200),
    ),
    # Public: anyone may check an admission number, signed in or not.
    Endpoint(
        "work-item-verify",
        "get",
        lambda w, item: f"/api/v1/work-items/verify/?number={item.admission_number}",
        prepare=work_item,
        default=200,
        anonymous=200,
    ),
    Endpoint(
        "work-item-suspend",
        "post",
        work_item_url("suspend"),
        prepare=work_item,
        body=reason,
        **only(200, "reviewer"),
    ),
    Endpoint(
        "work-item-reinstate",
        "post",
        work_item_url("reinstate"),
        prepare=lambda w: work_item(w, status="suspended"),
        body=reason,
        **only(200, "reviewer"),
    ),
    Endpoint(
        "work-item-revoke",
        "post",
        work_item_url("revoke"),
        prepare=work_item,
        body=reason,
        **only(200, "reviewer"),
    ),
    # Public: a jurisdiction's published list, no sign-in.
    Endpoint(
        "api-published-list",
        "get",
        lambda w, p: f"/api/v1/lists/{w.a.district.code}/assist/",
        default=200,
        anonymous=200,
    ),
    # The permission gate lets only reviewers through; an upload without a file is then a
    # 400 (anyone else is stopped before the body is looked at).
    Endpoint(
        "work-item-import",
        "post",
        fixed("/api/v1/work-items/import/"),
        **only(400, "reviewer"),
    ),
    # --- Dispatch: departments send, reviewers ratify emergencies --------------------------
    Endpoint(
        "dispatch-list",
        "get",
        fixed("/api/v1/dispatches/"),
        **only(200, "department_staff", "reviewer", "supervisor"),
    ),
    Endpoint(
        "dispatch-list",
        "post",
        fixed("/api/v1/dispatches/"),
        prepare=work_item,
        body=dispatch_body,
        **only(201, "department_staff"),
    ),
    Endpoint(
        "dispatch-detail",
        "get",
        lambda w, d: f"/api/v1/dispatches/{d.pk}/",
        prepare=dispatched,
        **only(200, "department_staff", "reviewer", "supervisor"),
    ),
    Endpoint(
        "dispatch-ratify",
        "post",
        lambda w, d: f"/api/v1/dispatches/{d.pk}/ratify/",
        prepare=lambda w: dispatched(w, emergency=True),
        body=lambda w, r, p: {"note": "属实"},
        **only(200, "reviewer"),
    ),
    Endpoint(
        "dispatch-refuse-ratification",
        "post",
        lambda w, d: f"/api/v1/dispatches/{d.pk}/refuse-ratification/",
        prepare=lambda w: dispatched(w, emergency=True),
        body=lambda w, r, p: {"reason": "不属于突发事件"},
        **only(200, "reviewer"),
    ),
    # The department corrects what it sent: recall (while nobody took it up), more time.
    Endpoint(
        "dispatch-recall",
        "post",
        lambda w, d: f"/api/v1/dispatches/{d.pk}/recall/",
        prepare=dispatched,
        body=lambda w, r, p: {"reason": "名单发错了"},
        **only(200, "department_staff"),
    ),
    Endpoint(
        "dispatch-amend-due-date",
        "post",
        lambda w, d: f"/api/v1/dispatches/{d.pk}/amend-due-date/",
        prepare=dispatched,
        body=lambda w, r, p: {"due_date": str(_later(p)), "reason": "多给一周"},
        **only(200, "department_staff"),
    ),
    # --- The inbox: everyone signed in may ask; each sees only their side's assignments ----
    Endpoint("assignment-list", "get", fixed("/api/v1/assignments/"), default=200),
    Endpoint(
        "assignment-detail",
        "get",
        lambda w, a: f"/api/v1/assignments/{a.pk}/",
        prepare=assignment,
        **only(200, *ASSIGNMENT_READERS, default=404),
    ),
    Endpoint(
        "assignment-accept",
        "post",
        lambda w, a: f"/api/v1/assignments/{a.pk}/accept/",
        prepare=assignment,
        **only(200, "community_cadre"),
    ),
    Endpoint(
        "assignment-complete",
        "post",
        lambda w, a: f"/api/v1/assignments/{a.pk}/complete/",
        prepare=lambda w: assignment(w, accepted=True),
        **only(200, "community_cadre"),
    ),
    Endpoint(
        "assignment-refuse",
        "post",
        lambda w, a: f"/api/v1/assignments/{a.pk}/refuse/",
        prepare=assignment,
        body=lambda w, r, p: {"reason_code": "duplicate", "note": "已报过"},
        **only(200, "community_cadre"),
    ),
    # --- Off-platform reports: cadres and liaisons report; each side reads its own --------
    Endpoint("offplatform-report-list", "get", fixed("/api/v1/offplatform-reports/"), default=200),
    Endpoint(
        "offplatform-report-list",
        "post",
        fixed("/api/v1/offplatform-reports/"),
        body=offplatform_body,
        **only(201, "community_cadre", "liaison"),
    ),
    Endpoint(
        "offplatform-report-detail",
        "get",
        lambda w, r: f"/api/v1/offplatform-reports/{r.pk}/",
        prepare=offplatform_report,
        **only(200, *ASSIGNMENT_READERS, default=404),
    ),
    # The reporting community's cadres (and liaisons, who report too) correct or withdraw.
    Endpoint(
        "offplatform-report-detail",
        "patch",
        lambda w, r: f"/api/v1/offplatform-reports/{r.pk}/",
        prepare=offplatform_report,
        body=lambda w, r, p: {"title": "电话要求五天内填报表格"},
        **only(200, "community_cadre", "liaison", default=403),
        note="correct",
    ),
    Endpoint(
        "offplatform-report-withdraw",
        "post",
        lambda w, r: f"/api/v1/offplatform-reports/{r.pk}/withdraw/",
        prepare=offplatform_report,
        **only(200, "community_cadre", "liaison", default=403),
    ),
    # --- Flags: the district's reviewers and supervisors -----------------------------------
    # --- The supervisors' dashboard: supervisors and reviewers of the area ------------------
    Endpoint("api-dashboard", "get", fixed("/api/v1/dashboard/"), **only(200, *DASHBOARD_READERS)),
    # Another district's figures are not visible: 404, as for an object outside the scope.
    Endpoint(
        "api-dashboard",
        "get",
        lambda w, p: f"/api/v1/dashboard/?area={w.b.district.code}",
        note="other district",
        **only(404, *DASHBOARD_READERS),
    ),
    Endpoint("flag-list", "get", fixed("/api/v1/flags/"), **only(200, *FLAG_HOLDERS)),
    Endpoint(
        "flag-detail",
        "get",
        lambda w, f: f"/api/v1/flags/{f.pk}/",
        prepare=flag,
        **only(200, *FLAG_HOLDERS),
    ),
    Endpoint(
        "flag-acknowledge",
        "post",
        lambda w, f: f"/api/v1/flags/{f.pk}/acknowledge/",
        prepare=flag,
        **only(200, *FLAG_HOLDERS),
    ),
    Endpoint(
        "flag-resolve",
        "post",
        lambda w, f: f"/api/v1/flags/{f.pk}/resolve/",
        prepare=flag,
        body=lambda w, r, p: {"note": "已提醒部门续期"},
        **only(200, *FLAG_HOLDERS),
    ),
    # --- The schema, its docs page and the health probe are public -------------------------
    Endpoint("api-schema", "get", fixed("/api/schema/"), default=200, anonymous=200),
    Endpoint("api-docs", "get", fixed("/api/docs/"), default=200, anonymous=200),
    Endpoint("healthz", "get", fixed("/healthz"), default=200, anonymous=200),
    Endpoint("favicon", "get", fixed("/favicon.ico"), default=301, anonymous=301),
    # --- Pages: a visitor is sent to sign in (302) -----------------------------------------
    # Home sends a role holder to their workbench and the administrator to the admin; the
    # outsider is told they have no role yet.
    # A visitor gets the public front page (the public app registers it).
    Endpoint("home", "get", fixed("/"), default=302, anonymous=200, overrides={"outsider": 200}),
    *[
        Endpoint(
            "workbench",
            "get",
            fixed(f"/workbench/{slug}/"),
            **only(200, role, anonymous=302),
        )
        for slug, role in WORKBENCH_ROLES.items()
    ],
    # A work item's page: every role holder; not the outsider or the administrator (404,
    # "not visible").
    Endpoint(
        "work-item-page",
        "get",
        lambda w, item: f"/work-items/{item.admission_number}/",
        prepare=work_item,
        **only(200, *ROLE_HOLDERS, default=404, anonymous=302),
    ),
    # Public: anyone may check an admission number on the verify page.
    Endpoint("verify", "get", fixed("/verify/"), default=200, anonymous=200),
    # Not staff: the admin sends you to its own sign-in page.
    Endpoint(
        "admin:index",
        "get",
        # At settings.ADMIN_URL (hardening: off the well-known /admin/).
        lambda world, prepared: reverse("admin:index"),
        default=302,
        anonymous=302,
        overrides={"admin": 200},
    ),
    # The admin's pages that write through the services (registry/admin.py): only the
    # administrator gets them; nobody deletes an organisation or a user there.
    Endpoint(
        "admin:registry_user_change",
        "get",
        lambda w, _p: reverse("admin:registry_user_change", args=[w.outsider.pk]),
        default=302,
        anonymous=302,
        overrides={"admin": 200},
    ),
    Endpoint(
        "admin:registry_organisation_change",
        "get",
        lambda w, _p: reverse("admin:registry_organisation_change", args=[w.a.street.pk]),
        default=302,
        anonymous=302,
        overrides={"admin": 200},
    ),
    Endpoint(
        "admin:registry_auditentry_changelist",
        "get",
        lambda w, _p: reverse("admin:registry_auditentry_changelist"),
        default=302,
        anonymous=302,
        overrides={"admin": 200},
    ),
    Endpoint(
        "admin:registry_organisation_delete",
        "get",
        lambda w, _p: reverse("admin:registry_organisation_delete", args=[w.a.street.pk]),
        default=302,
        anonymous=302,
        overrides={"admin": 403},
    ),
    Endpoint(
        "admin:registry_user_delete",
        "get",
        lambda w, _p: reverse("admin:registry_user_delete", args=[w.outsider.pk]),
        default=302,
        anonymous=302,
        overrides={"admin": 403},
    ),
    # Signed in already: the sign-in page sends you home.
    Endpoint("login", "get", fixed("/accounts/login/"), default=302, anonymous=200),
    Endpoint("logout", "post", fixed("/accounts/logout/"), default=302, anonymous=302),
    Endpoint(
        "set_language",
        "post",
        fixed("/i18n/setlang/"),
        default=302,
        anonymous=302,
        body=lambda w, r, p: {"language": "en", "next": "/"},
    ),
    # --- Pages of dispatch and the inbox (registry/urls.py) -------------------------
    Endpoint(
        "dispatch-index",
        "get",
        fixed("/dispatch/"),
        **only(200, "department_staff", "reviewer", "supervisor", anonymous=302),
    ),
    Endpoint(
        "dispatch-new",
        "get",
        fixed("/dispatch/new/"),
        **only(200, "department_staff", anonymous=302),
    ),
    # A valid dispatch goes to its page (302); the form is the department's alone.
    Endpoint(
        "dispatch-new",
        "post",
        fixed("/dispatch/new/"),
        prepare=work_item,
        body=lambda w, r, item: {
            "work_item": item.pk,
            "title": "居民信息核对",
            "due_date": str(_today() + __import__("datetime").timedelta(days=30)),
            "hours_per_community": "1",
            "households_per_community": "0",
            "communities": [w.a.community.code],
        },
        **only(302, "department_staff", anonymous=302),
    ),
    # Not visible outside the department and the areas above it: 404.
    Endpoint(
        "dispatch-show",
        "get",
        lambda w, d: f"/dispatch/{d.pk}/",
        prepare=dispatched,
        **only(200, "department_staff", "reviewer", "supervisor", default=404, anonymous=302),
    ),
    Endpoint(
        "dispatch-ratification",
        "get",
        fixed("/dispatch/ratification/"),
        **only(200, "reviewer", anonymous=302),
    ),
    # The department and the supervisor see the dispatch but may not ratify it (403);
    # for everyone else it is not visible (404).
    Endpoint(
        "dispatch-ratify-page",
        "post",
        lambda w, d: f"/dispatch/{d.pk}/ratify/",
        prepare=lambda w: dispatched(w, emergency=True),
        body=lambda w, r, p: {"note": "属实"},
        default=404,
        anonymous=302,
        overrides={"reviewer": 302, "department_staff": 403, "supervisor": 403},
    ),
    # --- The dashboard page, its Excel and the saved baseline ------------------------------
    Endpoint(
        "dashboard", "get", fixed("/dashboard/"), **only(200, *DASHBOARD_READERS, anonymous=302)
    ),
    Endpoint(
        "dashboard",
        "get",
        fixed("/dashboard/?format=xlsx&table=assignments.by_area"),
        note="xlsx",
        **only(200, *DASHBOARD_READERS, anonymous=302),
    ),
    # Saving the area's baseline is its supervisors'; the reviewer reads the dashboard only.
    Endpoint(
        "dashboard-baseline",
        "post",
        fixed("/dashboard/baseline/"),
        body=lambda w, r, p: {
            "area": w.a.district.code,
            "name": "准入前一年",
            "start": "2025-01-01",
            "end": "2025-12-31",
        },
        **only(302, "supervisor", anonymous=302),
    ),
    Endpoint(
        "dispatch-refuse-ratification-page",
        "post",
        lambda w, d: f"/dispatch/{d.pk}/refuse-ratification/",
        prepare=lambda w: dispatched(w, emergency=True),
        body=lambda w, r, p: {"note": "不属于突发事件"},
        default=404,
        anonymous=302,
        overrides={"reviewer": 302, "department_staff": 403, "supervisor": 403},
    ),
    # The corrections' forms on the dispatch page: the department's (302 back to the page);
    # the reviewer and supervisor see the dispatch but may not correct it.
    Endpoint(
        "dispatch-correct",
        "post",
        lambda w, d: f"/dispatch/{d.pk}/correct/recall/",
        prepare=dispatched,
        body=lambda w, r, p: {"reason": "名单发错了"},
        default=404,
        anonymous=302,
        overrides={"department_staff": 302, "reviewer": 403, "supervisor": 403},
        note="recall",
    ),
    Endpoint(
        "dispatch-correct",
        "post",
        lambda w, d: f"/dispatch/{d.pk}/correct/amend-due-date/",
        prepare=dispatched,
        body=lambda w, r, p: {"due_date": str(_later(p)), "reason": "多给一周"},
        default=404,
        anonymous=302,
        overrides={"department_staff": 302, "reviewer": 403, "supervisor": 403},
        note="amend-due-date",
    ),
    Endpoint(
        "inbox",
        "get",
        fixed("/inbox/"),
        **only(200, "community_cadre", "liaison", "reviewer", "supervisor", anonymous=302),
    ),
    Endpoint(
        "inbox-section",
        "get",
        fixed("/inbox/section/"),
        **only(200, "community_cadre", "liaison", "reviewer", "supervisor", anonymous=302),
    ),
    Endpoint(
        "inbox-task",
        "get",
        lambda w, a: f"/inbox/{a.pk}/",
        prepare=assignment,
        **only(
            200, "community_cadre", "liaison", "reviewer", "supervisor", default=404, anonymous=302
        ),
    ),
    # Seen from the community side by liaisons and the areas above, answered by the cadre.
    Endpoint(
        "inbox-respond",
        "post",
        lambda w, a: f"/inbox/{a.pk}/accept/",
        prepare=assignment,
        default=404,
        anonymous=302,
        overrides={"community_cadre": 302, "liaison": 403, "reviewer": 403, "supervisor": 403},
    ),
    # Notifications: everyone signed in reads their organisations' (none for the outsider).
    Endpoint("notifications", "get", fixed("/notifications/"), default=200, anonymous=302),
    Endpoint(
        "notifications-read", "post", fixed("/notifications/read/"), default=302, anonymous=302
    ),
    Endpoint(
        "notifications-badge", "get", fixed("/notifications/badge/"), default=200, anonymous=302
    ),
    # --- Pages of monitoring (monitoring/urls.py) -------------------------------------
    Endpoint(
        "offplatform-reports",
        "get",
        fixed("/monitoring/reports/"),
        **only(200, *ASSIGNMENT_READERS, anonymous=302),
    ),
    Endpoint(
        "offplatform-new",
        "get",
        fixed("/monitoring/reports/new/"),
        **only(200, "community_cadre", "liaison", anonymous=302),
    ),
    Endpoint(
        "offplatform-new",
        "post",
        fixed("/monitoring/reports/new/"),
        body=lambda w, r, p: {
            "community": w.a.community.pk,
            "department": w.a.department.pk,
            "title": "微信群要求三天内上报空置房",
            "channel": "wechat",
            "received_on": str(_today()),
        },
        **only(302, "community_cadre", "liaison", anonymous=302),
    ),
    # One report's page: whoever sees the report; its correction and withdrawal are the
    # community's; its evidence never the department's (none attached here: 404 for those
    # who may see it, 403 for the department).
    Endpoint(
        "offplatform-report",
        "get",
        lambda w, r: f"/monitoring/reports/{r.pk}/",
        prepare=offplatform_report,
        **only(200, *ASSIGNMENT_READERS, default=404, anonymous=302),
    ),
    Endpoint(
        "offplatform-edit",
        "get",
        lambda w, r: f"/monitoring/reports/{r.pk}/edit/",
        prepare=offplatform_report,
        default=404,
        anonymous=302,
        overrides={
            "community_cadre": 200,
            "liaison": 200,
            "department_staff": 403,
            "reviewer": 403,
            "supervisor": 403,
        },
    ),
    Endpoint(
        "offplatform-withdraw",
        "post",
        lambda w, r: f"/monitoring/reports/{r.pk}/withdraw/",
        prepare=offplatform_report,
        body=lambda w, r, p: {},
        default=404,
        anonymous=302,
        overrides={
            "community_cadre": 302,
            "liaison": 302,
            "department_staff": 403,
            "reviewer": 403,
            "supervisor": 403,
        },
    ),
    Endpoint(
        "offplatform-evidence",
        "get",
        lambda w, r: f"/monitoring/reports/{r.pk}/evidence/",
        prepare=offplatform_report,
        default=404,
        anonymous=302,
        overrides={"department_staff": 403},
    ),
    Endpoint(
        "offplatform-section",
        "get",
        fixed("/monitoring/reports/section/"),
        **only(200, "community_cadre", "liaison", anonymous=302),
    ),
    Endpoint(
        "flags", "get", fixed("/monitoring/flags/"), **only(200, *FLAG_HOLDERS, anonymous=302)
    ),
    Endpoint(
        "flags-section",
        "get",
        fixed("/monitoring/flags/section/"),
        **only(200, *FLAG_HOLDERS, anonymous=302),
    ),
    Endpoint(
        "flags-recompute",
        "post",
        fixed("/monitoring/flags/recompute/"),
        **only(302, "supervisor", anonymous=302),
    ),
    Endpoint(
        "flags-acknowledge",
        "post",
        lambda w, f: f"/monitoring/flags/{f.pk}/acknowledge/",
        prepare=flag,
        **only(302, *FLAG_HOLDERS, default=404, anonymous=302),
    ),
    Endpoint(
        "flags-resolve",
        "post",
        lambda w, f: f"/monitoring/flags/{f.pk}/resolve/",
        prepare=flag,
        body=lambda w, r, p: {"note": "已提醒部门续期"},
        **only(302, *FLAG_HOLDERS, default=404, anonymous=302),
    ),
    # --- Pages of the admission workflow and the lists (registry/urls.py) ------
    Endpoint(
        "applications",
        "get",
        fixed("/applications/"),
        **only(200, "department_staff", "reviewer", "supervisor", anonymous=302),
    ),
    Endpoint(
        "application-new",
        "get",
        fixed("/applications/new/"),
        **only(200, "department_staff", anonymous=302),
    ),
    # The live checks: an HTML fragment for the department's form.
    Endpoint(
        "application-checks",
        "post",
        fixed("/applications/checks/"),
        body=lambda w, r, p: {"title": "居民信息核对", "frequency": "monthly"},
        **only(200, "department_staff", anonymous=302),
    ),
    # Seen by the department and the areas above it; not visible to anyone else (404).
    Endpoint(
        "application-page",
        "get",
        lambda w, a: f"/applications/{a.pk}/",
        prepare=draft,
        **only(200, "department_staff", "reviewer", "supervisor", default=404, anonymous=302),
    ),
    Endpoint(
        "application-edit",
        "get",
        lambda w, a: f"/applications/{a.pk}/edit/",
        prepare=draft,
        default=404,
        anonymous=302,
        overrides={"department_staff": 200, "reviewer": 403, "supervisor": 403},
    ),
    # A reviewer starts the review (302 to the page); the department and the supervisor see
    # the application but may not review it (403); the rest cannot see it (404).
    Endpoint(
        "application-action",
        "post",
        lambda w, a: f"/applications/{a.pk}/start-review/",
        prepare=submitted,
        body=lambda w, r, p: {},
        default=404,
        anonymous=302,
        overrides={"reviewer": 302, "department_staff": 403, "supervisor": 403},
    ),
    Endpoint(
        "review-queue",
        "get",
        fixed("/review/"),
        **only(200, "reviewer", anonymous=302),
    ),
    Endpoint(
        "work-items",
        "get",
        fixed("/work-items/"),
        **only(200, *ROLE_HOLDERS, anonymous=302),
    ),
    # Only a reviewer of the item's jurisdiction changes its status; a reason is required.
    Endpoint(
        "work-item-status",
        "post",
        lambda w, item: f"/work-items/{item.admission_number}/suspend/",
        prepare=work_item,
        body=lambda w, r, p: {"suspend-reason": "核查中"},  # the page's form is prefixed
        default=403,
        anonymous=302,
        overrides={"reviewer": 302, "outsider": 404, "admin": 404},
    ),
    Endpoint(
        "list-import",
        "get",
        fixed("/lists/import/"),
        **only(200, "reviewer", anonymous=302),
    ),
    Endpoint(
        "list-import-template",
        "get",
        fixed("/lists/import/template.xlsx"),
        **only(200, "reviewer", anonymous=302),
    ),
    # The published lists are public, signed in or not.
    Endpoint("published-lists", "get", fixed("/lists/"), default=200, anonymous=200),
    Endpoint(
        "published-list",
        "get",
        lambda w, p: f"/lists/{w.a.district.code}/assist/",
        default=200,
        anonymous=200,
    ),
    Endpoint(
        "published-list-export",
        "get",
        lambda w, p: f"/lists/{w.a.district.code}/assist/export.xlsx",
        default=200,
        anonymous=200,
    ),
    *CERTIFICATE_ENDPOINTS,
    *SIGNAGE_ENDPOINTS,
    *DEPLOY_ENDPOINTS,
]


# --- Monitoring: points, monthly reports, clues, rectification (issue 11) ------------------


def _m_report(world):
    from monitoring import services

    return services.monitoring_report_open(
        actor=world.a.liaison, community=world.a.community, period=_today()
    )


def _m_entry(world):
    from monitoring import services

    report = _m_report(world)
    return services.report_entry_add(
        actor=world.a.liaison,
        report=report,
        department=world.a.department,
        title="微信群要求填报",
        channel="wechat",
        demanded_on=_today().replace(day=1),
    )


def _m_submitted(world):
    from monitoring import services

    return services.monitoring_report_submit(actor=world.a.liaison, report=_m_report(world))


def _m_clue(world, steps: tuple[str, ...] = ()):
    from monitoring import services

    clue = services.clue_raise(
        actor=world.a.liaison,
        department=world.a.department,
        community=world.a.community,
        summary="微信群派单未经准入",
    )
    data = {
        "analyse": {"note": "属实"},
        "verify": {"visited_on": _today(), "findings": "确有其事"},
        "send-notice": {"requirements": "停止微信派单"},
        "request-extension": {
            "reason": "量大",
            "new_due_date": _today().replace(year=_today().year + 1),
        },
        "respond": {"measures": "已停止"},
        "close": {"checked_on": _today(), "reason": "已核查"},
    }
    for step in steps:
        actor = (
            world.a.department_staff
            if step in {"respond", "request-extension"}
            else world.a.supervisor
        )
        services.clue_act(actor=actor, clue=clue, action=step, data=data[step])
    return clue


def _m_notice(world):
    _m_clue(world, ("analyse", "verify", "send-notice"))
    from monitoring.models import RectificationNotice

    return RectificationNotice.objects.get()


SENT = ("analyse", "verify", "send-notice")
# Clue actions: supervisors of district A act (200); the clue's liaison sees it but may not
# act (403); the department sees it (403 on supervisors' steps); others do not see it (404).
CLUE_SUPERVISOR_ROW = {
    "default": 404,
    "anonymous": 401,
    "overrides": {"supervisor": 200, "liaison": 403, "department_staff": 403},
}


def _clue_row(action, steps, body, overrides=None):
    row = {k: (dict(v) if isinstance(v, dict) else v) for k, v in CLUE_SUPERVISOR_ROW.items()}
    row["overrides"].update(overrides or {})
    return Endpoint(
        f"clue-{action}",
        "post",
        lambda w, c: f"/api/v1/clues/{c.pk}/{action}/",
        prepare=lambda w: _m_clue(w, steps),
        body=lambda w, r, p: body,
        **row,
    )


MONITORING_ENDPOINTS = [
    Endpoint(
        "monitoring-point-list",
        "get",
        fixed("/api/v1/monitoring-points/"),
        **only(200, "reviewer", "supervisor", "liaison"),
    ),
    # Reviewers of the area designate (the administrator too); community2 is not a point.
    Endpoint(
        "monitoring-point-list",
        "post",
        fixed("/api/v1/monitoring-points/"),
        body=lambda w, r, p: {"community": w.a.community2.code, "from": str(_today())},
        **only(201, "reviewer", "admin"),
    ),
    Endpoint(
        "monitoring-report-list",
        "get",
        fixed("/api/v1/monitoring-reports/"),
        **only(200, "liaison", "supervisor"),
    ),
    Endpoint(
        "monitoring-report-list",
        "post",
        fixed("/api/v1/monitoring-reports/"),
        body=lambda w, r, p: {"community": w.a.community.code, "period": f"{_today():%Y-%m}"},
        **only(201, "liaison"),
    ),
    Endpoint(
        "monitoring-report-detail",
        "get",
        lambda w, rep: f"/api/v1/monitoring-reports/{rep.pk}/",
        prepare=_m_report,
        **only(200, "liaison", "supervisor"),
    ),
    Endpoint(
        "monitoring-report-entries",
        "post",
        lambda w, rep: f"/api/v1/monitoring-reports/{rep.pk}/entries/",
        prepare=_m_report,
        body=lambda w, r, p: {
            "department": w.a.department.code,
            "title": "电话通知",
            "channel": "phone",
            "demanded_on": str(_today().replace(day=1)),
        },
        **only(201, "liaison"),
    ),
    Endpoint(
        "monitoring-report-entry",
        "patch",
        lambda w, e: f"/api/v1/monitoring-reports/{e.report_id}/entries/{e.pk}/",
        prepare=_m_entry,
        body=lambda w, r, p: {"hours": "2"},
        **only(200, "liaison"),
    ),
    Endpoint(
        "monitoring-report-entry",
        "delete",
        lambda w, e: f"/api/v1/monitoring-reports/{e.report_id}/entries/{e.pk}/",
        prepare=_m_entry,
        **only(204, "liaison"),
    ),
    Endpoint(
        "monitoring-report-submit",
        "post",
        lambda w, rep: f"/api/v1/monitoring-reports/{rep.pk}/submit/",
        prepare=_m_report,
        **only(200, "liaison"),
    ),
    Endpoint(
        "monitoring-report-correct",
        "post",
        lambda w, rep: f"/api/v1/monitoring-reports/{rep.pk}/correct/",
        prepare=_m_submitted,
        body=lambda w, r, p: {"reason": "漏报"},
        **only(201, "liaison"),
    ),
    Endpoint("clue-list", "get", fixed("/api/v1/clues/"), default=200),
    Endpoint(
        "clue-list",
        "post",
        fixed("/api/v1/clues/"),
        body=lambda w, r, p: {
            "department": w.a.department.code,
            "community": w.a.community.code,
            "summary": "微信派单",
        },
        **only(201, "liaison", "community_cadre", "supervisor"),
    ),
    Endpoint(
        "clue-detail",
        "get",
        lambda w, c: f"/api/v1/clues/{c.pk}/",
        prepare=_m_clue,
        **only(200, "liaison", "supervisor", "department_staff", default=404),
    ),
    _clue_row("analyse", (), {"note": "属实"}),
    _clue_row("dismiss", (), {"reason": "不属实"}),
    _clue_row("verify", ("analyse",), {"visited_on": "2026-01-05", "findings": "属实"}),
    _clue_row("send-notice", ("analyse", "verify"), {"requirements": "整改"}),
    _clue_row(
        "respond", SENT, {"measures": "已整改"}, {"supervisor": 403, "department_staff": 200}
    ),
    _clue_row(
        "request-extension",
        SENT,
        {"reason": "量大", "new_due_date": "2099-01-01"},
        {"supervisor": 403, "department_staff": 200},
    ),
    _clue_row("grant-extension", (*SENT, "request-extension"), {"reason": "同意"}),
    _clue_row("refuse-extension", (*SENT, "request-extension"), {"reason": "不同意"}),
    _clue_row("close", (*SENT, "respond"), {"checked_on": "2026-01-05", "reason": "已核查"}),
    _clue_row("reopen", (*SENT, "respond", "close"), {"reason": "反弹"}),
    # --- Pages of monitoring (issue 11) ---
    Endpoint(
        "monthly-reports",
        "get",
        fixed("/monitoring/monthly/"),
        **only(200, "liaison", "supervisor", anonymous=302),
    ),
    Endpoint(
        "monthly-section",
        "get",
        fixed("/monitoring/monthly/section/"),
        **only(200, "liaison", anonymous=302),
    ),
    Endpoint(
        "monthly-export",
        "get",
        fixed("/monitoring/monthly/export.xlsx"),
        **only(200, "supervisor", anonymous=302),
    ),
    Endpoint(
        "monthly-report",
        "get",
        lambda w, rep: f"/monitoring/monthly/{rep.pk}/",
        prepare=_m_report,
        **only(200, "liaison", "supervisor", default=404, anonymous=302),
    ),
    Endpoint(
        "monthly-entry-new",
        "get",
        lambda w, rep: f"/monitoring/monthly/{rep.pk}/entries/new/",
        prepare=_m_report,
        default=404,
        anonymous=302,
        overrides={"liaison": 200, "supervisor": 403},
    ),
    Endpoint(
        "clue-board",
        "get",
        fixed("/monitoring/clues/"),
        **only(200, "supervisor", "department_staff", "liaison", "community_cadre", anonymous=302),
    ),
    Endpoint(
        "clue-new",
        "get",
        fixed("/monitoring/clues/new/"),
        **only(200, "supervisor", "liaison", "community_cadre", anonymous=302),
    ),
    Endpoint(
        "clue-section",
        "get",
        fixed("/monitoring/clues/section/"),
        **only(200, "supervisor", anonymous=302),
    ),
    Endpoint(
        "clue-page",
        "get",
        lambda w, c: f"/monitoring/clues/{c.pk}/",
        prepare=_m_clue,
        **only(200, "liaison", "supervisor", "department_staff", default=404, anonymous=302),
    ),
    Endpoint(
        "notices",
        "get",
        fixed("/monitoring/notices/"),
        **only(200, "supervisor", "department_staff", anonymous=302),
    ),
    Endpoint(
        "notice-section",
        "get",
        fixed("/monitoring/notices/section/"),
        **only(200, "department_staff", anonymous=302),
    ),
    Endpoint(
        "notice-print",
        "get",
        lambda w, n: f"/monitoring/notices/{n.pk}/print/",
        prepare=_m_notice,
        **only(200, "supervisor", "department_staff", default=404, anonymous=302),
    ),
    # Public: the check behind the printed QR code.
    Endpoint(
        "notice-verify",
        "get",
        lambda w, n: f"/monitoring/notices/verify/{n.verification_code}/",
        prepare=_m_notice,
        default=200,
        anonymous=200,
    ),
]
ENDPOINTS += MONITORING_ENDPOINTS


# --- Reverse evaluation (issue 12): a round over district A, open today ---------------------


def _e_round_body(world, role=None, prepared=None) -> dict:
    import datetime

    today = _today()
    return {
        "area": world.a.district.code,
        "title": "反向评价",
        "period_from": str(today - datetime.timedelta(days=30)),
        "period_until": str(today),
        "opens_on": str(today),
        "closes_on": str(today + datetime.timedelta(days=10)),
    }


def _e_round(world):
    from monitoring import services
    from registry.filters.base import organisation_from_code

    body = _e_round_body(world)
    import datetime

    return services.evaluation_round_open(
        actor=world.a.supervisor,
        area=organisation_from_code(body.pop("area"), "area"),
        title=body.pop("title"),
        **{k: datetime.date.fromisoformat(v) for k, v in body.items()},
    )


def _e_response_body(world, role, prepared) -> dict:
    # The district's own department is on any community's list of addable departments.
    return {
        "community": world.a.community.code,
        "ratings": [
            {"department": world.a.department.code, "dimension": "inspections", "score": 4}
        ],
    }


def _e_url(suffix: str = "", page: bool = False):
    base = "/monitoring/evaluation/" if page else "/api/v1/evaluation-rounds/"
    return lambda w, r: f"{base}{r.pk}/{suffix}"


# Who sees a district A round: its supervisors and reviewers, the district's cadres (the
# area is above their community) and department staff; nobody else (404).
E_SEES = {"supervisor": 200, "reviewer": 200, "community_cadre": 200, "department_staff": 200}
EVALUATION_ENDPOINTS = [
    Endpoint("evaluation-round-list", "get", fixed("/api/v1/evaluation-rounds/"), default=200),
    Endpoint(
        "evaluation-round-list",
        "post",
        fixed("/api/v1/evaluation-rounds/"),
        body=_e_round_body,
        **only(201, "supervisor"),
    ),
    Endpoint(
        "evaluation-round-detail",
        "get",
        _e_url(),
        prepare=_e_round,
        default=404,
        overrides=E_SEES,
    ),
    Endpoint(
        "evaluation-round-close",
        "post",
        _e_url("close/"),
        prepare=_e_round,
        **only(200, "supervisor"),
    ),
    Endpoint(
        "evaluation-round-form",
        "get",
        lambda w, r: f"/api/v1/evaluation-rounds/{r.pk}/form/?community={w.a.community.code}",
        prepare=_e_round,
        **only(200, "community_cadre"),
    ),
    Endpoint(
        "evaluation-round-responses",
        "post",
        _e_url("responses/"),
        prepare=_e_round,
        body=_e_response_body,
        **only(201, "community_cadre"),
    ),
    # Results: the area's supervisors and reviewers; a department only once the round has
    # closed (409 while open); a cadre sees the round but not the results.
    Endpoint(
        "evaluation-round-results",
        "get",
        _e_url("results/"),
        prepare=_e_round,
        default=404,
        overrides={
            "supervisor": 200,
            "reviewer": 200,
            "department_staff": 409,
            "community_cadre": 403,
        },
    ),
    # --- Pages ---
    Endpoint(
        "evaluation-index",
        "get",
        fixed("/monitoring/evaluation/"),
        **only(200, "supervisor", "reviewer", "community_cadre", "department_staff", anonymous=302),
    ),
    Endpoint(
        "evaluation-section",
        "get",
        fixed("/monitoring/evaluation/section/"),
        **only(200, "supervisor", "reviewer", "community_cadre", "department_staff", anonymous=302),
    ),
    Endpoint(
        "evaluation-new",
        "get",
        fixed("/monitoring/evaluation/new/"),
        **only(200, "supervisor", anonymous=302),
    ),
    Endpoint(
        "evaluation-round",
        "get",
        _e_url(page=True),
        prepare=_e_round,
        default=404,
        anonymous=302,
        # A cadre is sent to the form.
        overrides={**E_SEES, "community_cadre": 302},
    ),
    Endpoint(
        "evaluation-form",
        "get",
        _e_url("form/", page=True),
        prepare=_e_round,
        **only(200, "community_cadre", anonymous=302),
    ),
    Endpoint(
        "evaluation-export",
        "get",
        _e_url("export.xlsx", page=True),
        prepare=_e_round,
        default=404,
        anonymous=302,
        # The department is sent back to the page while the round is open.
        overrides={
            "supervisor": 200,
            "reviewer": 200,
            "department_staff": 302,
            "community_cadre": 403,
        },
    ),
    Endpoint(
        "evaluation-authors",
        "post",
        _e_url("authors/", page=True),
        prepare=_e_round,
        body=lambda w, r, p: {"reason": "核实投诉"},
        default=404,
        anonymous=302,
        overrides={
            "supervisor": 200,
            "reviewer": 403,
            "department_staff": 403,
            "community_cadre": 403,
        },
    ),
    Endpoint(
        "evaluation-action",
        "post",
        _e_url("close/", page=True),
        prepare=_e_round,
        default=404,
        anonymous=302,
        overrides={
            "supervisor": 302,
            "reviewer": 403,
            "department_staff": 403,
            "community_cadre": 403,
        },
    ),
]
ENDPOINTS += EVALUATION_ENDPOINTS
# --- The public portal: figures, complaints and suggestions (issue 13, item 6) -------------


def _complaint(world):
    from public import services

    return services.complaint_submit(
        kind="complaint", subject="表格太多", text="每周都要报表。", area=world.a.district
    )


def _complaint_form(world, role, prepared) -> dict:
    return {"kind": "suggestion", "subject": "建议", "text": "请公布清单。", "contact": ""}


# The district's supervisors and the administrator answer; everyone else is refused.
COMPLAINT_HANDLERS = {"supervisor", "admin"}

PUBLIC_ENDPOINTS = [
    Endpoint(
        "api-public-figures", "get", fixed("/api/v1/public/figures/"), default=200, anonymous=200
    ),
    Endpoint("complaint-new", "get", fixed("/complaints/new/"), default=200, anonymous=200),
    Endpoint(
        "complaint-new",
        "post",
        fixed("/complaints/new/"),
        body=_complaint_form,
        default=200,
        anonymous=200,
    ),
    Endpoint(
        "complaint-lookup",
        "get",
        fixed("/complaints/lookup/?number=JY2026-2345-6789"),
        default=200,
        anonymous=200,
    ),
    Endpoint(
        "complaint-queue",
        "get",
        fixed("/complaints/"),
        **only(200, *COMPLAINT_HANDLERS, anonymous=302),
    ),
    Endpoint(
        "complaint-section",
        "get",
        fixed("/complaints/section/"),
        **only(200, *COMPLAINT_HANDLERS, anonymous=302),
    ),
    Endpoint(
        "complaint-page",
        "get",
        lambda w, c: f"/complaints/{c.pk}/",
        prepare=_complaint,
        **only(200, *COMPLAINT_HANDLERS, anonymous=302),
    ),
    Endpoint(
        "complaint-action",
        "post",
        lambda w, c: f"/complaints/{c.pk}/answer/",
        prepare=_complaint,
        body=lambda w, r, p: {"answer": "已转交区统计局。"},
        **only(302, *COMPLAINT_HANDLERS, anonymous=302),
    ),
]
ENDPOINTS += PUBLIC_ENDPOINTS
# --- Excel downloads of every list, and the background jobs of long ones --------------------
# A list's download answers whoever reads the list (an empty file for a role that sees no
# row); a job and its file are their owner's alone (404 for anyone else).


def finished_job(world):
    # Its file goes to the throwaway MEDIA_ROOT of _plaque_media (autouse).
    from django.http import QueryDict

    from registry import exports, services

    job = exports.start_job(exports.get("assignments"), world.a.supervisor, QueryDict(""))
    services.job_run(job_id=job.pk)
    return job


def _job_row(name: str, url, anonymous: int) -> Endpoint:
    return Endpoint(
        name,
        "get",
        url,
        prepare=finished_job,
        **only(200, "supervisor", default=404, anonymous=anonymous),
    )


EXPORT_ENDPOINTS = [
    Endpoint(
        "application-export",
        "get",
        fixed("/api/v1/applications/export/"),
        **only(200, *APPLICATION_READERS),
    ),
    Endpoint("work-item-export", "get", fixed("/api/v1/work-items/export/"), **every_role(200)),
    Endpoint(
        "dispatch-export",
        "get",
        fixed("/api/v1/dispatches/export/"),
        **only(200, "department_staff", "reviewer", "supervisor"),
    ),
    Endpoint("assignment-export", "get", fixed("/api/v1/assignments/export/"), default=200),
    Endpoint(
        "offplatform-report-export",
        "get",
        fixed("/api/v1/offplatform-reports/export/"),
        default=200,
    ),
    Endpoint("flag-export", "get", fixed("/api/v1/flags/export/"), **only(200, *FLAG_HOLDERS)),
    Endpoint("clue-export", "get", fixed("/api/v1/clues/export/"), default=200),
    _job_row("job-detail", lambda w, j: f"/api/v1/jobs/{j.pk}/", anonymous=401),
    _job_row("job-download-api", lambda w, j: f"/api/v1/jobs/{j.pk}/download/", anonymous=401),
    _job_row("job-page", lambda w, j: f"/jobs/{j.pk}/", anonymous=302),
    _job_row("job-progress", lambda w, j: f"/jobs/{j.pk}/progress/", anonymous=302),
    _job_row("job-download", lambda w, j: f"/jobs/{j.pk}/download/", anonymous=302),
    *(
        Endpoint(
            "list-export",
            "get",
            fixed(f"/exports/{name}/"),
            note=name,
            **only(200, *readers, anonymous=302),
        )
        for name, readers in [
            ("applications", APPLICATION_READERS),
            ("work-items", ROLE_HOLDERS),
            ("dispatches", ("department_staff", "reviewer", "supervisor")),
            ("assignments", ASSIGNMENT_READERS),
            ("offplatform-reports", ASSIGNMENT_READERS),
            ("flags", FLAG_HOLDERS),
            ("clues", ("supervisor", "department_staff", "liaison", "community_cadre")),
            ("certificate-register", CERTIFICATE_REGISTER_READERS),
            ("plaques", PLAQUE_AREA_READERS),
        ]
    ),
]
ENDPOINTS += EXPORT_ENDPOINTS


def _client_for(world, role: str) -> APIClient:
    client = APIClient()
    user = user_for(world, role)
    if user is not None:
        # A browser session: it works for the pages and the API alike.
        client.force_login(user)
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.label)
def test_permission_table(world, endpoint: Endpoint, role: str):
    prepared = endpoint.prepare(world) if endpoint.prepare else None
    client = _client_for(world, role)
    path = endpoint.url(world, prepared)
    kwargs: dict[str, Any] = {}
    if endpoint.body is not None:
        body = endpoint.body(world, role, prepared)
        kwargs = {"data": body}
        if path.startswith("/api/"):
            kwargs["format"] = "json"
    response = getattr(client, endpoint.method)(path, **kwargs)
    expected = endpoint.expected(role)
    assert response.status_code == expected, (
        f"{endpoint.label} as {role}: got {response.status_code}, expected {expected}: "
        f"{response.content[:300]!r}"
    )
    if path.startswith("/api/v1/") and response.status_code >= 400:
        # Every refusal speaks the API's error format.
        assert {"detail", "code"} <= set(response.json())


# --- The table covers every route ---------------------------------------------------------


def _routes(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), f"{namespace}{pattern.name}", pattern.callback


def _methods(callback) -> set[str]:
    """The HTTP methods a view answers (besides HEAD and OPTIONS)."""
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    allowed = set(getattr(cls, "http_method_names", ["get", "post", "put", "patch", "delete"]))
    actions = getattr(callback, "actions", None)  # a DRF viewset route: method -> action
    if actions is not None:
        methods = {m for m in actions if m in allowed}
    elif cls is not None:
        methods = {m for m in allowed if hasattr(cls, m)}
    else:
        methods = {"get"}  # a function view; its row says which method matters
    return methods - {"head", "options"}


def _table_rows() -> set[tuple[str, str]]:
    return {(endpoint.name, endpoint.method) for endpoint in ENDPOINTS}


def test_every_api_route_has_a_row():
    rows = _table_rows()
    missing = sorted(
        (name, method)
        for route, name, callback in _routes(get_resolver().url_patterns)
        if route.startswith("api/v1/")
        for method in _methods(callback)
        if (name, method) not in rows
    )
    assert not missing, f"API routes without a row in ENDPOINTS: {missing}"


def test_every_row_names_a_route_that_exists():
    names = {name for _route, name, _callback in _routes(get_resolver().url_patterns)}
    stale = sorted({e.name for e in ENDPOINTS} - names)
    assert not stale, f"Rows for routes that no longer exist: {stale}"
