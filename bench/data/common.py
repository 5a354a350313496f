"""What the generator's parts share: the names it draws from, the rows it plans in Python
before COPYing them, and small helpers."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

Progress = Callable[[str], None]
NULL = "\\N"  # NULL in COPY's text format


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
