"""Reads of expert ratings and removals, for the bureau's pool pages only (experts, teams and
issuers never see them)."""

from django.db.models import Avg, Count, Exists, OuterRef

from bounty.dueprocess.models import CaseKind
from bounty.dueprocess.services import cases_of, open_case
from review.models import Expert, ExpertRating, ExpertRemoval

LATEST_NOTES = 5


def attach_ratings(experts):
    """Set ``rating`` (dict: timeliness, quality averages, count) and ``removed`` on a page
    of experts, in one query."""
    rows = (
        Expert.objects.filter(pk__in=[e.pk for e in experts])
        .annotate(
            timeliness=Avg("ratings__timeliness"),
            quality=Avg("ratings__quality"),
            n=Count("ratings"),
            removed=Exists(ExpertRemoval.objects.filter(expert=OuterRef("pk"))),
        )
        .values("pk", "timeliness", "quality", "n", "removed")
    )
    by_pk = {row["pk"]: row for row in rows}
    for expert in experts:
        row = by_pk.get(expert.pk) or {"n": 0, "removed": False}
        expert.rating = row if row["n"] else None
        expert.removed = row["removed"]
    return experts


def expert_ratings_context(expert) -> dict:
    """What the bureau sees of an expert's ratings and removal on the expert's pool page."""
    ratings = ExpertRating.objects.filter(expert=expert)
    summary = ratings.aggregate(timeliness=Avg("timeliness"), quality=Avg("quality"), n=Count("pk"))
    removal = ExpertRemoval.objects.filter(expert=expert).select_related("case").first()
    return {
        "rating_summary": summary,
        "latest_ratings": list(
            ratings.select_related("draw__challenge", "draw__milestone", "rated_by")[:LATEST_NOTES]
        ),
        "removal": removal,
        "removal_case": None if removal else open_case(CaseKind.EXPERT_REMOVAL, expert),
        "removal_cases": list(
            cases_of(expert).filter(kind=CaseKind.EXPERT_REMOVAL).order_by("-opened_at")
        ),
    }
