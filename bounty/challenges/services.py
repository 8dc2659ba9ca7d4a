"""Use cases of the challenge list. Each: atomic, row lock, permission, transition,
audit event, notifications after commit (see docs/architecture.md)."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from accounts.models import Role
from accounts.selectors import bureau_officers, organization_staff
from audit.services import audit_record
from bounty import permissions as perms
from bounty.calls import district
from bounty.calls import rules as call_rules
from bounty.challenges import access_rules, need_vetting
from bounty.challenges.rules import deadline_error
from bounty.exceptions import ActionRefused, ChallengeIncomplete, StaleState
from bounty.models import (
    EDITABLE_STATUSES,
    Amendment,
    Challenge,
    ChallengeStatus,
    Clarification,
    Confidentiality,
    Indicator,
    RubricCriterion,
)
from bounty.sealing.services import challenge_key_create
from bounty.signals import challenge_amended
from notifications.services import notify

# Fields whose change is material (DOMAIN §2): extends the deadline if needed,
# and (bid issue) sends submitted bids back for re-confirmation.
MATERIAL_FIELDS = (
    "indicators",
    "bounty_total",
    "enterprise_funds",
    "government_funds",
    "eligibility",
    "bid_deadline",
    "consortium_allowed",
    "max_consortium_members",
)
AMENDABLE_FIELDS = (
    "title",
    "problem",
    "deliverable",
    "bounty_total",
    "enterprise_funds",
    "government_funds",
    "period_months",
    "bid_deadline",
    "eligibility",
    "consortium_allowed",
    "max_consortium_members",
    "ip_terms",
    "ip_terms_detail",
    "contact_name",
    "contact_phone",
    "contact_email",
    "public_summary",
    "nda_text",
)


def default_criteria():
    """DOMAIN §5 rubric, named in the site's default language (challenge documents are Chinese)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _default_criteria()


def _default_criteria():
    names = {
        "technical": _("Technical route and match to the indicators"),
        "feasibility": _("Feasibility and risk"),
        "team": _("Team and principal investigator"),
        "schedule": _("Milestones and schedule"),
        "budget": _("Budget soundness and co-funding"),
        "benefit": _("Industrialisation benefit"),
    }
    return [
        {"code": code, "name": str(names.get(code, code)), "weight": weight, "minimum": None}
        for code, weight in settings.JIEBANG["DEFAULT_RUBRIC"]
    ]


def _search_text(challenge, indicators):
    if challenge.confidentiality != Confidentiality.PUBLIC:
        # Restricted / confidential: only the public part is findable on the board.
        parts = [challenge.title, challenge.public_summary, challenge.issuer.name]
        return "\n".join(p for p in parts if p).lower()
    parts = [challenge.title, challenge.problem, challenge.deliverable]
    parts += [i["name"] if isinstance(i, dict) else i.name for i in indicators]
    parts.append(challenge.issuer.name)
    return "\n".join(p for p in parts if p).lower()


def _replace_rows(challenge, indicators, criteria):
    if indicators is not None:
        challenge.indicators.all().delete()
        Indicator.objects.bulk_create(
            Indicator(challenge=challenge, position=n, **row) for n, row in enumerate(indicators)
        )
    if criteria is not None:
        challenge.criteria.all().delete()
        RubricCriterion.objects.bulk_create(
            RubricCriterion(
                challenge=challenge,
                position=n,
                code=row.get("code") or f"c{n + 1}",
                name=row["name"],
                weight=row["weight"],
                minimum=row.get("minimum"),
                anchors=row.get("anchors") or "",
            )
            for n, row in enumerate(criteria)
        )


def _lock(challenge, *, expected=None):
    locked = Challenge.objects.select_for_update().select_related("issuer").get(pk=challenge.pk)
    if expected is not None and locked.status not in expected:
        raise StaleState
    return locked


def _issuer_staff(challenge):
    return organization_staff(challenge.issuer, role=Role.ISSUER)


def challenge_create(*, by, issuer, data, indicators=(), criteria=None):
    """Create a draft. Incomplete drafts are fine: completeness is checked on submit."""
    if not perms.can_create_challenge(by, issuer):
        raise ActionRefused(_("Only issuer staff of a verified enterprise can draft challenges."))
    with transaction.atomic():
        challenge = Challenge(issuer=issuer, created_by=by, ocid=f"tmp-{uuid.uuid4()}", **data)
        call_rules.apply_need_call(challenge)  # a need in a call (批次): its window, deadline
        challenge.search_text = _search_text(challenge, indicators)
        challenge.save()
        year = timezone.localdate().year
        challenge.ocid = f"{settings.JIEBANG['OCID_PREFIX']}-{year}-{challenge.pk:06d}"
        challenge.save(update_fields=["ocid"])
        _replace_rows(
            challenge, list(indicators), criteria if criteria is not None else default_criteria()
        )
        audit_record(actor=by, action="challenge.create", obj=challenge, to_state=challenge.status)
    return challenge


