"""The demo city's monitoring: demands reported off the platform, and the flags computed
over everything the other apps' demo steps created (so it runs last, in app order)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from monitoring import services
from monitoring.models import Flag, OffPlatformReport
from registry.demo import CADRE_COMMUNITY, CITY, DemoContext, Step
from registry.models import User

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


DEMO_STEPS = [
    Step("off-platform reports", seed_offplatform),
    Step("flags", seed_flags),
]
