"""Bid data for the bid scenarios. Deterministic and idempotent, like ``seed.py``.

Two challenges, marked by the ``bidbench-`` OCID prefix (not ``bench-``: the
board seed owns, counts and replaces those):

* ``bidbench-list``: in formal check, deadline passed, with ``LIST_BIDS`` bids
  (submitted / eligible) written with bulk_create: a distinct verified lead unit
  each, 0–4 consortium members, a PI with an account (also the creator and the
  PI team member), 2 milestones, 2–4 budget lines, an answer to every
  indicator, ``submitted_at`` and one ``BidVersion``; a ``FormalCheck`` for the
  eligible ones. No attachment rows (the list does not read them; the version
  lists the plan). Proposal texts at realistic lengths (technical approach
  1,500–4,000 characters). Seeded once; reseeded when its bids are not exactly
  those (count, ``SEED_VERSION``).
* ``bidbench-submit``: open (published, deadline a month ahead). Its bids are
  built per run by ``prepare_submissions`` through the real services, because
  submitting changes them: each run deletes the previous run's bids (versions
  and files included) and builds fresh drafts, each with its own lead unit and
  its own PI (a PI may lead one submitted bid, a unit three per year).

Also the bureau officer ``OFFICER`` (``accounts.services.bureau_bootstrap`` or
``membership_add`` into the existing bureau, as ``tests/factories.py`` does).

Credit codes use organisation-code prefixes no other seed uses: the board's
issuers are 91320411BN…; here BK (issuer), BL (list leads), BM (consortium
members, no organisation rows), BT (submit leads), BB (the bureau, if created).
"""

import hashlib
import random
from datetime import timedelta
from decimal import Decimal

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone

from accounts.credit_code import make_credit_code
from accounts.models import (
    Membership,
    Organization,
    OrganizationKind,
    OrganizationStatus,
    Role,
    User,
)
from accounts.services import bureau_bootstrap, membership_add
from bounty.bids import services as bid_services
from bounty.bids.rules import canonical_bytes
from bounty.challenges.funding import team_funding
from bounty.challenges.querysets import bigrams
from bounty.challenges.services import default_criteria
from bounty.models import (
    Attachment,
    Bid,
    BidStatus,
    BidVersion,
    BudgetLine,
    Challenge,
    ChallengeStatus,
    ConsortiumMember,
    FormalCheck,
    Indicator,
    IndicatorResponse,
    Industry,
    Milestone,
    RubricCriterion,
    TeamMember,
)
from common.hashing import sha256_hex

from .seed import BRANDS, CITIES, _seeder

OCID_PREFIX = "bidbench-"
LIST_OCID = f"{OCID_PREFIX}list"
SUBMIT_OCID = f"{OCID_PREFIX}submit"
LIST_BIDS = 2000
# Stored in every seeded version's content: bump it when the seeded rows change,
# and the next run replaces them.
SEED_VERSION = 2
ELIGIBLE_SHARE = 0.35  # the rest are still "submitted" (formal check in progress)
OFFICER = "bench-officer"

