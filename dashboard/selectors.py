"""What the bureau reports (DOMAIN §8) and what each role's home shows. Every figure is an
aggregate in the database: a constant number of queries whatever the volume."""

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from django.db.models import Avg, Count, F, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from accounts.models import Role
from accounts.permissions import is_bureau_officer, organization_ids_with_role
from bounty.models import (
    OPEN_MILESTONE,
    Bid,
    BidStatus,
    Challenge,
    ChallengeStatus,
    Disbursement,
    Industry,
    MilestoneStatus,
    PaymentStatus,
    Project,
    ProjectMilestone,
    ProjectStatus,
    Tranche,
)
from review.models import Seat, SeatStatus
from review.panels.services import ACCEPTANCE_OPEN, MILESTONE_OPEN

# The board of figures groups the challenge life cycle into a few columns.
STATUS_GROUPS = {
    "preparing": (
        ChallengeStatus.DRAFT,
        ChallengeStatus.SUBMITTED,
        ChallengeStatus.RETURNED,
        ChallengeStatus.VETTING,
        ChallengeStatus.APPROVED,
    ),
    "open": (ChallengeStatus.PUBLISHED,),
    "reviewing": (
        ChallengeStatus.CLOSED,
        ChallengeStatus.FORMAL_CHECK,
        ChallengeStatus.UNDER_REVIEW,
        ChallengeStatus.AWARD_PROPOSED,
        ChallengeStatus.IN_NOTICE,
    ),
    "awarded": (ChallengeStatus.AWARDED, ChallengeStatus.CONTRACTED),
    "ended": (
        ChallengeStatus.COMPLETED,
        ChallengeStatus.TERMINATED,
        ChallengeStatus.NO_AWARD,
        ChallengeStatus.WITHDRAWN,
        ChallengeStatus.REJECTED,
    ),
}
GROUP_OF = {status: group for group, statuses in STATUS_GROUPS.items() for status in statuses}


def filtered_challenges(*, call=None, year=None, industry=None):
    """The challenges of a call, of a year (the year of their call; outside any call, the
    year they were created), of an industry; any combination."""
    challenges = Challenge.objects.all()
    if call:
        challenges = challenges.filter(call=call)
    if year:
        challenges = challenges.filter(
            Q(call__year=year) | Q(call__isnull=True, created_at__year=year)
        )
    if industry:
        challenges = challenges.filter(industry__code=industry)
    return challenges


def milestone_figures(project_scope) -> dict:
    """Milestones met on time (on or before the due date), late, overdue (open past it)."""
    today = timezone.localdate()
    milestones = ProjectMilestone.objects.filter(project_scope).aggregate(
        total=Count("pk"),
        on_time=Count("pk", filter=Q(status=MilestoneStatus.MET, met_on__lte=F("due_on"))),
        late=Count("pk", filter=Q(status=MilestoneStatus.MET, met_on__gt=F("due_on"))),
        overdue=Count("pk", filter=Q(status__in=OPEN_MILESTONE, due_on__lt=today)),
        rectification=Count("pk", filter=Q(status=MilestoneStatus.RECTIFICATION)),
    )
    decided = milestones["on_time"] + milestones["late"] + milestones["overdue"]
    milestones["rate"] = round(100 * milestones["on_time"] / decided) if decided else None
    return milestones


def tranche_rows(project_scope) -> list:
    """The contracts' payment schedules (tranches exist from the signature on) by industry
    and year of signing, each split enterprise / government."""
    return list(
        Tranche.objects.filter(project_scope)
        .values(
            code=F("project__challenge__industry__code"),
            signed_year=ExtractYear("project__contract_signed_at"),
        )
        .annotate(
            amount=Sum("amount"),
            enterprise=Sum("enterprise_part"),
            government=Sum("government_part"),
            contracts=Count("project", distinct=True),
        )
        .order_by()
    )


def disbursement_rows(scope) -> list:
    """Payments the team confirmed as received (bounty/projects/payment_services.py), by
    industry and by the part (enterprise / government) they were paid from."""
    return list(
        Disbursement.objects.filter(scope, status=PaymentStatus.CONFIRMED)
        .values("part", code=F("tranche__project__challenge__industry__code"))
        .annotate(amount=Sum("amount"))
        .order_by()
    )


