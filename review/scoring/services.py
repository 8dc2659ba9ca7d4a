"""Independent scoring and the one-query ranking (DOMAIN §5).

Aggregate per bid: trimmed mean of the experts' weighted totals (drop one highest
and one lowest) when 5 or more sheets count, the median below that (the panel is
flagged undersized); mean and median kept beside it. Criterion figures use the same
kept experts, so they add up to the aggregate. Ties: the heaviest criterion first,
then the next; a tie that survives them needs a recorded panel decision.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.exceptions import ActionRefused, StaleState
from audit.services import audit_record
from bounty.models import Bid, RubricCriterion
from review import permissions as perms
from review.models import Declaration, DrawStatus, Score, ScoreSheet, Seat, SeatStatus

RANKING_SQL = """
WITH totals AS (
    SELECT sh.id AS sheet_id, sh.bid_id, st.rank AS seat_rank,
           SUM(sc.value * cr.weight) / 100.0 AS total
    FROM review_scoresheet sh
    JOIN review_seat st ON st.id = sh.seat_id
    JOIN review_draw d ON d.id = st.draw_id
    JOIN review_score sc ON sc.sheet_id = sh.id
    JOIN bounty_rubriccriterion cr ON cr.id = sc.criterion_id
    WHERE d.challenge_id = %s AND d.status = 'completed' AND sh.status = 'submitted'
    GROUP BY sh.id, sh.bid_id, st.rank
), ordered AS (
    SELECT sheet_id, bid_id, total,
           ROW_NUMBER() OVER (PARTITION BY bid_id ORDER BY total, seat_rank) AS rn_asc,
           ROW_NUMBER() OVER (PARTITION BY bid_id ORDER BY total DESC, seat_rank DESC) AS rn_desc,
           COUNT(*) OVER (PARTITION BY bid_id) AS n
    FROM totals
), kept AS (
    SELECT sheet_id, bid_id, n,
           CASE WHEN n < 5 OR (rn_asc > 1 AND rn_desc > 1) THEN 1 ELSE 0 END AS trimmed_in,
           CASE WHEN rn_asc IN ((n + 1) / 2, (n + 2) / 2) THEN 1 ELSE 0 END AS median_in
    FROM ordered
), bids AS (
    SELECT bid_id, n,
           AVG(CASE WHEN n < 5 OR (rn_asc > 1 AND rn_desc > 1) THEN total END) AS trimmed,
           AVG(total) AS mean,
           AVG(CASE WHEN rn_asc IN ((n + 1) / 2, (n + 2) / 2) THEN total END) AS median,
           MAX(total) - MIN(total) AS spread
    FROM ordered GROUP BY bid_id, n
)
SELECT b.bid_id, b.n, b.trimmed, b.mean, b.median, b.spread, sc.criterion_id,
       AVG(CASE WHEN (b.n >= 5 AND k.trimmed_in = 1) OR (b.n < 5 AND k.median_in = 1)
                THEN sc.value END) AS criterion_value
