"""The draw procedure: create → commit (bureau + supervisor) → freeze → reveal → select,
cancel, the verification bundle, and the bureau's decisions on exclusion requests. Completing
a draw invites its panel; the seat side (answers, declarations, replacements) is in
``review.draw.seats``."""

import re
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.exceptions import ActionRefused, StaleState
from accounts.selectors import supervisors
from audit.services import audit_record
from bounty.challenges.services import challenge_close
from bounty.dueprocess.services import removal_due_ids
from bounty.models import Bid, Challenge, ChallengeStatus
from notifications.services import notify
from review import permissions as perms
from review import verify_draw as algo
from review.draw.conflicts import (
    compute_challenge_conflicts,
    excluded_expert_ids,
    live_bids,
    refresh_bid_conflicts,
)
from review.draw.rules import (
    check_parties,
    check_public_value_source,
    draw_commitment,
    draw_context,
    party_identity,
)
from review.draw.seats import _invite
from review.models import (
    ACTIVE_DRAW_STATUSES,
    Conflict,
    Draw,
    DrawPurpose,
    DrawStatus,
    Expert,
    ExpertRemoval,
    ExpertStatus,
    Seat,
)

HEX64 = re.compile(r"^[0-9a-f]{64}$")
DRAWABLE = (ChallengeStatus.CLOSED, ChallengeStatus.FORMAL_CHECK, ChallengeStatus.UNDER_REVIEW)


def default_params():
    size = settings.JIEBANG["PANEL_SIZE"]
    return {
        "size": size,
        "alternates": size,
        "min_technical_ratio": "2/3",
        "max_per_employer": 1,
        "min_financial": 0,
    }


def validate_params(params, *, min_size=5):
    """``min_size``: 5, or 3 for a need-vetting panel."""
    size = params["size"]
    if size < min_size or size % 2 == 0:
        if min_size == 5:
            raise ActionRefused(_("The panel size must be odd and at least 5."))
        raise ActionRefused(_("The panel size must be odd and at least %(n)d.") % {"n": min_size})
    if params["alternates"] < 0 or params["alternates"] > 50:
        raise ActionRefused(_("Choose between 0 and 50 alternates."))
    if params.get("min_financial", 0) not in (0, 1):
        raise ActionRefused(_("At least one financial expert is either required or not."))


def eligible_experts(challenge, bids=None):
    """The pool before freezing: active experts of the challenge's industry without conflicts
    (with ``bids``, only conflicts with those bids count besides the challenge's own), less
    those a final due-process decision removed from the pool."""
    in_industry = Expert.industries.through.objects.filter(industry_id=challenge.industry_id)
    return (
        Expert.objects.filter(id__in=in_industry.values("expert_id"), status=ExpertStatus.ACTIVE)
        .exclude(id__in=excluded_expert_ids(challenge, bids))
        .exclude(id__in=ExpertRemoval.objects.values("expert_id"))
        .exclude(id__in=removal_due_ids(Expert))  # final by the clock, effect not yet run
        .order_by()  # no join, so no DISTINCT; canonical_pool sorts
    )


def _lock_draw(draw, *, pool=True):
    """The draw, locked; ``pool=False`` leaves out the frozen pool and ranking (~1 MB of
    JSON at 10,000 experts) for steps that do not read them."""
    draws = Draw.objects.select_for_update().select_related("challenge__issuer")
    if not pool:
        draws = draws.defer("pool", "ranked")
    return draws.get(pk=draw.pk)


