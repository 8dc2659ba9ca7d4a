"""From the ranking to the award (DOMAIN §5): review start, the issuer's proposal, the
bureau's confirmation, the public notice with objections, and the award."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.exceptions import ActionRefused, StaleState
from accounts.models import Role
from accounts.selectors import bureau_officers, organization_staff
from audit.services import audit_record
from bounty.meetings.models import MeetingPurpose
from bounty.meetings.services import meeting_cite
from bounty.models import Bid, BidStatus, Challenge, ChallengeStatus, Project
from bounty.projects.services import project_create_for_award
from common.dates import window_end
from common.dbtime import db_now
from common.uploads import validate_document_upload
from notifications.services import notify
from review import permissions as perms
from review.award.models import AwardDecline
from review.models import DrawStatus, Objection
from review.scoring.selectors import require_complete_panel
from review.scoring.services import ranking


def _move_bids(challenge, status, transition):
    """Apply one bid transition to every bid of the challenge in ``status`` (locked)."""
    for bid in Bid.objects.select_for_update().filter(challenge=challenge, status=status):
        getattr(bid, transition)()
        bid.save()


def _lock(challenge):
    return Challenge.objects.select_for_update().select_related("issuer").get(pk=challenge.pk)


def _lock_for_bureau(challenge, by, status, message=None):
    """Lock the challenge; refuse unless ``by`` is a bureau officer for it and it is in ``status``."""
    challenge = _lock(challenge)
    if not perms.can_run_draw(by, challenge) or challenge.status != status:
        raise ActionRefused(message)
    return challenge


def require_no_pending_decline(challenge):
    """A proposal (the issuer's or the bureau's) waits while the issuer's request to declare
    no award (流榜) is pending: the bureau confirms or returns it first, so a request filed
    before a proposal can never be confirmed after it (caller holds the challenge's lock)."""
    if challenge.award_declines.filter(status=AwardDecline.Status.PENDING).exists():
        raise ActionRefused(
            _(
                "A request to declare no award waits for the bureau: it confirms or returns "
                "the request before a winner can be proposed."
            )
        )


def open_places(challenge) -> int:
    """How many winners may still be proposed: the places of the call less the winners
    already awarded (after an upheld objection against a 递补 notice, the other winners of a
    horse race keep theirs)."""
    taken = Bid.objects.filter(challenge=challenge, status=BidStatus.WINNER).count()
    return max(challenge.winners_allowed - taken, 0)


def _comment(text):
    text = (text or "").strip()
    if not text:
        raise ActionRefused(_("Write a comment: the issuer needs to know why."))
    return text


def notice_end(start, *, days=None, working_days=None):
    """The moment the notice ends: after ``days`` full days following ``start`` (local
    dates), counting only working days when configured (holidays skipped, make-up
    working days counted)."""
    days = settings.JIEBANG["NOTICE_DAYS"] if days is None else days
    working_days = settings.JIEBANG["NOTICE_WORKING_DAYS"] if working_days is None else working_days
    return window_end(start, days, working=working_days)


def review_start(*, challenge, by):
    """Formal check done and a panel drawn: the eligible bids go to review."""
    with transaction.atomic():
        challenge = _lock_for_bureau(
            challenge,
            by,
            ChallengeStatus.FORMAL_CHECK,
            _("Review starts after the formal check, by the bureau."),
        )
        if challenge.formal_check_done_at is None:
            raise ActionRefused(_("Finish the formal check of every bid first."))
        if not challenge.draws.filter(status=DrawStatus.COMPLETED, purpose="bid_review").exists():
            raise ActionRefused(_("Draw the expert panel first."))
        challenge.start_review()
        challenge.save()
        _move_bids(challenge, BidStatus.ELIGIBLE, "start_review")
        audit_record(
            actor=by,
            action="challenge.start_review",
            obj=challenge,
            from_state="formal_check",
            to_state=challenge.status,
        )
    return challenge


def propose_bids(challenge, chosen):
    """Lock the chosen bids and move each from review to proposed winner (in a
    transaction); returns them by id."""
    locked = {
        b.pk: b for b in Bid.objects.select_for_update().filter(pk__in=chosen, challenge=challenge)
    }
    for bid_id in chosen:
        bid = locked[bid_id]
        if bid.status != BidStatus.IN_REVIEW:
            raise StaleState
        bid.propose()
        bid.save()
    return locked


def award_propose(*, challenge, by, bids, reason=""):
    """The issuer proposes the winner(s) with reference to the ranking; departing from it
    needs a written reason that the bureau sees. Nobody passing → the bureau declares 流榜."""
    reason = (reason or "").strip()
    with transaction.atomic():
        challenge = _lock(challenge)
        if not perms.can_propose_award(by, challenge):
            raise ActionRefused(
                _("The issuer proposes the winner while the challenge is under review.")
            )
        require_no_pending_decline(challenge)
        require_complete_panel(challenge)
        ranked = ranking(challenge)
        passing = [r.bid_id for r in ranked if r.passes]
        chosen = [b.pk for b in bids]
        if not chosen or len(chosen) > open_places(challenge) or len(set(chosen)) != len(chosen):
            raise ActionRefused(
                _("Propose between 1 and %(n)d winners.") % {"n": open_places(challenge)}
            )
        if any(bid_id not in passing for bid_id in chosen):
            raise ActionRefused(
                _("Only bids that reached the pass mark and every minimum can be proposed.")
            )
        # The ranking's choice among the bids still in review (not a defaulted winner's).
        in_review = set(
            Bid.objects.filter(challenge=challenge, status=BidStatus.IN_REVIEW).values_list(
                "pk", flat=True
            )
        )
        expected = [bid_id for bid_id in passing if bid_id in in_review][: len(chosen)]
        departs = sorted(chosen) != sorted(expected)
        if departs and not reason:
            raise ActionRefused(
                _("This departs from the experts' ranking: give the reason in writing.")
            )
        locked = propose_bids(challenge, chosen)
        challenge.propose_award(comment=reason)
        challenge.save()
        audit_record(
            actor=by,
            action="challenge.propose_award",
            obj=challenge,
            from_state="under_review",
            to_state=challenge.status,
            payload={
                "bids": [locked[i].reference for i in chosen],
                "departs_from_ranking": departs,
                "reason": reason,
            },
        )
        notify(
            recipients=bureau_officers(),
            kind="review.award_proposed",
            params={"title": challenge.title},
            url=challenge.get_absolute_url(),
        )
    return challenge


def award_confirm(*, challenge, by, meeting=None, working_days=None, days=None):
    """The bureau confirms the proposal and opens the public notice, on the record of the
    collective decision (集体决策) that decided it (``meeting``)."""
    with transaction.atomic():
        challenge = _lock_for_bureau(challenge, by, ChallengeStatus.AWARD_PROPOSED)
        require_complete_panel(challenge)
        meeting_cite(
            meeting=meeting,
            purpose=MeetingPurpose.AWARD_NOTICE,
            obj=challenge,
            by=by,
            label=challenge.title,
        )
        ends = notice_end(timezone.now(), days=days, working_days=working_days)
        challenge.open_notice(ends_at=ends)
        challenge.save()
        audit_record(
            actor=by,
            action="challenge.open_notice",
            obj=challenge,
            from_state="award_proposed",
            to_state=challenge.status,
            payload={"ends_at": ends.isoformat()},
        )
    return challenge


def award_return(*, challenge, by, comment):
    """The bureau sends a proposal back to the issuer."""
    comment = _comment(comment)
    with transaction.atomic():
        challenge = _lock_for_bureau(challenge, by, ChallengeStatus.AWARD_PROPOSED)
        _move_bids(challenge, BidStatus.PROPOSED_WINNER, "unpropose")
        challenge.return_proposal(comment=comment)
        challenge.save()
        audit_record(
            actor=by,
            action="challenge.return_proposal",
            obj=challenge,
            payload={"comment": comment},
        )
    return challenge


def objection_file(*, challenge, by, text, evidence, bid=None):
    """Real-name, written, with evidence; only while the notice runs (database clock)."""
    text = (text or "").strip()
    if not by.is_authenticated or not (by.full_name or "").strip():
        raise ActionRefused(
            _("Objections are real-name: log in with an account that has your full name.")
        )
    if not text:
        raise ActionRefused(_("Write the objection."))
    if evidence is None:
        raise ActionRefused(_("Attach the evidence."))
    validate_document_upload(evidence, allowed=("pdf", "png", "jpeg", "ooxml", "ole2"))
    with transaction.atomic():
        challenge = _lock(challenge)
        if challenge.status != ChallengeStatus.IN_NOTICE or db_now() >= challenge.notice_ends_at:
            raise ActionRefused(_("The public notice is not running: objections are closed."))
        if bid is not None and bid.challenge_id != challenge.pk:
            raise ActionRefused
        objection = Objection(
            challenge=challenge, bid=bid, author=by, text=text, evidence_name=evidence.name[:255]
        )
        objection.evidence.save("evidence", evidence, save=False)
        objection.save()
        audit_record(
            actor=by, action="objection.file", obj=challenge, payload={"objection": objection.pk}
        )
        notify(
            recipients=bureau_officers(),
            kind="review.objection",
            params={"title": challenge.title},
            url=reverse("review:notice", args=[challenge.ocid]),
        )
    return objection


def objection_decide(*, objection, by, upheld, reason, disqualify=False):
    """Upheld: back to review (and the bid disqualified if asked); dismissed: the notice goes on."""
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused(_("Give the reasons; the objector is told."))
    with transaction.atomic():
        challenge = _lock(objection.challenge)
        objection = Objection.objects.select_for_update().get(pk=objection.pk)
        if not perms.can_run_draw(by, challenge) or objection.status != Objection.Status.OPEN:
            raise ActionRefused
        decide = objection.uphold if upheld else objection.dismiss
        decide(by=by, at=timezone.now(), reason=reason)
        objection.save()
        # A 递补 notice (a winner did not sign) runs after the award: the call has projects.
        substitute_notice = (
            upheld
            and challenge.status == ChallengeStatus.IN_NOTICE
            and Project.objects.filter(challenge=challenge).exists()
        )
        if upheld and challenge.status == ChallengeStatus.IN_NOTICE:
            for bid in Bid.objects.select_for_update().filter(
                challenge=challenge, status=BidStatus.PROPOSED_WINNER
            ):
                if disqualify and objection.bid_id == bid.pk:
                    bid.disqualify(note=reason)
                else:
                    bid.unpropose()
                bid.save()
            if substitute_notice:
                # Back to review as a whole: the bids passed over at the award are in review
                # again, so the issuer (or, late, the bureau) proposes from the ranking.
                _move_bids(challenge, BidStatus.NOT_SELECTED, "reconsider")
            challenge.reopen_review(comment=reason)
            challenge.save()
        audit_record(
            actor=by,
            action="objection.decide",
            obj=challenge,
            payload={
                "objection": objection.pk,
                "upheld": upheld,
                "reason": reason,
                "disqualify": disqualify,
                "substitute_notice": substitute_notice,
            },
        )
        # A paper or e-mail objector has no account: the bureau answers in writing.
        notify(
            recipients=[objection.author] if objection.author_id else [],
            kind="review.objection_decided",
            params={
                "title": challenge.title,
                "outcome": objection.status,
                "reason": reason,
            },
            url=reverse("review:notice", args=[challenge.ocid]),
        )
    return objection


def award_due(challenge_id):
    """Award one challenge whose notice has ended, unless an objection is open (row lock:
    a last-minute objection and this can never both win)."""
    with transaction.atomic():
        challenge = (
            Challenge.objects.select_for_update().select_related("issuer").get(pk=challenge_id)
        )
        if challenge.status != ChallengeStatus.IN_NOTICE or db_now() < challenge.notice_ends_at:
            return False
        if challenge.objections.filter(status=Objection.Status.OPEN).exists():
            return False
        bids = list(
            Bid.objects.select_for_update().filter(challenge=challenge).select_related("lead")
        )
        winners, others = [], []
        for bid in bids:
            if bid.status == BidStatus.PROPOSED_WINNER:
                bid.win()
                bid.save()
                project_create_for_award(bid=bid)
                winners.append(bid)
            elif bid.status == BidStatus.IN_REVIEW:
                bid.lose()
                bid.save()
                others.append(bid)
        challenge.award()
        challenge.save()
        audit_record(
            actor=None,
            action="challenge.award",
            obj=challenge,
            from_state="in_notice",
            to_state=challenge.status,
            payload={"winners": [b.reference for b in winners]},
        )
        for bid in winners + others:
            notify(
                recipients=organization_staff(bid.lead, role=Role.BIDDER),
                kind="review.bid_won" if bid in winners else "review.bid_not_selected",
                params={"title": challenge.title, "reference": bid.reference},
                url=bid.get_absolute_url(),
            )
        notify(
            recipients=[
                *organization_staff(challenge.issuer, role=Role.ISSUER),
                *bureau_officers(),
            ],
            kind="review.awarded",
            params={"title": challenge.title},
            url=challenge.get_absolute_url(),
        )
    return True


def awards_due():
    """Scheduled: award every challenge whose notice ended without an open objection."""
    due = Challenge.objects.filter(
        status=ChallengeStatus.IN_NOTICE, notice_ends_at__lte=timezone.now()
    )
    return sum(1 for pk in due.values_list("pk", flat=True) if award_due(pk))


def no_award(*, challenge, by, comment):
    """流榜: nobody reached the pass mark (or nobody remains); the challenge may be re-published
    as a new one from its content."""
    comment = _comment(comment)
    with transaction.atomic():
        challenge = _lock_for_bureau(challenge, by, ChallengeStatus.UNDER_REVIEW)
        if any(r.passes for r in ranking(challenge)):
            raise ActionRefused(
                _("A bid reached the pass mark: the issuer proposes a winner instead.")
            )
        _move_bids(challenge, BidStatus.IN_REVIEW, "lose")
        challenge.declare_no_award(comment=comment)
        challenge.save()
        audit_record(
            actor=by,
            action="challenge.no_award",
            obj=challenge,
            to_state=challenge.status,
            payload={"comment": comment},
        )
        notify(
            recipients=organization_staff(challenge.issuer, role=Role.ISSUER),
            kind="review.no_award",
            params={"title": challenge.title, "comment": comment},
            url=challenge.get_absolute_url(),
        )
    return challenge