FROM bids b
JOIN kept k ON k.bid_id = b.bid_id
JOIN review_score sc ON sc.sheet_id = k.sheet_id
GROUP BY b.bid_id, b.n, b.trimmed, b.mean, b.median, b.spread, sc.criterion_id
"""

TWO = Decimal("0.01")


def _d(value):
    return None if value is None else Decimal(str(value)).quantize(TWO, rounding=ROUND_HALF_UP)


@dataclass
class RankedBid:
    bid_id: int
    experts: int
    aggregate: Decimal
    trimmed: Decimal
    mean: Decimal
    median: Decimal
    spread: Decimal
    criteria: dict = field(default_factory=dict)  # criterion id → aggregate score (0–100)
    undersized: bool = False
    flagged: bool = False
    passes: bool = True
    failed_minimums: list = field(default_factory=list)
    rank: int = 0
    tied_with_next: bool = False


def ranking(challenge):
    """Rank the challenge's scored bids. Exactly one database query (pinned by a test)
    besides the challenge's criteria, which the caller may pass prefetched."""
    criteria = list(
        RubricCriterion.objects.filter(challenge=challenge).order_by("-weight", "position")
    )
    with connection.cursor() as cursor:
        cursor.execute(RANKING_SQL, [challenge.pk])
        rows = cursor.fetchall()
    threshold = Decimal(settings.JIEBANG["SCORE_THRESHOLD"])
    flag_at = Decimal(settings.JIEBANG["SCORE_SPREAD_FLAG"])
    bids: dict[int, RankedBid] = {}
    for bid_id, n, trimmed, mean, median, spread, criterion_id, criterion_value in rows:
        entry = bids.get(bid_id)
        if entry is None:
            trimmed, median = _d(trimmed), _d(median)
            entry = bids[bid_id] = RankedBid(
                bid_id=bid_id,
                experts=n,
                aggregate=trimmed if n >= 5 else median,
                trimmed=trimmed,
                mean=_d(mean),
                median=median,
                spread=_d(spread),
                undersized=n < 5,
                flagged=_d(spread) >= flag_at,
            )
        entry.criteria[criterion_id] = _d(criterion_value)
    for entry in bids.values():
        entry.failed_minimums = [
            c.pk
            for c in criteria
            if c.minimum is not None and entry.criteria.get(c.pk, Decimal(0)) < c.minimum
        ]
        entry.passes = entry.aggregate >= threshold and not entry.failed_minimums

    def key(entry):
        return (entry.aggregate, *(entry.criteria.get(c.pk, Decimal(0)) for c in criteria))

    ordered = sorted(bids.values(), key=key, reverse=True)
    ties = [i for i in range(len(ordered) - 1) if key(ordered[i]) == key(ordered[i + 1])]
    if (
        ties
    ):  # rare: only then look for recorded panel decisions (keeps the usual path at one query)
        ordered = _apply_tie_decisions(challenge, ordered, key)
    for position, entry in enumerate(ordered, start=1):
        entry.rank = position
        entry.tied_with_next = (
            position < len(ordered)
            and key(entry) == key(ordered[position])
            and not getattr(entry, "decided", False)
        )
    return ordered


def _apply_tie_decisions(challenge, ordered, key):
    from review.models import TieDecision

    decisions = list(TieDecision.objects.filter(challenge=challenge).order_by("created_at"))
    if not decisions:
        return ordered
    groups, current = [], [ordered[0]]
    for entry in ordered[1:]:
        if key(entry) == key(current[-1]):
            current.append(entry)
        else:
            groups.append(current)
            current = [entry]
    groups.append(current)
    result = []
    for group in groups:
        ids = {e.bid_id for e in group}
        decision = next((d for d in reversed(decisions) if set(d.order) == ids), None)
        if decision is not None and len(group) > 1:
            position = {bid_id: n for n, bid_id in enumerate(decision.order)}
            group = sorted(group, key=lambda e: position[e.bid_id])
            for entry in group[:-1]:
                entry.decided = True
        result.extend(group)
    return result


def tie_decide(*, challenge, by, order, reason):
    """Record the panel's decision for bids tied after the declared order (bureau or chair)."""
    from review.models import TieDecision

    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused(_("Give the reason for the panel's decision."))
    if not perms.can_run_draw(by, challenge):
        raise ActionRefused
    ranked = ranking(challenge)
    key_of = {r.bid_id: (r.aggregate, *sorted(r.criteria.items())) for r in ranked}
    if len(order) < 2 or len(set(order)) != len(order) or any(b not in key_of for b in order):
        raise ActionRefused(_("List the tied bids in the decided order."))
    if len({key_of[b] for b in order}) != 1:
        raise ActionRefused(_("These bids are not tied."))
    with transaction.atomic():
        decision = TieDecision.objects.create(
            challenge=challenge, order=list(order), reason=reason, recorded_by=by
        )
        audit_record(
            actor=by,
            action="ranking.tie_decision",
            obj=challenge,
            payload={"order": order, "reason": reason},
        )
    return decision


# --- Scoring use cases ---------------------------------------------------------------


def scorable_bids(seat):
    """Bids this accepted expert has declared no conflict with (or was cleared for), once
    the formal check is complete, of those it found eligible (``perms.bid_open_to_panel``)."""
    declarations = (
        Declaration.objects.filter(seat=seat)
        .filter(perms.bids_open_to_panel("bid__"))
        .select_related("bid")
    )
    return [d.bid for d in declarations if d.clears_access]


