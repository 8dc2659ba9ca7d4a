"""Exits of the award that a real call needs (DOMAIN §5 "added"): the issuer declines to
award (流榜) with written reasons and the bureau confirms or returns the request; the
issuer's proposal has a deadline (``JIEBANG["PROPOSAL_DUE_WORKING_DAYS"]`` working days
after the panel's last score sheet), after which the bureau may decide itself. The winner
that does not sign: ``review/award/signing.py``; the reminders: ``deadlines.py``."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.exceptions import ActionRefused, StaleState
from accounts.models import Role
from accounts.selectors import bureau_officers, organization_staff
from audit.services import audit_record
from bounty.models import BidStatus, ChallengeStatus
from bounty.permissions import is_issuer_staff
from common.dbtime import db_now
from notifications.services import notify
from review import permissions as perms
from review.award.models import AwardDecline
from review.award.services import (
    _comment,
    _lock,
    _lock_for_bureau,
    _move_bids,
    notice_end,
    open_places,
    propose_bids,
    require_no_pending_decline,
)
from review.scoring.selectors import panel_completeness
from review.scoring.services import ranking

# --- The proposal deadline ---------------------------------------------------------------


def panel_completed_at(challenge):
    """When the review panel became complete — the last submission of a counted seat
    (``scoring.selectors.panel_completeness``: accepted seats of completed bid-review draws,
    replaced seats through their replacement) — or None while it is not complete."""
    return panel_completeness(challenge).completed_at


def proposal_due_at(challenge):
    """The moment the issuer's proposal is due: the end of the Nth working day after the
    panel completed (holidays skipped, make-up working days counted); None before that."""
    completed = panel_completed_at(challenge)
    if completed is None:
        return None
    return notice_end(
        completed, days=settings.JIEBANG["PROPOSAL_DUE_WORKING_DAYS"], working_days=True
    )


def proposal_overdue(challenge, now=None) -> bool:
    due = proposal_due_at(challenge)
    return due is not None and (now or timezone.now()) >= due


# --- The issuer declines to award --------------------------------------------------------


def award_decline_request(*, challenge, by, reasons):
    """The issuer asks the bureau to declare no award, with written reasons, even though
    bids passed the mark. The challenge stays under review until the bureau decides."""
    reasons = (reasons or "").strip()
    if not reasons:
        raise ActionRefused(_("Write the reasons for not awarding; the bureau decides on them."))
    with transaction.atomic():
        challenge = _lock(challenge)
        if challenge.status != ChallengeStatus.UNDER_REVIEW or not is_issuer_staff(by, challenge):
            raise ActionRefused(
                _("The issuer may decline to award while the challenge is under review.")
            )
        if challenge.award_declines.filter(status=AwardDecline.Status.PENDING).exists():
            raise ActionRefused(_("A request to declare no award already waits for the bureau."))
        decline = AwardDecline.objects.create(challenge=challenge, reasons=reasons, filed_by=by)
        audit_record(
            actor=by,
            action="challenge.decline_request",
            obj=challenge,
            payload={"decline": decline.pk, "reasons": reasons},
        )
        notify(
            recipients=bureau_officers(),
            kind="review.decline_requested",
            params={"title": challenge.title, "reasons": reasons},
            url=challenge_ranking_url(challenge),
        )
    return decline


def award_decline_decide(*, decline, by, confirm, comment=""):
    """The bureau confirms the issuer's request (流榜: the challenge → no award, bids not
    selected) or returns it with a comment (the review goes on)."""
    comment = (comment or "").strip()
    if not confirm:
        comment = _comment(comment)
    with transaction.atomic():
        challenge = _lock_for_bureau(
            decline.challenge,
            by,
            ChallengeStatus.UNDER_REVIEW,
            _("The bureau decides a request to declare no award while the review runs."),
        )
        decline = AwardDecline.objects.select_for_update().get(pk=decline.pk)
        if decline.status != AwardDecline.Status.PENDING:
            raise StaleState
        now = timezone.now()
        if confirm:
            decline.confirm(by=by, at=now, comment=comment)
            decline.save()
            _declare_no_award(
                challenge, by=by, comment=decline.reasons, payload={"decline": decline.pk}
            )
        else:
            decline.return_to_issuer(by=by, at=now, comment=comment)
            decline.save()
            audit_record(
                actor=by,
                action="challenge.decline_return",
                obj=challenge,
                payload={"decline": decline.pk, "comment": comment},
            )
        notify(
            recipients=organization_staff(challenge.issuer, role=Role.ISSUER),
            kind="review.decline_decided",
            params={"title": challenge.title, "outcome": decline.status, "comment": comment},
            url=challenge.get_absolute_url(),
        )
    return decline


def _declare_no_award(challenge, *, by, comment, payload):
    """流榜 through the challenge's transition, bids moved as ``award.no_award`` moves them
    (caller holds the challenge's lock and checked the state). Audited with the action
    ``challenge.no_award``, which the OCDS export reads."""
    _move_bids(challenge, BidStatus.IN_REVIEW, "lose")
    challenge.declare_no_award(comment=comment)
    challenge.save()
    audit_record(
        actor=by,
        action="challenge.no_award",
        obj=challenge,
        to_state=challenge.status,
        payload={"comment": comment, **payload},
    )


# --- The bureau decides after the deadline -----------------------------------------------


def _lock_overdue(challenge, by):
    challenge = _lock_for_bureau(
        challenge,
        by,
        ChallengeStatus.UNDER_REVIEW,
        _("The bureau decides in the issuer's place only while the challenge is under review."),
    )
    due = proposal_due_at(challenge)
    if due is None or db_now() < due:
        raise ActionRefused(
            _(
                "The issuer's proposal is not overdue: the bureau may decide only after the deadline."
            )
        )
    return challenge, due


def award_bureau_propose(*, challenge, by, bids, reason):
    """The issuer let the proposal deadline pass: the bureau proposes from the ranking (a
    written reason is required) and the public notice opens at once."""
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused(_("Give the reason for deciding in the issuer's place."))
    with transaction.atomic():
        challenge, due = _lock_overdue(challenge, by)
        require_no_pending_decline(challenge)
        passing = [r.bid_id for r in ranking(challenge) if r.passes]
        chosen = [b.pk for b in bids]
        places = open_places(challenge)
        if not chosen or len(chosen) > places or len(set(chosen)) != len(chosen):
            raise ActionRefused(_("Propose between 1 and %(n)d winners.") % {"n": places})
        if any(bid_id not in passing for bid_id in chosen):
            raise ActionRefused(
                _("Only bids that reached the pass mark and every minimum can be proposed.")
            )
        locked = propose_bids(challenge, chosen)
        challenge.propose_award(comment=reason)
        ends = notice_end(timezone.now())
        challenge.open_notice(ends_at=ends)
        challenge.save()
        audit_record(
            actor=by,
            action="challenge.propose_award",
            obj=challenge,
            from_state="under_review",
            to_state="award_proposed",
            payload={
                "bids": [locked[i].reference for i in chosen],
                "by_bureau": True,
                "proposal_due_at": due.isoformat(),
                "reason": reason,
            },
        )
        audit_record(
            actor=by,
            action="challenge.open_notice",
            obj=challenge,
            from_state="award_proposed",
            to_state=challenge.status,
            payload={"ends_at": ends.isoformat()},
        )
        notify(
            recipients=organization_staff(challenge.issuer, role=Role.ISSUER),
            kind="review.bureau_decided",
            params={"title": challenge.title, "reason": reason},
            url=challenge.get_absolute_url(),
        )
    return challenge


def award_bureau_no_award(*, challenge, by, reason):
    """The issuer let the proposal deadline pass: the bureau declares no award (流榜) with
    its reasons, whether or not bids passed."""
    reason = _comment(reason)
    with transaction.atomic():
        challenge, due = _lock_overdue(challenge, by)
        _declare_no_award(
            challenge,
            by=by,
            comment=reason,
            payload={"by_bureau": True, "proposal_due_at": due.isoformat()},
        )
        notify(
            recipients=organization_staff(challenge.issuer, role=Role.ISSUER),
            kind="review.bureau_decided",
            params={"title": challenge.title, "reason": reason},
            url=challenge.get_absolute_url(),
        )
    return challenge


# --- What the ranking page shows ---------------------------------------------------------


def challenge_ranking_url(challenge):
    from django.urls import reverse

    return reverse("review:ranking", args=[challenge.ocid])


def exit_context(user, challenge) -> dict:
    """Flags and data of the exits for the ranking page (computed once in the view)."""
    under_review = challenge.status == ChallengeStatus.UNDER_REVIEW
    due = proposal_due_at(challenge) if under_review else None
    is_bureau = perms.can_run_draw(user, challenge)
    pending = (
        challenge.award_declines.filter(status=AwardDecline.Status.PENDING).first()
        if under_review
        else None
    )
    overdue = due is not None and timezone.now() >= due
    return {
        "proposal_due_at": due,
        "proposal_overdue": overdue,
        "declines": list(challenge.award_declines.select_related("filed_by"))
        if (is_bureau or is_issuer_staff(user, challenge))
        else [],
        "pending_decline": pending,
        "can_request_decline": under_review
        and pending is None
        and is_issuer_staff(user, challenge),
        "can_decide_decline": under_review and pending is not None and is_bureau,
        "can_bureau_decide": under_review and overdue and is_bureau,
        "can_view_signing": is_bureau
        and challenge.status in (ChallengeStatus.AWARDED, ChallengeStatus.CONTRACTED),
    }
