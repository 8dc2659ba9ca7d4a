"""Expert vetting of needs (需求论证): a panel drawn on a challenge the bureau is vetting,
with the same verifiable draw as every other panel (commit-reveal, frozen pool, invitations,
undertakings), whose experts each give one structured opinion on the need: is it a real
bottleneck, are its indicators measurable, is its bounty reasonable, and a recommendation
(publish, revise, do not publish). The bureau's decision on the challenge shows the opinions
(``bounty.hooks.need_vetting_for``); a need in a call is approved only once its panel is
complete (``bounty.challenges.need_vetting``)."""

import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.exceptions import ActionRefused, StaleState
from accounts.selectors import supervisors
from audit.services import audit_record
from bounty.hooks import NeedOpinionRow, NeedVettingState
from bounty.models import Challenge, ChallengeStatus
from notifications.services import notify
from review import permissions as perms
from review import verify_draw as algo
from review.draw.rules import check_public_value_source
from review.draw.services import default_params, validate_params
from review.models import (
    ACTIVE_DRAW_STATUSES,
    VERDICTS_BY_PURPOSE,
    Draw,
    DrawPurpose,
    DrawStatus,
    PanelOpinion,
    PanelVerdict,
    Seat,
    SeatStatus,
)

MIN_SIZE = 3


def need_params(params=None):
    """The default parameters of a need-vetting panel (its size from the settings)."""
    size = settings.JIEBANG["NEED_VETTING_PANEL_SIZE"]
    return {**default_params(), "size": size, "alternates": size, **(params or {})}


def need_draws(challenge):
    """The non-cancelled need-vetting draws of ``challenge`` since its latest submission: a
    need returned, revised and submitted again gets a new panel."""
    draws = Draw.objects.filter(purpose=DrawPurpose.NEED_VETTING, challenge=challenge)
    if challenge.submitted_at is not None:
        draws = draws.filter(created_at__gte=challenge.submitted_at)
    return draws.exclude(status=DrawStatus.CANCELLED)


def need_vetting_state(challenge) -> NeedVettingState | None:
    """The bounty hook: what the need-vetting panel of ``challenge`` has said (None: no
    panel drawn since the need was submitted)."""
    draws = list(
        need_draws(challenge)
        .order_by("created_at")
        .only("pk", "status", "params", "supplementary_of")
    )
    if not draws:
        return None
    pending = sum(
        (1 if draw.supplementary_of_id else draw.params["size"])
        for draw in draws
        if draw.status in ACTIVE_DRAW_STATUSES
    )
    seats = Seat.objects.filter(draw__in=[d.pk for d in draws], on_panel=True)
    waiting = list(
        seats.filter(
            Q(status=SeatStatus.INVITED) | Q(status=SeatStatus.ACCEPTED, opinion__isnull=True)
        )
        .select_related("expert")
        .order_by("draw__created_at", "rank")
    )
    pending += len(waiting)
    opinions = list(
        PanelOpinion.objects.filter(seat__in=seats)
        .select_related("seat__expert")
        .order_by("seat__draw__created_at", "seat__rank")
    )
    counts = dict(
        PanelOpinion.objects.filter(seat__in=seats)
        .values_list("verdict")
        .annotate(n=Count("pk"))
        .order_by()
    )
    labels = dict(PanelVerdict.choices)
    return NeedVettingState(
        url=reverse("review:need_vetting", args=[challenge.ocid]),
        pending=pending,
        counts=counts,
        opinions=tuple(
            NeedOpinionRow(
                expert=o.seat.expert.name,
                recommendation=o.verdict,
                recommendation_label=str(labels.get(o.verdict, o.verdict)),
                real_bottleneck=bool(o.real_bottleneck),
                indicators_measurable=bool(o.indicators_measurable),
                bounty_reasonable=bool(o.bounty_reasonable),
                comment=o.comment,
                submitted_at=o.submitted_at,
            )
            for o in opinions
        ),
        pending_experts=tuple(s.expert.name for s in waiting),
    )