def _lock_seat(seat, by):
    seat = (
        Seat.objects.select_for_update().select_related("draw__challenge", "expert").get(pk=seat.pk)
    )
    if (
        not perms.is_seat_expert(by, seat)
        or seat.status != SeatStatus.ACCEPTED
        or not seat.on_panel
    ):
        raise ActionRefused
    if seat.draw.status != DrawStatus.COMPLETED or seat.draw.for_project:
        raise ActionRefused
    if seat.draw.challenge.formal_check_done_at is None:
        raise ActionRefused(_("Scoring starts once the formal check of every bid is complete."))
    return seat


def _validate(challenge, values):
    criteria = {c.pk: c for c in RubricCriterion.objects.filter(challenge=challenge)}
    errors = {}
    for criterion_id, (value, justification) in values.items():
        if criterion_id not in criteria:
            raise ActionRefused
        if value is None or not (0 <= value <= 100):
            errors[criterion_id] = _("Give a score from 0 to 100.")
        elif not (justification or "").strip():
            errors[criterion_id] = _("Justify the score in writing.")
    return criteria, errors


class ScoresInvalid(ActionRefused):
    default_message = _("Some scores need attention; nothing was lost.")

    def __init__(self, errors):
        self.errors = errors
        super().__init__()


def sheet_save(*, seat, by, bid, values):
    """Save a draft (``values`` = {criterion id: (score, justification)}); incomplete is fine."""
    with transaction.atomic():
        seat = _lock_seat(seat, by)
        declaration = Declaration.objects.filter(seat=seat, bid=bid).select_related("bid").first()
        if declaration is None or not declaration.clears_access:
            raise ActionRefused(_("Declare that you have no conflict with this bid first."))
        if not perms.bid_open_to_panel(declaration.bid, seat.draw.challenge):
            raise ActionRefused(_("Only the bids the formal check found eligible are scored."))
        sheet, _created = ScoreSheet.objects.select_for_update().get_or_create(seat=seat, bid=bid)
        if sheet.status != ScoreSheet.Status.DRAFT:
            raise StaleState(_("Your scores for this bid are submitted and locked."))
        _criteria, errors = _validate(
            seat.draw.challenge, {k: v for k, v in values.items() if v[0] is not None}
        )
        if errors:
            raise ScoresInvalid(errors)
        for criterion_id, (value, justification) in values.items():
            if value is None:
                Score.objects.filter(sheet=sheet, criterion_id=criterion_id).delete()
                continue
            Score.objects.update_or_create(
                sheet=sheet,
                criterion_id=criterion_id,
                defaults={"value": value, "justification": justification},
            )
        sheet.save()
    return sheet


def scores_submit(*, seat, by):
    """Submit and lock every sheet of this expert at once (needs all bids fully scored)."""
    with transaction.atomic():
        seat = _lock_seat(seat, by)
        # Every bid in the review needs the expert's declaration (and a ruling on a
        # potential conflict) first: otherwise "all my scores" would skip it unnoticed.
        undecided = Bid.objects.filter(
            perms.bids_open_to_panel(), challenge=seat.draw.challenge
        ).exclude(
            pk__in=Declaration.objects.filter(seat=seat)
            .exclude(outcome=Declaration.Outcome.POTENTIAL, bureau_ruling="")
            .values("bid_id")
        )
        if undecided.exists():
            raise ActionRefused(
                _(
                    "Declare for every bid first (a potential conflict waits for the "
                    "bureau's ruling); then score and submit."
                )
            )
        bids = scorable_bids(seat)
        criteria = set(
            RubricCriterion.objects.filter(challenge=seat.draw.challenge).values_list(
                "pk", flat=True
            )
        )
        sheets = {s.bid_id: s for s in ScoreSheet.objects.select_for_update().filter(seat=seat)}
        missing = []
        for bid in bids:
            sheet = sheets.get(bid.pk)
            scored = set(sheet.scores.values_list("criterion_id", flat=True)) if sheet else set()
            if sheet is None or scored != criteria:
                missing.append(bid.reference)
        if missing:
            raise ActionRefused(
                _("Score every criterion of every bid before submitting (missing: %(bids)s).")
                % {"bids": ", ".join(missing)}
            )
        now = timezone.now()
        for sheet in sheets.values():
            if sheet.status == ScoreSheet.Status.DRAFT:
                sheet.submit(at=now)
                sheet.save(update_fields=["status", "submitted_at", "updated_at"])
        audit_record(
            actor=by,
            action="scores.submit",
            obj=seat.draw,
            payload={"rank": seat.rank, "bids": len(bids)},
        )
    return now


