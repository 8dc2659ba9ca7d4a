"""A fully scored panel for the ranking and scoring scenarios. Deterministic and idempotent.

``RANK_OCID`` (``rankbench-`` prefix: no other seed owns or replaces it) is a
challenge under expert review with:

* ``BIDS`` bids in review, built by ``seed_bids._list_bids`` (leads ``12320411BR…``,
  PIs ``rankbench-pi-…``, realistic proposal texts, one version each, consortium
  members from the list seed's ``12320411BM…`` codes) and a formal check each;
* the default rubric (``bounty.services.default_criteria``: 6 criteria);
* a completed draw (``jiebang-draw-v2``; empty frozen pool: nothing here reruns
  or verifies it) whose ``PANEL`` panel seats were accepted by experts
  ``RB000001``… with accounts ``rankbench-expert-1``… (employers ``12320411BU…``);
* a "no conflict" declaration per seat and bid, and a submitted score sheet per
  seat and bid with a score (30–100) and a short justification per criterion:
  ``PANEL`` × ``BIDS`` sheets, × 6 scores.

Scores: each bid has a quality, each expert a severity, plus noise; now and then
an expert is far off, so that some bids are flagged for a wide spread.

Everything is written with bulk_create (about 2 s the first time, nothing
afterwards). Reseeded, after deleting the challenge's draws, sheets and bids,
when the counts or ``SEED_VERSION`` (in the draw's ``params``) differ.
"""

import hashlib
import random
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from accounts.credit_code import make_credit_code
from accounts.models import OrganizationKind, User
from bounty.models import Bid, BidStatus, Challenge, ChallengeStatus, FormalCheck, RubricCriterion
from review import verify_draw as algo
from review.draw.services import default_params
from review.models import (
    Declaration,
    Draw,
    DrawStatus,
    Expert,
    ExpertTitle,
    ExpertType,
    Score,
    ScoreSheet,
    Seat,
    SeatStatus,
)
from review.scoring import services as scoring

from . import seed_bids, seed_experts
from .seed import BRANDS, CITIES

OCID_PREFIX = "rankbench-"
RANK_OCID = f"{OCID_PREFIX}ranking"
RANK_TITLE = "高导热氮化铝陶瓷基板量产工艺（专家评审）"
BIDS = 200
PANEL = 7
# Stored in the draw's params: bump it when the seeded rows change.
SEED_VERSION = 1
ISSUER_CODE = make_credit_code("91320411BQ0000001")
LEAD_PREFIX = "12320411BR"
EXPERT_EMPLOYER_PREFIX = "12320411BU"
EXPERT_PREFIX = "RB"  # not "BX": seed_experts owns (and deletes) those
EXPERT_USER = "rankbench-expert-{}"
SCORED_EXPERT = EXPERT_USER.format(1)  # the scoring screen's user: the first seat's expert
TYPES = [ExpertType.TECHNICAL] * 5 + [ExpertType.FINANCIAL, ExpertType.MANAGEMENT]
JUSTIFICATIONS = [
    "技术路线清晰，指标承诺有试验数据支撑。",
    "方案总体可行，但中试放大风险论述不足。",
    "团队结构合理，负责人有相关量产经验。",
    "里程碑安排偏紧，第二阶段交付物不够具体。",
    "预算结构基本合理，设备费占比略高。",
    "成果转化路径明确，与发榜企业产线匹配。",
    "关键指标仅给出目标值，缺少验证方法。",
    "已有前期成果，风险应对措施具体可行。",
]


def seed(*, out=print):
    """The challenge, its bids, the panel and its scores (once)."""
    officer = seed_bids._officer()
    supervisor = seed_experts._supervisor(officer)
    issuer = seed_bids._org(
        ISSUER_CODE, "常州华晶电子陶瓷有限公司（基准）", OrganizationKind.ENTERPRISE
    )
    challenge = seed_bids._challenge(RANK_OCID, issuer, open_=False, title=RANK_TITLE)
    if challenge.status != ChallengeStatus.UNDER_REVIEW or challenge.formal_check_done_at is None:
        # The FSM field is protected against assignment; a queryset update is not. The
        # formal check is complete (a panel sees bids only then).
        Challenge.objects.filter(pk=challenge.pk).update(
            status=ChallengeStatus.UNDER_REVIEW,
            formal_check_done_at=challenge.formal_check_done_at or timezone.now(),
        )
    if _seeded(challenge):
        out(f"Score data already seeded ({PANEL} × {BIDS} sheets on {RANK_OCID}).")
        return False
    started = timezone.now()
    rng = random.Random(2030)  # noqa: S311  (reproducible data, not secrets)
    with transaction.atomic():
        _delete_previous(challenge)
        leads = seed_bids._orgs(LEAD_PREFIX, BIDS, random.Random(6))  # noqa: S311
        pis = seed_bids._users(
            [f"rankbench-pi-{n:03d}" for n in range(1, BIDS + 1)],
            random.Random(7),  # noqa: S311
        )
        seed_bids._memberships(zip(pis, leads, strict=True))
        seed_bids._list_bids(rng, challenge, leads, pis, officer, ref="K")
        bids = _in_review(challenge, officer)
        experts = _experts(rng, challenge)
        seats = _panel(rng, challenge, officer, supervisor, experts)
        _scores(rng, challenge, bids, seats)
    _analyze()
    seconds = (timezone.now() - started).total_seconds()
    out(f"Seeded {PANEL} × {BIDS} score sheets on {RANK_OCID} in {seconds:.1f} s.")
    return True


