"""Use cases of restricted and confidential challenges: accepting the NDA, asking for
access, the issuer's decision. Each: atomic, row lock, rule, transition, audit event,
notifications (see docs/architecture.md)."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from accounts.models import Role
from accounts.selectors import organization_staff
from audit.services import audit_record
from bounty.challenges import access_rules as rules
from bounty.challenges.access import AccessRequest, AccessStatus, NdaAcceptance
from bounty.challenges.models import Challenge
from bounty.challenges.statuses import PUBLIC_STATUSES, ChallengeStatus
from bounty.exceptions import ActionRefused, StaleState
from notifications.services import notify


def _lock_challenge(challenge):
    return Challenge.objects.select_for_update().select_related("issuer").get(pk=challenge.pk)


def nda_accept(*, challenge, by, organization):
    """``by`` accepts the current NDA of a restricted/confidential challenge for
    ``organization``. Accepting the same version twice returns the first acceptance."""
    with transaction.atomic():
        challenge = _lock_challenge(challenge)
        if challenge.status not in PUBLIC_STATUSES or not rules.is_withheld(challenge):
            raise ActionRefused(_("This challenge has no confidentiality agreement to accept."))
        if organization.pk not in rules.eligible_org_ids(by, challenge):
            if rules.is_confidential(challenge):
                raise ActionRefused(
                    _("Only members of an organisation the issuer admitted can accept this NDA.")
                )
            raise ActionRefused(_("Only members of a verified organisation can accept this NDA."))
        existing = rules.current_acceptances(by, challenge, [organization.pk]).first()
        if existing is not None:
            return existing
        digest = rules.text_hash(rules.nda_text(challenge))
        acceptance = NdaAcceptance.objects.create(
            challenge=challenge,
            organization=organization,
            user=by,
            nda_version=challenge.nda_version,
            text_sha256=digest,
        )
        audit_record(
            actor=by,
            action="challenge.nda_accept",
            obj=challenge,
            payload={
                "organization": organization.name,
                "credit_code": organization.credit_code,
                "nda_version": challenge.nda_version,
                "text_sha256": digest,
            },
        )
    return acceptance


def access_request_create(*, challenge, by, organization, reason):
    """A member of a verified organisation asks the issuer to admit it to a confidential
    challenge."""
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused(_("Say briefly why your organisation needs the details."))
    with transaction.atomic():
        challenge = _lock_challenge(challenge)
        if not rules.is_confidential(challenge):
            raise ActionRefused(_("Only a confidential challenge needs the issuer's admission."))
        if challenge.status != ChallengeStatus.PUBLISHED or challenge.deadline_passed:
            raise ActionRefused(_("Access can be requested only while bids are open."))
        if organization.pk == challenge.issuer_id or organization.pk not in (
            rules.verified_org_ids(by)
        ):
            raise ActionRefused(_("Only members of a verified organisation can request access."))
        try:
            with transaction.atomic():
                item = AccessRequest.objects.create(
                    challenge=challenge, organization=organization, requested_by=by, reason=reason
                )
        except IntegrityError as exc:
            raise ActionRefused(
                _("%(org)s has already requested access to this challenge.")
                % {"org": organization.name}
            ) from exc
        audit_record(
            actor=by,
            action="challenge.access_request",
            obj=challenge,
            to_state=item.status,
            payload={"id": item.pk, "organization": organization.name, "reason": reason},
        )
        notify(
            recipients=organization_staff(challenge.issuer, role=Role.ISSUER),
            kind="challenge.access_requested",
            params={"title": challenge.title, "organization": organization.name},
            url=challenge.get_absolute_url() + "#access",
        )
    return item


def access_request_decide(*, request, by, decision, reason=""):
    """The issuer admits or refuses; a refusal needs a written reason, which the requester
    reads. A second decision on the same request is stale."""
    if decision not in ("admit", "refuse"):
        raise ActionRefused
    reason = (reason or "").strip()
    if decision == "refuse" and not reason:
        raise ActionRefused(_("Write the reason for the refusal: the requester reads it."))
    with transaction.atomic():
        item = (
            AccessRequest.objects.select_for_update()
            .select_related("challenge__issuer", "organization", "requested_by")
            .get(pk=request.pk)
        )
        if not rules.can_decide_access(by, item.challenge):
            raise ActionRefused(_("Only the issuer decides who may read this challenge."))
        if item.status != AccessStatus.PENDING:
            raise StaleState(_("This request was decided a moment ago."))
        method = item.admit if decision == "admit" else item.refuse
        if not can_proceed(method):
            raise StaleState
        method(by=by, reason=reason)
        item.save()
        audit_record(
            actor=by,
            action=f"challenge.access_{decision}",
            obj=item.challenge,
            from_state=AccessStatus.PENDING,
            to_state=item.status,
            payload={"id": item.pk, "organization": item.organization.name, "reason": reason},
        )
        notify(
            recipients=[item.requested_by],
            kind=f"challenge.access_{'admitted' if decision == 'admit' else 'refused'}",
            params={"title": item.challenge.title, "reason": reason},
            url=item.challenge.get_absolute_url() + "#access",
        )
    return item
