"""Demo expert pool and one completed draw (called by ``seed_demo``; idempotent)."""

from datetime import timedelta

from django.utils import timezone

from accounts.credit_code import make_credit_code
from accounts.models import User
from bounty.demo import demo_submit
from bounty.meetings.demo import demo_meeting
from bounty.models import Challenge, ChallengeStatus, Industry
from bounty.sealing.demo import demo_open
from review.demo_draw import demo_draw_complete, demo_public_source
from review.draw import services
from review.draw.seats import declaration_record, seat_accept, seat_decline
from review.models import Draw, Expert

SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = [
    "建华",
    "丽娟",
    "志明",
    "海涛",
    "晓燕",
    "国强",
    "文静",
    "振宇",
    "思远",
    "雪梅",
    "立新",
    "春华",
]
EMPLOYERS = [
    ("南京大学", "12100000466006304"),
    ("东南大学", "12100000466006312"),
    ("江南大学", "12320000466008440"),
    ("苏州大学", "12320000466008459"),
    ("中国科学院宁波材料所", "12100000400006212"),
    ("上海交通大学", "12100000425005233"),
    ("浙江大学", "12100000470095016"),
    ("江苏省产业技术研究院", "12320000MB0C12345"),
    ("中国汽车技术研究中心", "12100000400004765"),
    ("常州市会计师协会", "51320400MJ5L00011"),
    ("天职国际会计师事务所", "91110108MA00AAAA1"),
    ("苏州纳米所", "12100000400008787"),
]
PASSWORD = "Demo-2026!"


def seed(context):
    if Expert.objects.filter(code__startswith="D").exists():
        return ""
    summary = _seed_pool_and_draw(context)
    reviewed = seed_review_demos(context)
    from review.ratings.demo import seed_ratings

    scored = next(title for title, state in REVIEW_DEMOS if state == "scored")
    rated = seed_ratings(context, title=scored)
    return "; ".join(
        part
        for part in (f"{summary}; {reviewed} challenges scored / in notice / awarded", rated)
        if part
    )


def _seed_pool_and_draw(context):
    industries = list(Industry.objects.all())
    n = 0
    for industry in industries:
        for i in range(16):
            n += 1
            name = SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 7) % len(GIVEN)]
            employer, prefix = EMPLOYERS[n % len(EMPLOYERS)]
            kind = "financial" if i in (9, 13) else ("management" if i == 10 else "technical")
            expert = Expert.objects.create(
                code=f"D{n:05d}",
                name=name,
                employer_name=employer,
                employer_code=make_credit_code(prefix[:17]),
                title=["senior", "associate", "intermediate"][i % 3],
                expert_type=kind,
                keywords=industry.name_zh,
                email=f"expert{n:03d}@demo.jiebang.local",
            )
            expert.industries.add(industry)
    # Accounts for the pool of the challenge in formal check, so drawn experts can log in.
    challenge = Challenge.objects.filter(status=ChallengeStatus.FORMAL_CHECK).first()
    if challenge is None:
        return f"{n} experts"
    for expert in Expert.objects.filter(industries=challenge.industry_id, user__isnull=True):
        user = User.objects.create_user(
            username=f"expert{expert.code[1:]}",
            email=expert.email,
            password=PASSWORD,
            full_name=expert.name,
        )
        expert.user = user
        expert.save(update_fields=["user"])
    officer = context["officer"]
    supervisor = context["supervisor"]
    draw = services.draw_create(
        challenge=challenge, by=officer, public_value_source=demo_public_source()
    )
    demo_draw_complete(draw, officer, supervisor)
    draw = Draw.objects.get(pk=draw.pk)
    first = draw.seats.filter(on_panel=True).select_related("expert__user").order_by("rank").first()
    seat_decline(seat=first, by=first.expert.user, reason="时间冲突")
    logins = ", ".join(
        draw.seats.filter(on_panel=True, status="invited").values_list(
            "expert__user__username", flat=True
        )
    )
    return (
        f"{n} experts; draw #{draw.pk} completed; invited experts (password {PASSWORD}): {logins}"
    )


# --- Scored, in-notice and awarded challenges ------------------------------

REVIEW_DEMOS = [
    ("电池包结构件一体化压铸工艺", "scored"),
    ("动力电池回收湿法冶金提锂", "in_notice"),
    ("车规级BMS芯片功能安全设计", "awarded"),
    ("固态电池电解质界面稳定性提升", "awarded"),
    ("氢燃料电池膜电极寿命提升", "awarded"),
    ("车用碳化硅功率模块封装可靠性", "awarded"),
]
# 赛马制 demos: both bids win, so six demo projects come from four awarded challenges.
HORSE_RACES = ("氢燃料电池膜电极寿命提升", "车用碳化硅功率模块封装可靠性")


