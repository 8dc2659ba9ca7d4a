"""Rating the experts of a finished panel (DOMAIN §7 "added": expert ratings are kept per
review). After a bid-review panel, a milestone or an acceptance panel has finished, the
bureau rates each expert who served on it: timeliness and quality (1–5) and a short note,
once per expert and panel. Nobody is notified: ratings are the bureau's own record.

A panel is its first draw and the supplementary draws that filled its seats
(``Draw.supplementary_of``); an expert sits at most once in it (a supplementary pool
excludes everyone already drawn), so one rating per seat is one rating per panel."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.exceptions import ActionRefused
from audit.services import audit_record
from bounty.permissions import can_vet_challenge
from common.dbtime import db_now
from review.models import (
    ACTIVE_DRAW_STATUSES,
    Draw,
    DrawPurpose,
    DrawStatus,
    ExpertRating,
    Seat,
    SeatStatus,
)
from review.ratings.models import NOTE_MAX, SCORE_RANGE
from review.scoring.selectors import panel_completeness


def can_rate_panel(user, draw) -> bool:
    """Bureau officers, as for the draw itself (never for their own organisation's challenge)."""
    return user.is_authenticated and can_vet_challenge(user, draw.challenge)


def panel_draw_ids(draw) -> set[int]:
    """The ids of the draws of ``draw``'s panel: its first draw and every supplementary draw
    (a supplement of a supplement included)."""
    root_id, parent_id = draw.pk, draw.supplementary_of_id
    while parent_id:
        root_id = parent_id
        parent_id = Draw.objects.filter(pk=parent_id).values_list("supplementary_of", flat=True)[0]
    ids, frontier = {root_id}, [root_id]
    while frontier:
        children = Draw.objects.filter(supplementary_of__in=frontier).values_list("pk", flat=True)
        frontier = [pk for pk in children if pk not in ids]
        ids.update(frontier)
    return ids


def panel_finished(draw, draw_ids=None) -> bool:
    """Every expert of the panel has done their part: a bid-review panel is complete
    (``review.scoring.selectors.panel_completeness``: every counted seat submitted its score
    sheets); an assessment panel has no draw still open, no invitation still unanswered and
    an opinion from every expert who accepted."""
    draw_ids = draw_ids or panel_draw_ids(draw)
    statuses = set(Draw.objects.filter(pk__in=draw_ids).values_list("status", flat=True))
    if DrawStatus.COMPLETED not in statuses or statuses & set(ACTIVE_DRAW_STATUSES):
        return False
    if draw.purpose == DrawPurpose.BID_REVIEW:
        return panel_completeness(draw.challenge).complete
    seats = Seat.objects.filter(draw__in=draw_ids, draw__status=DrawStatus.COMPLETED, on_panel=True)
    if seats.filter(status=SeatStatus.INVITED).exists():
        return False
    served = seats.filter(status=SeatStatus.ACCEPTED)
    return served.exists() and not served.filter(opinion__isnull=True).exists()


def served_seats(draw_ids):
    """The seats of the experts who served on the panel (accepted and stayed), in the order
    they were drawn."""
    return (
        Seat.objects.filter(
            draw__in=draw_ids,
            draw__status=DrawStatus.COMPLETED,
            on_panel=True,
            status=SeatStatus.ACCEPTED,
        )
        .select_related("expert")
        .order_by("draw__created_at", "draw_id", "rank")
    )


def _score(value) -> int:
    try:
        score = int(str(value).strip())
    except (TypeError, ValueError):
        score = 0
    if score not in SCORE_RANGE:
        raise ActionRefused(_("Rate timeliness and quality each from 1 to 5."))
    return score


def rating_record(*, seat, by, timeliness, quality, note) -> ExpertRating:
    """The bureau rates the expert of ``seat`` once the panel has finished; once per expert
    and panel. The audit event keeps the scores, not the note (personal data in an
    append-only log)."""
    timeliness, quality = _score(timeliness), _score(quality)
    note = (note or "").strip()
    if not note:
        raise ActionRefused(_("Write a short note on the expert's work."))
    if len(note) > NOTE_MAX:
        raise ActionRefused(
            _("Keep the note to %(n)d characters (it has %(length)d).")
            % {"n": NOTE_MAX, "length": len(note)}
        )
    with transaction.atomic():
        seat = (
            # of=self: only the seat is locked (the draw's project is an outer join).
            Seat.objects.select_for_update(of=("self",))
            .select_related("draw__challenge__issuer", "expert")
            .get(pk=seat.pk)
        )
        draw = seat.draw
        if not can_rate_panel(by, draw):
            raise ActionRefused(_("Only the bureau rates experts."))
        if not (
            draw.status == DrawStatus.COMPLETED
            and seat.on_panel
            and seat.status == SeatStatus.ACCEPTED
        ):
            raise ActionRefused(_("This expert did not serve on the panel."))
        if not panel_finished(draw):
            raise ActionRefused(
                _(
                    "The panel has not finished: rate its experts once every one of them "
                    "has given their scores or opinion."
                )
            )
        refusal = _("This expert has already been rated for this panel.")
        if ExpertRating.objects.filter(draw=draw, expert_id=seat.expert_id).exists():
            raise ActionRefused(refusal)
        try:
            with transaction.atomic():
                rating = ExpertRating.objects.create(
                    seat=seat,
                    draw=draw,
                    expert=seat.expert,
                    timeliness=timeliness,
                    quality=quality,
                    note=note,
                    rated_by=by,
                    rated_at=db_now(),
                )
        except IntegrityError as exc:  # a second officer rated the same seat a moment ago
            raise ActionRefused(refusal) from exc
        audit_record(
            actor=by,
            action="expert.rate",
            obj=seat.expert,
            payload={
                "draw": draw.pk,
                "purpose": draw.purpose,
                "timeliness": timeliness,
                "quality": quality,
            },
        )
    return rating
