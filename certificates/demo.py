"""Demo data for certificates: the city's retained types and a few register lines.

``seed_certificates(stdout)`` runs after registry/demo.py has made the demo city, its
users and organisations. It is idempotent: types are looked up by name, and the register
is seeded only while the demo community's register and refusals are empty, so a second run
writes nothing (no rows, no audit entries). Everything goes through the services, as the
reviewer and the cadre, exactly as on the pages. The national batch needs no seeding: the
migration loads it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from certificates import services
from certificates.identity import id_check_character
from certificates.models import CertificateIssuance, CertificateRefusal, CertificateType
from registry.demo import Step
from registry.models import Organisation, User

CITY_CODE = "990100"
COMMUNITY_CODE = "990102001001"  # 朝阳社区, where the demo cadre works
REVIEWER = "reviewer"
CADRE = "cadre"
DEMO_BASIS = "《示范市村（居）民委员会出具证明事项保留清单》（演示数据）"

RETAINED = [
    {
        "name": "居住证明",
        "verification": "申请人在本社区实际居住的情况（由网格员走访或邻里核实）。",
        "materials": "居民身份证；租房合同或房屋权属证明。",
        "synonyms": ["居住情况证明", "实际居住证明", "住址证明"],
    },
    {
        "name": "家庭经济困难情况证明",
        "verification": "申请人家庭人口、收入和实际生活状况（入户核实）。",
        "materials": "居民身份证、户口簿；家庭成员收入情况说明。",
        "synonyms": ["困难证明", "贫困证明", "经济困难证明"],
    },
    {
        "name": "志愿服务证明",
        "verification": "申请人在本社区参加志愿服务的时间和内容（以志愿服务记录为准）。",
        "materials": "居民身份证。",
        "synonyms": ["志愿者证明", "志愿服务时长证明"],
    },
]

# (type name, applicant, birth date, purpose, institution); IDs get a valid check character.
ISSUED = [
    ("居住证明", "王秀英", "19580312", "办理居住证", "示范市公安局东城分局朝阳派出所"),
    ("家庭经济困难情况证明", "李建国", "19720805", "申请子女助学金", "示范市第一中学"),
    ("志愿服务证明", "张丽", "19990117", "学校社会实践", "示范大学"),
    ("居住证明", "陈志强", "19850624", "子女入学", "东城区教育局"),
]
REFUSED = [
    ("无犯罪记录证明", "赵敏", "19930402", "入职", "示范人力资源服务有限公司"),
    ("婚姻状况证明", "刘洋", "19880915", "申请贷款", "示范市农商银行东城支行"),
    ("无犯罪记录证明", "孙伟", "19910228", "入职", "示范人力资源服务有限公司"),
]


def _id_number(birth: str, index: int) -> str:
    """A made-up number with a valid check character (99: no real province)."""
    first17 = f"990102{birth}{100 + index:03d}"
    return first17 + id_check_character(first17)


def _writer(stdout: Any) -> Callable[[str], None]:
    if callable(stdout):
        return stdout
    if stdout is not None and hasattr(stdout, "write"):
        return lambda message: stdout.write(message + "\n")
    return lambda message: None


def seed_certificates(stdout: Any = None) -> None:
    write = _writer(stdout)
    city = Organisation.objects.filter(code=CITY_CODE).first()
    community = Organisation.objects.filter(code=COMMUNITY_CODE).first()
    reviewer = User.objects.filter(username=REVIEWER).first()
    cadre = User.objects.filter(username=CADRE).first()
    if not (city and community and reviewer and cadre):
        write("certificates: the demo city and users are missing; nothing seeded")
        return

    created = 0
    types: dict[str, CertificateType] = {}
    for entry in RETAINED:
        found = CertificateType.objects.filter(jurisdiction=city, name=entry["name"]).first()
        if found is None:
            found = services.certificate_type_create(
                actor=reviewer,
                jurisdiction=city,
                status=CertificateType.Status.RETAINED,
                legal_basis=DEMO_BASIS,
                effective_from=timezone.localdate().replace(month=1, day=1),
                **entry,
            )
            created += 1
        types[found.name] = found
    types.update(
        {t.name: t for t in CertificateType.objects.filter(jurisdiction=None, status="prohibited")}
    )

    has_register = (
        CertificateIssuance.objects.filter(community=community).exists()
        or CertificateRefusal.objects.filter(community=community).exists()
    )
    issued = refused = 0
    if not has_register:
        for index, (name, applicant, birth, purpose, institution) in enumerate(ISSUED):
            services.certificate_issue(
                actor=cadre,
                community=community,
                certificate_type=types[name],
                applicant_name=applicant,
                applicant_id_number=_id_number(birth, index),
                purpose=purpose,
                requested_by=institution,
            )
            issued += 1
        for index, (name, applicant, birth, purpose, institution) in enumerate(REFUSED):
            try:
                services.certificate_issue(
                    actor=cadre,
                    community=community,
                    certificate_type=types[name],
                    applicant_name=applicant,
                    applicant_id_number=_id_number(birth, 50 + index),
                    purpose=purpose,
                    requested_by=institution,
                )
            except services.CertificateProhibited:
                refused += 1
    write(
        f"certificates: {created} retained types, {issued} issued and {refused} refused "
        f"requests added ({datetime.date.today().year})"
    )


# Found by registry.demo.seed() after registry's own steps (the hub imports no other app).
DEMO_STEPS = [Step("certificates", lambda ctx: seed_certificates(ctx.write))]