def _seeded(challenge):
    draws = Draw.objects.filter(challenge=challenge)
    sheets = ScoreSheet.objects.filter(seat__draw__challenge=challenge)
    criteria = RubricCriterion.objects.filter(challenge=challenge).count()
    return (
        draws.count() == 1
        and draws.filter(status=DrawStatus.COMPLETED, params__bench_seed=SEED_VERSION).exists()
        and Bid.objects.filter(challenge=challenge, status=BidStatus.IN_REVIEW).count() == BIDS
        and Bid.objects.filter(challenge=challenge).count() == BIDS
        and Seat.objects.filter(
            draw__challenge=challenge, on_panel=True, status=SeatStatus.ACCEPTED
        ).count()
        == PANEL
        and Declaration.objects.filter(seat__draw__challenge=challenge).count() == PANEL * BIDS
        and sheets.filter(status=ScoreSheet.Status.SUBMITTED).count() == PANEL * BIDS
        and criteria > 0
        and Score.objects.filter(sheet__in=sheets).count() == PANEL * BIDS * criteria
    )


def _delete_previous(challenge):
    """Scores, sheets, declarations, seats and draws of the challenge, then its bids."""
    draws = Draw.objects.filter(challenge=challenge)
    sheets = ScoreSheet.objects.filter(seat__draw__in=draws)
    Score.objects.filter(sheet__in=sheets).delete()
    sheets.delete()  # PROTECTs bids and seats
    Declaration.objects.filter(seat__draw__in=draws).delete()
    Seat.objects.filter(draw__in=draws).delete()
    draws.delete()
    seed_bids._delete_bids(challenge)


def _in_review(challenge, officer):
    """Every bid passed the formal check and is in review: status set with an update
    (the FSM field is protected), a formal check added where ``_list_bids`` left none."""
    bids = Bid.objects.filter(challenge=challenge)
    bids.update(status=BidStatus.IN_REVIEW)
    checked = set(FormalCheck.objects.filter(bid__in=bids).values_list("bid_id", flat=True))
    FormalCheck.objects.bulk_create(
        FormalCheck(
            bid_id=bid_id,
            checklist={key: {"auto": True, "ok": True} for key, _ in FormalCheck.ITEMS},
            eligible=True,
            checked_by=officer,
        )
        for bid_id in bids.values_list("pk", flat=True)
        if bid_id not in checked
    )
    return list(bids.order_by("reference"))


def _experts(rng, challenge):
    """The panel's experts (``RB…``), each with an account and an employer of their own."""
    users = seed_bids._users(
        [EXPERT_USER.format(n) for n in range(1, PANEL + 1)],
        random.Random(8),  # noqa: S311
    )
    experts = []
    for n, (user, kind) in enumerate(zip(users, TYPES, strict=True), start=1):
        expert, _created = Expert.objects.get_or_create(
            code=f"{EXPERT_PREFIX}{n:06d}",
            defaults={
                "user": user,
                "name": user.full_name,
                "keywords": "氮化铝、陶瓷基板",
                "employer_name": f"{rng.choice(CITIES)}{rng.choice(BRANDS)}研究院（{n}）",
                "employer_code": make_credit_code(f"{EXPERT_EMPLOYER_PREFIX}{n:07d}"),
                "title": ExpertTitle.SENIOR if n <= 3 else ExpertTitle.ASSOCIATE,
                "expert_type": kind,
                "email": user.email,
            },
        )
        if challenge.industry_id:
            expert.industries.add(challenge.industry_id)
        experts.append(expert)
    return experts


