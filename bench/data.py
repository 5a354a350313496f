"""Fill PostgreSQL with a province: the organisation tree, departments, work items, two
years of dispatches and assignments, off-platform reports and certificate issuances.

The rows are built in Python from a seeded random generator (the same spec and seed give
the same province) and loaded with COPY; the big tables' secondary indexes and foreign
keys are dropped during the load and built again afterwards, then everything is ANALYZEd.
All of it is one transaction: a failed run leaves the database as it was.

This bypasses the services on purpose (a million audited inserts would take days): the
rows obey the same rules the services enforce (materialised paths, admission numbers and
their sequences, assignments copying their dispatch, the frequency rule per item), but
no audit entries, notifications or row history are written for the generated past.
"""

from __future__ import annotations

import bisect
import datetime
import hashlib
import itertools
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from bench import pgload
from monitoring.models import OffPlatformReport
from registry.models import (
    AdmissionSequence,
    Assignment,
    Dispatch,
    Frequency,
    ListKind,
    Membership,
    Organisation,
    Role,
    User,
    WorkItem,
)
from registry.services.dispatch import period_start
from registry.workdays import add_working_days, working_days_between

Progress = Callable[[str], None]
NULL = "\\N"  # NULL in COPY's text format

# The item the benchmark dispatches under (to 1,000 communities of the busiest city).
BENCH_ITEM_TITLE = "基准测试：居民信息月度核对"
# Every generated user has this password (the bench database is not a real one).
BENCH_PASSWORD = "bench-only-not-a-secret"
SUPERVISOR_USERNAME = "bench_supervisor"
REVIEWER_USERNAME = "bench_reviewer"
ADMIN_USERNAME = "bench_admin"


@dataclass(frozen=True)
class ProvinceSpec:
    cities: int = 14
    districts: int = 120
    streets: int = 1_200
    communities: int = 20_000
    departments: int = 1_500
    work_items: int = 5_000  # active ones; ~8% more expired or revoked come on top
    assignments: int = 2_000_000
    years: int = 2
    offplatform_reports: int = 200_000
    certificate_issuances: int = 500_000
    plaques_per_community: int = 10
    seed: int = 20_260_914
    province_code: str = "88"

    def __post_init__(self) -> None:
        if not (self.cities <= self.districts <= self.streets <= self.communities):
            raise ValueError("Need cities <= districts <= streets <= communities.")
        if self.districts > 99 * self.cities or self.streets > 999 * self.districts:
            raise ValueError("Too many districts per city or streets per district for codes.")
        if self.communities > 999 * self.streets:
            raise ValueError("Too many communities per street for 3-digit codes.")
        if self.departments < self.cities + 1 or self.work_items < 1:
            raise ValueError("Need at least one department per city, plus one, and one item.")


FULL = ProvinceSpec()
# The smoke test's province: every table gets rows, in a second or two.
TINY = ProvinceSpec(
    cities=2,
    districts=4,
    streets=8,
    communities=50,
    departments=10,
    work_items=20,
    assignments=2_000,
    offplatform_reports=200,
    certificate_issuances=500,
)


def _words(text: str) -> list[str]:
    return text.split()


CITY_NAMES = _words("江城 云川 石门 青山 临湖 丰泽 白沙 龙泉 安平 清河 南岭 东港 西陵 北塘")
DISTRICT_SUFFIXES = _words("城关区 新城区 河东区 河西区 高新区 南湖区 北山区 县")
BUREAUS = _words("""
    统计局 民政局 卫生健康委员会 应急管理局 残疾人联合会 公安局 人力资源和社会保障局
    住房和城乡建设局 市场监督管理局 生态环境局 农业农村局 教育局 退役军人事务局 医疗保障局
    司法局 文化和旅游局 城市管理局 消防救援支队 妇女联合会 共青团委员会 总工会 红十字会
    自然资源局 水利局 交通运输局 商务局 科技局 财政局 审计局 税务局
""")
TASK_TOPICS = _words("""
    居民信息核对 独居老人走访 消防安全排查 燃气安全检查 人口抽样调查 残疾人状况更新
    困难群众摸排 退役军人信息采集 出租房屋登记 防汛物资清点 垃圾分类督导 文明城市测评
    医保参保动员 疫苗接种摸底 就业失业登记 流动人口登记 食品安全宣传 反诈宣传入户
    空置房屋统计 小区安全隐患排查
""")
DATA_FIELDS = _words("""
    姓名 身份证号 联系电话 住址 户籍地 工作单位 健康状况 收入情况 家庭成员 房屋面积
    车辆信息 参保情况 就业状态 残疾等级 宗教信仰
""")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
INSTITUTIONS = _words("""
    某银行支行 某保险公司 某派出所 某学校 某医院 某公证处 某物业公司 某房产中介
    某用人单位 某街道办
""")
CERTIFICATE_NAMES = _words("""
    居住证明 亲属关系证明（社区知情） 生活困难情况说明 独居情况证明 实际居住情况证明
    未婚情况说明（社区知情） 家庭经济状况说明
""")


