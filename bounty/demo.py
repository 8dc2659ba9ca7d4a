"""Demo challenges in every state (used by ``seed_demo``; idempotent by title)."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.selectors import district_officers
from bounty.bids import services as bid_services
from bounty.bids.cure_services import cure_open
from bounty.calls import demo as calls_demo
from bounty.calls import district
from bounty.challenges import services
from bounty.challenges.funding import team_funding
from bounty.demo_access import seed_access
from bounty.models import Challenge, Industry
from bounty.sealing.demo import DEMO_PASSPHRASE, demo_open

# (issuer index, industry code, title, problem, indicators, bounty, enterprise share, target state)
CHALLENGES = [
    (
        0,
        "new-energy",
        "高镍三元正极材料高温循环寿命提升",
        "现有高镍（Ni≥90%）三元正极在 45℃、1C/1C 条件下循环 1000 次后容量保持率不足 80%，制约长续航动力电池量产。需从掺杂包覆、单晶化工艺等方面突破。",
        [
            ("45℃ 循环 1000 次容量保持率", "gte", "90", "%"),
            ("0.1C 首次放电比容量", "gte", "215", "mAh/g"),
        ],
        "800",
        "600",
        "published",
    ),
    (
        0,
        "new-energy",
        "固态电解质界面阻抗降低技术",
        "硫化物固态电解质与高镍正极界面阻抗高、循环中持续增长，需开发界面修饰与原位成膜技术。",
        [("界面阻抗", "lte", "30", "Ω·cm²"), ("室温离子电导率", "gte", "5", "mS/cm")],
        "1200",
        "900",
        "published",
    ),
    (
        0,
        "new-energy-vehicles",
        "动力电池包热失控早期预警算法",
        "现有 BMS 对热失控的预警时间不足 5 分钟，需融合多源传感数据实现早期预警。",
        [("预警提前时间", "gte", "30", "min"), ("误报率", "lte", "0.1", "%")],
        "300",
        "200",
        "formal_check",
    ),
    (
        0,
        "graphene",
        "石墨烯导热膜规模化制备工艺",
        "石墨烯导热膜卷对卷制备良率低、厚度均匀性差。",
        [("面内热导率", "gte", "1500", "W/(m·K)"), ("厚度偏差", "lte", "3", "%")],
        "500",
        "400",
        "draft",
    ),
    (
        1,
        "intelligent-manufacturing",
        "工业机器人 RV 减速器高精度回差控制",
        "国产 RV 减速器回差与寿命指标与进口产品差距明显，需突破精密加工与装配工艺。",
        [("回差", "lte", "1", "arcmin"), ("额定寿命", "gte", "6000", "h")],
        "1000",
        "800",
        "published",
    ),
    (
        1,
        "intelligent-manufacturing",
        "五轴联动数控系统动态精度补偿",
        "高速五轴加工中动态误差大，需开发实时补偿算法与软件。",
        [("圆度误差", "lte", "5", "μm")],
        "600",
        "450",
        "submitted",
    ),
    (
        1,
        "rail-transit",
        "轨道车辆轴箱轴承故障智能诊断",
        "轴箱轴承早期故障特征弱，现有在线监测漏报率高。",
        [("故障识别准确率", "gte", "95", "%")],
        "400",
        "300",
        "returned",
    ),
    (
        1,
        "artificial-intelligence",
        "面向小样本的工业视觉缺陷检测模型",
        "新品导入时缺陷样本极少，现有检测模型泛化差。",
        [("漏检率", "lte", "0.5", "%"), ("单张推理时间", "lte", "50", "ms")],
        "350",
        "250",
        "vetting",
    ),
    (
        2,
        "integrated-circuits",
        "车规级 SiC MOSFET 栅氧可靠性提升",
        "SiC MOSFET 栅氧在高温高压下阈值漂移大，影响车规认证。",
        [("HTGB 1000h 阈值漂移", "lte", "0.3", "V"), ("击穿场强", "gte", "10", "MV/cm")],
        "2000",
        "1500",
        "published",
    ),
    (
        2,
        "integrated-circuits",
        "12 英寸晶圆化学机械抛光液国产化",
        "CMP 抛光液依赖进口，需开发满足 28nm 工艺的国产配方。",
        [("去除速率", "gte", "300", "nm/min"), ("表面粗糙度", "lte", "0.5", "nm")],
        "1500",
        "1000",
        "approved",
    ),
    (
        2,
        "photovoltaics",
        "TOPCon 电池背面钝化层工艺优化",
        "背面钝化层沉积均匀性不足导致效率离散。",
        [("量产平均效率", "gte", "26", "%")],
        "700",
        "500",
        "rejected",
    ),
    (
        2,
        "digital-economy",
        "工业互联网标识解析二级节点安全加固",
        "标识解析节点面临大流量攻击与数据篡改风险，需研发轻量化安全加固方案。",
        [("抗 DDoS 能力", "gte", "100", "Gbps")],
        "260",
        "180",
        "closed",
    ),
    (
        2,
        "new-materials",
        "高纯石英坩埚内壁涂层技术",
        "大尺寸单晶拉制中坩埚析晶导致杂质污染。",
        [("使用寿命", "gte", "400", "h")],
        "450",
        "300",
        "withdrawn",
    ),
]

COMMENTS = {
    "returned": "请细化考核指标的测试方法，并补充知识产权约定。",
    "rejected": "该需求属于企业常规技术改进，不属于产业链“卡脖子”技术，不予立项。",
    "withdrawn": "发榜方因技术路线调整申请撤榜。",
}


def seed(context):
    """Called by ``seed_demo`` with the demo users and organisations."""
    created = seed_challenges(
        issuers=context["issuers"], officer=context["officer"], teams=context["teams"]
    )
    restricted = seed_access(context, create=demo_challenge_create, advance=_advance)
    summary = f"{created} challenges created (with bids)" if created else ""
    return "; ".join(part for part in (summary, restricted) if part)


def seed_after(context):
    """The calls (批次), once every app has seeded its challenges (awards included)."""
    return calls_demo.seed(context, create=demo_challenge_create)


def seed_challenges(*, issuers, officer, teams=()):
    """issuers: list of (user, organisation). Returns the number of challenges created."""
    created = 0
    slot = {"open": 0}  # which team bids where: each PI leads one submitted bid (the limit)
    for index, industry, title, problem, indicators, total, enterprise, state in CHALLENGES:
        user, org = issuers[index]
        if Challenge.objects.filter(issuer=org, title=title).exists():
            continue
        challenge = demo_challenge_create(
            user=user,
            org=org,
            index=index,
            industry=industry,
            title=title,
            problem=problem,
            indicators=indicators,
            total=total,
            enterprise=enterprise,
        )
        _advance(challenge, state, user, officer, teams, slot)
        created += 1
    return created


def demo_challenge_create(
    *, user, org, index, industry, title, problem, indicators, total, enterprise, **extra
):
    """A challenge of ``org`` with the demo's usual terms (``extra`` overrides fields)."""
    total, enterprise = Decimal(total), Decimal(enterprise)
    data = {
        "title": title,
        "industry": Industry.objects.get(code=industry),
        "problem": problem,
        "deliverable": "技术方案、样品/样机、测试报告及知识产权。",
        "bounty_total": total,
        "enterprise_funds": enterprise,
        "government_funds": total - enterprise,
        "period_months": 24,
        "bid_deadline": timezone.now() + timedelta(days=42),
        "eligibility": "在中国境内注册的高校、科研院所、新型研发机构或企业，可组成联合体。",
        "consortium_allowed": True,
        "max_consortium_members": 4,
        **horse_race_money(total, 2 if "RV" in title else 1),
        "ip_terms": "shared",
        "confidentiality": "public",
        "contact_name": user.full_name,
        "contact_phone": "0519-8500" + str(1000 + index),
        "contact_email": user.email,
        **extra,
    }
    rows = [
        {
            "name": n,
            "comparator": c,
            "target_value": Decimal(v),
            "unit": u,
            "test_method": "第三方检测",
        }
        for n, c, v, u in indicators
    ]
    return services.challenge_create(by=user, issuer=org, data=data, indicators=rows)