def need_vetting_draw_create(*, challenge, by, params=None, public_value_source=""):
    """Open the draw of a need's vetting panel (the challenge is being vetted). The public
    value is optional, as for project panels. Repeating the request returns the open draw;
    a draw after a completed one fills the seats it could not (supplementary)."""
    params = need_params(params)
    validate_params(params, min_size=MIN_SIZE)
    public_value_source = check_public_value_source(public_value_source, required=False)
    with transaction.atomic():
        challenge = (
            Challenge.objects.select_for_update(of=("self",))
            .select_related("issuer")
            .get(pk=challenge.pk)
        )
        if not perms.can_run_need_vetting(by, challenge):
            raise ActionRefused(_("Only bureau officers draw the panel that vets a need."))
        if challenge.status != ChallengeStatus.VETTING:
            raise StaleState(_("A vetting panel is drawn only while the need is being vetted."))
        if not challenge.industry_id:
            raise ActionRefused(_("Choose the need's industry first: its experts are drawn."))
        subject_draws = Draw.objects.filter(
            purpose=DrawPurpose.NEED_VETTING, challenge=challenge, status__in=ACTIVE_DRAW_STATUSES
        )
        existing = subject_draws.first()
        if existing is not None:
            return existing
        current = list(need_draws(challenge).filter(status=DrawStatus.COMPLETED).order_by("pk"))
        try:
            with transaction.atomic():
                draw = Draw.objects.create(
                    challenge=challenge,
                    purpose=DrawPurpose.NEED_VETTING,
                    supplementary_of=current[-1] if current else None,
                    algorithm=algo.CURRENT,
                    params=params,
                    public_value_source=public_value_source,
                    bureau_officer=by,
                    salt=secrets.token_hex(32),
                )
        except IntegrityError:  # a concurrent request created it first
            return subject_draws.get()
        audit_record(
            actor=by,
            action=f"draw.create.{DrawPurpose.NEED_VETTING}",
            obj=draw,
            to_state=draw.status,
            payload={"params": params, "public_value_source": public_value_source},
        )
        notify(
            recipients=supervisors(),
            kind="review.draw_opened",
            params={"title": challenge.title, "draw": f"#{draw.pk}"},
            url=draw.get_absolute_url(),
        )
    return draw


def need_is_open(draw) -> bool:
    """The need is still being vetted and this draw belongs to its current panel."""
    challenge = draw.challenge
    return (
        challenge.status == ChallengeStatus.VETTING
        and need_draws(challenge).filter(pk=draw.pk).exists()
    )


def can_give_need_opinion(user, seat) -> bool:
    """An expert who accepted a panel seat (and signed the undertaking) of a completed
    need-vetting draw."""
    draw = seat.draw
    return (
        draw.purpose == DrawPurpose.NEED_VETTING
        and draw.status == DrawStatus.COMPLETED
        and seat.on_panel
        and seat.status == SeatStatus.ACCEPTED
        and seat.undertaking_signed_at is not None
        and perms.is_seat_expert(user, seat)
    )


def need_opinion_submit(
    *,
    seat,
    by,
    real_bottleneck,
    indicators_measurable,
    bounty_reasonable,
    recommendation,
    comment,
):
    """Record one expert's structured opinion on the need; final once given."""
    comment = (comment or "").strip()
    with transaction.atomic():
        seat = (
            Seat.objects.select_for_update(of=("self",))
            .select_related("draw__challenge", "expert")
            .get(pk=seat.pk)
        )
        draw = seat.draw
        if not can_give_need_opinion(by, seat):
            raise ActionRefused(
                _("Only an expert who accepted a seat on this panel gives an opinion.")
            )
        if not need_is_open(draw):
            raise StaleState(_("The vetting of this need is closed."))
        answers = (real_bottleneck, indicators_measurable, bounty_reasonable)
        if any(not isinstance(a, bool) for a in answers):
            raise ActionRefused(_("Answer the three questions."))
        if recommendation not in VERDICTS_BY_PURPOSE[DrawPurpose.NEED_VETTING]:
            raise ActionRefused(_("Choose your recommendation."))
        if not comment:
            raise ActionRefused(_("Write your opinion and its reasons."))
        if PanelOpinion.objects.filter(seat=seat).exists():
            raise ActionRefused(_("You have already given your opinion; it is final."))
        PanelOpinion.objects.create(
            seat=seat,
            verdict=recommendation,
            comment=comment,
            real_bottleneck=real_bottleneck,
            indicators_measurable=indicators_measurable,
            bounty_reasonable=bounty_reasonable,
            submitted_at=timezone.now(),
        )
        audit_record(
            actor=by,
            action=f"panel.opinion.{DrawPurpose.NEED_VETTING}",
            obj=draw,
            payload={
                "rank": seat.rank,
                "recommendation": recommendation,
                "real_bottleneck": real_bottleneck,
                "indicators_measurable": indicators_measurable,
                "bounty_reasonable": bounty_reasonable,
            },
        )
        state = need_vetting_state(draw.challenge)
        if state is not None and state.complete:
            notify(
                recipients=[draw.bureau_officer],
                kind="review.need_vetting_complete",
                params={"title": draw.challenge.title},
                url=draw.challenge.get_absolute_url(),
            )
    return seat
