"""Is the bid-review panel finished? (DOMAIN §5 "added": a proposal — and its confirmation —
needs every accepted, unconflicted seat's score sheets submitted; a replaced seat counts
through its replacement, whose sheets must be submitted.)

One selector, ``panel_completeness``, read by the award services (the guard
``require_complete_panel``), the ranking page, and the proposal deadline (which runs from
the moment the panel is complete)."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils.translation import gettext as _

from accounts.exceptions import ActionRefused
from review.models import DrawPurpose, DrawStatus, ScoreSheet, Seat, SeatStatus

LIVE = (SeatStatus.INVITED, SeatStatus.ACCEPTED)
VACATED = (SeatStatus.DECLINED, SeatStatus.EXPIRED, SeatStatus.CONFLICTED)


@dataclass(frozen=True)
class PanelCompleteness:
    """``expected`` seats: each live seat of the panel (accepted, or an invited replacement
    still to answer) plus each vacated seat nobody replaces yet (neither an alternate nor a
    supplementary draw). ``missing``: the experts of the live seats that have not submitted
    (names: the bureau's eyes only)."""

    submitted: int
    expected: int
    missing: list = field(default_factory=list)  # review.Expert, rank order
    vacant: int = 0
    # When the panel finished: the last submission of a counted seat (None while unfinished);
    # the issuer's proposal deadline runs from here.
    completed_at: datetime | None = None

    @property
    def complete(self) -> bool:
        return self.expected > 0 and self.submitted == self.expected


def panel_completeness(challenge) -> PanelCompleteness:
    """The challenge's bid-review panel: how many of its seats have submitted their score
    sheets (every sheet of the seat submitted, none left in draft). One query."""
    seats = list(
        Seat.objects.filter(
            draw__challenge=challenge,
            draw__purpose=DrawPurpose.BID_REVIEW,
            draw__status=DrawStatus.COMPLETED,
            on_panel=True,
        )
        .annotate(
            sheets_n=Count("sheets"),
            drafts_n=Count("sheets", filter=Q(sheets__status=ScoreSheet.Status.DRAFT)),
            submitted_last=Max("sheets__submitted_at"),
            is_replaced=Exists(Seat.objects.filter(replaces=OuterRef("pk"))),
        )
        .select_related("expert", "draw")
        .order_by("draw__created_at", "draw_id", "rank")
    )
    live = [s for s in seats if s.status in LIVE]
    done = [
        s for s in live if s.status == SeatStatus.ACCEPTED and s.sheets_n > 0 and s.drafts_n == 0
    ]
    vacated = sum(1 for s in seats if s.status in VACATED and not s.is_replaced)
    # A supplementary draw fills vacated seats: each seat it put on the panel takes one.
    supplied = sum(1 for s in seats if s.draw.supplementary_of_id and s.replaces_id is None)
    vacant = max(0, vacated - supplied)
    done_ids = {s.pk for s in done}
    expected = len(live) + vacant
    return PanelCompleteness(
        submitted=len(done),
        expected=expected,
        missing=[s.expert for s in live if s.pk not in done_ids],
        vacant=vacant,
        completed_at=max(s.submitted_last for s in done)
        if done and len(done) == expected
        else None,
    )


def require_complete_panel(challenge) -> PanelCompleteness:
    """Refuse (ActionRefused) while the panel has not finished; for the award services."""
    panel = panel_completeness(challenge)
    if not panel.complete:
        raise ActionRefused(
            _(
                "The expert panel has not finished: %(submitted)d of %(expected)d experts "
                "have submitted their scores. A winner can be proposed once every panel "
                "expert has submitted."
            )
            % {"submitted": panel.submitted, "expected": panel.expected}
        )
    return panel