def _panel(rng, challenge, officer, supervisor, experts):
    """A completed draw whose panel accepted (invited three weeks ago, answered next day)."""
    now = timezone.now()
    invited = now - timedelta(days=21)
    bureau, supervisor_secret = "rankbench-bureau", "rankbench-supervisor"
    salt = hashlib.sha256(b"rankbench-salt").hexdigest()
    draw = Draw.objects.create(
        challenge=challenge,
        algorithm=algo.V2,
        params={**default_params(), "size": PANEL, "alternates": 0, "bench_seed": SEED_VERSION},
        bureau_commitment=algo.commitment(bureau),
        supervisor_commitment=algo.commitment(supervisor_secret),
        bureau_reveal=bureau,
        supervisor_reveal=supervisor_secret,
        bureau_officer=officer,
        supervisor=supervisor,
        salt=salt,
        pool=[],  # nothing reruns this draw: the scores are what is measured
        pool_hash=hashlib.sha256(b"[]").hexdigest(),
        seed=hashlib.sha256(b"rankbench-seed").hexdigest(),
        status=DrawStatus.COMPLETED,  # protected FSM field: constructor only
        frozen_at=invited - timedelta(hours=1),
        completed_at=invited,
    )
    Seat.objects.bulk_create(
        Seat(
            draw=draw,
            expert=expert,
            pseudonym=algo.pseudonym(salt, expert.code),
            rank=rank,
            on_panel=True,
            status=SeatStatus.ACCEPTED,
            invited_at=invited,
            respond_by=invited + timedelta(days=3),
            responded_at=invited + timedelta(hours=rng.randint(2, 30)),
            undertaking_signed_at=invited + timedelta(hours=30),
        )
        for rank, expert in enumerate(experts, start=1)
    )
    return list(draw.seats.order_by("rank"))


def _scores(rng, challenge, bids, seats):
    """A declaration, a submitted sheet and a score per criterion for every seat × bid."""
    criteria = list(RubricCriterion.objects.filter(challenge=challenge).order_by("position"))
    submitted = timezone.now() - timedelta(days=2)
    Declaration.objects.bulk_create(
        [
            Declaration(seat=seat, bid=bid, outcome=Declaration.Outcome.NONE)
            for seat in seats
            for bid in bids
        ],
        batch_size=2000,
    )
    sheets = [
        ScoreSheet(
            seat=seat,
            bid=bid,
            status=ScoreSheet.Status.SUBMITTED,
            submitted_at=submitted + timedelta(minutes=seat.rank),
        )
        for seat in seats
        for bid in bids
    ]
    ScoreSheet.objects.bulk_create(sheets, batch_size=2000)
    quality = {bid.pk: rng.uniform(45, 92) for bid in bids}
    severity = {seat.pk: rng.uniform(-6, 6) for seat in seats}
    scores = []
    for sheet in sheets:
        off = rng.choice([-25, 25]) if rng.random() < 0.04 else 0  # now and then far off
        for criterion in criteria:
            value = quality[sheet.bid_id] + severity[sheet.seat_id] + off + rng.gauss(0, 7)
            scores.append(
                Score(
                    sheet=sheet,
                    criterion=criterion,
                    value=max(30, min(100, round(value))),
                    justification=rng.choice(JUSTIFICATIONS),
                )
            )
    Score.objects.bulk_create(scores, batch_size=5000)


def _analyze():
    command = "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
    models = (Bid, FormalCheck, User, Expert, Draw, Seat, Declaration, ScoreSheet, Score)
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")


# --- Scenarios ------------------------------------------------------------------------------


def rank_bids(*, challenge):
    """``review.scoring.ranking``, checked: every seeded bid ranked by the whole panel."""
    ranked = scoring.ranking(challenge)
    if len(ranked) != BIDS or any(entry.experts != PANEL for entry in ranked):
        raise SystemExit(f"ranking: {len(ranked)} bids ranked, expected {BIDS} × {PANEL} experts")
    return ranked


def prepare_ranking(count):
    """The challenge, loaded afresh for every call (no criteria prefetched)."""
    pk = Challenge.objects.get(ocid=RANK_OCID).pk
    return [{"challenge": Challenge.objects.get(pk=pk)} for _ in range(count)]


def score_page_args():
    """(seat, bid) of the scoring screen: the first seat, the middle bid by reference."""
    seat = Seat.objects.get(
        draw__challenge__ocid=RANK_OCID, expert__user__username=SCORED_EXPERT, on_panel=True
    )
    bids = Bid.objects.filter(challenge=seat.draw.challenge).order_by("reference")
    bid = bids.values_list("pk", flat=True)[BIDS // 2]
    return (seat.pk, bid)