def challenge_update(*, challenge, by, data, indicators=None, criteria=None):
    """Save the issuer's edits of a draft or returned challenge."""
    with transaction.atomic():
        challenge = _lock(challenge)
        if not perms.can_edit_challenge(by, challenge):
            raise ActionRefused(_("This challenge can no longer be edited."))
        call_before = challenge.call_id
        for field, value in data.items():
            setattr(challenge, field, value)
        call_rules.apply_need_call(challenge, current_call_id=call_before)
        _replace_rows(challenge, indicators, criteria)
        challenge.search_text = _search_text(challenge, challenge.indicators.all())
        challenge.save()
        audit_record(
            actor=by, action="challenge.update", obj=challenge, payload={"fields": sorted(data)}
        )
    return challenge


def challenge_submit(*, challenge, by):
    with transaction.atomic():
        challenge = _lock(challenge, expected=EDITABLE_STATUSES)
        if not perms.can_submit_challenge(by, challenge):
            raise ActionRefused
        if err := call_rules.need_submit_error(challenge):
            raise ActionRefused(err)
        errors = challenge.completeness_errors()
        if errors:
            raise ChallengeIncomplete(errors)
        before = challenge.status
        challenge.submit()
        challenge.save()
        audit_record(
            actor=by,
            action="challenge.submit",
            obj=challenge,
            from_state=before,
            to_state=challenge.status,
        )
        notify(  # the issuer's district first, where the city recommends through districts
            recipients=district.submission_recipients(challenge),
            kind="challenge.district_submitted"
            if district.district_step_applies(challenge)
            else "challenge.submitted",
            params={"title": challenge.title, "issuer": challenge.issuer.name},
            url=challenge.get_absolute_url(),
        )
    return challenge


# Bureau decisions: (transition, states it starts from, comment required, kind notified to issuer)
DECISIONS = {
    "start_vetting": (
        "start_vetting",
        (ChallengeStatus.SUBMITTED, ChallengeStatus.RECOMMENDED),
        False,
        None,
    ),
    "return": (
        "return_for_revision",
        (ChallengeStatus.SUBMITTED, ChallengeStatus.RECOMMENDED, ChallengeStatus.VETTING),
        True,
        "challenge.returned",
    ),
    "approve": ("approve", (ChallengeStatus.VETTING,), False, "challenge.approved"),
    "reject": ("reject", (ChallengeStatus.VETTING,), True, "challenge.rejected"),
    "publish": ("publish", (ChallengeStatus.APPROVED,), False, "challenge.published"),
    "withdraw": ("withdraw", (ChallengeStatus.PUBLISHED,), True, "challenge.withdrawn"),
}


def challenge_decide(
    *, challenge, by, decision, comment="", lump_sum_allowed=None, with_call=False
):
    """A bureau officer's decision. Two officers at once: the second is told it is stale.
    On approval, ``lump_sum_allowed`` (when given) records whether bids may choose 包干制.
    A need in a call is published only with the call's list (``with_call``: calls/services)."""
    method_name, sources, needs_comment, kind = DECISIONS[decision]
    comment = (comment or "").strip()
    if needs_comment and not comment:
        raise ActionRefused(_("Write a comment: the issuer needs to know why."))
    with transaction.atomic():
        call_error = call_rules.call_decision_error(challenge, decision)  # locks the call
        challenge = _lock(challenge, expected=sources)
        if not perms.can_vet_challenge(by, challenge):
            raise ActionRefused(
                _("Only bureau officers (not of the issuing organisation) decide this.")
            )
        if call_error:
            raise ActionRefused(call_error)
        if decision == "publish" and challenge.call_id and not with_call:
            raise ActionRefused(call_rules.published_with_call_message(challenge))
        if decision == "start_vetting" and district.awaits_district(challenge):
            raise ActionRefused(district.AWAITING_DISTRICT)
        if decision == "publish" and (err := deadline_error(challenge.bid_deadline)):
            raise ActionRefused(err)
        if decision == "withdraw" and challenge.deadline_passed:
            raise ActionRefused(_("The deadline has passed; the challenge is closed."))
        if decision == "approve" and (err := need_vetting.approval_refusal(challenge)):
            raise ActionRefused(err)  # a need in a call: its vetting panel is complete first
        if decision == "approve" and (errors := challenge.completeness_errors()):
            raise ChallengeIncomplete(errors)
        method = getattr(challenge, method_name)
        if not can_proceed(method):
            raise ActionRefused
        before = challenge.status
        if needs_comment or decision == "approve":
            method(comment=comment)
        else:
            method()
        payload = {"comment": comment} if comment else {}
        if decision == "approve" and lump_sum_allowed is not None:
            challenge.lump_sum_allowed = bool(lump_sum_allowed)
            payload["lump_sum_allowed"] = challenge.lump_sum_allowed
        challenge.save()
        if decision == "publish":  # the key bids are sealed for (bounty/sealing)
            challenge_key_create(challenge=challenge, by=by)
        audit_record(
            actor=by,
            action=f"challenge.{decision}",
            obj=challenge,
            from_state=before,
            to_state=challenge.status,
            payload=payload,
        )
        if kind:
            notify(
                recipients=_issuer_staff(challenge),
                kind=kind,
                params={"title": challenge.title, "comment": comment},
                url=challenge.get_absolute_url(),
            )
    return challenge


