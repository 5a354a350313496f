"""Adding a retained type goes through admission review like a work item: a department
proposes, the registry's application endpoints carry it through review, and approval
creates the retained type."""

from __future__ import annotations

import datetime

from django.utils import timezone

from certificates import services
from certificates.models import CertificateType
from registry.models import AuditEntry, Notification
from tests.certificates.helpers import retained_type

PROPOSALS = "/api/v1/certificate-type-proposals/"
APPLICATIONS = "/api/v1/applications/"


def proposal_body(world, **overrides) -> dict:
    body = {
        "department": world.a.department.code,
        "name": "志愿服务证明",
        "legal_basis": "《志愿服务条例》第二十一条",
        "verification": "申请人在本社区参加志愿服务的时间和内容",
        "materials": "居民身份证",
        "synonyms": ["志愿者证明", "志愿服务时长证明"],
    }
    body.update(overrides)
    return body


def test_proposing_and_approving_through_the_application_endpoints_creates_the_type(world, api_as):
    created = api_as(world.a.department_staff).post(PROPOSALS, proposal_body(world), format="json")
    assert created.status_code == 201, created.json()
    proposal = created.json()
    assert proposal["state"] == "draft"
    assert proposal["certificate_type"] is None
    assert proposal["checks"]["blocking"] is False
    application_id = proposal["application"]
    assert proposal["application_url"].endswith(f"{APPLICATIONS}{application_id}/")

    steps = [
        (world.a.department_staff, "submit", {}),
        (world.a.reviewer, "start-review", {}),
        (world.a.reviewer, "approve", {"reason": "社区可直接核实，予以保留"}),
    ]
    for actor, action, body in steps:
        response = api_as(actor).post(
            f"{APPLICATIONS}{application_id}/{action}/", body, format="json"
        )
        assert response.status_code == 200, (action, response.json())
    assert response.json()["state"] == "approved"

    admitted = CertificateType.objects.get(name="志愿服务证明")
    today = timezone.localdate()
    assert admitted.status == CertificateType.Status.RETAINED
    assert admitted.jurisdiction == world.a.district
    assert admitted.verification == "申请人在本社区参加志愿服务的时间和内容"
    assert admitted.synonyms == ["志愿者证明", "志愿服务时长证明"]
    assert admitted.legal_basis == "《志愿服务条例》第二十一条"
    assert admitted.effective_from == today
    assert today < admitted.effective_until <= today + datetime.timedelta(days=3 * 366)
    assert admitted.application_id == application_id
    assert AuditEntry.objects.filter(action="certificate_type.admit").count() == 1
    assert Notification.objects.filter(
        recipient=world.a.department, kind="certificate_type.admitted"
    ).exists()

    after = api_as(world.a.department_staff).get(f"{PROPOSALS}{application_id}/").json()
    assert after["certificate_type"] == admitted.pk
    # The residents of the district can now find it.
    found = api_as(None).get("/api/v1/certificate-types/", {"q": "志愿者"}).json()
    assert [t["name"] for t in found["results"]] == ["志愿服务证明"]


def test_a_proposal_like_a_prohibited_type_is_blocked_at_submission(world, api_as):
    client = api_as(world.a.department_staff)
    proposal = client.post(
        PROPOSALS, proposal_body(world, name="开具无犯罪证明", synonyms=[]), format="json"
    ).json()
    matches = proposal["checks"]["negative_matches"]
    assert matches and matches[0]["title"] == "无犯罪记录证明"
    assert matches[0]["redirect"] == "公安机关出具"
    assert proposal["checks"]["blocking"] is True
    submitted = client.post(f"{APPLICATIONS}{proposal['application']}/submit/", format="json")
    assert submitted.status_code == 422
    assert submitted.json()["code"] == "negative_list_match"


def test_a_synonym_of_a_prohibited_type_is_a_negative_match_too(world, api_as):
    proposal = (
        api_as(world.a.department_staff)
        .post(
            PROPOSALS, proposal_body(world, name="政审材料证明", synonyms=["良民证"]), format="json"
        )
        .json()
    )
    assert [m["title"] for m in proposal["checks"]["negative_matches"]] == ["无犯罪记录证明"]


