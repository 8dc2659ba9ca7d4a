"""Demo expert ratings and an expert-removal case (called by ``review.demo.seed``): the
experts of one finished bid-review panel rated by the bureau, and the lowest-rated one in a
removal case whose review request waits for another officer (the due-process state "review
requested")."""

from bounty.dueprocess import services as cases
from bounty.models import Challenge
from review.models import Draw, DrawPurpose, DrawStatus, ExpertRating
from review.ratings.removal import expert_removal_open
from review.ratings.services import panel_draw_ids, panel_finished, rating_record, served_seats

RATINGS = [
    (5, 5, "按时提交，评分理由充分，对技术路线的风险分析具体。"),
    (4, 5, "意见质量高；回避声明提交稍晚。"),
    (5, 4, "按时提交，评分理由较具体。"),
    (4, 4, "按时提交，意见可操作。"),
    (1, 2, "两次催促后才提交评分，评分理由多为套话，未针对指标作答。"),
]


def seed_ratings(context, *, title) -> str:
    """Rate the panel of the challenge ``title`` (a finished bid-review panel) and open the
    removal case; idempotent (nothing happens once any rating exists)."""
    if ExpertRating.objects.exists():
        return ""
    challenge = Challenge.objects.filter(title=title).first()
    draw = (
        Draw.objects.filter(
            challenge=challenge, purpose=DrawPurpose.BID_REVIEW, status=DrawStatus.COMPLETED
        )
        .defer("pool", "ranked")
        .first()
        if challenge
        else None
    )
    if draw is None or not panel_finished(draw):
        return ""
    officer = context["officer"]
    seats = list(served_seats(panel_draw_ids(draw)).select_related("expert__user"))
    for seat, (timeliness, quality, note) in zip(seats, RATINGS, strict=False):
        rating_record(seat=seat, by=officer, timeliness=timeliness, quality=quality, note=note)
    low = seats[min(len(seats), len(RATINGS)) - 1]
    expert = low.expert
    case = expert_removal_open(
        expert=expert,
        by=officer,
        reasons=(
            f"专家在“{challenge.title}”评审中两次经催促后才提交评分，评分理由多为套话、"
            "未针对指标作答（局方评价：及时性 1 分，质量 2 分）。拟将其移出专家库，"
            "今后不再参与抽取。"
        ),
    )
    cases.case_respond(
        case=case,
        by=expert.user,
        text="评审期间恰逢出国交流，时差导致提交延误；评分理由已按模板填写。请求保留在库资格。",
    )
    cases.case_decide(
        case=case,
        by=officer,
        upheld=True,
        decision="移出专家库，不再参与今后的评审抽取；已参加的评审不受影响。",
        answer="出国交流可提前申请回避，接受邀请即承诺按时评审；评分理由未针对指标，申辩不成立。",
    )
    cases.case_request_review(
        case=case,
        by=expert.user,
        text="本人从事该领域研究二十年，仅此一次延误，请求复核，改为暂停一年。",
    )
    return (
        f"{len(seats)} experts of “{challenge.title}” rated; removal case #{case.pk} of "
        f"{expert.name} awaits another officer's review"
    )