ISSUER_CODE = make_credit_code("91320411BK0000001")
BUREAU_CODE = make_credit_code("11320411BB0000001")
LIST_LEAD_PREFIX = "12320411BL"
MEMBER_PREFIX = "12320411BM"
SUBMIT_LEAD_PREFIX = "12320411BT"
MEMBER_POOL = 400  # consortium members are drawn from this many credit codes

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PDF_SHA256 = hashlib.sha256(PDF).hexdigest()

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "勇", "杰", "涛", "明", "超", "华", "平"]
LEAD_KINDS = [  # (kind, name ending)
    (OrganizationKind.UNIVERSITY, "大学"),
    (OrganizationKind.INSTITUTE, "研究院"),
    (OrganizationKind.NEW_RD, "产业技术研究院"),
]
INDICATORS = [  # (name, target, unit)
    ("热导率", Decimal("170"), "W/(m·K)"),
    ("抗弯强度", Decimal("400"), "MPa"),
    ("翘曲度", Decimal("0.2"), "mm"),
    ("良率", Decimal("95"), "%"),
]
# Proposal texts: a real technical approach runs to a few thousand characters
# (the form has no limit). Sentences drawn at random, with numbers, so that the
# database stores (and TOAST-compresses) them about as it would real ones.
APPROACH_SENTENCES = [
    "采用{proc}工艺制备{obj}，烧结温度控制在{n}℃，保温{m}小时。",
    "通过添加{pct}%的{add}作为烧结助剂，抑制晶粒异常长大，提高{ind}。",
    "第一阶段完成配方筛选与小试，形成{m}组对比样品并委托第三方检测{ind}。",
    "第二阶段在企业中试线上验证工艺窗口，批量制备{n}片样品，统计良率与一致性。",
    "建立{ind}与工艺参数之间的响应面模型，用于指导量产条件的优化。",
    "引入在线检测与统计过程控制，关键工序的过程能力指数达到{cpk}以上。",
    "针对{obj}表面金属化，比较活性金属钎焊与直接镀铜两条路线的结合强度与成本。",
    "团队已在相关方向发表论文{m}篇，授权发明专利{pct}项，具备{proc}中试装备。",
    "与下游用户联合制定测试规范，按{std}进行可靠性考核，循环{n}次无失效。",
    "利用有限元仿真分析热应力分布，优化{obj}的结构设计，降低翘曲{pct}%。",
]
RISK_SENTENCES = [
    "主要风险在于中试放大后{ind}波动，拟预留两轮工艺迭代并提前锁定原料批次。",
    "关键设备交付周期约{m}个月，已与两家供应商签订意向协议作为备选。",
    "若{add}进口受限，将启用国产替代原料，并在第{m}个月完成对比验证。",
    "核心成员{m}人全职投入，如人员变动由联合单位派员补充，确保进度不受影响。",
]
RESULT_SENTENCES = [
    "形成{obj}量产工艺包一套，{ind}达到或优于榜单指标。",
    "申请发明专利{m}项，制定企业标准{pct}项，培养工程技术人员{n}名。",
    "完成{n}片样品的用户验证，出具第三方检测报告。",
    "知识产权按榜单约定共有，双方另行签订成果转化与收益分配协议。",
]
TEXT_WORDS = {
    "proc": ["流延成型", "热压烧结", "无压烧结", "放电等离子烧结", "凝胶注模"],
    "obj": ["氮化铝陶瓷基板", "覆铜陶瓷基板", "氮化硅基板", "绝缘散热片"],
    "add": ["氧化钇", "氧化钙", "氟化钙", "稀土氧化物"],
    "ind": ["热导率", "抗弯强度", "翘曲度", "介电强度", "良率"],
    "std": ["GB/T 5593", "IEC 60749", "AEC-Q101", "企业联合规范"],
}


def _text(rng, sentences, chars):
    """About ``chars`` characters of proposal text from these sentences."""
    words = {key: rng.choice(values) for key, values in TEXT_WORDS.items()}
    parts, length = [], 0
    while length < chars:
        sentence = rng.choice(sentences).format(
            n=rng.randint(100, 2000),
            m=rng.randint(2, 12),
            pct=rng.randint(1, 9),
            cpk=rng.choice(["1.33", "1.67"]),
            **words,
        )
        parts.append(sentence)
        length += len(sentence)
        if rng.random() < 0.15:
            parts.append("\n\n")
    return "".join(parts)


def _proposal(rng):
    """The free-text fields of a bid, at realistic lengths."""
    return {
        "summary": _text(rng, APPROACH_SENTENCES, rng.randint(100, 300)),
        "technical_approach": _text(rng, APPROACH_SENTENCES, rng.randint(1500, 4000)),
        "risk_plan": _text(rng, RISK_SENTENCES, rng.randint(300, 800)),
        "expected_results": _text(rng, RESULT_SENTENCES, rng.randint(200, 600)),
    }


BUDGET_CATEGORIES = [
    BudgetLine.Category.OPERATING,
    BudgetLine.Category.EQUIPMENT,
    BudgetLine.Category.LABOUR,
    BudgetLine.Category.INDIRECT,
]