def test_checks_have_the_registrys_shape_and_show_similar_retained_types(world, api_as):
    retained_type(world, "志愿服务时间证明", area=world.city)
    proposal = (
        api_as(world.a.department_staff).post(PROPOSALS, proposal_body(world), format="json").json()
    )
    checks = proposal["checks"]
    assert set(checks) == {"similar_items", "negative_matches", "funding", "hearing", "blocking"}
    assert checks["funding"]["missing"] is False
    assert checks["hearing"] == {**checks["hearing"], "required": False, "reasons": []}
    assert [s["title"] for s in checks["similar_items"]] == ["志愿服务时间证明"]


def test_a_returned_proposal_is_edited_and_resubmitted(world, api_as):
    staff = api_as(world.a.department_staff)
    application_id = staff.post(PROPOSALS, proposal_body(world), format="json").json()[
        "application"
    ]
    staff.post(f"{APPLICATIONS}{application_id}/submit/", format="json")
    api_as(world.a.reviewer).post(f"{APPLICATIONS}{application_id}/start-review/", format="json")
    api_as(world.a.reviewer).post(
        f"{APPLICATIONS}{application_id}/return/", {"reason": "请写明核实方式"}, format="json"
    )
    staff = api_as(world.a.department_staff)
    changed = staff.patch(
        f"{PROPOSALS}{application_id}/",
        {"verification": "查阅志愿服务记录并走访核实", "name": "社区志愿服务证明"},
        format="json",
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["verification"] == "查阅志愿服务记录并走访核实"
    assert changed.json()["name"] == "社区志愿服务证明"
    assert staff.post(f"{APPLICATIONS}{application_id}/submit/").json()["state"] == "submitted"


def test_a_submitted_proposal_cannot_be_edited(world, api_as):
    staff = api_as(world.a.department_staff)
    application_id = staff.post(
        PROPOSALS, {**proposal_body(world), "submit": True}, format="json"
    ).json()["application"]
    response = staff.patch(f"{PROPOSALS}{application_id}/", {"materials": "户口簿"}, format="json")
    assert response.status_code == 409
    assert (
        api_as(world.a.department_staff).get(f"{PROPOSALS}{application_id}/").json()["materials"]
        == "居民身份证"
    )


def test_only_department_staff_propose_and_bad_input_is_named(world, api_as):
    for user in (world.a.cadre, world.a.reviewer, world.b.department_staff):
        assert api_as(user).post(PROPOSALS, proposal_body(world), format="json").status_code == 403
    staff = api_as(world.a.department_staff)
    missing = staff.post(PROPOSALS, proposal_body(world, verification=""), format="json")
    assert missing.status_code == 400 and "verification" in missing.json()["errors"]
    wrong = staff.post(PROPOSALS, proposal_body(world, synonyms="志愿者证明"), format="json")
    assert wrong.status_code == 400 and "synonyms" in wrong.json()["errors"]
    assert not world.a.department.applications.exists()


def test_proposals_are_read_like_applications(world, api_as):
    services.certificate_type_propose(
        actor=world.a.department_staff,
        department=world.a.department,
        name="志愿服务证明",
        legal_basis="《志愿服务条例》",
        verification="志愿服务记录",
    )
    for user, count in [
        (world.a.department_staff, 1),
        (world.a.reviewer, 1),
        (world.a.supervisor, 1),
        (world.b.reviewer, 0),
    ]:
        assert api_as(user).get(PROPOSALS).json()["count"] == count
    assert api_as(world.a.cadre).get(PROPOSALS).status_code == 403


def test_approval_is_refused_if_the_area_prohibited_the_name_meanwhile(world, api_as):
    staff = api_as(world.a.department_staff)
    application_id = staff.post(
        PROPOSALS, {**proposal_body(world), "submit": True}, format="json"
    ).json()["application"]
    api_as(world.a.reviewer).post(f"{APPLICATIONS}{application_id}/start-review/")
    retained_type(
        world,
        "志愿服务证明",
        area=world.city,
        status="prohibited",
        verification="",
        redirect="志愿服务信息系统自助打印",
    )
    response = api_as(world.a.reviewer).post(
        f"{APPLICATIONS}{application_id}/approve/", {"reason": "同意"}, format="json"
    )
    assert response.status_code == 422
    assert response.json()["code"] == "certificate_prohibited"
    assert not CertificateType.objects.filter(status="retained").exists()