def sheet_revise(*, sheet, by, values, reason):
    """The one revision round: only for flagged bids, once, with a written reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused(_("Give the reason for revising."))
    with transaction.atomic():
        sheet = (
            ScoreSheet.objects.select_for_update()
            .select_related("seat__draw__challenge", "bid")
            .get(pk=sheet.pk)
        )
        _lock_seat(sheet.seat, by)
        if not perms.bid_open_to_panel(sheet.bid, sheet.seat.draw.challenge):
            raise ActionRefused(_("Only the bids the formal check found eligible are scored."))
        if sheet.status != ScoreSheet.Status.SUBMITTED or sheet.revised_at is not None:
            raise ActionRefused(
                _("A score can be revised once, after submission, in the revision round.")
            )
        challenge = sheet.seat.draw.challenge
        entry = next((r for r in ranking(challenge) if r.bid_id == sheet.bid_id), None)
        if entry is None or not entry.flagged:
            raise ActionRefused(_("Only bids flagged for a wide spread of scores can be revised."))
        _criteria, errors = _validate(challenge, values)
        if errors:
            raise ScoresInvalid(errors)
        before = {s.criterion_id: s.value for s in sheet.scores.all()}
        for criterion_id, (value, justification) in values.items():
            Score.objects.filter(sheet=sheet, criterion_id=criterion_id).update(
                value=value, justification=justification
            )
        sheet.revised_at, sheet.revision_reason = timezone.now(), reason
        sheet.save()
        audit_record(
            actor=by,
            action="scores.revise",
            obj=sheet.seat.draw,
            payload={
                "bid": sheet.bid.reference,
                "before": before,
                "after": {k: v[0] for k, v in values.items()},
                "reason": reason,
            },
        )
    return sheet


def score_distribution(challenge):
    """{bid id: sorted weighted totals} of submitted sheets — anonymous (no seat, no name)."""
    from django.db.models import F, Sum

    rows = (
        Score.objects.filter(
            sheet__status=ScoreSheet.Status.SUBMITTED,
            sheet__seat__draw__challenge=challenge,
            sheet__seat__draw__status=DrawStatus.COMPLETED,
        )
        .values("sheet_id", "sheet__bid_id")
        .annotate(total=Sum(F("value") * F("criterion__weight")))
        .order_by()
    )
    distribution = {}
    for row in rows:
        distribution.setdefault(row["sheet__bid_id"], []).append(_d(row["total"] / 100))
    return {bid_id: sorted(totals) for bid_id, totals in distribution.items()}


def panel_report_save(*, challenge, by, consensus):
    """The panel chair (the first accepted panel member) or the bureau records the consensus."""
    from review.models import PanelReport

    consensus = (consensus or "").strip()
    if not consensus:
        raise ActionRefused(_("Write the panel's consensus comment."))
    chair = (
        Seat.objects.filter(
            draw__challenge=challenge,
            draw__purpose="bid_review",
            draw__status=DrawStatus.COMPLETED,
            on_panel=True,
            status=SeatStatus.ACCEPTED,
        )
        .order_by("rank")
        .select_related("expert")
        .first()
    )
    is_chair = chair is not None and chair.expert.user_id == by.pk
    if not (is_chair or perms.can_run_draw(by, challenge)):
        raise ActionRefused
    with transaction.atomic():
        report, _created = PanelReport.objects.update_or_create(
            challenge=challenge, defaults={"consensus": consensus, "written_by": by}
        )
        audit_record(
            actor=by, action="panel.consensus", obj=challenge, payload={"length": len(consensus)}
        )
    return report


def defence_record(*, bid, by, held_at, attendees, notes=""):
    """Record a defence (答辩) session of a bid (bureau)."""
    from review.models import DefenceSession

    if not (attendees or "").strip():
        raise ActionRefused(_("List the attendees."))
    if not perms.can_run_draw(by, bid.challenge):
        raise ActionRefused
    with transaction.atomic():
        session = DefenceSession.objects.create(
            bid=bid,
            held_at=held_at,
            attendees=attendees.strip(),
            notes=(notes or "").strip(),
            recorded_by=by,
        )
        audit_record(
            actor=by,
            action="bid.defence",
            obj=bid.challenge,
            payload={"bid": bid.reference, "held_at": held_at.isoformat()},
        )
    return session