def seed(*, out=print):
    """The officer, both challenges, and the list challenge's bids (once)."""
    officer = _officer()
    issuer = _org(ISSUER_CODE, "常州恒瑞新材料有限公司（基准）", OrganizationKind.ENTERPRISE)
    listed = _challenge(LIST_OCID, issuer, open_=False)
    _challenge(SUBMIT_OCID, issuer, open_=True)
    if _list_seeded(listed):
        out(f"Bid data already seeded ({LIST_BIDS} bids on {LIST_OCID}).")
        return False
    started = timezone.now()
    rng = random.Random(2027)  # noqa: S311  (reproducible data, not secrets)
    with transaction.atomic():
        _delete_bids(listed)
        leads = _orgs(LIST_LEAD_PREFIX, LIST_BIDS, rng)
        pis = _users([f"bench-pi-{n:04d}" for n in range(1, LIST_BIDS + 1)], rng)
        _memberships(zip(pis, leads, strict=True))
        _list_bids(rng, listed, leads, pis, officer)
    _analyze()
    seconds = (timezone.now() - started).total_seconds()
    out(f"Seeded {LIST_BIDS} bids on {LIST_OCID} in {seconds:.1f} s.")
    return True


# --- People, organisations, challenges ------------------------------------------------------


def _officer():
    user = _users([OFFICER], random.Random(0))[0]  # noqa: S311
    if not Membership.objects.filter(user=user, role=Role.BUREAU).exists():
        bureau = Organization.objects.filter(
            kind=OrganizationKind.BUREAU, status=OrganizationStatus.VERIFIED
        ).first()
        if bureau is None:
            bureau_bootstrap(name="常州市科学技术局（基准）", credit_code=BUREAU_CODE, officer=user)
        else:
            membership_add(organization=bureau, user=user, role=Role.BUREAU)
    return user


def _org(code, name, kind):
    org, _created = Organization.objects.get_or_create(
        credit_code=code,
        defaults={"name": name, "kind": kind, "status": OrganizationStatus.VERIFIED},
    )
    return org


def _orgs(prefix, count, rng):
    """``count`` verified lead units with credit codes ``prefix`` + 1…count (missing ones created)."""
    codes = [make_credit_code(f"{prefix}{n:07d}") for n in range(1, count + 1)]
    have = set(
        Organization.objects.filter(credit_code__in=codes).values_list("credit_code", flat=True)
    )
    new = []
    for n, code in enumerate(codes, start=1):
        if code in have:
            continue
        kind, ending = LEAD_KINDS[n % len(LEAD_KINDS)]
        new.append(
            Organization(
                name=f"{rng.choice(CITIES)}{rng.choice(BRANDS)}{ending}（{n:04d}）",
                credit_code=code,
                kind=kind,
                status=OrganizationStatus.VERIFIED,
            )
        )
    Organization.objects.bulk_create(new)
    by_code = Organization.objects.in_bulk(codes, field_name="credit_code")
    return [by_code[code] for code in codes]


def _person(rng):
    return rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.randint(1, 2)))


def _users(names, rng):
    """Users with these usernames, unusable passwords (logins are forced); missing ones created."""
    have = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    new = []
    for name in names:
        if name in have:
            continue
        user = User(username=name, email=f"{name}@example.invalid", full_name=_person(rng))
        user.set_unusable_password()
        new.append(user)
    User.objects.bulk_create(new)
    by_name = User.objects.in_bulk(names, field_name="username")
    return [by_name[name] for name in names]


def _memberships(pairs):
    """Bidder (admin) memberships, bulk; existing ones are kept. No guardian grants:
    no measured page reads them (accounts.services.membership_add gives them)."""
    Membership.objects.bulk_create(
        [
            Membership(user=user, organization=org, role=Role.BIDDER, is_admin=True)
            for user, org in pairs
        ],
        ignore_conflicts=True,
    )


