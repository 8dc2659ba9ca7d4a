"""Use cases of bids (one cohesive thing: a bid from draft to formal check, with its
locking rules in one place). The deadline is decided by the database clock inside the
transaction that accepts the bid, so neither a stopped worker nor a browser
clock can let a late bid in."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import prefetch_related_objects
from django.dispatch import receiver
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from accounts.models import Organization, Role, User
from accounts.selectors import organization_staff
from audit.services import audit_record
from bounty import permissions as perms
from bounty.bids.budget import budget_error, lump_sum_refusal
from bounty.bids.cure_services import (
    cure_complete,
    formal_check_finish,
    formal_check_hold,
    ineligibility_intend,
)
from bounty.bids.receipts import receipt_attachments
from bounty.bids.rules import (
    PREFETCH,
    bid_completeness_errors,
    bid_limit_errors,
    canonical_bytes,
    canonical_content,
    consortium_limit_error,
    indicator_shortfalls,
    milestone_shares_error,
    sanctioned,
)
from bounty.challenges.access_rules import bid_access_error
from bounty.exceptions import ActionRefused, BidWindowClosed, StaleState
from bounty.models import (
    Attachment,
    Bid,
    BidStatus,
    BidVersion,
    BudgetLine,
    Challenge,
    ChallengeStatus,
    ConsortiumMember,
    CureFile,
    ExclusionRequest,
    FormalCheck,
    IndicatorResponse,
    Milestone,
    TeamMember,
)
from bounty.sealing.opening import opening_required
from bounty.sealing.services import require_unsealed, seal_submission, team_discard, team_restore
from bounty.signals import bid_submitted, challenge_amended
from common.dbtime import db_now
from common.hashing import digest_hex, file_digest, hash_algorithm
from common.uploads import store_upload, validate_document_upload
from notifications.services import notify

ATTACHMENT_KINDS = ("pdf", "ooxml", "ole2", "png", "jpeg")


class BidIncomplete(ActionRefused):
    default_message = _("The bid is not complete yet; see the list of what is missing.")

    def __init__(self, errors):
        self.errors = errors
        super().__init__()


def _team_users(bid):
    return organization_staff(bid.lead, role=Role.BIDDER)


def _lock_bid(bid, *, with_lead=False):
    """Lock the bid's row (and its lead unit's, for checks of the per-call limit)."""
    return (
        Bid.objects.select_for_update(of=("self", "lead") if with_lead else ("self",))
        .select_related("challenge", "lead", "pi")
        .get(pk=bid.pk)
    )


def _require_details_access(bid, by):
    """Restricted/confidential: only a team member who accepted the current NDA for the lead
    unit works on the bid (an NDA change closes it until they accept the new version)."""
    if err := perms.bid_team_access_error(by, bid):
        raise ActionRefused(err)


def _require_open(challenge):
    """Refuse unless the challenge is published and its deadline is ahead by DB time."""
    now = db_now()
    if challenge.status != ChallengeStatus.PUBLISHED or challenge.bid_deadline <= now:
        raise BidWindowClosed
    return now


def bid_create(*, challenge, by, lead):
    if not perms.can_start_bid(by, challenge, lead):
        raise ActionRefused(_("Only bidder staff of a verified organisation can bid."))
    if err := bid_access_error(by, challenge, lead):  # restricted / confidential details
        raise ActionRefused(err)
    if sanctioned(credit_codes=[lead.credit_code]).exists():
        raise ActionRefused(
            _("%(org)s is under a credit sanction and cannot bid.") % {"org": lead.name}
        )
    try:
        with transaction.atomic():
            challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
            _require_open(challenge)
            bid = Bid.objects.create(challenge=challenge, lead=lead, created_by=by, pi=by)
            TeamMember.objects.create(
                bid=bid,
                name=str(by),
                employer=lead.name,
                employer_code=lead.credit_code,
                role=TeamMember.Role.PI,
                user=by,
            )
            audit_record(actor=by, action="bid.create", obj=bid, to_state=bid.status)
    except IntegrityError as exc:
        raise ActionRefused(
            _("%(org)s already has an active bid for this challenge.") % {"org": lead.name}
        ) from exc
    return bid


def _is_team_person(bid, user):
    """Nobody can be named PI by an organisation they do not belong to."""
    orgs = {
        bid.lead_id,
        *bid.consortium.exclude(organization=None).values_list("organization_id", flat=True),
    }
    return user.memberships.filter(organization_id__in=orgs).exists()


def _replace(model, bid, rows):
    model.objects.filter(bid=bid).delete()
    model.objects.bulk_create(model(bid=bid, position=n, **row) for n, row in enumerate(rows))


def bid_update(
    *,
    bid,
    by,
    data,
    consortium=None,
    team=None,
    responses=None,
    milestones=None,
    budget=None,
    exclusions=None,
):
    """Save the team's edits of a draft (before the deadline)."""
    with transaction.atomic():
        bid = _lock_bid(bid)
        if not perms.can_edit_bid(by, bid):
            raise ActionRefused(_("This bid cannot be edited now."))
        _require_details_access(bid, by)
        _require_open(bid.challenge)
        require_unsealed(bid)
        if consortium is not None:
            if err := consortium_limit_error(bid.challenge, len(consortium)):
                raise ActionRefused(err)
            codes = {row["credit_code"] for row in consortium}
            if bid.lead.credit_code in codes:
                raise ActionRefused(_("The lead unit cannot also be a consortium member."))
            orgs = dict(
                Organization.objects.filter(credit_code__in=codes).values_list("credit_code", "pk")
            )
            rows = [dict(row, organization_id=orgs.get(row["credit_code"])) for row in consortium]
            _replace(ConsortiumMember, bid, rows)
        if milestones is not None:
            if err := milestone_shares_error([m["tranche_share"] for m in milestones]):
                raise ActionRefused(err)
            _replace(Milestone, bid, milestones)
        if exclusions is not None:
            if len(exclusions) > settings.JIEBANG["BID_MAX_EXCLUSIONS"]:
                raise ActionRefused(
                    _("At most %(n)d exclusion requests.")
                    % {"n": settings.JIEBANG["BID_MAX_EXCLUSIONS"]}
                )
            ExclusionRequest.objects.filter(bid=bid).delete()
            ExclusionRequest.objects.bulk_create(
                ExclusionRequest(bid=bid, **row) for row in exclusions
            )
        if team is not None:
            # A person id is linked only for members of the bidding organisations.
            for row in team:
                if row.get("user") is not None and not _is_team_person(bid, row["user"]):
                    row["user"] = None
            _replace(TeamMember, bid, team)
        if budget is not None:
            _replace(BudgetLine, bid, budget)
        if responses is not None:
            valid = set(bid.challenge.indicators.values_list("pk", flat=True))
            unique = {row["indicator_id"]: row for row in responses if row["indicator_id"] in valid}
            IndicatorResponse.objects.filter(bid=bid).delete()
            IndicatorResponse.objects.bulk_create(
                IndicatorResponse(bid=bid, **row) for row in unique.values()
            )
        if data.get("pi") is not None and not _is_team_person(bid, data["pi"]):
            raise ActionRefused(
                _(
                    "The PI must be a member of the lead unit or of a consortium member "
                    "organisation on this platform."
                )
            )
        if data.get("lump_sum") and (refusal := lump_sum_refusal(bid.challenge)):
            raise ActionRefused(refusal)
        for field, value in data.items():
            setattr(bid, field, value)
        bid.save()
        audit_record(actor=by, action="bid.update", obj=bid, payload={"fields": sorted(data)})
    return bid


