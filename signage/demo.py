"""Demo data for plaques: the city's standard, 东城区's tighter one, a census of every
东城区 community's signs, and a clean-up campaign in 朝阳街道 that took most excess signs
down from three communities (with photos of the bare walls), while 朝阳社区, where the demo
cadre works, still has signs beyond the standard to deal with.

Idempotent: each part is skipped when it is already there (standards by area, the census
when 东城区 has signs, the campaign when its communities have removals), so a second run
writes nothing. Everything goes through the services, as the reviewers and cadres.
"""

from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook
from PIL import Image, ImageDraw

from registry import services as registry_services
from registry.demo import Step
from registry.demo.context import DEMO_PASSWORD, DemoContext, Login
from registry.models import Organisation, User, WorkItem
from signage import services
from signage.models import Plaque, PlaqueStandard

CITY_CODE = "990100"
DISTRICT_CODE = "990102"
STREET_CODE = "990102001"
CITY_REVIEWER = "reviewer"
DISTRICT_REVIEWER = "district_reviewer"
# The three communities the campaign cleared, and who keeps each one's registry.
CAMPAIGN = [
    ("990102001002", "cadre_huayuan", "陈红"),
    ("990102001003", "cadre_guangming", "王刚"),
    ("990102001004", "cadre_xinhua", "李梅"),
]
NAMED = ["中国共产党", "居民委员会", "村民委员会", "党群服务中心"]

# (text, kind, placement, installed year): {name} is the community's name.
SIGNS = [
    ("中国共产党{name}委员会", "机构牌", "室外", 2012),
    ("{name}居民委员会", "机构牌", "室外", 2012),
    ("{name}党群服务中心", "机构牌", "室外", 2018),
    ("{name}新时代文明实践站", "机构牌", "室外", 2019),
    ("平安建设示范社区", "宣传牌", "室外", 2017),
    ("禁毒宣传教育阵地", "宣传牌", "室外", 2020),
    ("统计调查工作站", "功能室门牌", "室内", 2020),
    ("老年人日间照料中心", "功能室门牌", "室内", 2016),
    ("妇女之家", "功能室门牌", "室内", 2015),
    ("综治中心", "功能室门牌", "室内", 2018),
    ("居民议事规则", "制度牌", "室内", 2014),
    ("网格员工作职责", "制度牌", "室内", 2019),
]
# Backed by the first active city item covering the district, if any.
BACKED_TEXT = "统计调查工作站"
REMOVAL_REASON = "挂牌清理：不在标准清单内，经街道审核摘除"


def _bare_wall_photo(name: str) -> SimpleUploadedFile:
    image = Image.new("RGB", (800, 600), (214, 208, 196))
    draw = ImageDraw.Draw(image)
    draw.rectangle((250, 200, 550, 320), outline=(190, 182, 170), width=6)  # where it hung
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return SimpleUploadedFile(f"{name}.jpg", buffer.getvalue(), content_type="image/jpeg")


def seed_standards(ctx: DemoContext) -> None:
    city = Organisation.objects.filter(code=CITY_CODE).first()
    district = Organisation.objects.filter(code=DISTRICT_CODE).first()
    reviewer = User.objects.filter(username=CITY_REVIEWER).first()
    district_reviewer = User.objects.filter(username=DISTRICT_REVIEWER).first()
    if not (city and district and reviewer and district_reviewer):
        ctx.write("signage: the demo city and reviewers are missing; nothing seeded")
        return
    start = datetime.date(timezone.localdate().year - 1, 1, 1)
    if PlaqueStandard.objects.filter(area=city).exists():
        ctx.existing += 1
    else:
        services.plaque_standard_create(
            actor=reviewer,
            area=city,
            named_signs=NAMED,
            max_exterior=4,
            max_interior=6,
            kinds_not_allowed=["rules"],
            effective_from=start,
        )
        ctx.created += 1
    if PlaqueStandard.objects.filter(area=district).exists():
        ctx.existing += 1
    else:
        # 东城区 tightens the city's: three exterior signs, and no publicity boards on walls.
        services.plaque_standard_create(
            actor=district_reviewer,
            area=district,
            named_signs=NAMED,
            max_exterior=3,
            max_interior=5,
            kinds_not_allowed=["rules", "publicity"],
            effective_from=start,
        )
        ctx.created += 1