def _challenge(ocid, issuer, *, open_, industry="new-materials", title=None):
    """The challenge (indicators, rubric) in formal check (deadline passed) or open."""
    now = timezone.now().replace(second=0, microsecond=0)
    challenge = Challenge.objects.filter(ocid=ocid).first()
    if challenge is not None:
        if open_ and challenge.bid_deadline <= now + timedelta(days=7):
            # A bench database reused weeks later: keep the window open.
            Challenge.objects.filter(pk=challenge.pk).update(bid_deadline=now + timedelta(days=30))
        return challenge
    if open_:
        status, deadline = ChallengeStatus.PUBLISHED, now + timedelta(days=30)
        title = title or "高导热氮化铝陶瓷基板国产化替代（申报中）"
    else:
        status, deadline = ChallengeStatus.FORMAL_CHECK, now - timedelta(days=3)
        title = title or "高导热氮化铝陶瓷基板量产工艺（形式审查）"
    problem = "目前氮化铝陶瓷基板主要依赖进口，供货周期长、价格高，已成为企业扩产的瓶颈。"
    published = min(now, deadline) - timedelta(days=40)
    challenge = Challenge.objects.create(
        issuer=issuer,
        created_by=_seeder(),
        ocid=ocid,
        title=title,
        industry=Industry.objects.filter(code=industry).first(),
        problem=problem,
        deliverable="工艺包与样品",
        bounty_total=Decimal("800.00"),
        enterprise_funds=Decimal("600.00"),
        government_funds=Decimal("200.00"),
        period_months=24,
        bid_deadline=deadline,
        eligibility="具有独立法人资格的高校、科研院所或企业",
        consortium_allowed=True,
        max_consortium_members=4,
        ip_terms="shared",
        contact_name="联系人",
        status=status,  # the FSM field is protected: given at construction only
        search_text="\n".join([title, problem, *(i[0] for i in INDICATORS), issuer.name]).lower(),
        search_bigrams=bigrams(
            "\n".join([title, problem, *(i[0] for i in INDICATORS), issuer.name]).lower()
        ),
        submitted_at=published - timedelta(days=10),
        published_at=published,
        closed_at=None if open_ else deadline,
    )
    Indicator.objects.bulk_create(
        Indicator(
            challenge=challenge,
            position=n,
            name=name,
            comparator="gte",
            target_value=target,
            unit=unit,
            test_method="第三方检测",
        )
        for n, (name, target, unit) in enumerate(INDICATORS)
    )
    RubricCriterion.objects.bulk_create(
        RubricCriterion(challenge=challenge, position=n, **row)
        for n, row in enumerate(default_criteria())
    )
    return challenge


# --- The bureau's list: 2,000 submitted bids ------------------------------------------------


def _list_seeded(challenge):
    bids = Bid.objects.filter(challenge=challenge)
    return (
        bids.count() == LIST_BIDS
        and BidVersion.objects.filter(bid__in=bids, content__seed=SEED_VERSION).count() == LIST_BIDS
        and not bids.filter(submitted_at__isnull=True).exists()
    )


def _delete_bids(challenge):
    """Every bid of the challenge, with its versions (PROTECT) and attachment files."""
    bids = Bid.objects.filter(challenge=challenge)
    for name in Attachment.objects.filter(bid__in=bids).values_list("file", flat=True):
        if name:
            default_storage.delete(name)
    BidVersion.objects.filter(bid__in=bids).delete()
    bids.delete()


def _short_proposal(rng):
    """Shorter texts for the background volume (the list challenge keeps full lengths)."""
    return {
        "summary": _text(rng, APPROACH_SENTENCES, 80),
        "technical_approach": _text(rng, APPROACH_SENTENCES, 300),
        "risk_plan": _text(rng, RISK_SENTENCES, 100),
        "expected_results": _text(rng, RESULT_SENTENCES, 80),
    }