def attachment_add(*, bid, by, upload, kind):
    """Add one file. A refused file (ValidationError) changes nothing else in the draft."""
    with transaction.atomic():
        bid = _lock_bid(bid)
        if not perms.can_edit_bid(by, bid):
            raise ActionRefused(_("This bid cannot be edited now."))
        _require_details_access(bid, by)
        _require_open(bid.challenge)
        require_unsealed(bid)
        used = sum(bid.attachments.values_list("size", flat=True))
        limit = settings.JIEBANG["BID_MAX_TOTAL_BYTES"]
        if used + upload.size > limit:
            raise ActionRefused(
                _(
                    "All attachments of a bid may total %(limit)s; this file would bring them to %(total)s."
                )
                % {"limit": filesizeformat(limit), "total": filesizeformat(used + upload.size)}
            )
        kind_detected = validate_document_upload(upload, allowed=ATTACHMENT_KINDS)
        algorithm = hash_algorithm()
        digest = file_digest(upload, algorithm)
        attachment = Attachment(
            bid=bid,
            kind=kind,
            original_name=upload.name[:255],
            content_kind=kind_detected,
            size=upload.size,
            sha256=digest,
            hash_algorithm=algorithm,
            uploaded_by=by,
        )
        store_upload(attachment.file, "upload", upload)  # disk full: ValidationError, rollback
        attachment.save()
        audit_record(
            actor=by,
            action="bid.attach",
            obj=bid,
            payload={"name": attachment.original_name, "sha256": digest},
        )
    return attachment