def demo_submit(challenge, issuer, *, recommend=True):
    """Submit a need; where its issuer's district recommends needs first (bounty/calls/
    district.py), the district's officer recommends it, so the city may vet it."""
    challenge = services.challenge_submit(challenge=challenge, by=issuer)
    if recommend and district.district_step_applies(challenge):
        challenge = district.need_recommend(
            challenge=challenge,
            by=district_officers(challenge.issuer.district)[0],
            comment="经核实，企业需求真实，同意推荐。",
        )
    return challenge


def _advance(challenge, state, issuer, officer, teams, slot):
    if state == "draft":
        return
    challenge = demo_submit(challenge, issuer, recommend=state != "submitted")
    steps = {
        "submitted": [],
        "returned": ["return"],
        "vetting": ["start_vetting"],
        "approved": ["start_vetting", "approve"],
        "rejected": ["start_vetting", "reject"],
        "published": ["start_vetting", "approve", "publish"],
        "withdrawn": ["start_vetting", "approve", "publish", "withdraw"],
        "closed": ["start_vetting", "approve", "publish"],
        "formal_check": ["start_vetting", "approve", "publish"],
    }[state]
    for step in steps:
        services.challenge_decide(
            challenge=challenge, by=officer, decision=step, comment=COMMENTS.get(state, "")
        )
    challenge = Challenge.objects.get(pk=challenge.pk)  # the services saved their own copies
    if state == "published" and teams and "SiC" not in challenge.title:
        # Open challenges: one sealed submitted bid, one draft (and one withdrawn).
        n = slot["open"]
        slot["open"] += 1
        _demo_bid(challenge, *teams[n], submit=True)
        _demo_bid(challenge, *teams[n + 3], submit=False)
        if "RV" in challenge.title:
            withdrawn = _demo_bid(challenge, *teams[(n + 4) % 6], submit=False)
            bid_services.bid_withdraw(bid=withdrawn, by=teams[(n + 4) % 6][0])
    if state in ("closed", "formal_check"):
        bids = []
        if teams and state == "formal_check":
            bids.append(_demo_bid(challenge, *teams[3], submit=True))
            bids.append(_demo_bid(challenge, *teams[4], submit=True, partner=teams[0][1]))
            bids.append(_demo_bid(challenge, *teams[5], submit=True))
        # Demo only: pretend the bidding window has run out, then close as the worker would.
        Challenge.objects.filter(pk=challenge.pk).update(
            bid_deadline=timezone.now() - timedelta(days=1)
        )
        services.challenge_close(challenge=challenge)
        if bids:
            demo_open(challenge, officer)  # 开标解密: sealed bids are opened first
            bid_services.formal_check_start(challenge=challenge, by=officer)
            bid_services.bids_formal_check_bulk(challenge=challenge, by=officer, bids=[bids[0]])
            _demo_ineligible(bids[1], officer, "联合体协议未加盖成员单位公章。")
            # bids[2] waits for the officer's formal check: its team is asked for a
            # missing document (补正) and has its working days to add it.
            cure_open(
                bid=bids[2], by=officer, missing="科研诚信承诺书（须法定代表人签字并加盖公章）"
            )