def _list_bids(rng, challenge, leads, pis, officer, *, ref="L", members=None, proposal=_proposal):
    """Submitted bids, one per (lead, PI); consortium members drawn from ``members``
    [(name, credit code)] (default: the ``MEMBER_PREFIX`` pool). References are
    B-<deadline date>-<ref><n>: give every challenge its own ``ref``."""
    indicators = list(challenge.indicators.all())
    if members is None:
        members = [
            (f"{rng.choice(CITIES)}{rng.choice(BRANDS)}材料有限公司", f"{MEMBER_PREFIX}{n:07d}")
            for n in range(1, MEMBER_POOL + 1)
        ]
        members = [(name, make_credit_code(code)) for name, code in members]
    start = challenge.published_at + timedelta(days=1)
    window = (challenge.bid_deadline - start).total_seconds()
    day = timezone.localdate(challenge.bid_deadline)
    bids, extras = [], []
    for n, (lead, pi) in enumerate(zip(leads, pis, strict=True), start=1):
        # Late submissions are the common case: skew towards the deadline.
        submitted = start + timedelta(seconds=window * (1 - rng.random() ** 3))
        status = BidStatus.ELIGIBLE if rng.random() < ELIGIBLE_SHARE else BidStatus.SUBMITTED
        bids.append(
            Bid(
                challenge=challenge,
                lead=lead,
                # Bid.save() makes B-YYYYMMDD-<8 hex digits>; a non-hex `ref` keeps these apart.
                reference=f"B-{day:%Y%m%d}-{ref}{n:07d}",
                created_by=pi,
                pi=pi,
                pi_title=rng.choice(["教授", "研究员", "副教授", "高级工程师"]),
                **proposal(rng),
                status=status,  # protected FSM field: constructor only
                submitted_at=submitted,
            )
        )
        extras.append(rng.sample(members, rng.randint(0, 4)))
    Bid.objects.bulk_create(bids, batch_size=1000)
    team, consortium, milestones, budget, responses, versions, checks = [], [], [], [], [], [], []
    for bid, cons in zip(bids, extras, strict=True):
        lead, pi = bid.lead, bid.pi
        team.append(
            TeamMember(
                bid=bid,
                name=str(pi),
                title=bid.pi_title,
                employer=lead.name,
                employer_code=lead.credit_code,
                role=TeamMember.Role.PI,
                user=pi,
            )
        )
        share = Decimal(20)
        consortium += [
            ConsortiumMember(
                bid=bid,
                position=p,
                name=name,
                credit_code=code,
                work_share=share,
                responsibilities="样品检测与中试验证",
            )
            for p, (name, code) in enumerate(cons)
        ]
        milestones += [
            Milestone(
                bid=bid,
                position=0,
                title="小试",
                due_month=6,
                deliverables="小试样品",
                tranche_share=Decimal(40),
            ),
            Milestone(
                bid=bid,
                position=1,
                title="中试",
                due_month=18,
                deliverables="中试样品与报告",
                tranche_share=Decimal(60),
            ),
        ]
        lines = [
            BudgetLine(
                bid=bid,
                position=p,
                category=category,
                government_amount=Decimal(rng.randint(20, 300)),
            )
            for p, category in enumerate(BUDGET_CATEGORIES[: rng.randint(2, 4)])
        ]
        budget += lines
        responses += [
            IndicatorResponse(
                bid=bid,
                indicator=indicator,
                committed_value=indicator.target_value * Decimal("1.1"),
                note="见实施方案",
            )
            for indicator in indicators
        ]
        content = {
            "format": "jiebang-bid-v1",
            "seed": SEED_VERSION,
            "challenge": challenge.ocid,
            "reference": bid.reference,
            "lead": {"name": lead.name, "credit_code": lead.credit_code},
            "consortium": [{"name": name, "credit_code": code} for name, code in cons],
            "pi": {"id": pi.pk, "name": str(pi), "title": bid.pi_title},
            "budget": {"lines": [{"category": b.category, "amount": str(b.amount)} for b in lines]},
        }
        versions.append(
            BidVersion(
                bid=bid,
                number=1,
                submitted_at=bid.submitted_at,
                submitted_by=pi,
                content=content,
                content_sha256=sha256_hex(canonical_bytes(content)),
                attachments=[
                    {"name": "实施方案.pdf", "kind": "plan", "size": len(PDF), "sha256": PDF_SHA256}
                ],
            )
        )
        if bid.status == BidStatus.ELIGIBLE:
            checks.append(
                FormalCheck(
                    bid=bid,
                    checklist={key: {"auto": True, "ok": True} for key, _ in FormalCheck.ITEMS},
                    eligible=True,
                    checked_by=officer,
                )
            )
    for model, rows in (
        (TeamMember, team),
        (ConsortiumMember, consortium),
        (Milestone, milestones),
        (BudgetLine, budget),
        (IndicatorResponse, responses),
        (BidVersion, versions),  # inserts: BidVersion.save() refuses only updates
        (FormalCheck, checks),
    ):
        model.objects.bulk_create(rows, batch_size=2000)