def attachment_remove(*, attachment, by):
    with transaction.atomic():
        bid = _lock_bid(attachment.bid)
        if not perms.can_edit_bid(by, bid):
            raise ActionRefused(_("This bid cannot be edited now."))
        _require_details_access(bid, by)
        require_unsealed(bid)
        audit_record(
            actor=by,
            action="bid.detach",
            obj=bid,
            payload={"name": attachment.original_name, "sha256": attachment.sha256},
        )
        attachment.delete()  # the file stays on disk: older receipts may refer to it


def bid_submit(*, bid, by, passphrase=""):
    """Submit: completeness, limits, deadline by DB time, one immutable version + receipt.
    A sealed challenge's submission is then encrypted (bounty/sealing); ``passphrase`` lets
    the team restore it if they reopen before the deadline.

    A second click on a bid that is already submitted is refused as stale
    (the row lock serialises them), so a double click yields one version.
    """
    with transaction.atomic():
        # The lead unit's row too: two bids of the same unit cannot both pass its
        # per-call limit at once.
        bid = _lock_bid(bid, with_lead=True)
        if bid.status != BidStatus.DRAFT:
            raise StaleState(_("This bid was already submitted."))
        if not perms.can_edit_bid(by, bid):
            raise ActionRefused
        _require_details_access(bid, by)
        require_unsealed(bid)
        prefetch_related_objects([bid], *PREFETCH)
        if errors := bid_completeness_errors(bid):
            raise BidIncomplete(errors)
        # Serialise submissions naming the same people, so two bids cannot both
        # pass the PI / participation limits at once (ordered to avoid deadlocks).
        people = {t.user_id for t in bid.team.all() if t.user_id}
        if bid.pi_id:
            people.add(bid.pi_id)
        list(User.objects.select_for_update().filter(pk__in=sorted(people)).order_by("pk"))
        if limit_errors := bid_limit_errors(bid):
            raise ActionRefused(" ".join(str(m) for m in limit_errors.values()))
        now = _require_open(bid.challenge)
        if not can_proceed(bid.submit):
            raise BidWindowClosed
        bid.submit(at=now)
        bid.save(update_fields=["status", "submitted_at", "status_note", "updated_at"])
        content = canonical_content(bid)
        version = BidVersion(
            bid=bid,
            number=bid.versions.count() + 1,
            submitted_at=now,
            submitted_by=by,
            content=content,
            content_sha256=digest_hex(canonical_bytes(content), algorithm := hash_algorithm()),
            hash_algorithm=algorithm,
            attachments=receipt_attachments(bid, algorithm),
        )
        version.save()
        seal_submission(bid=bid, version=version, passphrase=passphrase)
        bid_submitted.send(sender=Bid, bid=bid, version=version)
        audit_record(
            actor=by,
            action="bid.submit",
            obj=bid,
            from_state=BidStatus.DRAFT,
            to_state=bid.status,
            payload={"version": version.number, "sha256": version.content_sha256},
        )
        notify(
            recipients=_team_users(bid),
            kind="bid.receipt",
            params={
                "title": bid.challenge.title,
                "reference": bid.reference,
                "version": version.number,
                "time": timezone.localtime(now).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3],
                "sha256": version.content_sha256,
            },
            url=reverse("bounty:bid_receipt", args=[bid.reference, version.number]),
        )
    return version