def _demo_ineligible(bid, officer, reasons):
    """Ineligibility through due process (issue 17): the intended decision, then — demo
    only — its response window run out, the decision, and its review window run out, so
    the decision is final and the bid ineligible."""
    from bounty.dueprocess import services as cases
    from bounty.models import CaseKind, DueProcessCase

    bid_services.bid_formal_check(
        bid=bid, by=officer, checklist={}, eligible=False, reasons=reasons
    )
    case = cases.open_case(CaseKind.INELIGIBLE, bid)
    past = timezone.now() - timedelta(minutes=1)
    DueProcessCase.objects.filter(pk=case.pk).update(response_due_at=past)
    case.refresh_from_db()
    case = cases.case_decide(case=case, by=officer, upheld=True, decision=reasons)
    DueProcessCase.objects.filter(pk=case.pk).update(review_due_at=past)
    case.refresh_from_db()
    cases.case_current(case)


CENT = Decimal("0.01")
# The demo's budget by subject (the 2021 subjects): indirect costs 10 % of the share, far
# within the cap on the direct costs.
DEMO_SUBJECTS = (
    ("equipment", Decimal("0.40"), "关键工艺与测试设备"),
    ("operating", Decimal("0.35"), "材料、测试化验、差旅会议"),
    ("labour", Decimal("0.15"), "研究生与临聘人员劳务、专家咨询"),
    ("indirect", None, "依托单位管理与绩效支出"),
)