def _analyze():
    command = "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
    models = (
        Organization,
        User,
        Membership,
        Bid,
        TeamMember,
        ConsortiumMember,
        Milestone,
        BudgetLine,
        IndicatorResponse,
        BidVersion,
        FormalCheck,
    )
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")


# --- Bid submission: fresh drafts per run, through the real services ------------------------


def prepare_submissions(count):
    """``count`` complete drafts on the open challenge; kwargs for ``bid_submit`` each.

    Deletes the previous run's bids on that challenge first. Each draft has its
    own lead unit and its own PI (the team's bidder, who creates the bid) and is
    built with ``bid_create``, ``bid_update`` and ``attachment_add`` (a tiny PDF),
    so that the submission finds what a real one finds. The ``bid`` and ``by``
    handed back are loaded afresh, as a request would load them.
    """
    challenge = Challenge.objects.get(ocid=SUBMIT_OCID)
    _delete_bids(challenge)
    rng = random.Random(2028)  # noqa: S311
    leads = _orgs(SUBMIT_LEAD_PREFIX, count, rng)
    users = _users([f"bench-submit-pi-{n:04d}" for n in range(1, count + 1)], rng)
    members = set(
        Membership.objects.filter(user__in=users, role=Role.BIDDER).values_list(
            "user_id", "organization_id"
        )
    )
    for user, org in zip(users, leads, strict=True):
        if (user.pk, org.pk) not in members:
            membership_add(organization=org, user=user, role=Role.BIDDER, is_admin=True)
    indicators = list(challenge.indicators.all())
    prepared = []
    for n, (user, lead) in enumerate(zip(users, leads, strict=True)):
        bid = _complete_draft(rng, challenge, indicators, user, lead, members=n % 3)
        prepared.append((bid.pk, user.pk))
    return [
        {"bid": Bid.objects.get(pk=bid_id), "by": User.objects.get(pk=user_id)}
        for bid_id, user_id in prepared
    ]


def _split(challenge):
    """(enterprise, government) parts of the team share, as a submitted budget states them."""
    if challenge.team_share() is None:
        return Decimal(0), Decimal(300)
    return team_funding(challenge)


def _complete_draft(rng, challenge, indicators, user, lead, *, members):
    bid = bid_services.bid_create(challenge=challenge, by=user, lead=lead)
    bid_services.bid_update(
        bid=bid,
        by=user,
        data={"pi": user, "pi_title": "教授", **_proposal(rng)},
        consortium=[
            {
                "name": f"常州协作材料有限公司（{m + 1}）",
                "credit_code": make_credit_code(f"{MEMBER_PREFIX}{m + 1:07d}"),
                "work_share": Decimal(20),
                "responsibilities": "样品检测与中试验证",
            }
            for m in range(members)
        ],
        responses=[
            {"indicator_id": i.pk, "committed_value": i.target_value * 2, "note": "见实施方案"}
            for i in indicators
        ],
        milestones=[
            {
                "title": "小试",
                "due_month": 6,
                "deliverables": "小试样品",
                "tranche_share": Decimal(40),
            },
            {
                "title": "中试",
                "due_month": 18,
                "deliverables": "中试报告",
                "tranche_share": Decimal(60),
            },
        ],
        budget=[
            {
                "category": "operating",
                # The 财政 / 自筹 columns follow the bounty's split of the share.
                "government_amount": _split(challenge)[1],
                "self_raised_amount": _split(challenge)[0],
                "note": "",
            },
        ],
        exclusions=[],
    )
    bid_services.attachment_add(
        bid=bid, by=user, upload=SimpleUploadedFile("实施方案.pdf", PDF), kind="plan"
    )
    return bid