def challenge_close(*, challenge):
    """Close one challenge whose deadline has passed (system action)."""
    with transaction.atomic():
        challenge = _lock(challenge)
        if challenge.status != ChallengeStatus.PUBLISHED or not can_proceed(challenge.close):
            return None
        challenge.close()
        challenge.save()
        audit_record(
            actor=None,
            action="challenge.close",
            obj=challenge,
            from_state=ChallengeStatus.PUBLISHED,
            to_state=challenge.status,
            payload={"deadline": challenge.bid_deadline.isoformat()},
        )
        notify(
            recipients=[*_issuer_staff(challenge), *bureau_officers()],
            kind="challenge.closed",
            params={"title": challenge.title},
            url=challenge.get_absolute_url(),
        )
    return challenge


def challenges_close_expired(limit=500):
    """Close every published challenge past its deadline. Returns how many were closed."""
    closed = 0
    for challenge in Challenge.objects.past_deadline().order_by("bid_deadline")[:limit]:
        if challenge_close(challenge=challenge) is not None:
            closed += 1
    return closed


def clarification_ask(*, challenge, by, question):
    question = (question or "").strip()
    if not question:
        raise ActionRefused(_("Write your question."))
    with transaction.atomic():
        challenge = _lock(challenge)
        if not access_rules.sees_details(by, challenge):
            raise ActionRefused(
                _("Accept the challenge's NDA before asking a question: %(url)s")
                % {"url": access_rules.nda_url(challenge)}
            )
        if not perms.can_ask_question(by, challenge):
            raise ActionRefused(
                _("Questions can be asked only while the challenge is open for bids.")
            )
        item = Clarification.objects.create(challenge=challenge, question=question, asked_by=by)
        audit_record(actor=by, action="clarification.ask", obj=challenge, payload={"id": item.pk})
        notify(
            recipients=[*_issuer_staff(challenge), *bureau_officers()],
            kind="clarification.asked",
            params={"title": challenge.title},
            url=challenge.get_absolute_url() + "#clarifications",
        )
    return item


def clarification_answer(*, clarification, by, answer):
    answer = (answer or "").strip()
    if not answer:
        raise ActionRefused(_("Write the answer."))
    with transaction.atomic():
        item = (
            Clarification.objects.select_for_update()
            .select_related("challenge__issuer")
            .get(pk=clarification.pk)
        )
        if not perms.can_answer_question(by, item.challenge):
            raise ActionRefused
        if item.answered_at:
            raise StaleState(_("This question was answered a moment ago."))
        item.answer, item.answered_by, item.answered_at = answer, by, timezone.now()
        item.save()
        audit_record(
            actor=by, action="clarification.answer", obj=item.challenge, payload={"id": item.pk}
        )
        askers = {c.asked_by for c in item.challenge.clarifications.select_related("asked_by")}
        notify(
            recipients=list(askers),
            kind="clarification.answered",
            params={"title": item.challenge.title},
            url=item.challenge.get_absolute_url() + "#clarifications",
        )
    return item


def _value(v):
    if v is None or isinstance(v, (str, bool, int)):
        return v
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return str(v)


