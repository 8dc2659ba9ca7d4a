"""Demo restricted and confidential challenges (issue 16, point 4), called by ``bounty.demo``'s
``seed``; idempotent by title. A restricted (内部) challenge whose NDA one team accepted,
and a confidential (保密) one where the issuer admitted one organisation (which then
accepted the NDA) and refused another with a written reason. Everything goes through the
real services (``bounty/challenges/access_services.py``)."""

from bounty.challenges import access_services as access
from bounty.challenges.models import Challenge, Confidentiality

# (issuer index, industry, title, public summary, hidden problem, indicators, bounty,
# enterprise share, confidentiality)
RESTRICTED = (
    1,
    "intelligent-manufacturing",
    "协作机器人谐波减速器柔轮疲劳寿命提升",
    "面向协作机器人关节的谐波减速器柔轮寿命提升需求，榜单细节须签署保密承诺后查看。",
    "现有柔轮在额定扭矩下运行约 8000 小时出现齿根疲劳裂纹，需从材料热处理、齿形修形与"
    "残余应力控制入手，将寿命提升至 15000 小时以上。企业提供现有柔轮失效分析报告与产线工艺参数。",
    [("额定扭矩下寿命", "gte", "15000", "h"), ("传动精度", "lte", "30", "arcsec")],
    "900",
    "650",
)
CONFIDENTIAL = (
    2,
    "integrated-circuits",
    "车规级 MCU 功能安全锁步核设计",
    "面向车规级控制芯片的功能安全设计需求（ASIL-D），仅向经发榜方同意的单位开放细节。",
    "新一代域控制器 MCU 需满足 ISO 26262 ASIL-D，要求双核锁步架构、诊断覆盖率与故障注入"
    "验证方案；企业提供现有 IP 核与工艺角参数，须在保密条件下开展联合设计。",
    [("单点故障度量 SPFM", "gte", "99", "%"), ("潜伏故障度量 LFM", "gte", "90", "%")],
    "1600",
    "1200",
)
REFUSAL = "贵单位近三年无车规级芯片流片经历，暂不满足本榜单的保密与资质要求。"


def _published(issuers, officer, row, level, create, advance):
    index, industry, title, summary, problem, indicators, total, enterprise = row
    user, org = issuers[index]
    challenge = Challenge.objects.filter(issuer=org, title=title).first()
    if challenge is not None:
        return None
    challenge = create(
        user=user,
        org=org,
        index=index,
        industry=industry,
        title=title,
        problem=problem,
        indicators=indicators,
        total=total,
        enterprise=enterprise,
        confidentiality=level,
        public_summary=summary,
    )
    advance(challenge, "published", user, officer, (), {})
    return Challenge.objects.get(pk=challenge.pk), user


def seed_access(context, *, create, advance):
    """``create`` and ``advance``: ``bounty.demo``'s helpers (a challenge with the demo's
    terms; taken to a state by the officer). Returns a line for seed_demo's output, empty
    when everything existed."""
    issuers, officer, teams = context["issuers"], context["officer"], context["teams"]
    made = []
    restricted = _published(issuers, officer, RESTRICTED, Confidentiality.INTERNAL, create, advance)
    if restricted is not None:
        challenge, _issuer = restricted
        user, org = teams[1]  # team2 accepted the NDA; the other teams see the summary only
        access.nda_accept(challenge=challenge, by=user, organization=org)
        made.append("restricted (team2 accepted the NDA)")
    confidential = _published(
        issuers, officer, CONFIDENTIAL, Confidentiality.SECRET, create, advance
    )
    if confidential is not None:
        challenge, issuer = confidential
        user, org = teams[2]  # team3: admitted, then accepted the NDA
        item = access.access_request_create(
            challenge=challenge,
            by=user,
            organization=org,
            reason="本所承担过车规芯片功能安全评估项目，拟组织设计与验证团队揭榜。",
        )
        access.access_request_decide(request=item, by=issuer, decision="admit")
        access.nda_accept(challenge=challenge, by=user, organization=org)
        user, org = teams[4]  # team5: refused, with the reason it reads
        item = access.access_request_create(
            challenge=challenge,
            by=user,
            organization=org,
            reason="我公司拟拓展车规芯片业务，希望了解需求细节。",
        )
        access.access_request_decide(request=item, by=issuer, decision="refuse", reason=REFUSAL)
        made.append("confidential (team3 admitted and accepted the NDA, team5 refused)")
    return "; ".join(made)
