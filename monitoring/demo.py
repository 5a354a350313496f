"""The demo city's monitoring: demands reported off the platform, monitoring points with
their designation periods, a few months of monthly reports (the latest past-due one left
unsubmitted, so it is late), clues in several states with one notice past its deadline, and
the flags computed over everything the other apps' demo steps created (so it runs last)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from monitoring import deadlines, services
from monitoring.flags_monitoring import late_period
from monitoring.models import (
    Clue,
    Flag,
    MonitoringPoint,
    MonitoringReport,
    OffPlatformReport,
    RectificationNotice,
)
from registry import workdays
from registry.demo import CADRE_COMMUNITY, CITY, DemoContext, Step
from registry.models import Organisation, User

CITY_CODE = CITY[0]


def _user(username: str) -> User:
    return User.objects.get(username=username)


OFFPLATFORM = [
    ("微信群通知三天内上报辖区空置房屋", "wechat", "ZJ", 6),
    ("电话要求统计辖区商户经营情况", "phone", "TJ", 4),
    ("微信群要求填报居民消费意向问卷", "wechat", "TJ", 5),
    ("纸质通知报送人口变动情况表", "paper", "TJ", 3),
    ("会议布置协助开展统计执法检查", "meeting", "TJ", 8),
    ("微信群催报小区住户名单", "wechat", "TJ", 2),
    ("电话要求开具经营场所证明", "phone", "SJ", 1),
    ("微信群要求组织居民观看直播并截图", "wechat", "WJ", 2),
]


def seed_offplatform(ctx: DemoContext) -> None:
    """Demands that reached 朝阳社区 off the platform, reported by its cadre and liaison."""
    community = ctx.organisation(CADRE_COMMUNITY)
    if OffPlatformReport.objects.filter(community=community).exists():
        ctx.existing += OffPlatformReport.objects.filter(community=community).count()
        return
    today = timezone.localdate()
    reporters = [_user("cadre"), _user("liaison")]
    for index, (title, channel, dept, hours) in enumerate(OFFPLATFORM):
        services.offplatform_report_create(
            actor=reporters[index % 2],
            community=community,
            department=ctx.organisation(f"{CITY_CODE}-{dept}"),
            title=title,
            channel=channel,
            received_on=today - datetime.timedelta(days=2 + index * 3),
            due_date=today - datetime.timedelta(days=index * 3),
            hours=Decimal(hours),
        )
        ctx.created += 1


def seed_flags(ctx: DemoContext) -> None:
    """Run the flag job once, as beat would within the hour (once: a rerun changes nothing)."""
    if Flag.objects.exists():
        ctx.existing += Flag.objects.exclude(status=Flag.Status.RESOLVED).count()
        return
    summary = services.flags_compute()
    ctx.created += sum(summary.raised.values())
    ctx.existing += sum(summary.still_open.values())


def seed_points(ctx: DemoContext) -> None:
    """Designations by the district's reviewer: 朝阳社区 since 2025, one rotated out, one new."""
    if MonitoringPoint.objects.exists():
        ctx.existing += MonitoringPoint.objects.count()
        return
    reviewer = _user("district_reviewer")
    chaoyang = ctx.organisation(CADRE_COMMUNITY)
    neighbours = list(
        Organisation.objects.filter(parent=chaoyang.parent, kind=Organisation.Kind.COMMUNITY)
        .exclude(pk=chaoyang.pk)
        .order_by("code")[:2]
    )
    services.monitoring_point_designate(
        actor=reviewer, community=chaoyang, designated_from=datetime.date(2025, 1, 1)
    )
    ctx.created += 1
    if len(neighbours) == 2:
        services.monitoring_point_designate(
            actor=reviewer,
            community=neighbours[0],
            designated_from=datetime.date(2025, 1, 1),
            designated_until=datetime.date(2025, 12, 31),
        )
        services.monitoring_point_designate(
            actor=reviewer, community=neighbours[1], designated_from=datetime.date(2026, 1, 1)
        )
        ctx.created += 2


def _months_back(period: datetime.date, count: int) -> list[datetime.date]:
    months = [period]
    for _ in range(count - 1):
        months.insert(0, deadlines.month_start(months[0] - datetime.timedelta(days=1)))
    return months