def challenge_amend(*, challenge, by, reason, data, indicators=None):
    """Amend a published challenge, keeping the old values. A material change leaves at
    least AMENDMENT_MIN_DAYS to bid, extending the deadline if needed."""
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused(_("Give the reason for the amendment."))
    with transaction.atomic():
        challenge = _lock(challenge, expected=(ChallengeStatus.PUBLISHED,))
        if not perms.can_amend_challenge(by, challenge):
            raise ActionRefused(_("Only the bureau can amend a challenge that is open for bids."))
        deadline_before = challenge.bid_deadline
        changes = {}
        for field, new in data.items():
            if field not in AMENDABLE_FIELDS:
                continue
            old = getattr(challenge, field)
            if old != new:
                changes[field] = {"old": _value(old), "new": _value(new)}
                setattr(challenge, field, new)
        if indicators is not None:
            old_rows = [i.snapshot() for i in challenge.indicators.all()]
            new_rows = [
                Indicator(challenge=challenge, position=n, **row).snapshot()
                for n, row in enumerate(indicators)
            ]
            if old_rows != new_rows:
                changes["indicators"] = {"old": old_rows, "new": new_rows}
                _replace_rows(challenge, indicators, None)
        if not changes:
            raise ActionRefused(_("Nothing was changed."))
        if "nda_text" in changes:
            challenge.nda_version += 1  # earlier acceptances no longer open the details
        if "bid_deadline" in changes and challenge.bid_deadline <= timezone.now():
            raise ActionRefused(_("The new deadline is in the past."))
        material = any(f in MATERIAL_FIELDS for f in changes)
        minimum = timezone.now() + timedelta(days=settings.JIEBANG["AMENDMENT_MIN_DAYS"])
        if material and challenge.bid_deadline < minimum:
            old = challenge.bid_deadline
            challenge.bid_deadline = minimum.replace(second=0, microsecond=0) + timedelta(minutes=1)
            changes.setdefault("bid_deadline", {"old": _value(old)})["new"] = _value(
                challenge.bid_deadline
            )
        challenge.search_text = _search_text(challenge, challenge.indicators.all())
        challenge.save()
        number = challenge.amendments.count() + 1
        amendment = Amendment.objects.create(
            challenge=challenge,
            number=number,
            reason=reason,
            changes=changes,
            material=material,
            deadline_before=deadline_before,
            deadline_after=challenge.bid_deadline,
            created_by=by,
        )
        audit_record(
            actor=by,
            action="challenge.amend",
            obj=challenge,
            payload={"number": number, "reason": reason, "changes": changes},
        )
        interested = {c.asked_by for c in challenge.clarifications.select_related("asked_by")}
        interested.update(_issuer_staff(challenge))
        for _receiver, response in challenge_amended.send(sender=Challenge, amendment=amendment):
            interested.update(response or ())
        _notify_amendment(challenge, interested, reason=reason, number=number)
    return amendment


def _notify_amendment(challenge, recipients, *, reason, number):
    """The reason of an amendment is a detail: of a restricted or confidential challenge only
    those who read the details (after the amendment: a new NDA closes them) receive it; the
    others learn that there was an amendment and where to accept the NDA."""
    readers = [u for u in recipients if u is not None and access_rules.sees_details(u, challenge)]
    others = [u for u in recipients if u not in readers]
    notify(
        recipients=readers,
        kind="challenge.amended",
        params={"title": challenge.title, "reason": reason, "number": number},
        url=challenge.get_absolute_url() + "#amendments",
    )
    if others:
        notify(
            recipients=others,
            kind="challenge.amended_withheld",
            params={"title": challenge.title, "number": number},
            url=challenge.get_absolute_url() + "#access",
        )


def challenge_republish(*, challenge, by):
    """After 流榜 the issuer starts again from a copy: a new draft with the same content,
    indicators and rubric (a new deadline must be set before submitting)."""
    if challenge.status != ChallengeStatus.NO_AWARD or not perms.is_issuer_staff(by, challenge):
        raise ActionRefused(_("Only the issuer can publish again a challenge that had no award."))
    fields = [f for f in AMENDABLE_FIELDS if f != "bid_deadline"] + [
        "industry",
        "winners_allowed",
        "parallel_share",
        "continuation_amount",
        "confidentiality",
    ]
    data = {f: getattr(challenge, f) for f in fields}
    indicators = [
        {k: v for k, v in i.snapshot().items()}
        | {"target_value": i.target_value, "target_upper": i.target_upper}
        for i in challenge.indicators.all()
    ]
    criteria = list(challenge.criteria.values("code", "name", "weight", "minimum", "anchors"))
    copy = challenge_create(
        by=by, issuer=challenge.issuer, data=data, indicators=indicators, criteria=criteria
    )
    audit_record(actor=by, action="challenge.republish", obj=copy, payload={"from": challenge.ocid})
    return copy