def _account(expert):
    if expert.user_id:
        return expert.user
    user = User.objects.create_user(
        username=f"expert{expert.code[1:]}",
        email=expert.email,
        password=PASSWORD,
        full_name=expert.name,
    )
    expert.user = user
    expert.save(update_fields=["user"])
    return user


def seed_review_demos(context, demos=REVIEW_DEMOS, horse_races=HORSE_RACES, first=0):
    from decimal import Decimal

    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.services import membership_add
    from bounty.bids import services as bid_services
    from bounty.challenges import services as bounty_services
    from bounty.demo import PLAN_PDF, demo_budget, horse_race_money
    from review.award import services as award
    from review.scoring import services as scoring

    officer, supervisor = context["officer"], context["supervisor"]
    issuer, issuer_org = context["issuers"][0]
    teams = context["teams"]
    industry = Industry.objects.get(code="new-energy-vehicles")
    made = 0
    for n, (title, state) in enumerate(demos, start=first):
        if Challenge.objects.filter(title=title).exists():
            continue
        data = {
            "title": title,
            "industry": industry,
            "problem": "面向新能源汽车产业链的关键技术攻关需求。",
            "deliverable": "样件、工艺包与检测报告",
            "bounty_total": Decimal("600"),
            "enterprise_funds": Decimal("400"),
            "government_funds": Decimal("200"),
            "period_months": 18,
            "bid_deadline": timezone.now() + timedelta(days=35),
            "eligibility": "高校、科研院所或企业",
            "ip_terms": "shared",
            "contact_name": issuer.full_name,
            **horse_race_money(Decimal("600"), 2 if title in horse_races else 1),
        }
        rows = [
            {
                "name": "关键性能指标",
                "comparator": "gte",
                "target_value": Decimal("95"),
                "unit": "%",
            }
        ]
        challenge = bounty_services.challenge_create(
            by=issuer, issuer=issuer_org, data=data, indicators=rows
        )
        demo_submit(challenge, issuer)
        for step in ("start_vetting", "approve", "publish"):
            bounty_services.challenge_decide(challenge=challenge, by=officer, decision=step)
        challenge = Challenge.objects.get(pk=challenge.pk)
        bids = []
        for k in range(2):
            user, org = teams[(2 * n + k) % len(teams)]
            pi = User.objects.create_user(
                username=f"pi-{n}-{k}",
                email=f"pi-{n}-{k}@demo.jiebang.local",
                password=PASSWORD,
                full_name=f"负责人{n}{k}",
            )
            membership_add(organization=org, user=pi, role="bidder", by=user)
            bid = bid_services.bid_create(challenge=challenge, by=user, lead=org)
            bid_services.bid_update(
                bid=bid,
                by=user,
                data={
                    "pi": pi,
                    "technical_approach": "分阶段攻关：机理研究、工艺验证、中试放大。",
                    "risk_plan": "关键节点设置评估与备选方案。",
                    "expected_results": "发明专利 2 项，样件 1 批。",
                },
                responses=[
                    {"indicator_id": i.pk, "committed_value": Decimal("96"), "note": ""}
                    for i in challenge.indicators.all()
                ],
                milestones=[
                    {
                        "title": "中期",
                        "due_month": 9,
                        "deliverables": "中期报告",
                        "tranche_share": Decimal("50"),
                    },
                    {
                        "title": "验收",
                        "due_month": 18,
                        "deliverables": "样件与检测报告",
                        "tranche_share": Decimal("50"),
                    },
                ],
                budget=demo_budget(challenge),
            )
            bid_services.attachment_add(
                bid=bid, by=user, upload=SimpleUploadedFile("方案.pdf", PLAN_PDF), kind="plan"
            )
            bid_services.bid_submit(bid=bid, by=user)
            bids.append(bid)
        Challenge.objects.filter(pk=challenge.pk).update(
            bid_deadline=timezone.now() - timedelta(days=1)
        )
        demo_open(challenge, officer)  # 开标解密: sealed bids are opened first
        bid_services.formal_check_start(challenge=challenge, by=officer)
        bid_services.bids_formal_check_bulk(challenge=challenge, by=officer, bids=bids)
        draw = services.draw_create(
            challenge=challenge,
            by=officer,
            params={"size": 5, "alternates": 3},
            public_value_source=demo_public_source(),
        )
        demo_draw_complete(draw, officer, supervisor)
        challenge = Challenge.objects.get(pk=challenge.pk)
        award.review_start(challenge=challenge, by=officer)
        seats = list(
            Draw.objects.get(pk=draw.pk).seats.filter(on_panel=True).select_related("expert__user")
        )
        criteria = list(challenge.criteria.all())
        for s, seat in enumerate(seats):
            user = _account(seat.expert)
            seat_accept(seat=seat, by=user, undertaking=True)
            for b, bid in enumerate(bids):
                declaration_record(seat=seat, by=user, bid=bid, outcome="none")
                value = 85 - 12 * b + (s % 3) * 2
                scoring.sheet_save(
                    seat=seat,
                    by=user,
                    bid=bid,
                    values={c.pk: (value, "方案可行，指标有依据。") for c in criteria},
                )
            scoring.scores_submit(seat=seat, by=user)
        if state in ("in_notice", "awarded"):
            chosen = bids if title in horse_races else [bids[0]]
            award.award_propose(challenge=challenge, by=issuer, bids=chosen)
            award.award_confirm(challenge=challenge, by=officer, meeting=demo_meeting(officer))
        if state == "in_notice":
            _paper_objection(challenge, officer, SimpleUploadedFile("异议书扫描件.pdf", PLAN_PDF))
        if state == "awarded":
            Challenge.objects.filter(pk=challenge.pk).update(
                notice_ends_at=timezone.now() - timedelta(minutes=1)
            )
            award.awards_due()
        made += 1
    return made