def bureau_figures(*, call=None, year=None, industry=None) -> dict:
    challenges = filtered_challenges(call=call, year=year, industry=industry)
    # Unfiltered, every row counts: no semi-join over every challenge (at 100,000 bids it
    # doubles the cost of the bid count).
    filtered = bool(call or year or industry)
    in_scope = Q(challenge__in=challenges.values("pk")) if filtered else Q()
    project_scope = Q(project__challenge__in=challenges.values("pk")) if filtered else Q()

    # 1. Counts and amounts by industry and status group.
    rows = defaultdict(lambda: {"n": 0, "amount": Decimal(0), **dict.fromkeys(STATUS_GROUPS, 0)})
    names = {}
    # Grouped on industry id and status only: an index-only scan of
    # challenge_industry_status (a join to the industries makes it a table scan).
    all_industries = list(Industry.objects.order_by("sort_order", "code"))
    industry_rows = {i.pk: i for i in all_industries}
    for r in (
        challenges.values("industry_id", "status")
        .annotate(n=Count("pk"), amount=Sum("bounty_total"))
        .order_by()
    ):
        found = industry_rows.get(r["industry_id"])
        code = found.code if found else ""
        names[code] = (found.name_zh, found.name_en) if found else ("—", "—")
        row = rows[code]
        row["n"] += r["n"]
        row["amount"] += r["amount"] or 0
        row[GROUP_OF.get(r["status"], "ended")] += r["n"]

    # Funds committed (contract tranches of running or ended projects) vs disbursed; the
    # rows serve the statistics of the same filter too (dashboard/statistics.py).
    schedule = tranche_rows(project_scope)
    payments = disbursement_rows(
        Q(tranche__project__challenge__in=challenges.values("pk")) if filtered else Q()
    )
    committed, disbursed = defaultdict(Decimal), defaultdict(Decimal)
    for r in schedule:
        committed[r["code"]] += r["amount"] or 0
    for r in payments:
        disbursed[r["code"]] += r["amount"] or 0
    industries = []
    for code, row in sorted(rows.items(), key=lambda item: -item[1]["n"]):
        row.update(
            code=code,
            name_zh=names[code][0],
            name_en=names[code][1],
            committed=committed.get(code) or Decimal(0),
            disbursed=disbursed.get(code) or Decimal(0),
        )
        industries.append(row)
    top_n = max((r["n"] for r in industries), default=0) or 1
    top_amount = max((r["committed"] for r in industries), default=0) or 1
    for row in industries:
        row["bar"] = round(100 * row["n"] / top_n)
        row["committed_bar"] = round(100 * row["committed"] / top_amount)
        row["disbursed_bar"] = round(100 * row["disbursed"] / top_amount)
        row["groups"] = [row[g] for g in STATUS_GROUPS]

    # 2. Bids per challenge.
    # One pass over the bids (grouped on the covering index of challenge + submission),
    # totals and the top five from its rows, then the top five's titles: at 100,000 bids
    # two aggregates plus a joined GROUP BY cost four times as much.
    per_challenge = dict(
        Bid.objects.filter(in_scope, submitted_at__isnull=False)
        .values_list("challenge_id")
        .annotate(n=Count("*"))  # COUNT(*): answered from bid_submitted_per_challenge alone
        .order_by()
    )
    bids = {"bids": sum(per_challenge.values()), "challenges": len(per_challenge)}
    counts = sorted(per_challenge.values(), reverse=True)
    fifth = counts[4] if len(counts) >= 5 else 0
    # Every challenge tied with the fifth, so the order (count, then ocid) is exact.
    top = [pk for pk, n in per_challenge.items() if n >= fifth]
    named = Challenge.objects.only("ocid", "title").in_bulk(top)
    most_bid = sorted(
        (
            {"challenge__ocid": c.ocid, "challenge__title": c.title, "n": per_challenge[pk]}
            for pk, c in named.items()
        ),
        key=lambda row: (-row["n"], row["challenge__ocid"]),
    )[:5]

    # 3. Time from publication to contract.
    to_contract = Project.objects.filter(in_scope, contract_signed_at__isnull=False).aggregate(
        n=Count("pk"), avg=Avg(F("contract_signed_at") - F("challenge__published_at"))
    )

    # 4. Milestone on-time rate.
    milestones = milestone_figures(project_scope)

    # 5. Expert participation.
    experts = Seat.objects.filter(
        Q(draw__challenge__in=challenges.values("pk")) if filtered else Q()
    ).aggregate(
        invited=Count("pk", filter=~Q(status=SeatStatus.WAITING)),
        accepted=Count("pk", filter=Q(status=SeatStatus.ACCEPTED)),
        declined=Count("pk", filter=Q(status__in=[SeatStatus.DECLINED, SeatStatus.EXPIRED])),
        conflicted=Count("pk", filter=Q(status=SeatStatus.CONFLICTED)),
        people=Count("expert", distinct=True, filter=Q(status=SeatStatus.ACCEPTED)),
    )
    experts["rate"] = (
        round(100 * experts["accepted"] / experts["invited"]) if experts["invited"] else None
    )

    totals = {
        "challenges": sum(r["n"] for r in industries),
        "amount": sum((r["amount"] for r in industries), Decimal(0)),
        "committed": sum((r["committed"] for r in industries), Decimal(0)),
        "disbursed": sum((r["disbursed"] for r in industries), Decimal(0)),
    }
    totals["disbursed_rate"] = (
        round(100 * totals["disbursed"] / totals["committed"]) if totals["committed"] else None
    )
    avg = to_contract["avg"]
    return {
        "industries": industries,
        "industry_choices": all_industries,  # for the filter form
        "totals": totals,
        "bids": {
            **bids,
            "average": round(bids["bids"] / bids["challenges"], 1) if bids["challenges"] else None,
            "most": most_bid,
        },
        "to_contract": {
            "n": to_contract["n"],
            "days": round(avg / timedelta(days=1), 1) if avg is not None else None,
        },
        "milestones": milestones,
        "experts": experts,
        "funds_rows": (schedule, payments),
    }


