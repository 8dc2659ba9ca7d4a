"""Who may see and do what in review. Conventions: accounts/permissions.py."""

from django.db.models import Q

from accounts.models import Role
from accounts.permissions import is_bureau_officer, user_roles
from bounty.models import BidStatus
from review.models import DrawStatus, Seat, SeatStatus

# The bids a review panel may see (DOMAIN §3): those the formal check found eligible,
# in whatever state the review has taken them to since. Never a bid still waiting for
# its check or found ineligible, and none at all before the check of every bid of the
# challenge is complete (``Challenge.formal_check_done_at``).
PANEL_BID_STATUSES = (
    BidStatus.ELIGIBLE,
    BidStatus.IN_REVIEW,
    BidStatus.SHORTLISTED,
    BidStatus.PROPOSED_WINNER,
    BidStatus.WINNER,
    BidStatus.NOT_SELECTED,
    BidStatus.DISQUALIFIED,
)


def is_supervisor(user) -> bool:
    return Role.SUPERVISOR in user_roles(user)


def can_manage_pool(user) -> bool:
    return is_bureau_officer(user)


def can_run_draw(user, challenge) -> bool:
    from bounty.permissions import can_vet_challenge

    return can_vet_challenge(user, challenge) and challenge.deadline_passed


def can_run_project_panel(user, project) -> bool:
    """Bureau officers draw milestone and acceptance panels (not for their own organisation)."""
    from bounty.permissions import can_vet_challenge

    return can_vet_challenge(user, project.challenge)


def can_run_need_vetting(user, challenge) -> bool:
    """Bureau officers (not of the issuing organisation) draw a need's vetting panel."""
    from bounty.permissions import can_vet_challenge

    return can_vet_challenge(user, challenge)


def can_view_draw(user, draw) -> bool:
    """The bureau and supervisors (the panel stays hidden from bidders and the issuer)."""
    if draw.purpose == "need_vetting":
        return can_run_need_vetting(user, draw.challenge) or is_supervisor(user)
    if draw.for_project:
        return can_run_project_panel(user, draw.project) or is_supervisor(user)
    return can_run_draw(user, draw.challenge) or is_supervisor(user)


AWARD_DECIDED = ("awarded", "contracted", "completed")


def can_download_bundle(user, draw) -> bool:
    """The bureau and supervisors; anyone once the award is decided (the bundle is pseudonymous)."""
    return can_view_draw(user, draw) or draw.challenge.status in AWARD_DECIDED


def can_commit_as_supervisor(user, draw) -> bool:
    return is_supervisor(user) and draw.status == DrawStatus.COMMITTING


def is_seat_expert(user, seat) -> bool:
    return user.is_authenticated and seat.expert.user_id == user.pk


def bid_open_to_panel(bid, challenge=None) -> bool:
    """The formal check of the challenge is complete and found this bid eligible
    (``challenge``: the bid's, when the caller has it loaded)."""
    challenge = challenge or bid.challenge
    return challenge.formal_check_done_at is not None and bid.status in PANEL_BID_STATUSES


def bids_open_to_panel(prefix="") -> Q:
    """``bid_open_to_panel`` as a filter; ``prefix`` reaches the bid ("bid__" from a
    declaration or a score sheet)."""
    return Q(
        **{
            f"{prefix}challenge__formal_check_done_at__isnull": False,
            f"{prefix}status__in": PANEL_BID_STATUSES,
        }
    )


def expert_can_read_bid(user, bid) -> bool:
    """An accepted panel expert who declared no conflict for this bid (or was cleared),
    once the formal check is complete and only if it found the bid eligible."""
    from review.models import Declaration

    if not bid_open_to_panel(bid):
        return False

    declaration = (
        Declaration.objects.filter(
            bid=bid,
            seat__expert__user=user,
            seat__status=SeatStatus.ACCEPTED,
            seat__on_panel=True,
            seat__draw__status=DrawStatus.COMPLETED,
            seat__draw__challenge_id=bid.challenge_id,
            seat__draw__purpose="bid_review",
        )
        .only("outcome", "bureau_ruling")
        .first()
    )
    return declaration is not None and declaration.clears_access


def expert_reads_challenge_details(user, challenge) -> bool:
    """An expert on an accepted panel seat of a (not cancelled) draw of the challenge reads the
    details of a restricted or confidential challenge (bounty's ``EXTRA_DETAIL_READERS``)."""
    return (
        Seat.objects.filter(
            expert__user=user,
            status=SeatStatus.ACCEPTED,
            on_panel=True,
            draw__challenge_id=challenge.pk,
        )
        .exclude(draw__status=DrawStatus.CANCELLED)
        .exists()
    )


def expert_can_read_project(user, project) -> bool:
    """An accepted expert of one of the project's assessment panels, cleared of conflicts
    with the winning bid."""
    from review.models import Declaration

    declaration = (
        Declaration.objects.filter(
            bid_id=project.bid_id,
            seat__expert__user=user,
            seat__status=SeatStatus.ACCEPTED,
            seat__on_panel=True,
            seat__draw__status=DrawStatus.COMPLETED,
            seat__draw__project_id=project.pk,
        )
        .only("outcome", "bureau_ruling")
        .first()
    )
    return declaration is not None and declaration.clears_access


RANKING_VISIBLE_TO_ISSUER = ("under_review", "award_proposed", "in_notice", "awarded")
FEEDBACK_STATUSES = ("awarded", "contracted", "completed", "no_award")


def has_submitted(seat) -> bool:
    """The seat's expert has submitted a sheet for every bid (none left in draft)."""
    from review.models import ScoreSheet

    return seat.sheets.exists() and not seat.sheets.filter(status=ScoreSheet.Status.DRAFT).exists()


def can_view_ranking(user, challenge) -> bool:
    """The bureau; the issuer once the review runs; a panel expert after submitting all scores."""
    from bounty.permissions import is_issuer_staff

    if can_run_draw(user, challenge):
        return True
    if is_issuer_staff(user, challenge) and challenge.status in RANKING_VISIBLE_TO_ISSUER:
        return True
    if not user.is_authenticated:
        return False
    seat = Seat.objects.filter(
        expert__user=user,
        draw__challenge=challenge,
        draw__purpose="bid_review",
        status=SeatStatus.ACCEPTED,
    ).first()
    return seat is not None and has_submitted(seat)


def can_start_review(user, challenge) -> bool:
    """The bureau, once the formal check of every bid is done (award.review_start)."""
    return (
        challenge.status == "formal_check"
        and challenge.formal_check_done_at is not None
        and can_run_draw(user, challenge)
    )


def can_propose_award(user, challenge) -> bool:
    """The issuer's staff, while the challenge is under review (award.award_propose)."""
    from bounty.permissions import is_issuer_staff

    return challenge.status == "under_review" and is_issuer_staff(user, challenge)


def can_confirm_award(user, challenge) -> bool:
    """The bureau confirms or returns the issuer's proposal (award.award_confirm/return)."""
    return challenge.status == "award_proposed" and can_run_draw(user, challenge)


def can_declare_no_award(user, challenge, ranked) -> bool:
    """The bureau, under review, when no bid of the ranking passes (award.no_award)."""
    return (
        challenge.status == "under_review"
        and can_run_draw(user, challenge)
        and not any(r.passes for r in ranked)
    )


def can_view_feedback(user, bid) -> bool:
    """The team, once the challenge is decided."""
    from bounty.permissions import is_bid_team

    return bid.challenge.status in FEEDBACK_STATUSES and is_bid_team(user, bid)
