"""The demo city's lived-in registry: lists, applications in every state, and months of
dispatches with refusals and emergencies (the other apps' DEMO_STEPS add what they own,
such as the off-platform reports and the flags they raise).

Current actions go through the services as the demo users (the city's lists are imported
from an Excel workbook by the city reviewer, as a bureau would on its first day).
The months of history before today are backfilled directly, like records imported from
the spreadsheets a bureau kept before the portal; they carry past dates the services,
which act "now", cannot give. Every step checks what exists first: a second run adds
nothing.
"""

from __future__ import annotations

import datetime
import io
import random
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from registry import services
from registry.demo.context import CADRE_COMMUNITY, CITY, DEMO_PASSWORD, DemoContext, Step
from registry.models import (
    Application,
    Assignment,
    Dispatch,
    ListKind,
    Membership,
    Organisation,
    User,
    WorkItem,
)
from registry.selectors import communities_in_scope
from registry.services.admission import validity_end
from registry.workdays import add_working_days

CITY_CODE = CITY[0]

# (title, kind, department suffix, legal basis, frequency, hours, households, ledgers,
#  data fields, yearly funding per community)
CITY_LIST = [
    ("组织召开居民会议、居民代表会议", "duty", "MZ", "《城市居民委员会组织法》第十条", "quarterly", 4, 0, 1, "", 0),
    ("开展社区协商议事", "duty", "MZ", "《城乡社区协商的意见》", "monthly", 3, 0, 1, "", 0),
    ("调解民间纠纷", "duty", "SF", "《人民调解法》第八条", "monthly", 6, 5, 1, "当事人姓名、纠纷类型", 0),
    ("协助维护社会治安", "duty", "GA", "《城市居民委员会组织法》第三条", "monthly", 4, 0, 0, "", 0),
    ("办理本居住地区居民的公共事务和公益事业", "duty", "MZ", "《城市居民委员会组织法》第三条", "monthly", 8, 0, 1, "", 0),
    ("向人民政府反映居民的意见、要求和提出建议", "duty", "MZ", "《城市居民委员会组织法》第三条", "monthly", 2, 0, 0, "", 0),
    ("居务公开", "duty", "MZ", "《城市居民委员会组织法》第十五条", "quarterly", 2, 0, 1, "", 0),
    ("社区居民自治章程和居民公约的制定修订", "duty", "MZ", "《城市居民委员会组织法》第十五条", "yearly", 6, 0, 1, "", 0),
    ("低保对象入户调查与动态管理", "assist", "MZ", "《社会救助暂行办法》第十一条", "quarterly", 6, 15, 1, "姓名、身份证号、家庭收入、家庭人口", 3000),
    ("特困人员、孤寡老人探访关爱", "assist", "MZ", "《社会救助暂行办法》第十四条", "monthly", 4, 10, 1, "姓名、住址、健康状况", 2400),
    ("高龄津贴申请受理初审", "assist", "MZ", "《老年人权益保障法》第三十三条", "monthly", 2, 5, 0, "姓名、身份证号、出生日期", 1200),
    ("人口抽样调查入户登记", "assist", "TJ", "《统计法》第七条、《全国人口普查条例》", "yearly", 24, 60, 1, "姓名、身份证号、住址、职业、受教育程度", 6000),
    ("全国经济普查入户清查", "assist", "TJ", "《全国经济普查条例》第十九条", "once", 30, 80, 1, "单位名称、统一社会信用代码、从业人数、营业收入", 8000),
    ("统计调查员入户核查", "assist", "TJ", "《统计法》第二十条", "monthly", 6, 10, 0, "姓名、住址、联系电话", 1500),
    ("残疾人基本服务状况和需求信息数据动态更新", "assist", "CL", "《残疾人保障法》第十条", "yearly", 20, 40, 1, "姓名、身份证号、残疾类别、服务需求", 5000),
    ("残疾人两项补贴申请受理初审", "assist", "CL", "《困难残疾人生活补贴和重度残疾人护理补贴制度》", "monthly", 2, 3, 0, "姓名、身份证号、残疾等级", 1200),
    ("城乡居民医保参保登记与缴费动员", "assist", "YB", "《社会保险法》第二十五条", "yearly", 16, 50, 1, "姓名、身份证号、参保状态", 4000),
    ("就业困难人员登记与援助", "assist", "RS", "《就业促进法》第五十二条", "quarterly", 4, 10, 1, "姓名、身份证号、就业状态", 2000),
    ("退役军人信息采集与走访慰问", "assist", "TY", "《退役军人保障法》第十条", "yearly", 8, 20, 1, "姓名、联系电话、服役信息", 2000),
    ("家庭医生签约服务宣传动员", "assist", "WJ", "《基本医疗卫生与健康促进法》第三十一条", "quarterly", 3, 20, 0, "姓名、联系电话、签约状态", 1200),
    ("自然灾害隐患排查与应急避险转移", "assist", "YJ", "《突发事件应对法》第二十九条", "monthly", 4, 10, 1, "隐患点位置、责任人", 1800),
    ("食品安全协管信息报告", "assist", "SJ", "《食品安全法》第七条", "monthly", 1, 0, 0, "", 600),
    ("适龄儿童入学信息核实", "assist", "JY", "《义务教育法》第十三条", "yearly", 6, 30, 0, "姓名、出生日期、户籍地址", 1000),
    ("城市管理违法行为劝导与报告", "assist", "CG", "《城乡规划法》第六十四条", "monthly", 2, 0, 0, "", 600),
    ("各类创建达标评比活动", "negative", "", "中央关于基层减负的意见", "", "", "", "", "", ""),
    ("要求社区出具无犯罪记录证明", "negative", "", "民发〔2020〕20号", "", "", "", "", "", ""),
    ("为企业开具经营场所证明", "negative", "", "民发〔2020〕20号", "", "", "", "", "", ""),
    ("以社区名义签订安全生产责任状", "negative", "", "基层减负有关文件", "", "", "", "", "", ""),
    ("要求社区在政务APP上打卡、积分排名", "negative", "", "整治形式主义为基层减负", "", "", "", "", "", ""),
    ("要求社区派员参加部门业务培训和会议", "negative", "", "基层减负有关文件", "", "", "", "", "", ""),
    ("部门工作台账由社区代为建立和保管", "negative", "", "基层减负有关文件", "", "", "", "", "", ""),
    ("要求社区承担行政执法事项", "negative", "", "《行政处罚法》", "", "", "", "", "", ""),
    ("要求社区开展招商引资", "negative", "", "基层减负有关文件", "", "", "", "", "", ""),
    ("要求社区工作人员参与拆迁征收", "negative", "", "基层减负有关文件", "", "", "", "", "", ""),
]  # fmt: skip

