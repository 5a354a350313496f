"""What the certificates tests share: valid made-up ID numbers, types, and a request body."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from certificates import services
from certificates.identity import id_check_character
from certificates.models import CertificateType

Status = CertificateType.Status


def id_number(index: int = 0, region: str = "990102", birth: str = "19800101") -> str:
    """An 18-character ID number with a valid check character (99: no real province)."""
    first17 = f"{region}{birth}{index % 1000:03d}"
    return first17 + id_check_character(first17)


def national(name: str = "无犯罪记录证明") -> CertificateType:
    """A type of the national batch, loaded by the migration."""
    return CertificateType.objects.get(jurisdiction=None, name=name)


def retained_type(world, name: str = "居住证明", area=None, **fields: Any) -> CertificateType:
    """A retained type in the city's catalogue (made by a city reviewer, as in real life)."""
    from registry.models import Membership
    from tests.factories import UserFactory

    area = area or world.city
    reviewer = UserFactory(username=f"reviewer_{area.code}")
    Membership.objects.get_or_create(user=reviewer, organisation=area, role="reviewer")
    defaults = {
        "status": Status.RETAINED,
        "verification": "申请人在本社区实际居住的情况",
        "materials": "居民身份证；租房合同",
        "synonyms": ["住址证明"],
    }
    defaults.update(fields)
    return services.certificate_type_create(
        actor=reviewer, jurisdiction=area, name=name, **defaults
    )


def issue_body(community, certificate_type, **overrides: Any) -> dict:
    body = {
        "community": community.code,
        "certificate_type": certificate_type.pk,
        "applicant_name": "王秀英",
        "applicant_id_number": id_number(7),
        "purpose": "办理居住证",
        "requested_by": "示范市公安局东城分局",
    }
    body.update(overrides)
    return body


def issue(world, certificate_type, community=None, cadre=None, **overrides: Any):
    community = community or world.a.community
    cadre = cadre or world.a.cadre
    body = issue_body(community, certificate_type, **overrides)
    body.pop("community")
    body.pop("certificate_type")
    return services.certificate_issue(
        actor=cadre, community=community, certificate_type=certificate_type, **body
    )


def xlsx(rows: list[list[Any]], header: list[str] | None = None, name: str = "c.xlsx"):
    book = Workbook()
    sheet = book.active
    sheet.append(header or CATALOGUE_HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


CATALOGUE_HEADER = [
    "证明名称",
    "状态",
    "核实内容",
    "所需材料",
    "替代途径",
    "依据",
    "生效日期",
    "失效日期",
    "其他叫法",
]
