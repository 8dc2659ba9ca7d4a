"""Realistic benchmark volumes, written fast with bulk_create. Deterministic and idempotent.

``--challenges N`` is the number of *public* challenges (what the board scans):
80 % published (deadlines spread ±90 days around now, so about half show as
closed), the rest closed or in a later stage. On top come 15 % more in the
non-public states (draft … withdrawn) that the board must skip. Every row is
marked by its ``ocid`` prefix, so a rerun at the same volume does nothing and a
rerun at another volume replaces only the benchmark rows.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from accounts.credit_code import make_credit_code
from accounts.models import Organization, OrganizationKind, OrganizationStatus, User
from bounty.challenges.querysets import bigrams
from bounty.models import PUBLIC_STATUSES, Challenge, ChallengeStatus, Indicator, Industry

OCID_PREFIX = "bench-"
ORG_CODE_PREFIX = "91320411BN"  # authority 9 (工商), category 1, Changzhou Xinbei, org code BN…
ISSUERS = 200
BATCH = 2000

PUBLIC_MIX = [  # (status, weight) among public challenges
    (ChallengeStatus.PUBLISHED, 80),
    (ChallengeStatus.CLOSED, 8),
    (ChallengeStatus.UNDER_REVIEW, 3),
    (ChallengeStatus.AWARD_PROPOSED, 1),
    (ChallengeStatus.IN_NOTICE, 1),
    (ChallengeStatus.AWARDED, 3),
    (ChallengeStatus.NO_AWARD, 1),
    (ChallengeStatus.CONTRACTED, 2),
    (ChallengeStatus.COMPLETED, 1),
]
HIDDEN_MIX = [  # (status, weight) among the extra, non-public challenges
    (ChallengeStatus.DRAFT, 40),
    (ChallengeStatus.SUBMITTED, 10),
    (ChallengeStatus.RETURNED, 10),
    (ChallengeStatus.VETTING, 10),
    (ChallengeStatus.APPROVED, 10),
    (ChallengeStatus.REJECTED, 10),
    (ChallengeStatus.WITHDRAWN, 10),
]
HIDDEN_SHARE = 0.15

# --- Word lists ----------------------------------------------------------------------------

CITIES = ["常州", "无锡", "苏州", "南京", "南通", "镇江", "扬州", "泰州", "盐城", "徐州"]
BRANDS = [
    "恒瑞", "天合", "精工", "华芯", "新源", "科达", "中研", "星辰", "博远", "东方",
    "长江", "汇川", "明德", "瑞泰", "晶澳", "金石", "宏图", "智联", "海达", "卓越",
]  # fmt: skip
TRADES = ["新材料", "半导体", "智能装备", "新能源", "生物医药", "电子科技", "汽车部件", "光电"]
SUFFIXES = ["有限公司", "股份有限公司", "科技有限公司", "集团有限公司"]

PREFIXES = [
    "高性能", "低成本", "车规级", "大尺寸", "高纯", "超薄", "耐高温", "高可靠",
    "国产化", "高效率", "长寿命", "轻量化", "高精度", "柔性", "绿色",
]  # fmt: skip
# Per industry code: (objects, indicator names). Industries not listed use GENERIC.
SUBJECTS = {
    "integrated-circuits": (
        ["碳化硅衬底", "光刻胶", "IGBT 模块", "氮化镓外延片", "先进封装基板", "CMP 抛光液"],
        ["微管密度", "良率", "翘曲度", "电阻率均匀性", "缺陷密度", "击穿电压", "热阻"],
    ),
    "artificial-intelligence": (
        ["工业视觉检测算法", "大模型推理加速", "缺陷识别系统", "语音交互模组"],
        ["识别准确率", "推理延迟", "误检率", "吞吐量", "模型参数量", "功耗"],
    ),
    "intelligent-manufacturing": (
        ["精密减速器", "五轴数控系统", "协作机器人关节", "伺服电机", "激光切割头"],
        ["重复定位精度", "传动效率", "回差", "平均无故障时间", "噪声", "额定扭矩"],
    ),
    "new-materials": (
        ["氮化铝陶瓷基板", "碳纤维复合材料", "高温合金", "聚酰亚胺薄膜", "特种涂层"],
        ["热导率", "拉伸强度", "断裂韧性", "耐温等级", "介电常数", "密度"],
    ),
    "biomedicine": (
        ["单克隆抗体", "mRNA 递送系统", "医用高分子导管", "体外诊断试剂"],
        ["纯度", "收率", "灵敏度", "特异性", "稳定期", "批间差"],
    ),
    "new-energy": (
        ["固态电解质", "高镍正极材料", "锂电池隔膜", "钠离子电池", "硅碳负极"],
        ["能量密度", "循环寿命", "容量保持率", "比容量", "离子电导率", "内阻"],
    ),
    "photovoltaics": (
        ["钙钛矿叠层电池", "异质结电池", "光伏逆变器", "储能变流器"],
        ["光电转换效率", "衰减率", "转换效率", "功率密度", "温度系数"],
    ),
    "graphene": (
        ["石墨烯导热膜", "石墨烯粉体", "碳纳米管导电浆料"],
        ["热导率", "电导率", "层数", "比表面积", "分散稳定性"],
    ),
}
GENERIC = (
    ["核心部件", "关键装备", "检测仪器", "控制系统", "专用芯片"],
    ["可靠性", "精度", "寿命", "能耗", "成本下降幅度", "国产化率"],
)
GOALS = [
    "制备技术",
    "量产工艺",
    "关键技术攻关",
    "国产化替代",
    "性能提升",
    "检测装备研制",
    "良率提升",
]
PROBLEM_SENTENCES = [
    "目前{obj}主要依赖进口，供货周期长、价格高，已成为企业扩产的瓶颈。",
    "现有{obj}在{ind}方面与国际先进水平差距明显，难以满足下游客户的要求。",
    "企业已尝试与多家单位合作改进工艺，但{ind}始终不稳定，批次一致性差。",
    "希望揭榜团队提出可工程化的技术路线，并在企业产线上完成验证。",
    "项目完成后需实现{obj}的小批量试产，形成自主知识产权。",
    "关键难点在于{ind}与成本之间的平衡，需要从材料、工艺和装备三方面协同攻关。",
    "下游应用涵盖新能源汽车、光伏储能和消费电子，市场需求增长迅速。",
    "企业可提供中试线、检测平台和工艺数据支持，并安排专人对接。",
]
DELIVERABLES = ["工艺包与样品", "样机一台及技术报告", "软件系统及源代码", "中试线验证报告"]


def seeded(public_count):
    """True when the benchmark rows are exactly those ``public_count`` asks for."""
    rows = Challenge.objects.filter(ocid__startswith=OCID_PREFIX)
    return rows.filter(
        status__in=PUBLIC_STATUSES
    ).count() == public_count and rows.count() == public_count + int(public_count * HIDDEN_SHARE)


def seed(public_count, *, out=print):
    if seeded(public_count):
        out(f"Benchmark data already seeded ({public_count} public challenges).")
        return False
    rng = random.Random(2026)  # noqa: S311  (reproducible data, not secrets)
    started = timezone.now()
    with transaction.atomic():
        _delete_previous()
        user = _seeder()
        issuers = _issuers(rng)
        industries = list(Industry.objects.order_by("sort_order"))
        statuses = _statuses(rng, PUBLIC_MIX, public_count) + _statuses(
            rng, HIDDEN_MIX, int(public_count * HIDDEN_SHARE)
        )
        rng.shuffle(statuses)
        for start in range(0, len(statuses), BATCH):
            _create_batch(rng, start, statuses[start : start + BATCH], user, issuers, industries)
    _analyze()
    seconds = (timezone.now() - started).total_seconds()
    out(f"Seeded {len(statuses)} challenges ({public_count} public) in {seconds:.1f} s.")
    return True


def _delete_previous():
    old = Challenge.objects.filter(ocid__startswith=OCID_PREFIX)
    Indicator.objects.filter(challenge__in=old).delete()
    old.delete()


def _seeder():
    user, created = User.objects.get_or_create(
        username="bench-seeder",
        defaults={"email": "bench-seeder@example.invalid", "full_name": "基准数据"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _issuers(rng):
    existing = list(Organization.objects.filter(credit_code__startswith=ORG_CODE_PREFIX))
    if len(existing) >= ISSUERS:
        return existing
    have = {o.credit_code for o in existing}
    new = []
    for n in range(1, ISSUERS + 1):
        code = make_credit_code(f"{ORG_CODE_PREFIX}{n:07d}")
        if code in have:
            continue
        name = f"{rng.choice(CITIES)}{rng.choice(BRANDS)}{rng.choice(TRADES)}{rng.choice(SUFFIXES)}"
        new.append(
            Organization(
                name=f"{name}（{n:03d}）",
                credit_code=code,
                kind=OrganizationKind.ENTERPRISE,
                status=OrganizationStatus.VERIFIED,
            )
        )
    Organization.objects.bulk_create(new)
    return list(Organization.objects.filter(credit_code__startswith=ORG_CODE_PREFIX))


def _statuses(rng, mix, count):
    values = [status for status, _weight in mix]
    weights = [weight for _status, weight in mix]
    return rng.choices(values, weights=weights, k=count)


def _dates(rng, status, now):
    """(bid deadline, published at) consistent with the status."""
    if status == ChallengeStatus.PUBLISHED:
        deadline = now + timedelta(minutes=rng.randint(-90 * 1440, 90 * 1440))
    elif status in PUBLIC_STATUSES:
        deadline = now - timedelta(minutes=rng.randint(1440, 90 * 1440))
    else:
        deadline = now + timedelta(days=rng.randint(21, 120))
    deadline = deadline.replace(second=0, microsecond=0)
    published = None
    if status in PUBLIC_STATUSES or status == ChallengeStatus.WITHDRAWN:
        published = min(now, deadline - timedelta(days=rng.randint(20, 90)))
        published -= timedelta(minutes=rng.randint(0, 600))
    return deadline, published


def _create_batch(rng, offset, statuses, user, issuers, industries):
    now = timezone.now()
    challenges, names_of = [], []
    for n, status in enumerate(statuses, start=offset + 1):
        industry = rng.choice(industries)
        objects, indicator_names = SUBJECTS.get(industry.code, GENERIC)
        obj = rng.choice(objects)
        title = f"{rng.choice(PREFIXES)}{obj}{rng.choice(GOALS)}"
        names = rng.sample(indicator_names, rng.randint(2, min(5, len(indicator_names))))
        sentences = rng.sample(PROBLEM_SENTENCES, rng.randint(3, 6))
        problem = "".join(s.format(obj=obj, ind=rng.choice(names)) for s in sentences)
        issuer = rng.choice(issuers)
        total = Decimal(rng.choice([50, 80, 100, 150, 200, 300, 500, 800, 1000, 2000, 5000]))
        total += Decimal(rng.randint(0, 9) * 10) if total < 5000 else 0
        enterprise = (total * Decimal(rng.choice(["0.5", "0.6", "0.7", "0.8", "1"]))).quantize(
            Decimal("0.01")
        )
        deadline, published = _dates(rng, status, now)
        deliverable = rng.choice(DELIVERABLES)
        challenges.append(
            Challenge(
                issuer=issuer,
                created_by=user,
                ocid=f"{OCID_PREFIX}{n:07d}",
                title=title,
                industry=industry,
                problem=problem,
                deliverable=deliverable,
                bounty_total=total,
                enterprise_funds=enterprise,
                government_funds=total - enterprise,
                period_months=rng.choice([12, 18, 24, 36]),
                bid_deadline=deadline,
                eligibility="具有独立法人资格的高校、科研院所或企业",
                ip_terms="shared",
                contact_name="联系人",
                status=status,
                search_text="\n".join([title, problem, deliverable, *names, issuer.name]).lower(),
                search_bigrams=bigrams(
                    "\n".join([title, problem, deliverable, *names, issuer.name]).lower()
                ),
                published_at=published,
                submitted_at=published,
                closed_at=deadline if status == ChallengeStatus.CLOSED else None,
            )
        )
        names_of.append(names)
    Challenge.objects.bulk_create(challenges)
    if connection.features.can_return_rows_from_bulk_insert:
        created = challenges
    else:  # SQLite before 3.35 gives no ids back
        created = list(
            Challenge.objects.filter(ocid__in=[c.ocid for c in challenges]).order_by("ocid")
        )
    Indicator.objects.bulk_create(
        Indicator(
            challenge=challenge,
            position=position,
            name=name,
            comparator="gte",
            target_value=Decimal(rng.randint(1, 999)),
            unit="",
        )
        for challenge, names in zip(created, names_of, strict=True)
        for position, name in enumerate(names)
    )


def _analyze():
    """Steady state at once: planner statistics and the visibility map (index-only
    scans) that autovacuum would otherwise bring only minutes later."""
    command = "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
    with connection.cursor() as cursor:
        for model in (Organization, Challenge, Indicator):
            cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