def draw_create(
    *,
    challenge,
    by,
    params=None,
    public_value_source="",
    supplementary_of=None,
    redraw_reason="",
):
    """Open a draw. Repeating the request returns the open draw (idempotent). A second
    bid-review draw after a completed one (not a supplementary draw) needs a reason."""
    params = {**default_params(), **(params or {})}
    validate_params(params)
    public_value_source = check_public_value_source(public_value_source, required=True)
    redraw_reason = (redraw_reason or "").strip()
    if not perms.can_run_draw(by, Challenge.objects.select_related("issuer").get(pk=challenge.pk)):
        raise ActionRefused(_("Only bureau officers can draw a panel, after the bid deadline."))
    if challenge.status == ChallengeStatus.PUBLISHED:
        challenge_close(challenge=challenge)  # the deadline passed; the worker may not have run
    with transaction.atomic():
        challenge = (
            Challenge.objects.select_for_update().select_related("issuer").get(pk=challenge.pk)
        )
        if not perms.can_run_draw(by, challenge):
            raise ActionRefused(_("Only bureau officers can draw a panel, after the bid deadline."))
        if challenge.status not in DRAWABLE:
            raise ActionRefused(_("A panel can be drawn once bidding has closed."))
        open_draws = Draw.objects.filter(
            challenge=challenge, purpose=DrawPurpose.BID_REVIEW, status__in=ACTIVE_DRAW_STATUSES
        )
        existing = open_draws.first()
        if existing is not None:
            return existing
        completed = Draw.objects.filter(
            challenge=challenge, purpose=DrawPurpose.BID_REVIEW, status=DrawStatus.COMPLETED
        )
        if supplementary_of is None and completed.exists() and not redraw_reason:
            raise ActionRefused(
                _(
                    "A panel was already drawn for this challenge. Give the reason for a new "
                    "draw; it is published next to the first."
                )
            )
        try:
            with transaction.atomic():
                draw = Draw.objects.create(
                    challenge=challenge,
                    supplementary_of=supplementary_of,
                    algorithm=algo.CURRENT,
                    params=params,
                    public_value_source=public_value_source,
                    redraw_reason=redraw_reason if supplementary_of is None else "",
                    bureau_officer=by,
                    salt=secrets.token_hex(32),
                )
        except IntegrityError:  # a concurrent request created it first
            return open_draws.get()
        audit_record(
            actor=by,
            action="draw.create",
            obj=draw,
            to_state=draw.status,
            payload={
                "params": params,
                "public_value_source": public_value_source,
                "redraw_reason": draw.redraw_reason,
            },
        )
        notify(
            recipients=supervisors(),
            kind="review.draw_opened",
            params={"title": challenge.title, "draw": f"#{draw.pk}"},
            url=draw.get_absolute_url(),
        )
    return draw


def draw_cancel(*, draw, by, reason):
    """Abandon an open draw (e.g. the frozen pool cannot fill the panel); keeps its record
    and publishes the reason (review:draws_public)."""
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused(_("Give the reason for cancelling the draw."))
    with transaction.atomic():
        draw = _lock_draw(draw)
        if draw.status not in ACTIVE_DRAW_STATUSES or by.pk != draw.bureau_officer_id:
            raise ActionRefused
        before = draw.status
        draw.cancel(at=timezone.now(), reason=reason)
        draw.save()
        audit_record(
            actor=by,
            action="draw.cancel",
            obj=draw,
            from_state=before,
            to_state=draw.status,
            payload={"reason": reason},
        )
    return draw


def draw_commit(*, draw, by, party, commitment):
    commitment = (commitment or "").strip().lower()
    if not HEX64.match(commitment):
        raise ActionRefused(
            _("A commitment is the SHA-256 of your secret: 64 hexadecimal characters.")
        )
    with transaction.atomic():
        draw = _lock_draw(draw, pool=False)
        if draw.status != DrawStatus.COMMITTING:
            raise ActionRefused(_("Commitments are closed: the pool is frozen."))
        if party == "bureau":
            if by.pk != draw.bureau_officer_id or draw.bureau_commitment:
                raise ActionRefused(_("Only the officer who opened the draw commits, once."))
            draw.bureau_commitment = commitment
        elif party == "supervisor":
            if not perms.can_commit_as_supervisor(by, draw) or draw.supervisor_commitment:
                raise ActionRefused(_("Only a supervisor commits here, once."))
            check_parties(draw.bureau_officer_id, by)
            draw.supervisor_commitment, draw.supervisor = commitment, by
        else:
            raise ActionRefused
        draw.parties = {**draw.parties, party: party_identity(by, party)}
        draw.save(update_fields=[f"{party}_commitment", "supervisor", "parties"])
        audit_record(
            actor=by, action=f"draw.commit.{party}", obj=draw, payload={"commitment": commitment}
        )
    return draw