def _paper_objection(challenge, officer, letter):
    """An objection that came by post during the notice: entered by the bureau, dismissed."""
    from django.utils import timezone

    from review.award import services as award
    from review.award.paper_objections import objection_enter

    objection = objection_enter(
        challenge=challenge,
        by=officer,
        channel="paper",
        objector_name="张某",
        objector_identity="常州某新材料有限公司",
        objector_contact="0519-86001234",
        received_on=timezone.localdate(),
        text="认为拟中榜单位的中试产线尚未建成，实施能力存疑。",
        letter=letter,
    )
    award.objection_decide(
        objection=objection,
        by=officer,
        upheld=False,
        reason="经核实，拟中榜单位已提供中试产线租赁合同与设备清单，异议不成立。",
    )


# --- Acceptance panels (after documents' seed signed the contracts) ---------


def _demo_fees(draw, officer):
    from decimal import Decimal

    from django.utils import timezone

    from review.fees import services as fees
    from review.models import ExpertFee

    fees.panel_fees_record(draw=draw, by=officer, held_on=timezone.localdate(), days=Decimal("1.5"))
    fee = ExpertFee.objects.filter(panel__draw=draw).order_by("seat__rank").last()
    fees.expert_fee_edit(
        fee=fee, by=officer, amount=fee.computed / 2, reason="该专家仅参加上午半天会议。"
    )


def seed_after(context):
    """Demo projects waiting for their acceptance get a panel that finds them 结题 (closed
    without full pass); the result is recorded and in public notice."""
    from bounty.meetings.demo import demo_meeting
    from bounty.models import Project, ProjectStatus
    from bounty.projects import closing as project_closing
    from review.demo_exits import seed_exits
    from review.models import DrawPurpose
    from review.panels import services as panels

    officer, supervisor = context["officer"], context["supervisor"]
    waiting = Project.objects.filter(
        status=ProjectStatus.UNDER_ACCEPTANCE,
        challenge__title__in=[title for title, _state in REVIEW_DEMOS],
    ).exclude(pk__in=Draw.objects.filter(purpose=DrawPurpose.ACCEPTANCE).values("project_id"))
    done = 0
    for project in waiting:
        draw = panels.panel_draw_create(
            subject=project, by=officer, params={"size": 5, "alternates": 3}
        )
        demo_draw_complete(draw, officer, supervisor)
        seats = Draw.objects.get(pk=draw.pk).seats.filter(on_panel=True).select_related("expert")
        for seat in seats:
            user = _account(seat.expert)
            seat_accept(seat=seat, by=user, undertaking=True)
            declaration_record(seat=seat, by=user, bid=project.bid, outcome="none")
            panels.panel_opinion_submit(
                seat=seat,
                by=user,
                verdict="closed_without_pass",
                comment="首项指标未达到承诺值，其余指标达到任务书要求，同意结题。",
            )
        if done == 0:  # the expert fees (专家咨询费) of this panel, one changed with a reason
            _demo_fees(draw, officer)
        # Issue 17: on the demo meeting; the 结题 result is then in public notice.
        project_closing.acceptance_conclude(
            project=project,
            by=officer,
            result=ProjectStatus.CLOSED_WITHOUT_PASS,
            comment="首项指标未达到承诺值，其余指标达到要求；专家组一致同意结题。",
            meeting=demo_meeting(officer),
        )
        done += 1
    from review.demo_termination import seed_diligent_failure

    diligent = seed_diligent_failure(
        context, titles=[title for title, _state in REVIEW_DEMOS], account=_account
    )
    exits = seed_exits(context, review=seed_review_demos, first=len(REVIEW_DEMOS))
    accepted = f"{done} acceptance results (结题) in public notice" if done else ""
    return "; ".join(part for part in (accepted, diligent, exits) if part)