def _census_workbook(communities: list[Organisation], backing: WorkItem | None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(
        ["社区编码", "社区名称", "牌匾名称", "类别", "位置", "悬挂位置", "挂牌日期", "准入编号"]
    )
    for index, community in enumerate(communities):
        for number, (text, kind, placement, year) in enumerate(SIGNS):
            if (index + number) % 5 == 4:  # not every community has every sign
                continue
            sheet.append(
                [
                    community.code,
                    community.name,
                    text.format(name=community.name),
                    kind,
                    placement,
                    "大门两侧" if placement == "室外" else "一楼走廊",
                    datetime.date(year, 1 + (index % 12), 1 + number),
                    backing.admission_number if backing and text == BACKED_TEXT else "",
                ]
            )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def seed_census(ctx: DemoContext) -> None:
    district = Organisation.objects.filter(code=DISTRICT_CODE).first()
    reviewer = User.objects.filter(username=DISTRICT_REVIEWER).first()
    if not (district and reviewer):
        return
    if Plaque.objects.filter(community__path__startswith=district.path).exists():
        ctx.existing += 1
        return
    communities = list(
        Organisation.objects.communities().filter(path__startswith=district.path).order_by("path")
    )
    backing = (
        WorkItem.objects.filter(
            status=WorkItem.Status.ACTIVE,
            scope__path__in=[district.path, district.parent.path],
        )
        .exclude(admission_number=None)
        .order_by("admission_number")
        .first()
    )
    created = services.plaques_census_import(
        actor=reviewer,
        area=district,
        upload=SimpleUploadedFile("census.xlsx", _census_workbook(communities, backing)),
    )
    ctx.created += len(created)


def _cadre(ctx: DemoContext, username: str, name: str, community: Organisation) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = registry_services.user_create(
            actor=ctx.actor,
            username=username,
            password=DEMO_PASSWORD,
            display_name=name,
            memberships=[(community, "community_cadre")],
        )
        ctx.created += 1
    ctx.logins.append(
        Login(
            username, DEMO_PASSWORD, "社区干部", community.name, user.check_password(DEMO_PASSWORD)
        )
    )
    return user


def seed_campaign(ctx: DemoContext) -> None:
    """朝阳街道's clean-up: three communities took down every excess sign but one."""
    today = timezone.localdate()
    for number, (code, username, name) in enumerate(CAMPAIGN):
        community = Organisation.objects.filter(code=code).first()
        if community is None or ctx.actor is None:
            continue
        cadre = _cadre(ctx, username, name, community)
        if Plaque.objects.filter(community=community, status=Plaque.Status.REMOVED).exists():
            ctx.existing += 1
            continue
        excess = list(
            Plaque.objects.filter(
                community=community, status=Plaque.Status.UP, within_standard=False
            ).order_by("installed_on", "id")
        )
        for index, sign in enumerate(excess[:-1] if number == 0 else excess):
            removed_on = max(sign.installed_on, today - datetime.timedelta(days=90 - 7 * index))
            services.plaque_remove(
                actor=cadre,
                plaque=sign,
                removed_on=min(removed_on, today),
                reason=REMOVAL_REASON,
                photo=_bare_wall_photo(f"wall-{sign.pk}") if index % 2 == 0 else None,
            )
            ctx.created += 1


DEMO_STEPS: list[Step] = [
    Step("plaque standards", seed_standards),
    Step("plaque census", seed_census),
    Step("plaque clean-up campaign", seed_campaign),
]
