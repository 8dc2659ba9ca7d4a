"""Demo calls (批次) for ``seed_demo`` (idempotent by year and batch).

- 2026 batch 1, closed: the demo's challenges whose bidding has ended (formal check, review,
  awards, contracts, projects) were published in it; its 发榜公告 is generated.
- 2027 batch 1, collecting needs, with two districts: one need waits for 武进区's
  recommendation, one was recommended by 新北区, one is still a draft in the call.
"""

from datetime import timedelta
from decimal import Decimal

from django.db.models import Max, Min
from django.utils import timezone

from audit.services import audit_record
from bounty.calls import district
from bounty.calls import services as calls
from bounty.calls.models import Call, ChainRole, RdPlatform
from bounty.challenges import services as challenges
from bounty.challenges.statuses import ChallengeStatus
from bounty.models import Challenge
from bounty.signals import call_published

GUIDE = (
    "一、申报主体：在中国境内注册的高校、科研院所、新型研发机构或企业，可牵头组成联合体揭榜。\n"
    "二、申报材料：揭榜申报书、科研诚信承诺书、联合体协议（如有）及相关证明材料。\n"
    "三、评审方式：形式审查后，从专家库随机抽取专家进行评审，择优确定揭榜方并公示。\n"
    "四、限额：同一单位在本批次最多牵头申报的榜单数及项目负责人限项见本页。"
)

# (issuer index, industry, title, problem, indicators, bounty, enterprise share, chain, role,
#  revenue (万元), R&D %, platform, platform name, how far it goes)
NEEDS = [
    (
        2,
        "integrated-circuits",
        "车规级功率模块银烧结工艺可靠性提升",
        "车规级 SiC 功率模块银烧结层在功率循环中易产生空洞与裂纹，寿命达不到主机厂要求。",
        [("功率循环次数（ΔTj=100K）", "gte", "200000", "次")],
        "900",
        "700",
        "集成电路",
        ChainRole.LEADING,
        "86000",
        "6.5",
        RdPlatform.PROVINCIAL,
        "江苏省车规级功率半导体工程技术研究中心",
        "submitted",
    ),
    (
        1,
        "intelligent-manufacturing",
        "协作机器人力控关节一体化设计",
        "协作机器人关节力矩传感与驱动分体设计导致体积大、力控带宽低，需一体化设计。",
        [("力控带宽", "gte", "50", "Hz"), ("关节重量", "lte", "2.5", "kg")],
        "600",
        "450",
        "智能装备",
        ChainRole.CHAIN_LEADER,
        "152000",
        "5.2",
        RdPlatform.NATIONAL,
        "国家企业技术中心",
        "recommended",
    ),
    (
        0,
        "new-energy",
        "钠离子电池硬碳负极低成本制备",
        "硬碳负极前驱体成本高、首效低，制约钠离子电池在储能领域的规模应用。",
        [("首次库伦效率", "gte", "90", "%"), ("材料成本", "lte", "4", "万元/吨")],
        "500",
        "380",
        "新能源",
        ChainRole.LEADING,
        "64000",
        "4.1",
        RdPlatform.MUNICIPAL,
        "常州市新能源材料工程技术研究中心",
        "draft",
    ),
]


def seed(context, *, create):
    """``create``: bounty.demo.demo_challenge_create. Returns a summary, or ""."""
    made = []
    if _closed_call(context["officer"]) is not None:
        made.append("2026-1")
    if _collecting_call(context, create) is not None:
        made.append("2027-1")
    return f"calls {', '.join(made)} created" if made else ""


def _closed_call(officer):
    """The call the demo's finished challenges were published in (created after them)."""
    if Call.objects.filter(year=2026, batch=1).exists():
        return None
    now = timezone.now()
    past = Challenge.objects.filter(
        call=None, published_at__isnull=False, bid_deadline__lte=now
    ).exclude(status=ChallengeStatus.WITHDRAWN)
    span = past.aggregate(first=Min("published_at"), last=Max("bid_deadline"))
    if span["first"] is None:
        return None
    call = Call.objects.create(
        name="2026年度第一批“揭榜挂帅”技术需求榜单",
        year=2026,
        batch=1,
        needs_opens_at=span["first"] - timedelta(days=60),
        needs_closes_at=span["first"] - timedelta(days=30),
        bids_close_at=span["last"],
        guide=GUIDE,
        created_by=officer,
    )
    # History, replayed: the collection and the vetting happened before this platform
    # recorded calls, so the transitions run here without their services' date checks.
    for step in ("open_collection", "close_collection", "publish", "close"):
        before = call.status
        getattr(call, step)()
        call.save()
        audit_record(
            actor=officer,
            action=f"call.{step}",
            obj=call,
            from_state=before,
            to_state=call.status,
            payload={"demo": True},
        )
    past.update(call=call)
    Call.objects.filter(pk=call.pk).update(published_at=span["first"])
    call.refresh_from_db()
    call_published.send(sender=Call, call=call, by=officer)
    return call


def _collecting_call(context, create):
    if Call.objects.filter(year=2027, batch=1).exists():
        return None
    officer, issuers = context["officer"], context["issuers"]
    now = timezone.now()
    call = calls.call_create(
        by=officer,
        data={
            "name": "2027年度第一批“揭榜挂帅”技术需求征集",
            "year": 2027,
            "batch": 1,
            "needs_opens_at": now - timedelta(days=10),
            "needs_closes_at": now + timedelta(days=20),
            "bids_close_at": now + timedelta(days=90),
            "max_lead_bids": 2,
            "pi_max_lead": 1,
            "guide": GUIDE,
        },
    )
    call = calls.open_collection(call=call, by=officer)
    for index, industry, title, problem, indicators, total, enterprise, *facts in NEEDS:
        chain, role, revenue, ratio, platform, platform_name, state = facts
        user, org = issuers[index]
        need = create(
            user=user,
            org=org,
            index=index,
            industry=industry,
            title=title,
            problem=problem,
            indicators=indicators,
            total=total,
            enterprise=enterprise,
            call=call,
            bid_deadline=call.bids_close_at,
            chain=chain,
            chain_role=role,
            revenue=Decimal(revenue),
            rd_ratio=Decimal(ratio),
            rd_platform=platform,
            rd_platform_name=platform_name,
        )
        if state == "draft":
            continue
        need = challenges.challenge_submit(challenge=need, by=user)
        if state == "recommended":
            officer_of = {org.pk: user for user, org in context.get("districts", ())}
            district.need_recommend(
                challenge=need,
                by=officer_of[org.district_id],
                comment="企业研发投入强度高，需求属产业链关键环节，同意推荐。",
            )
    return call
