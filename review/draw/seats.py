"""The seats of a completed draw: invitations and the expert's answer (accept, decline,
expiry), per-bid declarations and the bureau's ruling on them. A decline, an expiry or a
conflict invites the next alternate that keeps the panel's constraints."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.exceptions import ActionRefused, StaleState
from accounts.models import User
from accounts.selectors import bureau_officers
from audit.services import audit_record
from notifications.services import notify
from review import permissions as perms
from review import verify_draw as algo
from review.models import Declaration, Draw, Expert, ExpertType, Seat, SeatStatus


def _invite(seat):
    """Caller holds the draw lock."""
    hours = settings.JIEBANG["INVITATION_HOURS"]
    now = timezone.now()
    seat.invite(at=now, respond_by=now + timedelta(hours=hours))
    seat.save()
    user = seat.expert.user or User.objects.filter(email__iexact=seat.expert.email).first()
    if user is not None and seat.expert.user_id is None and seat.expert.email:
        Expert.objects.filter(pk=seat.expert_id, user__isnull=True).update(user=user)
    audit_record(actor=None, action="seat.invite", obj=seat.draw, payload={"rank": seat.rank})
    if user is not None:
        notify(
            recipients=[user],
            kind="review.invited",
            params={
                "title": seat.draw.challenge.title,
                "deadline": timezone.localtime(seat.respond_by).strftime("%Y-%m-%d %H:%M"),
            },
            url=reverse("review:invitation", args=[seat.pk]),
        )


def _panel_counts(draw):
    live = draw.seats.filter(on_panel=True, status__in=[SeatStatus.INVITED, SeatStatus.ACCEPTED])
    rows = list(live.values_list("pseudonym", flat=True))
    by_id = {e["id"]: e for e in draw.pool}
    return [by_id[p] for p in rows]


def _replace(seat, *, by=None):
    """Invite the first waiting alternate (rank order) that keeps the panel constraints."""
    draw = seat.draw
    current = _panel_counts(draw)
    params = draw.params
    size = params["size"]
    need_tech = algo.required_technical(size, params.get("min_technical_ratio", "2/3"))
    need_fin = params.get("min_financial", 0)
    by_id = {e["id"]: e for e in draw.pool}
    employers = {}
    for entry in current:
        employers[entry["employer"]] = employers.get(entry["employer"], 0) + 1
    tech = sum(e["type"] == ExpertType.TECHNICAL for e in current)
    fin = sum(e["type"] == ExpertType.FINANCIAL for e in current)
    for alternate in draw.seats.filter(on_panel=False, status=SeatStatus.WAITING).order_by("rank"):
        entry = by_id[alternate.pseudonym]
        if employers.get(entry["employer"], 0) >= params.get("max_per_employer", 1):
            continue
        t = tech + (entry["type"] == ExpertType.TECHNICAL)
        f = fin + (entry["type"] == ExpertType.FINANCIAL)
        seats_left = size - len(current) - 1
        if max(0, need_tech - t) + max(0, need_fin - f) > seats_left:
            continue
        alternate.replaces = seat
        alternate.save(update_fields=["replaces"])
        _invite(alternate)
        audit_record(
            actor=by,
            action="seat.replace",
            obj=draw,
            payload={"replaced_rank": seat.rank, "by_rank": alternate.rank},
        )
        return alternate
    notify(
        recipients=bureau_officers(),
        kind="review.alternates_exhausted",
        params={"title": draw.challenge.title, "draw": draw.pk},
        url=draw.get_absolute_url(),
    )
    audit_record(actor=by, action="draw.alternates_exhausted", obj=draw)
    return None


def _lock_seat(seat):
    seat = (
        Seat.objects.select_for_update().select_related("draw__challenge", "expert").get(pk=seat.pk)
    )
    Draw.objects.select_for_update().filter(pk=seat.draw_id).first()
    return seat


def seat_accept(*, seat, by, undertaking):
    if not undertaking:
        raise ActionRefused(
            _("Accepting means signing the confidentiality and impartiality undertaking.")
        )
    with transaction.atomic():
        seat = _lock_seat(seat)
        if not perms.is_seat_expert(by, seat):
            raise ActionRefused
        if seat.status != SeatStatus.INVITED:
            raise StaleState(_("This invitation is no longer open."))
        if seat.respond_by <= timezone.now():
            raise ActionRefused(_("The time to answer has passed."))
        seat.accept(at=timezone.now())
        seat.save()
        audit_record(actor=by, action="seat.accept", obj=seat.draw, payload={"rank": seat.rank})
    return seat


def seat_decline(*, seat, by, reason=""):
    with transaction.atomic():
        seat = _lock_seat(seat)
        if not perms.is_seat_expert(by, seat):
            raise ActionRefused
        if seat.status != SeatStatus.INVITED:
            raise StaleState(_("This invitation is no longer open."))
        seat.decline(at=timezone.now(), reason=reason)
        seat.save()
        audit_record(actor=by, action="seat.decline", obj=seat.draw, payload={"rank": seat.rank})
        _replace(seat, by=by)
    return seat


def seats_expire():
    """Scheduled: an invitation without answer by its deadline counts as a decline."""
    expired = 0
    for seat_id in Seat.objects.filter(
        status=SeatStatus.INVITED, respond_by__lte=timezone.now()
    ).values_list("id", flat=True):
        with transaction.atomic():
            seat = _lock_seat(Seat(pk=seat_id))
            if seat.status != SeatStatus.INVITED or seat.respond_by > timezone.now():
                continue
            seat.expire()
            seat.save()
            audit_record(
                actor=None, action="seat.expire", obj=seat.draw, payload={"rank": seat.rank}
            )
            _replace(seat)
            expired += 1
    return expired


def declaration_record(*, seat, by, bid, outcome, note=""):
    """Per-bid declaration before any content; a conflict replaces the expert."""
    with transaction.atomic():
        seat = _lock_seat(seat)
        if not perms.is_seat_expert(by, seat) or seat.status != SeatStatus.ACCEPTED:
            raise ActionRefused
        if bid.challenge_id != seat.draw.challenge_id:
            raise ActionRefused
        declaration, created = Declaration.objects.get_or_create(
            seat=seat, bid=bid, defaults={"outcome": outcome, "note": note[:500]}
        )
        if not created:
            raise StaleState(_("You already declared for this bid."))
        audit_record(
            actor=by,
            action="seat.declare",
            obj=seat.draw,
            payload={"rank": seat.rank, "bid": bid.reference, "outcome": outcome},
        )
        if outcome == Declaration.Outcome.CONFLICT:
            seat.mark_conflicted()
            seat.save()
            _replace(seat, by=by)
    return declaration


def declaration_rule(*, declaration, by, cleared):
    """The bureau rules on a declared potential conflict; excluded means replaced."""
    with transaction.atomic():
        declaration = (
            Declaration.objects.select_for_update()
            .select_related("seat__draw__challenge")
            .get(pk=declaration.pk)
        )
        seat = _lock_seat(declaration.seat)
        if not perms.can_run_draw(by, seat.draw.challenge):
            raise ActionRefused
        if declaration.outcome != Declaration.Outcome.POTENTIAL or declaration.bureau_ruling:
            raise StaleState
        declaration.bureau_ruling = "cleared" if cleared else "excluded"
        declaration.save()
        audit_record(
            actor=by,
            action="declaration.rule",
            obj=seat.draw,
            payload={
                "rank": seat.rank,
                "bid": declaration.bid_id,
                "ruling": declaration.bureau_ruling,
            },
        )
        if not cleared and seat.status == SeatStatus.ACCEPTED:
            seat.mark_conflicted()
            seat.save()
            _replace(seat, by=by)
    return declaration