def draw_freeze(*, draw, by):
    """Compute and store the eligible pool in canonical, pseudonymous form."""
    with transaction.atomic():
        draw = _lock_draw(draw)
        if draw.status != DrawStatus.COMMITTING:
            raise StaleState
        if by.pk != draw.bureau_officer_id:
            raise ActionRefused(_("Only the officer who opened the draw freezes the pool."))
        if not (draw.bureau_commitment and draw.supervisor_commitment):
            raise ActionRefused(_("Both commitments are needed before the pool is frozen."))
        check_parties(draw.bureau_officer_id, draw.supervisor)
        if (
            draw.public_value_source
            and draw.algorithm == algo.V3
            and algo.parse_source(draw.public_value_source)[1] < timezone.localdate()
        ):
            raise ActionRefused(
                _("The named lottery draw has taken place: cancel this draw and open another.")
            )
        challenge = draw.challenge
        # A project panel looks at the winning bid only; a review panel at every live bid;
        # a need-vetting panel at none (the challenge is not published yet).
        bids = Bid.objects.filter(pk=draw.project.bid_id) if draw.for_project else None
        if draw.purpose == DrawPurpose.NEED_VETTING:
            bids = Bid.objects.none()
        # Bid conflicts were precomputed at submission; refresh them for experts and
        # declarations added since, so the frozen pool reflects today's data.
        refresh_bid_conflicts(
            (live_bids(challenge) if bids is None else bids)
            .select_related("lead", "pi")
            .prefetch_related("consortium", "team")
        )
        compute_challenge_conflicts(challenge)
        pool_qs = eligible_experts(challenge, bids)
        if draw.supplementary_of_id:
            seated = Seat.objects.filter(draw__in=same_subject_draws(draw)).values("expert_id")
            pool_qs = pool_qs.exclude(id__in=seated)
        rows = list(pool_qs.values_list("code", "employer_code", "expert_type"))
        pool = algo.canonical_pool(
            {
                "id": algo.pseudonym(draw.salt, code),
                "employer": algo.pseudonym(draw.salt, employer),
                "type": kind,
            }
            for code, employer, kind in rows
        )
        draw.pool = pool
        draw.pool_hash = algo.pool_hash(pool)
        draw.pool_size = len(pool)
        draw.exclusion_summary = _summary(challenge)
        draw.freeze(at=timezone.now())
        draw.save()
        audit_record(
            actor=by,
            action="draw.freeze",
            obj=draw,
            from_state=DrawStatus.COMMITTING,
            to_state=draw.status,
            payload={"pool_hash": draw.pool_hash, "pool_size": draw.pool_size},
        )
    return draw


def same_subject_draws(draw):
    """The draws for the same panel as ``draw`` (its challenge's review or need vetting,
    or one milestone's or acceptance's assessment)."""
    if draw.for_project:
        return Draw.objects.filter(
            purpose=draw.purpose, project_id=draw.project_id, milestone_id=draw.milestone_id
        )
    return Draw.objects.filter(challenge_id=draw.challenge_id, purpose=draw.purpose)


def _summary(challenge):
    rows = (
        Conflict.objects.filter(challenge=challenge)
        .values("rule")
        .annotate(n=Count("expert_id", distinct=True))
        .order_by("rule")
    )
    return {row["rule"]: row["n"] for row in rows}