def bid_reopen(*, bid, by, note="", passphrase="", fresh=False):
    """Back to draft; a sealed submission is restored with the team's passphrase, or left
    sealed for a fresh draft when the team asks (``fresh``)."""
    with transaction.atomic():
        bid = _lock_bid(bid)
        if bid.status != BidStatus.SUBMITTED:
            raise StaleState
        if not perms.can_edit_bid(by, bid, allow_submitted=True):
            raise ActionRefused
        _require_details_access(bid, by)
        _require_open(bid.challenge)
        bid.reopen(note=note)
        bid.save()
        audit_record(
            actor=by,
            action="bid.reopen",
            obj=bid,
            from_state=BidStatus.SUBMITTED,
            to_state=bid.status,
        )
        if fresh:
            team_discard(bid=bid, by=by)
        else:
            team_restore(bid=bid, by=by, passphrase=passphrase)
    return bid


def bid_withdraw(*, bid, by):
    with transaction.atomic():
        bid = _lock_bid(bid)
        if bid.status not in (BidStatus.DRAFT, BidStatus.SUBMITTED):
            raise StaleState
        if not perms.can_edit_bid(by, bid, allow_submitted=True):
            raise ActionRefused
        _require_open(bid.challenge)
        before = bid.status
        bid.withdraw()
        bid.save()
        audit_record(
            actor=by, action="bid.withdraw", obj=bid, from_state=before, to_state=bid.status
        )
    return bid


@receiver(challenge_amended)
def reopen_bids_after_material_amendment(sender, amendment, **kwargs):
    """Send submitted bids back to draft so the team re-confirms; return whom to notify."""
    if not amendment.material:
        return []
    users = set()
    bids = Bid.objects.select_for_update().filter(
        challenge=amendment.challenge, status__in=[BidStatus.SUBMITTED, BidStatus.DRAFT]
    )
    for bid in bids.select_related("lead"):
        if bid.status == BidStatus.SUBMITTED:
            bid.reopen(
                note=str(
                    _("Challenge amended (no. %(n)d): re-confirm and submit again.")
                    % {"n": amendment.number}
                )
            )
            bid.save()
            latest = bid.versions.order_by("-number").first()
            if latest is not None:
                # The only change a version ever gets: a note that it was superseded.
                BidVersion.objects.filter(pk=latest.pk).update(
                    superseded_reason=f"amendment {amendment.number}"
                )
            audit_record(
                actor=amendment.created_by,
                action="bid.reopen",
                obj=bid,
                from_state=BidStatus.SUBMITTED,
                to_state=bid.status,
                payload={"amendment": amendment.number},
            )
        users.update(_team_users(bid))
    return list(users)


# --- Formal check (形式审查) ---------------------------------------------------------


def auto_checklist(bid) -> dict:
    """What the system can tell by itself; the officer confirms or overrides."""
    errors = bid_completeness_errors(bid)
    limits = bid_limit_errors(bid)
    return {
        # A plan added in a 补正 window counts (bounty/bids/cure.py).
        "documents": "attachments" not in errors
        or CureFile.objects.filter(cure__bid=bid, kind=Attachment.Kind.PLAN).exists(),
        "legal_person": bid.lead.is_verified,
        "consortium": "consortium" not in errors,
        "pi_limits": not ({"pi_lead", "participation"} & limits.keys()),
        "no_sanction": not sanctioned(
            credit_codes=[
                bid.lead.credit_code,
                *bid.consortium.values_list("credit_code", flat=True),
            ],
            users=[bid.pi] if bid.pi_id else [],
        ).exists(),
        "indicators": "responses" not in errors,
        "budget": "budget" not in errors,
    }


def formal_check_start(*, challenge, by):
    """Bureau opens the formal check once the deadline has passed (closing first if needed)."""
    from bounty.challenges.services import challenge_close

    challenge = Challenge.objects.select_related("issuer").get(pk=challenge.pk)
    if not perms.can_formal_check(by, challenge):
        raise ActionRefused
    if challenge.status == ChallengeStatus.PUBLISHED:
        challenge_close(challenge=challenge)
    with transaction.atomic():
        challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
        if not perms.can_formal_check(by, challenge):
            raise ActionRefused
        if challenge.status != ChallengeStatus.CLOSED:
            raise StaleState
        if opening_required(challenge):
            raise ActionRefused(_("The sealed bids must be opened (开标解密) before the check."))
        if not challenge.bids.filter(status=BidStatus.SUBMITTED).exists():
            challenge.declare_no_award(comment=str(_("No bid was submitted.")))
            challenge.save()
            audit_record(
                actor=by, action="challenge.no_award", obj=challenge, to_state=challenge.status
            )
            return challenge
        challenge.start_formal_check()
        challenge.save()
        audit_record(
            actor=by,
            action="challenge.start_formal_check",
            obj=challenge,
            from_state=ChallengeStatus.CLOSED,
            to_state=challenge.status,
        )
    return challenge