@dataclass(slots=True)
class Org:
    id: int
    code: str
    name: str
    kind: str
    level: str
    parent: Org | None
    path: str
    depth: int
    staff_count: int = 0
    households: int = 0
    population: int = 0
    is_monitoring_point: bool = False
    weight: float = 1.0  # communities: how much work reaches it; departments: how much it sends


@dataclass(slots=True)
class Item:
    id: int
    department: Org | None
    jurisdiction: Org
    list_kind: str
    title: str
    number: str | None
    frequency: str
    hours: Decimal
    households: int
    status: str
    valid_from: datetime.date
    valid_until: datetime.date
    scope: list[Org]
    data_fields: list[str] = field(default_factory=list)


@dataclass(slots=True)
class PlannedDispatch:
    id: int
    department: Org
    item: Item | None
    created_at: datetime.datetime
    due: datetime.date
    hours: Decimal
    households: int
    communities: list[int]


def _split(total: int, parts: int, rng: random.Random, spread: float = 0.6) -> list[int]:
    """``parts`` positive integers summing to ``total``, unevenly."""
    weights = [rng.uniform(1 - spread, 1 + spread) for _ in range(parts)]
    scale = (total - parts) / sum(weights)
    sizes = [1 + int(w * scale) for w in weights]
    for i in range(total - sum(sizes)):
        sizes[i % parts] += 1
    return sizes


def _aware(day: datetime.date, seconds: int) -> datetime.datetime:
    naive = datetime.datetime.combine(day, datetime.time.min) + datetime.timedelta(seconds=seconds)
    return timezone.make_aware(naive)