def draw_reveal(*, draw, by, party, secret):
    """Record a reveal; refuse (and log) one that does not match its commitment."""
    secret = (secret or "").strip()
    with transaction.atomic():
        draw = _lock_draw(draw, pool=False)
        if draw.status != DrawStatus.FROZEN:
            raise ActionRefused(_("Reveals are accepted only after the pool is frozen."))
        expected_user = draw.bureau_officer_id if party == "bureau" else draw.supervisor_id
        if by.pk != expected_user or party not in ("bureau", "supervisor"):
            raise ActionRefused(_("Only the party who committed reveals."))
        if getattr(draw, f"{party}_reveal"):
            raise ActionRefused(_("This secret was already revealed."))
        if draw.algorithm == algo.V3 and not algo.SECRET_V3.fullmatch(secret):
            raise ActionRefused(
                _("A secret is 32 to 64 lowercase hexadecimal characters, made by the browser.")
            )
        if draw_commitment(draw, party, secret) != getattr(draw, f"{party}_commitment"):
            audit_record(actor=by, action=f"draw.reveal_refused.{party}", obj=draw)
            refused = True
        else:
            setattr(draw, f"{party}_reveal", secret)
            draw.save(update_fields=[f"{party}_reveal"])
            audit_record(actor=by, action=f"draw.reveal.{party}", obj=draw)
            refused = False
    if refused:  # outside the atomic block: the refusal stays in the audit trail
        raise ActionRefused(_("This secret does not match the commitment. Nothing was recorded."))
    return _maybe_complete(draw, by)


def draw_set_public_value(*, draw, by, value):
    """Record the named public value; v3 keeps only its normal form (its digits), so one
    lottery result gives exactly one seed."""
    value = value or ""
    if not value.strip():
        raise ActionRefused(_("Enter the public value."))
    with transaction.atomic():
        draw = _lock_draw(draw)
        if draw.status != DrawStatus.FROZEN or not draw.public_value_source or draw.public_value:
            raise ActionRefused(_("No public value is expected now."))
        if by.pk != draw.bureau_officer_id:
            raise ActionRefused
        if draw.algorithm == algo.V3 and not (draw.bureau_reveal and draw.supervisor_reveal):
            # The public value comes last: no party may learn the panel before revealing.
            raise ActionRefused(_("Both secrets are revealed before the public value is entered."))
        if draw.algorithm == algo.V3:
            try:
                value = algo.normalise_public_value(draw.public_value_source, value)
            except ValueError as exc:
                raise ActionRefused(
                    _(
                        "Enter the result as %(n)d ASCII digits 0-9 (spaces, commas and "
                        "hyphens between them are allowed)."
                    )
                    % {"n": algo.PUBLIC_SOURCES[algo.parse_source(draw.public_value_source)[0]]}
                ) from exc
        else:
            value = value.strip()
        draw.public_value = value
        draw.save(update_fields=["public_value"])
        audit_record(actor=by, action="draw.public_value", obj=draw, payload={"value": value})
    return _maybe_complete(draw, by)


def _maybe_complete(draw, by):
    with transaction.atomic():
        draw = _lock_draw(draw)
        ready = (
            draw.status == DrawStatus.FROZEN
            and draw.bureau_reveal
            and draw.supervisor_reveal
            and (draw.public_value or not draw.public_value_source)
        )
        if not ready:
            return draw
        if draw.algorithm == algo.V3:
            draw.seed = algo.seed_v3(
                draw_context(draw),
                draw.pool_hash,
                {"bureau": draw.bureau_commitment, "supervisor": draw.supervisor_commitment},
                draw.parties,
                {"bureau": draw.bureau_reveal, "supervisor": draw.supervisor_reveal},
                draw.public_value,
            )
        else:
            draw.seed = algo.seed(
                draw.pool_hash,
                draw.bureau_reveal,
                draw.supervisor_reveal,
                draw.public_value,
                algorithm=draw.algorithm,
            )
        draw.ranked = algo.rank(draw.seed, draw.pool)
        try:
            panel, alternates = algo.select(
                draw.pool, draw.ranked, draw.params, algorithm=draw.algorithm
            )
        except ValueError as exc:
            raise ActionRefused(
                _("The eligible pool cannot fill the panel under its constraints (%(detail)s).")
                % {"detail": exc}
            ) from exc
        experts = _experts_by_pseudonym(draw, panel + alternates)
        for order, pseudo in enumerate(panel + alternates, start=1):
            Seat.objects.create(
                draw=draw,
                expert=experts[pseudo],
                pseudonym=pseudo,
                rank=order,
                on_panel=pseudo in panel,
            )
        draw.complete(at=timezone.now())
        draw.save(update_fields=["seed", "ranked", "status", "completed_at"])
        audit_record(
            actor=by,
            action="draw.complete",
            obj=draw,
            from_state=DrawStatus.FROZEN,
            to_state=draw.status,
            payload={"seed": draw.seed, "panel": panel, "alternates": alternates},
        )
        for seat in draw.seats.filter(on_panel=True).select_related("expert__user"):
            _invite(seat)
    return draw