def bid_formal_check(*, bid, by, checklist, eligible, reasons=""):
    """Eligible, or an intended ineligibility: a due-process case the team answers; only
    its final decision makes the bid ineligible (``cure_services.ineligibility_apply``);
    ``cure_services.formal_check_finish`` completes the check of the challenge.
    Refused while the team may still add documents asked for (补正) or a case is open."""
    reasons = (reasons or "").strip()
    if not eligible and not reasons:
        raise ActionRefused(_("Write the reasons: the team will read them."))
    with transaction.atomic():
        challenge = Challenge.objects.select_for_update().get(pk=bid.challenge_id)
        bid = _lock_bid(bid)
        if challenge.status != ChallengeStatus.FORMAL_CHECK or not perms.can_formal_check_bid(
            by, bid
        ):
            raise ActionRefused(_("The formal check is not open for this challenge."))
        if bid.status != BidStatus.SUBMITTED:
            raise StaleState(_("This bid was checked a moment ago."))
        now = db_now()
        if hold := formal_check_hold(bid, now):
            raise ActionRefused(hold)
        # Computed items are the system's, not the officer's: the indicator comparison and
        # the budget rules cannot be ticked over, and a bid committing below a published
        # target, or whose budget does not match the team share and its split, is not
        # eligible whatever the checklist says.
        indicators_ok = not indicator_shortfalls(bid)
        budget_problem = budget_error(bid)
        checklist = {
            **checklist,
            "indicators": {"auto": indicators_ok, "ok": indicators_ok},
            "budget": {"auto": budget_problem is None, "ok": budget_problem is None},
        }
        if eligible and not indicators_ok:
            raise ActionRefused(
                _("This bid commits below a published indicator and cannot be eligible.")
            )
        if eligible and budget_problem is not None:
            raise ActionRefused(
                _("This bid's budget breaks the budget rules and cannot be eligible: %(problem)s")
                % {"problem": budget_problem}
            )
        cure_complete(bid, by, now)
        if not eligible:
            case = ineligibility_intend(bid=bid, by=by, checklist=checklist, reasons=reasons)
            audit_record(
                actor=by,
                action="bid.formal_check_intended",
                obj=bid,
                payload={"checklist": checklist, "reasons": reasons, "case": case.pk},
            )
            return bid
        bid.mark_eligible()
        bid.save()
        FormalCheck.objects.create(
            bid=bid, checklist=checklist, eligible=True, reasons=reasons, checked_by=by
        )
        audit_record(
            actor=by,
            action="bid.formal_check",
            obj=bid,
            from_state=BidStatus.SUBMITTED,
            to_state=bid.status,
            payload={"checklist": checklist, "reasons": reasons},
        )
        notify(
            recipients=_team_users(bid),
            kind="bid.eligible",
            params={"title": challenge.title, "reference": bid.reference, "reasons": reasons},
            url=bid.get_absolute_url(),
        )
        formal_check_finish(challenge, by)
    return bid


def bids_formal_check_bulk(*, challenge, by, bids):
    """Mark eligible every selected bid whose automatic checks all pass and that waits for
    nothing (补正, an open case); return (done, skipped)."""
    done, skipped = [], []
    # Fresh rows: a caller's copies may predate edits (the checklist reads the bid itself).
    fresh = Bid.objects.filter(pk__in=[b.pk for b in bids]).select_related(
        "challenge", "lead", "pi"
    )
    for bid in fresh.order_by("pk"):
        checklist = auto_checklist(bid)
        if all(checklist.values()) and formal_check_hold(bid) is None:
            bid_formal_check(
                bid=bid,
                by=by,
                checklist={k: {"auto": v, "ok": v} for k, v in checklist.items()},
                eligible=True,
            )
            done.append(bid)
        else:
            skipped.append(bid)
    return done, skipped
