"""The winner that does not sign (DOMAIN §6 "added"): the contract must be signed within
``JIEBANG["SIGNING_DUE_DAYS"]`` days of the award. When the deadline passes without the
team's signature the bureau chooses: 递补 — the next passing bid in rank order is proposed
and a short public notice (``JIEBANG["SUBSTITUTE_NOTICE_DAYS"]`` days) opens, after which
the scheduled award makes it the winner — or re-publication (the challenge ends without
award and the issuer publishes it again from the challenge page). Either way the unsigned
contract is voided (kept, never deleted), the project lapses, the bid is marked defaulted
and the organisation gets a record the bureau sees at future formal checks."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.exceptions import ActionRefused, StaleState
from accounts.models import Role
from accounts.selectors import organization_staff
from audit.services import audit_record
from bounty.meetings.models import MeetingPurpose
from bounty.meetings.services import meeting_cite
from bounty.models import (
    Bid,
    BidStatus,
    ChallengeStatus,
    Project,
    ProjectStatus,
    SigningDefault,
)
from common.dbtime import db_now
from documents.models import CONTRACT_KINDS, Contract, ContractStatus, DocumentStatus, Party
from notifications.services import notify
from review import permissions as perms
from review.award.services import _comment, _lock, notice_end
from review.scoring.services import ranking


def contract_ready_at(project, contract=None):
    """When the team could first sign: the moment the last current document of the
    project's contract became ready (``Document.ready_at``; a document ready without a
    recorded time counts from the award). None while there is no contract or one of its
    documents is not ready: the team cannot sign, so it cannot default."""
    if contract is None:
        contract = Contract.objects.filter(project=project).first()
    if contract is None:
        return None
    documents = contract.current_documents()
    if len(documents) != len(CONTRACT_KINDS) or any(
        d.status != DocumentStatus.READY for d in documents
    ):
        return None
    return max([project.created_at, *(d.ready_at or project.created_at for d in documents)])


def signing_due_at(project, contract=None):
    """The team must sign within SIGNING_DUE_DAYS of the moment its contract documents
    were all ready (``contract_ready_at``); None while they are not."""
    ready = contract_ready_at(project, contract)
    if ready is None:
        return None
    return ready + timedelta(days=settings.JIEBANG["SIGNING_DUE_DAYS"])


def team_signed(project) -> bool:
    return Contract.objects.filter(project=project, signatures__party=Party.TEAM).exists()


def signing_expired(project, now=None) -> bool:
    """The deadline passed, the project still waits for its contract and the team has not
    signed (a team that signed is waiting for the others, not defaulting)."""
    if project.status != ProjectStatus.AWAITING_CONTRACT:
        return False
    due = signing_due_at(project)
    return due is not None and (now or timezone.now()) >= due and not team_signed(project)


def next_passing_bid(challenge):
    """The best-ranked passing bid not yet chosen (not selected at the award), or None."""
    candidates = dict(
        Bid.objects.filter(challenge=challenge, status=BidStatus.NOT_SELECTED).values_list(
            "pk", "reference"
        )
    )
    for entry in ranking(challenge):
        if entry.passes and entry.bid_id in candidates:
            return Bid.objects.get(pk=entry.bid_id)
    return None


def _default(project, *, by, reason, decision):
    """Void the contract, lapse the project, mark the bid and note the organisation's
    record. Only once the contract's documents were all ready and SIGNING_DUE_DAYS passed
    since. Caller holds the challenge's lock; returns the locked project."""
    # Lock order challenge → contract → project, as contract_sign (documents/contracts.py):
    # the team's signature and the default exclude each other, and whether the team signed
    # is read under the contract's lock.
    contract = Contract.objects.select_for_update().filter(project_id=project.pk).first()
    project = (
        Project.objects.select_for_update(of=("self",))
        .select_related("bid__lead", "challenge")
        .get(pk=project.pk)
    )
    now = db_now()
    if project.status != ProjectStatus.AWAITING_CONTRACT:
        raise StaleState
    due = signing_due_at(project, contract)
    if due is None:
        raise ActionRefused(
            _(
                "The contract documents are not ready: the team cannot sign yet, so the "
                "signing deadline has not started."
            )
        )
    if now < due:
        raise ActionRefused(_("The signing deadline has not passed yet."))
    if team_signed(project) or contract.status != ContractStatus.DRAFT:
        raise ActionRefused(_("The team has signed: the contract waits for the other parties."))
    contract.void()
    contract.save()
    audit_record(
        actor=by,
        action="contract.void",
        obj=contract,
        to_state=contract.status,
        payload={"reason": reason, "due_at": due.isoformat()},
    )
    project.lapse(reason=reason, at=now)
    project.save()
    audit_record(
        actor=by,
        action="project.lapse",
        obj=project,
        from_state=ProjectStatus.AWAITING_CONTRACT,
        to_state=project.status,
        payload={"reason": reason, "decision": decision},
    )
    bid = Bid.objects.select_for_update().get(pk=project.bid_id)
    bid.default_on_signing(note=reason)
    bid.save()
    SigningDefault.objects.create(
        organization=bid.lead,
        credit_code=bid.lead.credit_code,
        bid=bid,
        decision=decision,
        reason=reason,
        due_at=due,
        recorded_by=by,
    )
    notify(
        recipients=organization_staff(bid.lead, role=Role.BIDDER),
        kind="review.signing_defaulted",
        params={"title": project.challenge.title, "reference": bid.reference, "reason": reason},
        url=bid.get_absolute_url(),
    )
    return project