def seed_reports(ctx: DemoContext) -> None:
    """The liaison's reports of the three months up to the latest past-due one: the first two
    submitted (with a demand added by hand), the latest left a draft, so it shows as late."""
    community = ctx.organisation(CADRE_COMMUNITY)
    if MonitoringReport.objects.filter(community=community).exists():
        ctx.existing += MonitoringReport.objects.filter(community=community).count()
        return
    liaison = _user("liaison")
    today = timezone.localdate()
    months = _months_back(late_period(today), 3)
    for index, period in enumerate(months):
        report = services.monitoring_report_open(actor=liaison, community=community, period=period)
        services.report_entry_add(
            actor=liaison,
            report=report,
            department=ctx.organisation(f"{CITY_CODE}-TJ"),
            title="微信群要求逐户核对流动人口信息",
            channel="wechat",
            demanded_on=period + datetime.timedelta(days=4 + index),
            hours=Decimal(6 + index * 2),
            households=120 + index * 40,
            cadres_involved=3,
        )
        ctx.created += 1
        if period != months[-1]:
            services.monitoring_report_submit(actor=liaison, report=report)


CLUES = [
    # summary, department, steps after raising
    ("微信群要求组织居民观看直播并截图", "WJ", ()),
    ("要求社区开具经营场所证明", "SJ", ("analyse",)),
    ("电话要求统计辖区商户经营情况", "TJ", ("analyse", "dismiss")),
    ("微信群要求逐户核对流动人口信息", "TJ", ("analyse", "verify", "send-notice")),
    ("纸质通知报送人口变动情况表", "TJ", ("analyse", "verify", "send-notice", "respond")),
    (
        "会议布置协助开展统计执法检查",
        "TJ",
        ("analyse", "verify", "send-notice", "respond", "close"),
    ),
]


def seed_clues(ctx: DemoContext) -> None:
    """Clues in every stage; the one from the report entry has a notice past its deadline."""
    if Clue.objects.exists():
        ctx.existing += Clue.objects.count()
        return
    liaison, supervisor, dept = _user("liaison"), _user("supervisor"), _user("dept")
    community = ctx.organisation(CADRE_COMMUNITY)
    today = timezone.localdate()
    entry = (
        MonitoringReport.objects.filter(community=community, state="submitted")
        .order_by("period")
        .first()
    )
    entry = entry.entries.filter(source="manual").first() if entry else None
    data = {
        "analyse": {"note": "多个社区反映同类情况，线索属实。"},
        "dismiss": {"reason": "已通过平台准入，不属于违规派单。"},
        "verify": {"visited_on": today, "findings": "实地走访确认：未经准入，通过微信群派发。"},
        "send-notice": {
            "requirements": "停止通过微信群向社区派发工作，确需社区协助的事项依规申请准入。"
        },
        "respond": {"measures": "已停止微信群派单，相关事项改为部门自行入户核实。"},
        "close": {"checked_on": today, "reason": "回访社区，确认整改到位。"},
    }
    for summary, dept_code, steps in CLUES:
        from_entry = entry is not None and summary == entry.title
        clue = services.clue_raise(
            actor=supervisor if from_entry else liaison,
            department=ctx.organisation(f"{CITY_CODE}-{dept_code}"),
            community=community,
            summary=summary,
            details="" if from_entry else "社区联络员反映，未见准入记录。",
            report_entry=entry if from_entry else None,
        )
        for step in steps:
            actor = dept if step == "respond" else supervisor
            services.clue_act(actor=actor, clue=clue, action=step, data=data[step])
        ctx.created += 1
        if from_entry:
            _put_notice_past_its_deadline(clue, today)


def _put_notice_past_its_deadline(clue: Clue, today: datetime.date) -> None:
    """Demo history: the notice was sent eleven working days ago, so its ten working days
    have run out. Only the dates move; the notice itself was sent through the service."""
    sent_on, back = today, 11
    while back:
        sent_on -= datetime.timedelta(days=1)
        back -= workdays.is_working_day(sent_on)
    RectificationNotice.objects.filter(clue=clue).update(
        sent_on=sent_on, due_date=deadlines.notice_due_date(sent_on, 10)
    )


def seed_escalation(ctx: DemoContext) -> None:
    """Run the 07:00 job once, after the flags (the flag step runs only on an empty table):
    the overdue notice turns yellow and its department is told; a rerun tells no one again."""
    summary = services.monitoring_escalate(today=timezone.localdate())
    ctx.created += sum(summary.notified.values())