def home_sections(user) -> dict:
    """What each role sees first on the home page: the team's bids and the projects' next
    deadlines, the issuer's challenges and projects, the expert's invitations and reviews."""
    orgs = {role: organization_ids_with_role(user, role) for role in (Role.BIDDER, Role.ISSUER)}
    sections = {}
    running = [ProjectStatus.ACTIVE, ProjectStatus.CHANGE_REQUESTED]
    if orgs[Role.BIDDER]:
        sections["bids"] = list(
            Bid.objects.filter(lead_id__in=orgs[Role.BIDDER])
            .exclude(status=BidStatus.WITHDRAWN)
            .select_related("challenge")
            .order_by("-updated_at")[:5]
        )
        sections["deadlines"] = list(
            ProjectMilestone.objects.filter(
                project__bid__lead_id__in=orgs[Role.BIDDER],
                project__status__in=running,
                status__in=OPEN_MILESTONE,
            )
            .select_related("project__challenge")
            .order_by("due_on")[:5]
        )
    if orgs[Role.ISSUER]:
        sections["challenges"] = list(
            Challenge.objects.filter(issuer_id__in=orgs[Role.ISSUER]).order_by("-updated_at")[:5]
        )
        sections["issuer_projects"] = list(
            Project.objects.filter(challenge__issuer_id__in=orgs[Role.ISSUER])
            .exclude(status=ProjectStatus.AWAITING_CONTRACT)
            .select_related("challenge", "bid__lead")
            .order_by("-started_on")[:5]
        )
    seats = list(
        Seat.objects.filter(expert__user=user, status__in=[SeatStatus.INVITED, SeatStatus.ACCEPTED])
        .filter(
            Q(status=SeatStatus.INVITED)
            | Q(draw__purpose="bid_review", draw__challenge__status=ChallengeStatus.UNDER_REVIEW)
            | Q(
                draw__purpose="milestone",
                draw__milestone__status__in=MILESTONE_OPEN,
                opinion__isnull=True,
            )
            | Q(
                draw__purpose="acceptance",
                draw__project__status__in=ACCEPTANCE_OPEN,
                opinion__isnull=True,
            )
            | Q(  # 需求论证: the need is still being vetted
                draw__purpose="need_vetting",
                draw__challenge__status=ChallengeStatus.VETTING,
                opinion__isnull=True,
            )
        )
        .select_related("draw__challenge")
        .order_by("respond_by")[:10]
    )
    if seats:
        sections["invitations"] = [s for s in seats if s.status == SeatStatus.INVITED]
        sections["reviews"] = [s for s in seats if s.status == SeatStatus.ACCEPTED]
    sections["bureau"] = is_bureau_officer(user)
    return sections
