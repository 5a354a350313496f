"""Demo data for the public portal: three messages from residents to the city's bureau and
a district, one of them answered by the demo supervisor, so the queue, the workbench
section and the lookup show something alive.

Idempotent: skipped when any message exists. Through the services, as the visitors and
the supervisor would."""

from __future__ import annotations

from public import selectors, services
from public.models import Complaint
from registry.demo import Step
from registry.demo.context import DemoContext
from registry.models import User

MESSAGES = [
    (
        "complaint",
        None,
        "街道要求社区每周上报三张相同的统计表",
        "同样的人口数据，街道、区统计局和区民政局每周各要一次，能否共享？",
    ),
    (
        "suggestion",
        None,
        "建议在社区公告栏张贴准入清单",
        "居民不知道哪些事是社区该做的，建议把清单贴出来。",
    ),
    (
        "complaint",
        "district",
        "要求社区开具“无犯罪记录证明”",
        "单位让我去社区开无犯罪记录证明，社区说开不了，该去哪里？",
    ),
]


def seed_messages(ctx: DemoContext) -> None:
    if Complaint.objects.exists():
        ctx.existing += 1
        return
    areas = list(selectors.complaint_areas())
    district = areas[1] if len(areas) > 1 else None
    sent = [
        services.complaint_submit(
            kind=kind, subject=subject, text=text, area=district if to == "district" else None
        )
        for kind, to, subject, text in MESSAGES
    ]
    supervisor = User.objects.filter(username="supervisor").first()
    if supervisor is not None:
        services.complaint_answer(
            actor=supervisor,
            complaint=sent[1],
            answer="感谢建议。市民政局已要求各社区在公告栏张贴三张清单，本月底前完成。",
        )
    ctx.created += len(sent)


DEMO_STEPS: list[Step] = [Step("public complaints and suggestions", seed_messages)]