def horse_race_money(total, winners):
    """The challenge's winners and, for a horse race, its declared money: each parallel team
    gets 40 % of the bounty, the rest continues to the survivor(s)."""
    if winners <= 1:
        return {"winners_allowed": winners}
    share = (total * Decimal("0.4")).quantize(CENT)
    return {
        "winners_allowed": winners,
        "parallel_share": share,
        "continuation_amount": total - share * winners,
    }


def demo_budget(challenge):
    """Budget lines adding up exactly to the team share (DOMAIN §3), each split between the
    government (财政) and self-raised (自筹) columns in the challenge's funding ratio; the last
    line takes what rounding left, so the columns add up to the share's government and
    enterprise parts exactly (``team_funding``, the split the contract uses)."""
    share = challenge.team_share()
    _enterprise, government_part = team_funding(challenge)
    ratio = challenge.government_funds / challenge.bounty_total
    lines, given, given_gov = [], Decimal("0"), Decimal("0")
    for category, part, note in DEMO_SUBJECTS:
        last = part is None
        amount = share - given if last else (share * part).quantize(CENT)
        given += amount
        government = government_part - given_gov if last else (amount * ratio).quantize(CENT)
        given_gov += government
        lines.append(
            {
                "category": category,
                "government_amount": government,
                "self_raised_amount": amount - government,
                "note": note,
            }
        )
    return lines


PLAN_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _demo_bid(challenge, user, org, *, submit, partner=None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bid = bid_services.bid_create(challenge=challenge, by=user, lead=org)
    consortium = []
    if partner is not None and challenge.consortium_allowed:
        consortium = [
            {
                "name": partner.name,
                "credit_code": partner.credit_code,
                "work_share": Decimal("30"),
                "responsibilities": "中试验证与产业化",
            }
        ]
    bid_services.bid_update(
        bid=bid,
        by=user,
        data={
            "pi": user,
            "pi_title": "教授",
            "summary": f"{org.name}的技术方案",
            "technical_approach": "理论建模—小试—中试三阶段推进，关键工艺采用正交试验优化。",
            "risk_plan": "设置中期节点评估，关键设备预留备选供应商。",
            "expected_results": "发明专利 2–3 项，工艺包 1 套，样品若干。",
        },
        consortium=consortium,
        responses=[
            {"indicator_id": i.pk, "committed_value": i.target_value, "note": "按方案实现"}
            for i in challenge.indicators.all()
        ],
        milestones=[
            {
                "title": "小试验证",
                "due_month": 8,
                "deliverables": "小试报告与样品",
                "tranche_share": Decimal("40"),
            },
            {
                "title": "中试与验收",
                "due_month": 20,
                "deliverables": "中试样品、第三方检测报告",
                "tranche_share": Decimal("60"),
            },
        ],
        budget=demo_budget(challenge),
        exclusions=[],
    )
    bid_services.attachment_add(
        bid=bid, by=user, upload=SimpleUploadedFile("实施方案.pdf", PLAN_PDF), kind="plan"
    )
    if submit:  # sealed challenges: the demo's team passphrase (docs/operations.md)
        bid_services.bid_submit(bid=bid, by=user, passphrase=DEMO_PASSPHRASE)
    return bid