def _experts_by_pseudonym(draw, pseudonyms):
    """Map these frozen pseudonyms (the seated ones) back to experts (only the platform
    knows the salt). Loads only those experts, not the whole pool."""
    wanted = set(pseudonyms)
    codes = {}
    for code in (
        Expert.objects.filter(industries=draw.challenge.industry_id)
        .order_by()
        .values_list("code", flat=True)
    ):
        pseudo = algo.pseudonym(draw.salt, code)
        if pseudo in wanted:
            codes[pseudo] = code
    experts = Expert.objects.in_bulk(list(codes.values()), field_name="code")
    return {p: experts[c] for p, c in codes.items()}


def bundle(draw):
    """The verification bundle: everything a third party needs to recompute the draw."""
    seats = list(draw.seats.order_by("rank"))
    panel = [s.pseudonym for s in seats if s.rank <= draw.params["size"]]
    extra = {}
    if draw.algorithm == algo.V3:
        ctx = draw_context(draw)
        extra = {
            "redraw_reason": draw.redraw_reason,
            "parties": draw.parties,
            "context_id": algo.context_id(ctx),
        }
    return {
        **extra,
        "algorithm": draw.algorithm,
        "draw": draw.pk,
        "challenge": draw.challenge.ocid,
        "purpose": draw.purpose,
        "project_bid": draw.project.bid.reference if draw.for_project else None,
        "milestone": draw.milestone.number if draw.milestone_id else None,
        "supplementary_of": draw.supplementary_of_id,
        "params": draw.params,
        "pool": draw.pool,
        "pool_hash": draw.pool_hash,
        "exclusions": draw.exclusion_summary,
        "commitments": {"bureau": draw.bureau_commitment, "supervisor": draw.supervisor_commitment},
        "reveals": {"bureau": draw.bureau_reveal, "supervisor": draw.supervisor_reveal},
        "public_value_source": draw.public_value_source,
        "public_value": draw.public_value,
        "seed": draw.seed,
        "ranked": draw.ranked,
        "panel": panel,
        "alternates": [s.pseudonym for s in seats if s.rank > draw.params["size"]],
        "replacements": [
            {"replaced": s.replaces.pseudonym, "by": s.pseudonym}
            for s in draw.seats.filter(replaces__isnull=False).select_related("replaces")
        ],
        "frozen_at": draw.frozen_at.isoformat() if draw.frozen_at else None,
        "completed_at": draw.completed_at.isoformat() if draw.completed_at else None,
    }


def exclusion_decide(*, request, by, accept, reason, expert_code=""):
    """The bureau accepts or rejects a bid's exclusion request (DOMAIN §4 layer 2)."""
    from bounty.models import ExclusionRequest

    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused(_("Give the reason for the decision; the team can read it."))
    with transaction.atomic():
        item = (
            ExclusionRequest.objects.select_for_update()
            .select_related("bid__challenge")
            .get(pk=request.pk)
        )
        if not perms.can_run_draw(by, item.bid.challenge):
            raise ActionRefused
        if item.decision != ExclusionRequest.Decision.PENDING:
            raise StaleState(_("This request was decided a moment ago."))
        if accept and item.kind == ExclusionRequest.Kind.EXPERT:
            if not Expert.objects.filter(code=expert_code).exists():
                raise ActionRefused(_("Choose the expert in the pool this request names."))
            item.matched_expert_code = expert_code
        item.decision = (
            ExclusionRequest.Decision.ACCEPTED if accept else ExclusionRequest.Decision.REJECTED
        )
        item.decision_reason = reason
        item.save()
        audit_record(
            actor=by,
            action="exclusion.decide",
            obj=item.bid.challenge,
            payload={
                "request": item.pk,
                "accepted": accept,
                "expert": expert_code,
                "reason": reason,
            },
        )
    return item