def _lock_awarded(project, by):
    challenge = _lock(project.challenge)
    if not perms.can_run_draw(by, challenge):
        raise ActionRefused(_("Only the bureau decides when a winner does not sign."))
    if challenge.status != ChallengeStatus.AWARDED:
        raise StaleState
    return challenge


def signing_default_substitute(*, project, by, reason, meeting=None):
    """递补: the next passing bid in rank order is proposed and a short public notice opens;
    the award at its end makes it the winner (``award.award_due``). Like the first notice
    of winners, it rests on a collective decision (``meeting``)."""
    reason = _comment(reason)
    with transaction.atomic():
        challenge = _lock_awarded(project, by)
        substitute = next_passing_bid(challenge)
        if substitute is None:
            raise ActionRefused(
                _("No other bid reached the pass mark: publish the challenge again instead.")
            )
        project = _default(
            project, by=by, reason=reason, decision=SigningDefault.Decision.SUBSTITUTE
        )
        meeting_cite(
            meeting=meeting,
            purpose=MeetingPurpose.AWARD_NOTICE,
            obj=challenge,
            by=by,
            label=challenge.title,
        )
        substitute = Bid.objects.select_for_update().get(pk=substitute.pk)
        substitute.substitute()
        substitute.save()
        ends = notice_end(timezone.now(), days=settings.JIEBANG["SUBSTITUTE_NOTICE_DAYS"])
        challenge.open_substitute_notice(ends_at=ends, comment=reason)
        challenge.save()
        audit_record(
            actor=by,
            action="challenge.open_notice",
            obj=challenge,
            from_state="awarded",
            to_state=challenge.status,
            payload={
                "ends_at": ends.isoformat(),
                "substitute": substitute.reference,
                "replaces": project.bid.reference,
                "reason": reason,
            },
        )
        notify(
            recipients=organization_staff(substitute.lead, role=Role.BIDDER),
            kind="review.substitute_proposed",
            params={
                "title": challenge.title,
                "reference": substitute.reference,
                "ends": timezone.localtime(ends).strftime("%Y-%m-%d %H:%M"),
            },
            url=substitute.get_absolute_url(),
        )
        notify(
            recipients=organization_staff(challenge.issuer, role=Role.ISSUER),
            kind="review.signing_decided",
            params={"title": challenge.title, "decision": SigningDefault.Decision.SUBSTITUTE},
            url=challenge.get_absolute_url(),
        )
    return substitute


def signing_default_republish(*, project, by, reason):
    """Re-publication: the challenge ends without award (it was awarded, nobody signed) and
    the issuer publishes it again as a new round (``challenge_republish``)."""
    reason = _comment(reason)
    with transaction.atomic():
        challenge = _lock_awarded(project, by)
        others = (
            Project.objects.filter(challenge=challenge)
            .exclude(pk=project.pk)
            .exclude(status=ProjectStatus.TERMINATED)
        )
        if others.exists():
            raise ActionRefused(
                _("Other winners' projects go on: substitute the next bid (递补) instead.")
            )
        _default(project, by=by, reason=reason, decision=SigningDefault.Decision.REPUBLISH)
        challenge.declare_no_award(comment=reason)
        challenge.save()
        audit_record(
            actor=by,
            action="challenge.no_award",
            obj=challenge,
            from_state="awarded",
            to_state=challenge.status,
            payload={"comment": reason, "republish": True, "defaulted": project.bid.reference},
        )
        notify(
            recipients=organization_staff(challenge.issuer, role=Role.ISSUER),
            kind="review.signing_decided",
            params={"title": challenge.title, "decision": SigningDefault.Decision.REPUBLISH},
            url=challenge.get_absolute_url(),
        )
    return challenge


def signing_rows(user, challenge) -> list:
    """The winners' projects with their signing deadlines, for the bureau's page."""
    now = timezone.now()
    return [
        {
            "project": project,
            "due_at": signing_due_at(project),
            "expired": signing_expired(project, now),
            "team_signed": team_signed(project),
        }
        for project in Project.objects.filter(challenge=challenge).select_related("bid__lead")
    ]