class _Province:
    def __init__(self, spec: ProvinceSpec, progress: Progress, today: datetime.date):
        self.spec = spec
        self.progress = progress
        self.today = today
        self.rng = random.Random(spec.seed)
        self.areas: list[Org] = []
        self.communities: list[Org] = []
        self.departments: list[Org] = []
        self.items: list[Item] = []
        self.under: dict[int, list[Org]] = {}  # area id -> communities under it
        self.staff_user: dict[int, int] = {}  # department id -> user id
        self.cadre_user: dict[int, int] = {}  # community id -> user id
        self.reviewer_id = 0
        self.counts: dict[str, int] = {}

    # --- the tree -------------------------------------------------------------------------

    def build_tree(self) -> None:
        spec, rng = self.spec, self.rng
        next_id = itertools.count(pgload.next_id(Organisation))
        code = spec.province_code
        province = Org(next(next_id), code, "示范省", "area", "province", None, f"/{code}/", 0)
        self.areas.append(province)
        districts_per_city = _split(spec.districts, spec.cities, rng, 0.3)
        streets_per_district = iter(_split(spec.streets, spec.districts, rng, 0.5))
        communities_per_street = iter(_split(spec.communities, spec.streets, rng, 0.7))
        for c, n_districts in enumerate(districts_per_city, start=1):
            city_name = (
                CITY_NAMES[(c - 1) % len(CITY_NAMES)]
                + ("" if c <= len(CITY_NAMES) else str(c))
                + "市"
            )
            city = self._child(province, next(next_id), f"{code}{c:02d}", city_name, "city")
            for d in range(1, n_districts + 1):
                suffix = DISTRICT_SUFFIXES[(d - 1) % len(DISTRICT_SUFFIXES)]
                name = f"{city_name[:-1]}{suffix}" + ("" if d <= len(DISTRICT_SUFFIXES) else str(d))
                district = self._child(city, next(next_id), f"{city.code}{d:02d}", name, "district")
                for s in range(1, next(streets_per_district) + 1):
                    kind = "镇" if suffix == "县" else "街道"
                    street = self._child(
                        district, next(next_id), f"{district.code}{s:03d}", f"第{s}{kind}", "street"
                    )
                    for m in range(1, next(communities_per_street) + 1):
                        self._community(street, next(next_id), m)
        self._departments(next_id)
        self.progress(
            f"tree: {len(self.areas)} areas, {len(self.communities)} communities, "
            f"{len(self.departments)} departments"
        )

    def _child(self, parent: Org, pk: int, code: str, name: str, level: str) -> Org:
        org = Org(pk, code, name, "area", level, parent, f"{parent.path}{code}/", parent.depth + 1)
        self.areas.append(org)
        return org

    def _community(self, street: Org, pk: int, number: int) -> None:
        rng = self.rng
        village = street.name.endswith("镇") or rng.random() < 0.2
        code = f"{street.code}{number:03d}"
        households = rng.randint(300, 6_000)
        roll = rng.random()
        # Most communities get an ordinary share of the work; a few get far more.
        weight = (
            rng.uniform(6, 12) if roll < 0.015 else rng.uniform(2, 4) if roll < 0.135 else 1.0
        ) * rng.uniform(0.6, 1.4)
        org = Org(
            pk,
            code,
            f"{street.name}{number}{'村' if village else '社区'}",
            "community",
            "village" if village else "community",
            street,
            f"{street.path}{code}/",
            street.depth + 1,
            staff_count=rng.randint(3, 12),
            households=households,
            population=int(households * rng.uniform(2.4, 3.2)),
            is_monitoring_point=rng.random() < 0.02,
            weight=weight,
        )
        self.communities.append(org)
        area = street
        while area is not None:
            self.under.setdefault(area.id, []).append(org)
            area = area.parent

    def _departments(self, next_id: Iterator[int]) -> None:
        spec, rng = self.spec, self.rng
        cities = [a for a in self.areas if a.level == "city"]
        districts = [a for a in self.areas if a.level == "district"]
        city_share = max(len(cities), round(spec.departments * 0.28))
        homes = [cities[i % len(cities)] for i in range(city_share)] + [
            districts[i % len(districts)] for i in range(spec.departments - city_share)
        ]
        seen: dict[int, int] = {}
        for area in homes:
            n = seen[area.id] = seen.get(area.id, 0) + 1
            bureau = BUREAUS[(n - 1) % len(BUREAUS)] + ("" if n <= len(BUREAUS) else str(n))
            code = f"D{area.code}-{n:03d}"
            self.departments.append(
                Org(
                    next(next_id),
                    code,
                    f"{area.name}{bureau}",
                    "department",
                    "department",
                    area,
                    f"{area.path}{code}/",
                    area.depth + 1,
                )
            )
        # How much each department dispatches: a long tail (Zipf-like). The first city's
        # first department is the busiest, and owns the benchmark's item.
        ranks = list(range(2, len(self.departments) + 1))
        rng.shuffle(ranks)
        for dept, rank in zip(self.departments[1:], ranks, strict=True):
            dept.weight = 1 / rank**0.6
        self.departments[0].weight = 1.0
        self.refusal_hot = set(
            rng.sample([d.id for d in self.departments], k=max(1, len(self.departments) // 50))
        )
        self.emergency_heavy = set(
            rng.sample([d.id for d in self.departments], k=max(1, len(self.departments) // 100))
        )

    def write_tree(self) -> None:
        fields = _words(
            "id code name kind level parent path depth staff_count households population "
            "is_monitoring_point is_active"
        )
        rows = (
            (
                o.id,
                o.code,
                o.name,
                o.kind,
                o.level,
                o.parent.id if o.parent else None,
                o.path,
                o.depth,
                o.staff_count,
                o.households,
                o.population,
                o.is_monitoring_point,
                True,
            )
            for o in itertools.chain(self.areas, self.communities, self.departments)
        )
        self.counts["organisations"] = pgload.copy_rows(Organisation, fields, rows)
        pgload.sync_sequence(Organisation)

    # --- people ---------------------------------------------------------------------------

    def write_users(self) -> None:
        """A staff user per department, a cadre per community, and a supervisor, reviewer
        and administrator for the province and its first city."""
        password = make_password(BENCH_PASSWORD)
        now = timezone.now()
        province = self.areas[0]
        first_city = next(a for a in self.areas if a.level == "city")
        plan: list[tuple[str, str, Org | None, str | None]] = [
            (ADMIN_USERNAME, "基准管理员", None, None),
            (SUPERVISOR_USERNAME, "省督查员", province, Role.SUPERVISOR),
            (REVIEWER_USERNAME, f"{first_city.name}审核员", first_city, Role.REVIEWER),
        ]
        plan += [
            (f"staff_{d.code}", f"{d.name}经办人", d, Role.DEPARTMENT_STAFF)
            for d in self.departments
        ]
        plan += [
            (f"cadre_{c.code}", f"{c.name}干部", c, Role.COMMUNITY_CADRE) for c in self.communities
        ]
        users = [
            User(
                username=username,
                display_name=name,
                password=password,
                date_joined=now,
                is_superuser=username == ADMIN_USERNAME,
                is_staff=username == ADMIN_USERNAME,
            )
            for username, name, _org, _role in plan
        ]
        User.objects.bulk_create(users, batch_size=5_000)
        memberships = []
        for user, (_username, _name, org, role) in zip(users, plan, strict=True):
            if org is None:
                continue
            memberships.append(Membership(user=user, organisation_id=org.id, role=role))
            if role == Role.DEPARTMENT_STAFF:
                self.staff_user[org.id] = user.pk
            elif role == Role.COMMUNITY_CADRE:
                self.cadre_user[org.id] = user.pk
            elif role == Role.REVIEWER:
                self.reviewer_id = user.pk
        Membership.objects.bulk_create(memberships, batch_size=5_000)
        self.counts["users"] = len(users)
        self.progress(f"users: {len(users)} with {len(memberships)} memberships")

    # --- work items -----------------------------------------------------------------------

    def build_items(self) -> None:
        spec, rng, today = self.spec, self.rng, self.today
        next_id = itertools.count(pgload.next_id(WorkItem))
        sequences: dict[tuple[int, int], int] = {}
        per_department = [1] * len(self.departments)
        extra = max(0, spec.work_items - len(self.departments) - 1)
        for i in rng.choices(
            range(len(self.departments)), weights=[d.weight**0.5 for d in self.departments], k=extra
        ):
            per_department[i] += 1
        plans: list[tuple[Org, str]] = []
        for dept, n in zip(self.departments, per_department, strict=True):
            plans += [(dept, "active")] * n
        plans = plans[: max(1, spec.work_items - 1)]
        plans += [
            (rng.choice(self.departments), rng.choice(["expired", "expired", "revoked"]))
            for _ in range(max(1, spec.work_items * 8 // 100))
        ]
        frequencies = [
            Frequency.ONCE,
            Frequency.WEEKLY,
            Frequency.MONTHLY,
            Frequency.QUARTERLY,
            Frequency.YEARLY,
        ]
        busy = self.departments[0]
        # The benchmark's own item: monthly, the busiest department, its whole city.
        plans.insert(0, (busy, "bench"))
        for dept, status in plans:
            area = dept.parent
            if status == "bench":
                valid_until = today + datetime.timedelta(days=700)
                valid_from = today - datetime.timedelta(days=400)
                frequency, hours, households, title = (
                    Frequency.MONTHLY,
                    Decimal("4"),
                    50,
                    BENCH_ITEM_TITLE,
                )
                scope = [area]
            else:
                if status == "active":
                    # ~3% end within 60 days (the "expiring admission" flag).
                    left = rng.randint(1, 60) if rng.random() < 0.03 else rng.randint(61, 1_095)
                    valid_until = today + datetime.timedelta(days=left)
                else:
                    valid_until = today - datetime.timedelta(days=rng.randint(1, 400))
                valid_from = valid_until - datetime.timedelta(days=1_095)
                frequency = rng.choices(frequencies, weights=[10, 5, 35, 30, 20])[0]
                hours = Decimal(rng.choice(["0.5", "1", "2", "3", "4", "6", "8"]))
                households = rng.choice([0, 0, 10, 20, 30, 50])
                title = f"{rng.choice(TASK_TOPICS)}（{dept.name}）"
                scope = self._scope_for(area)
            year = valid_from.year
            n = sequences[(area.id, year)] = sequences.get((area.id, year), 0) + 1
            self.items.append(
                Item(
                    next(next_id),
                    dept,
                    area,
                    rng.choice([ListKind.DUTY, ListKind.ASSIST]),
                    title,
                    f"{area.code}-{year}-{n:04d}",
                    frequency,
                    hours,
                    households,
                    {"bench": "active", "active": "active"}.get(status, status),
                    valid_from,
                    valid_until,
                    scope,
                    rng.sample(DATA_FIELDS, k=rng.randint(2, 5)),
                )
            )
        # The negative list (负面清单): two entries per city, no number, no department.
        for city in (a for a in self.areas if a.level == "city"):
            for topic in rng.sample(TASK_TOPICS, k=2):
                self.items.append(
                    Item(
                        next(next_id),
                        None,
                        city,
                        ListKind.NEGATIVE,
                        f"{topic}（不得摊派）",
                        None,
                        Frequency.ONCE,
                        Decimal("0"),
                        0,
                        "active",
                        today,
                        today,
                        [],
                    )
                )
        self.sequences = sequences
        self.progress(f"work items: {len(self.items)}")

    def _scope_for(self, area: Org) -> list[Org]:
        """Most items cover their whole jurisdiction; some only a few areas within it."""
        if self.rng.random() < 0.88:
            return [area]
        children = [a for a in self.areas if a.parent is area]
        return self.rng.sample(children, k=min(len(children), self.rng.randint(1, 3))) or [area]

    def write_items(self) -> None:
        fields = _words(
            "id admission_number jurisdiction list_kind title description department legal_basis "
            "valid_from valid_until status status_reason frequency hours_per_occurrence "
            "households_per_occurrence ledgers data_fields funding_per_community created_at "
            "updated_at"
        )
        now = timezone.now()
        from psycopg.types.json import Jsonb

        rows = (
            (
                i.id,
                i.number,
                i.jurisdiction.id,
                i.list_kind,
                i.title,
                "",
                i.department.id if i.department else None,
                "《城乡社区服务体系建设规划》",
                None if i.number is None else i.valid_from,
                None if i.number is None else i.valid_until,
                i.status,
                "撤销：不再需要" if i.status == "revoked" else "",
                i.frequency,
                i.hours,
                i.households,
                self.rng.randint(0, 3),
                Jsonb(i.data_fields),
                Decimal(self.rng.choice([0, 0, 500, 2_000])),
                now,
                now,
            )
            for i in self.items
        )
        self.counts["work_items"] = pgload.copy_rows(WorkItem, fields, rows)
        pgload.sync_sequence(WorkItem)
        scope_rows = ((i.id, org.id) for i in self.items for org in i.scope)
        pgload.copy_rows(WorkItem.scope.through, ["workitem", "organisation"], scope_rows)
        AdmissionSequence.objects.bulk_create(
            AdmissionSequence(jurisdiction_id=area_id, year=year, last_value=n)
            for (area_id, year), n in self.sequences.items()
        )

    # --- dispatches and assignments -------------------------------------------------------

    def plan_dispatches(self) -> list[PlannedDispatch]:
        """Dispatches over the last ``years`` until the assignments reach the target: items
        picked by their department's weight, at most once per period of their frequency."""
        spec, rng, today = self.spec, self.rng, self.today
        start = today - datetime.timedelta(days=365 * spec.years)
        by_department: dict[int, list[Item]] = {}
        for item in self.items:
            if item.department is not None and item.list_kind != ListKind.NEGATIVE:
                by_department.setdefault(item.department.id, []).append(item)
        senders = [d for d in self.departments if d.id in by_department]
        cum = list(itertools.accumulate(d.weight for d in senders))
        scope_cache: dict[int, list[Org]] = {}
        used: set[tuple[int, datetime.date | None]] = set()
        month_start = today.replace(day=1)
        next_id = itertools.count(pgload.next_id(Dispatch))
        planned: list[PlannedDispatch] = []
        total, misses = 0, 0
        while total < spec.assignments and misses < 50_000:
            dept = senders[bisect.bisect(cum, rng.random() * cum[-1])]
            emergency = rng.random() < (0.2 if dept.id in self.emergency_heavy else 0.025)
            item = None if emergency else rng.choice(by_department[dept.id])
            low = start if item is None else max(start, item.valid_from)
            high = today if item is None else min(today, item.valid_until)
            if low > high:
                misses += 1
                continue
            if rng.random() < 0.15:  # a busy last six weeks: the open tasks of today
                low = max(low, today - datetime.timedelta(days=45))
            day = low + datetime.timedelta(days=rng.randint(0, max(0, (high - low).days)))
            if item is not None:
                key = (item.id, period_start(item.frequency, day))
                if key in used or (item.title == BENCH_ITEM_TITLE and day >= month_start):
                    misses += 1
                    continue
                used.add(key)
            short = rng.random() < 0.05
            due = add_working_days(day, rng.randint(1, 4) if short else rng.randint(5, 25))
            if item is not None and due > item.valid_until:
                due = item.valid_until
            areas = [dept.parent] if item is None else item.scope
            pool_key = item.id if item else -dept.id
            pool = scope_cache.get(pool_key)
            if pool is None:
                pool = scope_cache[pool_key] = [c for a in areas for c in self.under.get(a.id, [])]
            size = len(pool)
            share = rng.uniform(0.05, 0.6) if size > 600 else rng.uniform(0.2, 1.0)
            chosen = [c.id for c in pool if rng.random() < share * c.weight]
            if not chosen:
                misses += 1
                continue
            chosen = chosen[: spec.assignments - total]
            total += len(chosen)
            hours = item.hours if item else Decimal(rng.choice(["1", "2", "4"]))
            planned.append(
                PlannedDispatch(
                    next(next_id),
                    dept,
                    item,
                    _aware(day, rng.randint(8 * 3600, 18 * 3600)),
                    due,
                    hours,
                    item.households if item else 0,
                    chosen,
                )
            )
        self.progress(f"planned {len(planned)} dispatches with {total} assignments")
        return planned

    def write_dispatches(self, planned: list[PlannedDispatch]) -> None:
        rng = self.rng
        fields = _words(
            "id department work_item created_by title instructions materials due_date "
            "hours_per_community households_per_community lead_working_days emergency "
            "justification ratified_at ratified_by ratification_note community_count created_at"
        )

        def rows():
            for p in planned:
                emergency = p.item is None
                ratified = emergency and rng.random() < 0.85
                day = timezone.localdate(p.created_at)
                title = p.item.title if p.item else "应急：" + rng.choice(TASK_TOPICS)
                yield (
                    p.id,
                    p.department.id,
                    p.item.id if p.item else None,
                    self.staff_user[p.department.id],
                    f"{title}（{day:%Y年%m月}）",
                    "请按附件要求完成并在系统中反馈。",
                    "核对表一份" if rng.random() < 0.5 else "",
                    p.due,
                    p.hours,
                    p.households,
                    working_days_between(day, p.due),
                    emergency,
                    "上级紧急部署，时限紧" if emergency else "",
                    p.created_at + datetime.timedelta(days=rng.randint(1, 6)) if ratified else None,
                    self.reviewer_id if ratified else None,
                    "情况属实" if ratified else "",
                    len(p.communities),
                    p.created_at,
                )

        self.counts["dispatches"] = pgload.copy_rows(Dispatch, fields, rows())
        pgload.sync_sequence(Dispatch)
        self.progress(f"dispatches: {self.counts['dispatches']}")

    def write_assignments(self, planned: list[PlannedDispatch]) -> None:
        """The biggest table, as pre-formatted COPY text (no value needs escaping)."""
        rng, today = self.rng, self.today
        fields = _words(
            "dispatch community department work_item emergency due_date hours state "
            "refusal_reason note responded_at created_at"
        )
        reasons = ["not_admitted", "outside_list", "unreasonable_deadline", "duplicate"]
        target = sum(len(p.communities) for p in planned)
        step = max(1, target // 10)

        def chunks() -> Iterator[str]:
            written, next_report, lines = 0, step, []
            for p in planned:
                refusal = 0.3 if p.department.id in self.refusal_hot else 0.04
                past = p.due < today
                answer_days = max(1, (p.due - p.created_at.date()).days)
                item = str(p.item.id) if p.item else NULL
                emergency = "t" if p.item is None else "f"
                head = f"{p.id}\t"
                tail = f"\t{p.department.id}\t{item}\t{emergency}\t{p.due.isoformat()}\t{p.hours}\t"
                created = p.created_at.isoformat()
                for community in p.communities:
                    x = rng.random()
                    if x < refusal:
                        state, reason = "refused", rng.choice(reasons)
                    elif past:
                        state, reason = ("pending" if x < refusal + 0.01 else "completed"), ""
                    else:
                        state = (
                            "completed"
                            if x < refusal + 0.05
                            else "accepted"
                            if x < 0.55
                            else "pending"
                        )
                        reason = ""
                    responded = (
                        NULL
                        if state == "pending"
                        else (
                            p.created_at
                            + datetime.timedelta(hours=rng.uniform(1, 24 * answer_days))
                        ).isoformat()
                    )
                    lines.append(
                        f"{head}{community}{tail}{state}\t{reason}\t\t{responded}\t{created}\n"
                    )
                written += len(p.communities)
                if len(lines) >= 20_000:
                    yield "".join(lines)
                    lines = []
                if written >= next_report:
                    self.progress(f"assignments: {written:,} of {target:,}")
                    next_report += step
            if lines:
                yield "".join(lines)

        pgload.copy_text(Assignment, fields, chunks())
        self.counts["assignments"] = target

    # --- monitoring and certificates ------------------------------------------------------

    def _department_pools(self) -> dict[int, tuple[list[Org], list[float]]]:
        """Per district: the departments of the district and of its city, cumulative weights."""
        by_area: dict[int, list[Org]] = {}
        for d in self.departments:
            by_area.setdefault(d.parent.id, []).append(d)
        pools = {}
        for district in (a for a in self.areas if a.level == "district"):
            depts = by_area.get(district.id, []) + by_area.get(district.parent.id, [])
            pools[district.id] = (depts, list(itertools.accumulate(d.weight**0.5 for d in depts)))
        return pools

    def write_offplatform(self) -> None:
        spec, rng, today = self.spec, self.rng, self.today
        if not spec.offplatform_reports:
            return
        pools = self._department_pools()
        cum = list(itertools.accumulate(c.weight for c in self.communities))
        channels = [c.value for c in OffPlatformReport.Channel]
        days = 365 * spec.years
        fields = _words(
            "community department title description channel received_on due_date hours "
            "reported_by created_at"
        )

        def rows():
            for _ in range(spec.offplatform_reports):
                community = self.communities[bisect.bisect(cum, rng.random() * cum[-1])]
                depts, dcum = pools[community.parent.parent.id]
                if not depts:
                    continue
                dept = depts[bisect.bisect(dcum, rng.random() * dcum[-1])]
                received = today - datetime.timedelta(days=int(days * rng.random() ** 1.3))
                yield (
                    community.id,
                    dept.id,
                    f"{rng.choice(TASK_TOPICS)}（微信群通知）",
                    "",
                    rng.choice(channels),
                    received,
                    received + datetime.timedelta(days=rng.randint(1, 10))
                    if rng.random() < 0.8
                    else None,
                    Decimal(rng.choice(["1", "2", "3", "5"])) if rng.random() < 0.7 else None,
                    self.cadre_user[community.id],
                    _aware(received, rng.randint(9 * 3600, 20 * 3600)),
                )

        self.counts["offplatform_reports"] = pgload.copy_rows(OffPlatformReport, fields, rows())
        self.progress(f"off-platform reports: {self.counts['offplatform_reports']}")

    def write_signage(self) -> None:
        """~10 signs per community (signage app): the named ones, some an active item backs,
        about a third beyond the standard, and a clean-up that took some down this year.
        Verdicts are written as the signage services would store them under the province's
        standard (named signs, backing by an active item; counts stay within the maxima)."""
        spec, rng, today = self.spec, self.rng, self.today
        if not spec.plaques_per_community or not apps.is_installed("signage"):
            return
        try:
            plaque = apps.get_model("signage", "Plaque")
            standard = apps.get_model("signage", "PlaqueStandard")
        except LookupError:
            self.progress("signage: no plaque model; skipped")
            return
        province = self.areas[0]
        named = ["中国共产党", "居民委员会", "村民委员会", "党群服务中心"]
        covering: dict[int, list[Item]] = {}
        for item in self.items:
            if item.number and item.status == "active":
                for area in item.scope:
                    covering.setdefault(area.id, []).append(item)
        year_start = datetime.date(today.year, 1, 1)
        fields = _words(
            "community issuer text kind placement location installed_on work_item status "
            "within_standard why removed_on removal_reason created_by created_at updated_at "
            "photo thumbnail removal_photo removal_thumbnail"
        )
        excess_texts = [
            ("新时代文明实践站", "organisation", "exterior"),
            ("平安建设示范点", "publicity", "exterior"),
            ("居民议事规则", "rules", "interior"),
            ("网格员工作职责", "rules", "interior"),
            ("禁毒宣传教育阵地", "publicity", "exterior"),
            ("妇女之家", "function_room", "interior"),
        ]
        backed_texts = ["统计调查工作站", "老年人日间照料中心", "退役军人服务站", "综治中心"]

        def rows():
            for community in self.communities:
                committee = "村民委员会" if community.level == "village" else "居民委员会"
                items = []
                area = community.parent
                while area is not None:
                    items.extend(covering.get(area.id, ()))
                    area = area.parent
                signs = [
                    (f"中国共产党{community.name}委员会", "organisation", "exterior", None, True),
                    (f"{community.name}{committee}", "organisation", "exterior", None, True),
                    (f"{community.name}党群服务中心", "organisation", "exterior", None, True),
                ]
                for text in rng.sample(backed_texts, k=min(len(items) and 3, 3)):
                    signs.append((text, "function_room", "interior", rng.choice(items), True))
                while len(signs) < spec.plaques_per_community:
                    text, kind, placement = rng.choice(excess_texts)
                    signs.append((text, kind, placement, None, False))
                cleaned = rng.random() < 0.25  # a quarter of communities ran the clean-up
                for text, kind, placement, item, within in signs:
                    installed = today - datetime.timedelta(days=rng.randint(400, 4_000))
                    removed = None
                    if not within and cleaned and rng.random() < 0.8:
                        removed = year_start + datetime.timedelta(
                            days=rng.randint(0, max(0, (today - year_start).days))
                        )
                    why = (
                        "" if within else ("kind_not_allowed" if kind == "rules" else "not_backed")
                    )
                    stamp = _aware(installed, 10 * 3600)
                    yield (
                        community.id,
                        None,
                        text,
                        kind,
                        placement,
                        "",
                        installed,
                        item.id if item else None,
                        "removed" if removed else "up",
                        within,
                        why,
                        removed,
                        "挂牌清理" if removed else "",
                        self.cadre_user[community.id],
                        stamp,
                        stamp,
                        "",
                        "",
                        "",
                        "",
                    )

        with transaction.atomic():  # a savepoint: a changed schema skips, not fails, the run
            try:
                standard.objects.create(
                    area_id=province.id,
                    named_signs=named,
                    max_exterior=4,
                    max_interior=6,
                    kinds_not_allowed=["rules"],
                    effective_from=today - datetime.timedelta(days=365),
                    created_by_id=self.reviewer_id,
                )
                with pgload.secondary_indexes_dropped([plaque], self.progress):
                    self.counts["plaques"] = pgload.copy_rows(plaque, fields, rows())
            except Exception as exc:  # another helper's schema may differ
                transaction.set_rollback(True)
                self.progress(f"signage: skipped ({type(exc).__name__}: {exc})")
                return
        self.progress(f"plaques: {self.counts['plaques']}")

    def write_certificates(self) -> None:
        """Issuance registers, if the certificates app is installed (and as its schema is)."""
        spec, rng, today = self.spec, self.rng, self.today
        if not spec.certificate_issuances or not apps.is_installed("certificates"):
            return
        try:
            issuance = apps.get_model("certificates", "CertificateIssuance")
            sequence = apps.get_model("certificates", "IssuanceSequence")
            ctype = apps.get_model("certificates", "CertificateType")
        except LookupError:
            self.progress("certificates: no issuance register model; skipped")
            return
        province = self.areas[0]
        self.progress(f"certificate issuances: generating {spec.certificate_issuances:,}")
        types = ctype.objects.bulk_create(
            ctype(
                name=name,
                status="retained",
                jurisdiction_id=province.id,
                verification="核对户籍与实际居住情况",
                materials="身份证、户口簿",
            )
            for name in CERTIFICATE_NAMES
        )
        cum = list(itertools.accumulate(c.weight for c in self.communities))
        serials: dict[tuple[int, int], int] = {}
        days = 365 * spec.years
        fields = _words(
            "applicant_name applicant_id_masked applicant_id_hash purpose requested_by community "
            "year serial certificate_type issued_by issued_on created_at"
        )
        picks = sorted(
            (
                today - datetime.timedelta(days=rng.randint(0, days)),
                self.communities[bisect.bisect(cum, rng.random() * cum[-1])].id,
            )
            for _ in range(spec.certificate_issuances)
        )

        def rows():
            for day, community_id in picks:
                n = serials[(community_id, day.year)] = serials.get((community_id, day.year), 0) + 1
                number = f"{rng.randrange(10**17):017d}X"
                yield (
                    rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                    f"{number[:3]}************{number[-3:]}",
                    hashlib.sha256(number.encode()).hexdigest(),
                    "办理业务",
                    rng.choice(INSTITUTIONS),
                    community_id,
                    day.year,
                    n,
                    rng.choice(types).pk,
                    self.cadre_user[community_id],
                    day,
                    _aware(day, rng.randint(9 * 3600, 17 * 3600)),
                )

        with transaction.atomic():  # a savepoint: a changed schema skips, not fails, the run
            try:
                with pgload.secondary_indexes_dropped([issuance], self.progress):
                    self.counts["certificate_issuances"] = pgload.copy_rows(
                        issuance, fields, rows()
                    )
                sequence.objects.bulk_create(
                    (
                        sequence(community_id=c, year=y, last_value=n)
                        for (c, y), n in serials.items()
                    ),
                    batch_size=5_000,
                )
            except Exception as exc:  # another helper's schema may differ
                transaction.set_rollback(True)
                self.progress(f"certificates: skipped ({type(exc).__name__}: {exc})")
                return
        self.progress(f"certificate issuances: {self.counts['certificate_issuances']}")


def province_exists(spec: ProvinceSpec) -> bool:
    return Organisation.objects.filter(code=spec.province_code).exists()


def generate(
    spec: ProvinceSpec = FULL, *, progress: Progress = print, today: datetime.date | None = None
) -> dict:
    """Build and load the province in one transaction; returns what was written."""
    if connection.vendor != "postgresql":
        raise RuntimeError("The benchmark data needs PostgreSQL (COPY); set DATABASE_URL.")
    started = time.monotonic()
    province = _Province(spec, progress, today or timezone.localdate())
    with transaction.atomic():
        if province_exists(spec):
            raise RuntimeError(f"Province {spec.province_code} is already in this database.")
        province.build_tree()
        province.write_tree()
        province.write_users()
        province.build_items()
        province.write_items()
        planned = province.plan_dispatches()
        big = [Dispatch, Assignment, OffPlatformReport]
        with pgload.secondary_indexes_dropped(big, progress):
            province.write_dispatches(planned)
            province.write_assignments(planned)
            province.write_offplatform()
        province.write_certificates()
        province.write_signage()
    # After the commit (VACUUM cannot run in a transaction): statistics for the planner and
    # the visibility map for index-only scans, as autovacuum leaves a live database.
    progress("vacuum analyze")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    seconds = round(time.monotonic() - started, 1)
    progress(f"done in {seconds} s")
    return {"spec": asdict(spec), "rows": province.counts, "seconds": seconds}