LIST_HEADER = [
    "事项名称",
    "清单类型",
    "责任部门编码",
    "法律依据",
    "适用范围（编码）",
    "频次",
    "每次工时",
    "每次入户数",
    "台账数",
    "采集数据项",
    "每社区年度经费",
    "有效期起",
    "有效期止",
]
# Admitted long ago and about to lapse: the expiring-admission flag shows it.
EXPIRING_TITLE = "食品安全协管信息报告"
ADMISSION_MONTHS = 36  # settings.PORTAL["ADMISSION_MAX_MONTHS"]'s default


def listed_from(today: datetime.date) -> datetime.date:
    """When the city's imported lists took effect: 1 January of last year."""
    return datetime.date(today.year - 1, 1, 1)


# Who signs each department's tasks (besides the demo logins dept, dept_cl and dept_wj).
DEPARTMENT_STAFF = {
    "MZ": ("dept_mz", "陈静"),
    "RS": ("dept_rs", "何伟"),
    "ZJ": ("dept_zj", "郭亮"),
    "YJ": ("dept_yj", "马超"),
    "SJ": ("dept_sj", "罗敏"),
    "TY": ("dept_ty", "梁勇"),
    "YB": ("dept_yb", "宋佳"),
    "GA": ("dept_ga", "郑凯"),
    "JY": ("dept_jy", "谢婷"),
    "SF": ("dept_sf", "韩冰"),
    "CG": ("dept_cg", "唐磊"),
}
# 东城区民政局's staff: the district's own applications (the district reviewer's queue).
DISTRICT_STAFF = ("dept_dc_mz", "林晓")
# What a cadre writes when refusing, by the reason chosen.
REFUSAL_NOTES = {
    "duplicate": "上月已报送相同数据，请从系统共享获取",
    "unreasonable_deadline": "时限过短，无法按期入户完成",
    "outside_list": "该事项不在社区工作事项清单内",
    "not_admitted": "未见准入编号，该事项未经准入",
}


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _ensure_staff(ctx: DemoContext, username: str, name: str, department_code: str) -> User:
    """Department staff beyond the demo logins, so applications come from several offices."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = services.user_create(
            actor=ctx.actor,
            username=username,
            password=DEMO_PASSWORD,
            display_name=name,
            memberships=[(ctx.organisation(department_code), "department_staff")],
        )
        ctx.created += 1
    return user


def seed_lists(ctx: DemoContext) -> None:
    """The city reviewer imports the city's duty, assist and negative lists from Excel."""
    city = ctx.organisation(CITY_CODE)
    if WorkItem.objects.filter(jurisdiction=city).exists():
        ctx.existing += WorkItem.objects.filter(jurisdiction=city).count()
        return
    book = Workbook()
    sheet = book.active
    sheet.append(LIST_HEADER)
    today = timezone.localdate()
    for title, kind, dept, basis, freq, hours, households, ledgers, fields, funding in CITY_LIST:
        # The lists were in force before the months of history that cite them: admitted
        # from the start of last year, for the longest validity allowed.
        start = listed_from(today)
        validity = [start, validity_end(start, ADMISSION_MONTHS)]
        if kind == "negative":
            validity = [None, None]
        if title == EXPIRING_TITLE:
            validity = [
                today.replace(year=today.year - 3) + datetime.timedelta(days=40),
                today + datetime.timedelta(days=40),
            ]
        sheet.append(
            [
                title,
                kind,
                f"{CITY_CODE}-{dept}" if dept else "",
                basis,
                CITY_CODE if kind != "negative" else "",
                freq,
                hours,
                households,
                ledgers,
                fields,
                funding,
                *validity,
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    created = services.work_items_import(
        actor=_user("reviewer"),
        jurisdiction=city,
        upload=SimpleUploadedFile("示范市社区工作事项清单.xlsx", buffer.getvalue()),
    )
    # The lists existed on paper since then: their history starts when they took effect,
    # so the published list as of a past date shows what verification says was valid.
    for item in created:
        start = item.valid_from or listed_from(today)
        WorkItem.history.filter(id=item.pk).update(
            history_date=timezone.make_aware(datetime.datetime.combine(start, datetime.time()))
        )
    ctx.created += len(created)


def _application(ctx, actor, department_code, title, **extra) -> Application:
    fields = {
        "title": title,
        "description": extra.pop("description", f"{title}，按季度组织实施。"),
        "list_kind": "assist",
        "legal_basis": extra.pop("legal_basis", "《统计法》第七条"),
        "frequency": "quarterly",
        "hours_per_occurrence": Decimal("4"),
        "households_per_occurrence": 20,
        "ledgers": 1,
        "data_fields": ["姓名", "住址"],
        "funding_per_community": Decimal("1500"),
    }
    fields.update(extra)
    scope = fields.pop("scope", [ctx.organisation(CITY_CODE)])
    return services.application_create(
        actor=actor, department=ctx.organisation(department_code), scope=scope, **fields
    )


def _hearing(reviewer, application, when) -> None:
    opinions = ["for"] * 10 + ["against"] * 3 + ["abstain"] * 2
    names = [
        "王建国",
        "李秀英",
        "张明",
        "刘洋",
        "陈红",
        "杨帆",
        "赵敏",
        "黄磊",
        "周婷",
        "吴刚",
        "徐丽",
        "孙涛",
        "胡敏",
        "朱峰",
        "高翔",
    ]
    services.application_record_hearing(
        actor=reviewer,
        application=application,
        held_on=when,
        participants=[
            {
                "name": name,
                "organisation": "社区书记" if i < 8 else "街道干部",
                "opinion": opinions[i],
                "comment": "频次偏高" if opinions[i] == "against" else "",
            }
            for i, name in enumerate(names)
        ],
        summary="15人参加听证，多数同意。",
    )


def seed_applications(ctx: DemoContext) -> None:
    """Applications in every state, from several departments, decided by the city reviewer."""
    if Application.objects.filter(title__startswith="【示范】").exists():
        ctx.existing += Application.objects.filter(title__startswith="【示范】").count()
        return
    dept = _user("dept")
    disabled = _ensure_staff(ctx, "dept_cl", "王芳", f"{CITY_CODE}-CL")
    health = _ensure_staff(ctx, "dept_wj", "孙浩", f"{CITY_CODE}-WJ")
    reviewer = _user("reviewer")
    today = timezone.localdate()
    east = ctx.organisation("990102")

    _application(ctx, dept, f"{CITY_CODE}-TJ", "【示范】居民消费价格调查采价协助")
    _application(
        ctx,
        health,
        f"{CITY_CODE}-WJ",
        "【示范】慢性病患者随访信息登记",
        data_fields=["姓名", "身份证号", "病种"],
        legal_basis="《基本公共卫生服务规范》",
    )

    submitted = _application(
        ctx,
        disabled,
        f"{CITY_CODE}-CL",
        "【示范】残疾儿童康复需求摸底",
        legal_basis="《残疾人保障法》第十五条",
        scope=[east],
    )
    services.application_submit(actor=disabled, application=submitted)

    reviewing = _application(
        ctx, dept, f"{CITY_CODE}-TJ", "【示范】小微企业经营状况季度调查", scope=[east]
    )
    services.application_submit(actor=dept, application=reviewing)
    services.application_start_review(actor=reviewer, application=reviewing)

    hearing = _application(
        ctx,
        health,
        f"{CITY_CODE}-WJ",
        "【示范】老年人健康体检动员组织",
        legal_basis="《老年人权益保障法》第三十条",
        frequency="monthly",
        hours_per_occurrence=Decimal("12"),
    )
    services.application_submit(actor=health, application=hearing)
    services.application_start_review(actor=reviewer, application=hearing)
    services.application_require_hearing(
        actor=reviewer,
        application=hearing,
        reason="涉及全市社区，负担较重",
        scheduled_on=add_working_days(today, 8),
        location="市民政局三楼会议室",
    )

    # Heard and waiting for the decision: the reviewer's next step is 准予准入 or 不予准入.
    heard = _application(
        ctx,
        health,
        f"{CITY_CODE}-WJ",
        "【示范】适龄儿童疫苗接种入户提醒",
        legal_basis="《疫苗管理法》第四十七条",
        frequency="monthly",
        hours_per_occurrence=Decimal("12"),
    )
    services.application_submit(actor=health, application=heard)
    services.application_start_review(actor=reviewer, application=heard)
    services.application_require_hearing(
        actor=reviewer, application=heard, location="市民政局三楼会议室"
    )
    _hearing(reviewer, heard, today)

    returned = _application(
        ctx,
        disabled,
        f"{CITY_CODE}-CL",
        "【示范】残疾人辅助器具适配登记",
        funding_per_community=Decimal("0"),
        scope=[east],
    )
    services.application_submit(actor=disabled, application=returned)
    services.application_start_review(actor=reviewer, application=returned)
    services.application_return(
        actor=reviewer,
        application=returned,
        reason="年负担超过阈值但未安排经费，请按费随事转补充经费。",
    )

    for title, department, actor in (
        ("【示范】住户收支调查记账户联络", f"{CITY_CODE}-TJ", dept),
        ("【示范】孕产妇健康管理随访", f"{CITY_CODE}-WJ", health),
    ):
        approved = _application(ctx, actor, department, title)
        approved = services.application_submit(actor=actor, application=approved)
        approved = services.application_start_review(actor=reviewer, application=approved)
        if approved.hearing_required:  # the whole city is more than 50 communities
            services.application_require_hearing(actor=reviewer, application=approved)
            _hearing(reviewer, approved, today)
        services.application_approve(
            actor=reviewer, application=approved, reason="依据充分，经费落实，同意准入。"
        )

    rejected = _application(
        ctx,
        dept,
        f"{CITY_CODE}-TJ",
        "【示范】社区统计工作考核评比",
        legal_basis="部门内部考核办法",
        scope=[east],
    )
    services.application_submit(actor=dept, application=rejected)
    services.application_start_review(actor=reviewer, application=rejected)
    services.application_reject(
        actor=reviewer, application=rejected, reason="属于部门自身职责，不应转嫁社区。"
    )

    # 东城区's own departments apply to the district's 减负办: the district reviewer's queue.
    district_reviewer = _user("district_reviewer")
    civil = _ensure_staff(ctx, *DISTRICT_STAFF, "990102-MZ")
    district_submitted = _application(
        ctx,
        civil,
        "990102-MZ",
        "【示范】东城区老年助餐点服务对象登记",
        legal_basis="《老年人权益保障法》第三十七条",
        scope=[east],
    )
    services.application_submit(actor=civil, application=district_submitted)
    district_reviewing = _application(
        ctx,
        civil,
        "990102-MZ",
        "【示范】东城区困境儿童季度走访",
        legal_basis="《未成年人保护法》第八十一条",
        scope=[east],
    )
    services.application_submit(actor=civil, application=district_reviewing)
    services.application_start_review(actor=district_reviewer, application=district_reviewing)

    withdrawn = _application(
        ctx, health, f"{CITY_CODE}-WJ", "【示范】爱国卫生月检查陪同", scope=[east]
    )
    services.application_withdraw(actor=health, application=withdrawn, reason="改由部门自行开展")
    ctx.created += Application.objects.filter(title__startswith="【示范】").count()


HISTORY_MONTHS = 6
# Items this period's tasks go out under (through the gate, so not in the backfilled history).
CURRENT_TITLES = (
    "全国经济普查入户清查",
    "人口抽样调查入户登记",
    "残疾人基本服务状况和需求信息数据动态更新",
    "城乡居民医保参保登记与缴费动员",
    "退役军人信息采集与走访慰问",
    "适龄儿童入学信息核实",
    "低保对象入户调查与动态管理",
)
# The emergency of this period: three working days, three days' work for one cadre.
CURRENT_EMERGENCY_HOURS = Decimal("24")
REFUSAL_REASONS = ["duplicate", "unreasonable_deadline", "outside_list", "not_admitted"]


def seed_history(ctx: DemoContext) -> None:
    """Six months of dispatches under the city's assist items, most completed, some refused,
    a few emergencies (one never ratified): backfilled in bulk with their real dates."""
    if Dispatch.objects.filter(title__startswith="【历史】").exists():
        ctx.existing += Dispatch.objects.filter(title__startswith="【历史】").count()
        return
    rng = random.Random(2026)
    city = ctx.organisation(CITY_CODE)
    communities = list(communities_in_scope([city]))
    today = timezone.localdate()
    first_day = today - datetime.timedelta(days=30 * HISTORY_MONTHS + 20)
    items = list(
        WorkItem.objects.filter(
            jurisdiction=city, list_kind=ListKind.ASSIST, valid_from__lte=first_day
        )
        .exclude(frequency="once")
        .exclude(title__in=CURRENT_TITLES)  # this period's tasks go through the gate instead
        .select_related("department")
    )
    for suffix, (username, name) in DEPARTMENT_STAFF.items():
        _ensure_staff(ctx, username, name, f"{CITY_CODE}-{suffix}")
    # Each task is signed by someone of the department that sends it.
    staff = {
        m.organisation_id: m.user
        for m in Membership.objects.filter(role="department_staff", organisation__parent=city)
        .select_related("user")
        .order_by("user__username")
    }
    for months_ago in range(HISTORY_MONTHS, 0, -1):
        for item in rng.sample(items, 6):
            sent_on = today - datetime.timedelta(days=30 * months_ago + rng.randint(0, 20))
            _backfill(
                item.department,
                item,
                f"【历史】{item.title}（{sent_on:%Y年%m月}）",
                sent_on,
                communities,
                rng,
                staff[item.department_id],
                refusal_rate=0.3 if item.department.code.endswith("-TJ") else 0.06,
            )
    emergencies = ctx.organisation(f"{CITY_CODE}-YJ")
    for days_ago, ratified in ((40, True), (25, True), (10, False)):
        sent_on = today - datetime.timedelta(days=days_ago)
        dispatch = _backfill(
            emergencies,
            None,
            f"【历史】防汛隐患紧急排查（{sent_on:%m月%d日}）",
            sent_on,
            communities[:20],
            rng,
            staff[emergencies.pk],
            emergency=True,
        )
        if ratified:
            Dispatch.objects.filter(pk=dispatch.pk).update(
                ratified_at=timezone.now() - datetime.timedelta(days=days_ago - 3),
                ratified_by=_user("reviewer"),
                ratification_note="汛情属实，予以追认",
            )
    ctx.created += Dispatch.objects.filter(title__startswith="【历史】").count()


def _backfill(
    department, item, title, sent_on, communities, rng, actor, *, refusal_rate=0.06, emergency=False
) -> Dispatch:
    due = add_working_days(sent_on, 2 if emergency else 10)
    hours = min(Decimal("2"), item.hours_per_occurrence) if item else Decimal("3")
    dispatch = Dispatch.objects.create(
        department=department,
        work_item=item,
        created_by=actor,
        title=title,
        instructions="按要求完成并上传材料。",
        due_date=due,
        hours_per_community=hours,
        lead_working_days=2 if emergency else 10,
        emergency=emergency,
        justification="汛期强降雨预警，需立即排查" if emergency else "",
        community_count=len(communities),
    )
    sent_at = timezone.make_aware(datetime.datetime.combine(sent_on, datetime.time(9, 30)))
    Dispatch.objects.filter(pk=dispatch.pk).update(created_at=sent_at)
    rows = []
    for community in communities:
        refused = rng.random() < refusal_rate
        reason = rng.choice(REFUSAL_REASONS)
        rows.append(
            Assignment(
                dispatch=dispatch,
                community=community,
                department=department,
                work_item=item,
                emergency=emergency,
                due_date=due,
                hours=hours,
                state="refused" if refused else "completed",
                refusal_reason=reason if refused else "",
                note=REFUSAL_NOTES[reason] if refused else "已按期完成",
                responded_at=sent_at + datetime.timedelta(days=3),
            )
        )
    Assignment.objects.bulk_create(rows, batch_size=500)
    Assignment.objects.filter(dispatch=dispatch).update(created_at=sent_at)
    return dispatch


def seed_current(ctx: DemoContext) -> None:
    """This month's tasks through the real gate, piling up on 朝阳社区 until it is overloaded."""
    if Dispatch.objects.filter(title__startswith="【本期】").exists():
        ctx.existing += Dispatch.objects.filter(title__startswith="【本期】").count()
        return
    today = timezone.localdate()
    dept = _user("dept")
    east = ctx.organisation("990102")
    targets = list(communities_in_scope([east]))
    due = add_working_days(today, 12)
    staff = {
        m.organisation_id: m.user
        for m in Membership.objects.filter(role="department_staff")
        .select_related("user")
        .order_by("user__username")
    }
    for title in CURRENT_TITLES:
        item = WorkItem.objects.get(jurisdiction__code=CITY_CODE, title=title)
        services.dispatch_create(
            actor=staff.get(item.department_id, dept),
            work_item=item,
            title=f"【本期】{title}",
            communities=targets,
            due_date=due,
            hours_per_community=item.hours_per_occurrence,
            households_per_community=item.households_per_occurrence,
            instructions="请按普查方案入户登记，每户核对身份信息。",
        )
    community = ctx.organisation(CADRE_COMMUNITY)
    # One short emergency on top: with this month's ordinary tasks the small committee of
    # 朝阳社区 (five cadres) is past 0.6 of its 30-day capacity, so the flag shows it.
    services.dispatch_create(
        actor=dept,
        work_item=None,
        emergency=True,
        department=ctx.organisation(f"{CITY_CODE}-TJ"),
        justification="省统计局临时布置专项核查，三个工作日内完成。",
        title="【本期】专项统计核查（应急）",
        communities=[community],
        due_date=add_working_days(today, 3),
        hours_per_community=CURRENT_EMERGENCY_HOURS,
    )
    # The cadre has already answered a few: accepted one, refused one for a reason.
    inbox = list(
        Assignment.objects.filter(community=community, state="pending").order_by("due_date", "id")
    )
    cadre = _user("cadre")
    if inbox:
        services.assignment_respond(actor=cadre, assignment=inbox[0], action="accept")
    ctx.created += Dispatch.objects.filter(title__startswith="【本期】").count()


def assert_demo_is_alive() -> dict[str, int]:
    """Figures the demo should show (used by the tests of the seed)."""
    return {
        "items": WorkItem.objects.count(),
        "applications": Application.objects.count(),
        "assignments": Assignment.objects.count(),
        "communities": Organisation.objects.communities().count(),
    }


STEPS = [
    Step("lists", seed_lists),
    Step("applications", seed_applications),
    Step("history", seed_history),
    Step("current tasks", seed_current),
]