# --- Reverse evaluation (反向评价) -----------------------------------------------------------
EVALUATION_DISTRICT = "990102"  # 东城区
# The cadres of 东城区 who answer (朝阳社区's is the demo's own cadre): seven communities
# answer the closed round (above the minimum of 5), two the open one (below it, so its
# departments are listed without scores). (community code, username, name)
EVALUATION_CADRES = [
    ("990102001005", "cadre_yucai", "赵敏"),
    ("990102001006", "cadre_heping", "孙磊"),
    ("990102002001", "cadre_dongmen", "周静"),
    ("990102002002", "cadre_yingchun", "吴涛"),
    ("990102003001", "cadre_wenhualu", "郑丽"),
    ("990102004001", "cadre_jianshe", "冯军"),
]
CLOSED_ROUND_COMMUNITIES = [CADRE_COMMUNITY, *(code for code, _u, _n in EVALUATION_CADRES)]
OPEN_ROUND_COMMUNITIES = CLOSED_ROUND_COMMUNITIES[:2]
EVALUATION_COMMENTS = [
    "会议通知太临时，经常当天通知当天开",
    "同一组数据每月要报三次",
    "吹哨后第二天就来了，解决得很好",
    "",
]


def _evaluation_cadre(ctx: DemoContext, community: Organisation) -> User:
    """The community's cadre: the demo's own at 朝阳社区, one of EVALUATION_CADRES elsewhere."""
    from registry.demo import DEMO_PASSWORD
    from registry.services import user_create

    if community.code == CADRE_COMMUNITY:
        return _user("cadre")
    username, name = next((u, n) for code, u, n in EVALUATION_CADRES if code == community.code)
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing
    return user_create(
        actor=ctx.actor,
        username=username,
        password=DEMO_PASSWORD,
        display_name=name,
        memberships=[(community, "community_cadre")],
    )


def _answer_round(ctx: DemoContext, evaluation_round, codes: list[str], seed: int) -> None:
    import random

    from monitoring.models import Dimension
    from monitoring.selectors.evaluation import addable_departments

    departments = list(addable_departments(evaluation_round)[:4])
    for index, code in enumerate(codes):
        community = ctx.organisation(code)
        rng = random.Random(seed * 1000 + index)
        ratings = []
        for rank, department in enumerate(departments):
            comment = EVALUATION_COMMENTS[(index + rank) % len(EVALUATION_COMMENTS)]
            for dimension, _label in Dimension.choices:
                # Departments further down the list were harder on the communities.
                score = max(1, min(5, 5 - rank + rng.choice([-1, 0, 0, 1])))
                ratings.append(
                    {
                        "department": department,
                        "dimension": dimension,
                        "score": score,
                        "comment": comment if index % 3 == 0 else "",
                    }
                )
        services.evaluation_response_submit(
            actor=_evaluation_cadre(ctx, community),
            round=evaluation_round,
            community=community,
            ratings=ratings,
        )


def seed_evaluation(ctx: DemoContext) -> None:
    """Two rounds of 东城区: last quarter's, answered by seven communities and closed (its
    results are ranked), and this month's, open, answered by two (below the minimum)."""
    from monitoring.models import EvaluationRound

    district = ctx.organisation(EVALUATION_DISTRICT)
    existing = EvaluationRound.objects.filter(area=district)
    if existing.exists():
        ctx.existing += existing.count()
        return
    today = timezone.localdate()
    supervisor = _user("supervisor")
    closed = services.evaluation_round_open(
        actor=supervisor,
        area=district,
        title="东城区部门反向评价（上一季度）",
        period_from=today - datetime.timedelta(days=90),
        period_until=today,
        opens_on=today - datetime.timedelta(days=10),
        closes_on=today,
    )
    _answer_round(ctx, closed, CLOSED_ROUND_COMMUNITIES, seed=1)
    services.evaluation_round_close(actor=supervisor, round=closed)
    current = services.evaluation_round_open(
        actor=supervisor,
        area=district,
        title="东城区部门反向评价（本月）",
        period_from=today - datetime.timedelta(days=30),
        period_until=today,
        opens_on=today,
        closes_on=today + datetime.timedelta(days=14),
    )
    _answer_round(ctx, current, OPEN_ROUND_COMMUNITIES, seed=2)
    ctx.created += 2


DEMO_STEPS = [
    Step("off-platform reports", seed_offplatform),
    Step("monitoring points", seed_points),
    Step("monthly reports", seed_reports),
    Step("clues and notices", seed_clues),
    Step("reverse evaluation", seed_evaluation),
    Step("flags", seed_flags),
    Step("escalation", seed_escalation),
]
