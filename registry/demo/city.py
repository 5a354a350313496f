"""The demo city's tree (districts, streets, communities), departments, administrator and users."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from registry import audit_actions, services
from registry.audit import audit_record
from registry.demo.context import (
    ADMIN_USERNAME,
    CADRE_COMMUNITY,
    CITY,
    DEMO_PASSWORD,
    PROVINCE,
    DemoContext,
    Login,
    Step,
)
from registry.models import Organisation, Role, User

Level = Organisation.Level


# district code, name, then its streets / towns:
# (street code suffix, street name, [(community code suffix, community name), ...]).
# Suffixes 001-199 are 社区 (residents' committees), 200-399 are 村 (villagers' committees).
DISTRICTS: list[tuple[str, str, list[tuple[str, str, list[tuple[str, str]]]]]] = [
    (
        "990102",
        "东城区",
        [
            ("001", "朝阳街道", [
                ("001", "朝阳社区"), ("002", "花园社区"), ("003", "光明社区"),
                ("004", "新华社区"), ("005", "育才社区"), ("006", "和平社区"),
            ]),
            ("002", "东门街道", [
                ("001", "东门社区"), ("002", "迎春社区"), ("003", "丰收社区"),
                ("004", "翠竹社区"), ("005", "金桥社区"),
            ]),
            ("003", "文化路街道", [
                ("001", "文化路社区"), ("002", "书香社区"), ("003", "青年路社区"),
                ("004", "博物馆社区"), ("005", "梧桐社区"),
            ]),
            ("004", "建设街道", [
                ("001", "建设社区"), ("002", "工人新村社区"), ("003", "机械厂社区"),
                ("004", "纺织社区"), ("005", "铁路社区"), ("006", "安居社区"),
            ]),
        ],
    ),
    (
        "990103",
        "西湖区",
        [
            ("001", "湖滨街道", [
                ("001", "湖滨社区"), ("002", "柳岸社区"), ("003", "荷花社区"),
                ("004", "渔港社区"), ("005", "望湖社区"), ("006", "白鹭社区"),
            ]),
            ("002", "北山街道", [
                ("001", "北山社区"), ("002", "松林社区"), ("003", "石泉社区"),
                ("004", "枫叶社区"), ("005", "云栖社区"),
            ]),
            ("003", "西溪街道", [
                ("001", "西溪社区"), ("002", "湿地社区"), ("003", "芦苇社区"),
                ("004", "桂花社区"), ("005", "翠苑社区"),
            ]),
            ("004", "新城街道", [
                ("001", "新城社区"), ("002", "科创社区"), ("003", "星光社区"),
                ("004", "锦绣社区"), ("005", "未来社区"), ("006", "滨江社区"),
            ]),
        ],
    ),
    (
        "990122",
        "青山县",
        [
            ("100", "城关镇", [
                ("001", "县前社区"), ("002", "南门社区"), ("200", "东关村"),
                ("201", "西关村"), ("202", "桥头村"), ("203", "柳庄村"),
            ]),
            ("101", "青山镇", [
                ("001", "青山社区"), ("200", "上坪村"), ("201", "下坪村"),
                ("202", "黄土岭村"), ("203", "石门村"), ("204", "杨家湾村"),
            ]),
            ("102", "龙潭镇", [
                ("200", "龙潭村"), ("201", "马鞍山村"), ("202", "李家庄村"),
                ("203", "竹林村"), ("204", "白沙村"),
            ]),
            ("200", "白云乡", [
                ("200", "白云村"), ("201", "高山村"), ("202", "茶园村"), ("203", "大坪村"),
            ]),
            ("201", "梅岭乡", [
                ("200", "梅岭村"), ("201", "桃源村"), ("202", "溪口村"), ("203", "岩头村"),
            ]),
        ],
    ),
]  # fmt: skip


# 基层减负监测点: a handful of communities and villages across the three districts.
MONITORING_POINTS = frozenset(
    {
        "990102001001",  # 朝阳社区
        "990102004002",  # 工人新村社区
        "990103001003",  # 荷花社区
        "990103004005",  # 未来社区
        "990122100001",  # 县前社区
        "990122101201",  # 下坪村
        "990122200200",  # 白云村
    }
)


# 市直部门: (code suffix, name). Codes are "<area code>-<suffix>", stable across runs.
CITY_DEPARTMENTS = [
    ("MZ", "市民政局"),
    ("TJ", "市统计局"),
    ("CL", "市残联"),
    ("WJ", "市卫生健康委"),
    ("RS", "市人力资源和社会保障局"),
    ("ZJ", "市住房和城乡建设局"),
    ("YJ", "市应急管理局"),
    ("SJ", "市市场监督管理局"),
    ("TY", "市退役军人事务局"),
    ("YB", "市医保局"),
    ("GA", "市公安局"),
    ("JY", "市教育局"),
    ("SF", "市司法局"),
    ("CG", "市城市管理局"),
]


# 区直部门 in every district and the county: (code suffix, name after the area's name).
DISTRICT_DEPARTMENTS = [
    ("MZ", "民政局"),
    ("TJ", "统计局"),
    ("CL", "残联"),
    ("WJ", "卫生健康局"),
    ("RS", "人力资源和社会保障局"),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    role: Role
    organisation_code: str
    # Shown in the login table; fixed text so the table (and README.md) never depends on
    # the active language.
    role_label: str
    who: str


DEMO_USERS = [
    DemoUser(
        username="dept",
        display_name="李娜",
        role=Role.DEPARTMENT_STAFF,
        organisation_code="990100-TJ",
        role_label="部门经办人 Department staff",
        who="市统计局",
    ),
    DemoUser(
        username="reviewer",
        display_name="张伟",
        role=Role.REVIEWER,
        organisation_code=CITY[0],
        role_label="准入审核人 Reviewer",
        who="示范市 (市减负办)",
    ),
    DemoUser(
        username="district_reviewer",
        display_name="陈静",
        role=Role.REVIEWER,
        organisation_code="990102",
        role_label="准入审核人 Reviewer",
        who="东城区 (区减负办)",
    ),
    DemoUser(
        username="cadre",
        display_name="刘芳",
        role=Role.COMMUNITY_CADRE,
        organisation_code=CADRE_COMMUNITY,
        role_label="社区干部 Community cadre",
        who="东城区朝阳街道朝阳社区",
    ),
    DemoUser(
        username="liaison",
        display_name="赵磊",
        role=Role.LIAISON,
        organisation_code=CADRE_COMMUNITY,
        role_label="监测点联络员 Liaison",
        who="朝阳社区 (监测点)",
    ),
    DemoUser(
        username="supervisor",
        display_name="周强",
        role=Role.SUPERVISOR,
        organisation_code=CITY[0],
        role_label="督查人员 Supervisor",
        who="示范市 (市督查办)",
    ),
    DemoUser(
        username="district_admin",
        display_name="孙丽",
        role=Role.AREA_ADMINISTRATOR,
        organisation_code="990102",
        role_label="区域管理员 Area administrator",
        who="东城区 (区民政局，本区账号)",
    ),
]


def _community_figures(code: str, is_village: bool) -> dict[str, int]:
    """Staff, households and population, the same on every run (seeded by the code)."""
    rng = random.Random(int(code))
    if code == CADRE_COMMUNITY:
        # The demo cadre's committee is a small one (five cadres): this month's ordinary
        # tasks and one short emergency are enough to overload it, as the flags show.
        households = rng.randint(800, 5000)
        return {
            "staff_count": 5,
            "households": households,
            "population": round(households * rng.uniform(2.45, 2.75)),
        }
    if is_village:
        staff, households = rng.randint(3, 7), rng.randint(200, 900)
    else:
        staff, households = rng.randint(5, 15), rng.randint(800, 5000)
    return {
        "staff_count": staff,
        "households": households,
        "population": round(households * rng.uniform(2.45, 2.75)),
    }


def seed_admin(ctx: DemoContext) -> None:
    """The administrator every other step acts as. Bootstrapped directly: no one can create
    the first administrator through a service, so it is audited as done by the system."""
    admin = User.objects.filter(username=ADMIN_USERNAME).first()
    if admin is None:
        with transaction.atomic():
            admin = User.objects.create_superuser(
                username=ADMIN_USERNAME, password=DEMO_PASSWORD, display_name="系统管理员"
            )
            audit_record(
                actor=None,
                action=audit_actions.USER_CREATE,
                obj=admin,
                after={"username": ADMIN_USERNAME, "is_superuser": True, "source": "seed_demo"},
            )
        ctx.created += 1
    else:
        if not (admin.is_active and admin.is_superuser):
            raise RuntimeError(
                f"A user named {ADMIN_USERNAME!r} exists but is not an active superuser; "
                "the demo needs it to create everything else."
            )
        ctx.existing += 1
    ctx.actor = admin
    ctx.logins.append(
        Login(
            ADMIN_USERNAME,
            DEMO_PASSWORD,
            "系统管理员 Administrator",
            "/" + settings.ADMIN_URL,
            admin.check_password(DEMO_PASSWORD),
        )
    )


def seed_areas(ctx: DemoContext) -> None:
    """Province > city > districts and the county > streets and towns > communities, villages."""
    province_code, province_name = PROVINCE
    city_code, city_name = CITY
    ctx.ensure_organisation(
        code=province_code, name=province_name, kind="area", parent_code=None, level=Level.PROVINCE
    )
    ctx.ensure_organisation(
        code=city_code, name=city_name, kind="area", parent_code=province_code, level=Level.CITY
    )
    for district_code, district_name, streets in DISTRICTS:
        ctx.ensure_organisation(
            code=district_code,
            name=district_name,
            kind="area",
            parent_code=city_code,
            level=Level.DISTRICT,
        )
        for street_suffix, street_name, communities in streets:
            street_code = district_code + street_suffix
            ctx.ensure_organisation(
                code=street_code,
                name=street_name,
                kind="area",
                parent_code=district_code,
                level=Level.STREET,
            )
            for community_suffix, community_name in communities:
                code = street_code + community_suffix
                is_village = community_name.endswith("村")
                ctx.ensure_organisation(
                    code=code,
                    name=community_name,
                    kind="community",
                    parent_code=street_code,
                    level=Level.VILLAGE if is_village else Level.COMMUNITY,
                    is_monitoring_point=code in MONITORING_POINTS,
                    **_community_figures(code, is_village),
                )


def seed_departments(ctx: DemoContext) -> None:
    """市直部门 under the city, 区直部门 under each district and the county."""
    city_code = CITY[0]
    for suffix, name in CITY_DEPARTMENTS:
        ctx.ensure_organisation(
            code=f"{city_code}-{suffix}",
            name=name,
            kind="department",
            parent_code=city_code,
            level=Level.DEPARTMENT,
        )
    for district_code, district_name, _streets in DISTRICTS:
        for suffix, name in DISTRICT_DEPARTMENTS:
            ctx.ensure_organisation(
                code=f"{district_code}-{suffix}",
                name=f"{district_name}{name}",
                kind="department",
                parent_code=district_code,
                level=Level.DEPARTMENT,
            )


def seed_users(ctx: DemoContext) -> None:
    """One login per role, each with the membership that gives it its workbench."""
    for demo in DEMO_USERS:
        organisation = ctx.organisation(demo.organisation_code)
        user = User.objects.filter(username=demo.username).first()
        if user is None:
            user = services.user_create(
                actor=ctx.actor,
                username=demo.username,
                password=DEMO_PASSWORD,
                display_name=demo.display_name,
                memberships=[(organisation, demo.role)],
            )
            ctx.created += 1
            unchanged = True
        else:
            # Returns the existing membership untouched (and unaudited) when it is there.
            services.membership_grant(
                actor=ctx.actor, user=user, organisation=organisation, role=demo.role
            )
            ctx.existing += 1
            unchanged = user.check_password(DEMO_PASSWORD)
        ctx.logins.append(Login(demo.username, DEMO_PASSWORD, demo.role_label, demo.who, unchanged))


STEPS: list[Step] = [
    Step("admin", seed_admin),
    Step("areas", seed_areas),
    Step("departments", seed_departments),
    Step("users", seed_users),
]
