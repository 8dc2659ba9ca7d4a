"""Money recorded by whoever pays it (DOMAIN §7 "added"; model: ``payments.py``).

- The issuing enterprise records payments of the enterprise part of a tranche — also ahead
  of the tranche's condition (its funds may arrive early) — the bureau those of the
  government part (财政), once the tranche is due. Each carries its bank slip (PDF or image,
  checked by content, SHA-256 kept) and never exceeds what remains of its part: recorded
  and confirmed payments count, disputed ones do not.
- The team (bidder staff of the lead unit) confirms that the money arrived or disputes it
  with a reason: ``recorded → confirmed | disputed``. The payer corrects a disputed payment
  with a new record naming it (once).
- A due tranche becomes disbursed when its confirmed payments cover its amount. Only
  confirmed payments are money paid: the project page, the bureau's figures and the OCDS
  transactions (audit event ``tranche.disburse``, written at the confirmation) read them.
- ``JIEBANG["ENTERPRISE_FUNDS_FIRST"]``: the bureau records no government payment of a
  project until an enterprise payment of it has been confirmed (企业资金先行到位).

Row locks: the project, then the tranche (or payment), in that order, as the other project
services; two payers recording at once cannot exceed a part."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from bounty import permissions as perms
from bounty.dueprocess.services import cases_settle
from bounty.exceptions import ActionRefused, StaleState
from bounty.models import Disbursement, PaymentPart, PaymentStatus, Tranche, TrancheStatus
from bounty.projects.services import _lock, _require_running, _tell
from bounty.projects.settling import tranche_settle
from common.hashing import file_sha256
from common.uploads import store_upload, validate_document_upload

SLIP_KINDS = ("pdf", "png", "jpeg")
# The tranche states in which each part may be paid: the enterprise may pay ahead.
PAYABLE = {
    PaymentPart.ENTERPRISE: (TrancheStatus.PENDING, TrancheStatus.ELIGIBLE),
    PaymentPart.GOVERNMENT: (TrancheStatus.ELIGIBLE,),
}
COUNTED = (PaymentStatus.RECORDED, PaymentStatus.CONFIRMED)


# --- Predicates (read by the views for the page's forms) ----------------------------------


def can_pay_part(user, project, part) -> bool:
    """The issuer's staff pay the enterprise part, bureau officers the government part."""
    if part == PaymentPart.ENTERPRISE:
        return perms.is_issuer_staff(user, project.challenge)
    if part == PaymentPart.GOVERNMENT:
        return perms.is_bureau_officer(user)
    return False


def can_answer_payment(user, project) -> bool:
    """The team (bidder staff of the lead unit) confirms or disputes receipt."""
    return perms.is_project_team(user, project)


# --- Reads ---------------------------------------------------------------------------------


def part_amount(tranche, part) -> Decimal:
    return tranche.enterprise_part if part == PaymentPart.ENTERPRISE else tranche.government_part


def part_remaining(tranche, part) -> Decimal:
    """What may still be recorded on ``part`` of ``tranche`` (disputed payments free it)."""
    counted = tranche.disbursements.filter(part=part, status__in=COUNTED).aggregate(
        s=Sum("amount")
    )["s"]
    return part_amount(tranche, part) - (counted or Decimal(0))


def enterprise_funds_arrived(project) -> bool:
    return Disbursement.objects.filter(
        tranche__project=project, part=PaymentPart.ENTERPRISE, status=PaymentStatus.CONFIRMED
    ).exists()


def waits_for_enterprise_funds(project) -> bool:
    """ENTERPRISE_FUNDS_FIRST holds back the project's first government payment."""
    if not settings.JIEBANG["ENTERPRISE_FUNDS_FIRST"]:
        return False
    counted = Disbursement.objects.filter(tranche__project=project).filter(
        Q(part=PaymentPart.GOVERNMENT, status__in=COUNTED)
        | Q(part=PaymentPart.ENTERPRISE, status=PaymentStatus.CONFIRMED)
    )
    if counted.exists():  # a government payment already made, or the funds arrived
        return False
    owed = project.tranches.aggregate(s=Sum("enterprise_part"))["s"] or Decimal(0)
    return owed > 0  # a project without enterprise funds waits for nothing


def tranche_rows(project) -> list:
    """The project's tranches for its page, each with ``paid`` (confirmed payments), what
    remains of each part, whether each part is payable now, and its payments (prefetched:
    a constant number of queries)."""
    confirmed = Q(disbursements__status=PaymentStatus.CONFIRMED)
    counted = Q(disbursements__status__in=COUNTED)
    rows = list(
        project.tranches.annotate(
            paid=Sum("disbursements__amount", filter=confirmed),
            enterprise_counted=Sum(
                "disbursements__amount",
                filter=counted & Q(disbursements__part=PaymentPart.ENTERPRISE),
            ),
            government_counted=Sum(
                "disbursements__amount",
                filter=counted & Q(disbursements__part=PaymentPart.GOVERNMENT),
            ),
        ).prefetch_related(
            Prefetch(
                "disbursements",
                queryset=Disbursement.objects.select_related(
                    "recorded_by", "answered_by", "correction"
                ),
            )
        )
    )
    for t in rows:
        t.paid = t.paid or Decimal(0)
        t.remaining = t.amount - t.paid
        t.enterprise_remaining = t.enterprise_part - (t.enterprise_counted or Decimal(0))
        t.government_remaining = t.government_part - (t.government_counted or Decimal(0))
        t.enterprise_payable = t.status in PAYABLE[PaymentPart.ENTERPRISE] and (
            t.enterprise_remaining > 0
        )
        t.government_payable = t.status in PAYABLE[PaymentPart.GOVERNMENT] and (
            t.government_remaining > 0
        )
    return rows


def payment_flags(user, project, tranches) -> dict:
    """What the page offers ``user`` (``tranches`` from ``tranche_rows``; no query more)."""
    payments = [p for t in tranches for p in t.disbursements.all()]
    waiting = (
        settings.JIEBANG["ENTERPRISE_FUNDS_FIRST"]
        and sum((t.enterprise_part for t in tranches), Decimal(0)) > 0
        and not any(
            (p.part == PaymentPart.GOVERNMENT and p.status in COUNTED)
            or (p.part == PaymentPart.ENTERPRISE and p.status == PaymentStatus.CONFIRMED)
            for p in payments
        )
    )
    return {
        "can_pay_enterprise": can_pay_part(user, project, PaymentPart.ENTERPRISE),
        "can_pay_government": can_pay_part(user, project, PaymentPart.GOVERNMENT),
        "can_answer_payments": can_answer_payment(user, project),
        "waits_for_enterprise_funds": waiting,
    }


# --- Use cases -----------------------------------------------------------------------------


def _check_slip(slip):
    if not slip:
        raise ActionRefused(_("Attach the bank slip (PDF or image)."))
    try:
        validate_document_upload(slip, allowed=SLIP_KINDS)
    except ValidationError as exc:
        raise ActionRefused(f"{slip.name}: {' '.join(exc.messages)}") from exc


def payment_record(*, tranche, by, part, amount, paid_on, reference, slip, corrects=None):
    """The payer records a payment of its part of ``tranche`` with the bank slip; the team
    is asked to confirm it. ``corrects``: the disputed payment this one replaces."""
    if part not in PaymentPart.values:
        raise ActionRefused(_("Say which funds the payment comes from."))
    # A misconduct decision whose review window closed ends the project before any payment.
    cases_settle(tranche.project)
    if amount <= 0:
        raise ActionRefused(_("The amount must be positive."))
    reference = (reference or "").strip()
    if not reference:
        raise ActionRefused(_("Give the bank's payment reference."))
    if paid_on > timezone.localdate():
        raise ActionRefused(_("A payment is recorded once it is made, not before."))
    _check_slip(slip)
    with transaction.atomic():
        project = _lock(tranche.project)
        if not can_pay_part(by, project, part):
            raise ActionRefused(
                _("Only the issuing enterprise records payments of its own funds.")
                if part == PaymentPart.ENTERPRISE
                else _("Only the bureau records payments of government funds (财政).")
            )
        _require_running(project)
        tranche = Tranche.objects.select_for_update().get(pk=tranche.pk, project=project)
        if tranche.status not in PAYABLE[part]:
            raise ActionRefused(_("This part of the tranche is not payable now."))
        if corrects is not None:
            corrects = Disbursement.objects.select_for_update().get(pk=corrects.pk)
            if corrects.tranche_id != tranche.pk or corrects.part != part:
                raise ActionRefused(_("A correction is of the same part of the same tranche."))
            if corrects.status != PaymentStatus.DISPUTED:
                raise StaleState(_("Only a disputed payment is corrected."))
            if Disbursement.objects.filter(corrects=corrects).exists():
                raise StaleState(_("This disputed payment was already corrected."))
        remaining = part_remaining(tranche, part)
        if amount > remaining:
            raise ActionRefused(
                _("Only %(remaining)s × 10k yuan of this part remain to be paid on this tranche.")
                % {"remaining": remaining}
            )
        if part == PaymentPart.GOVERNMENT and waits_for_enterprise_funds(project):
            raise ActionRefused(
                _(
                    "The enterprise's funds must have arrived first: the team has not yet "
                    "confirmed any payment by the issuing enterprise."
                )
            )
        payment = Disbursement(
            tranche=tranche,
            part=part,
            amount=amount,
            paid_on=paid_on,
            reference=reference[:100],
            corrects=corrects,
            recorded_by=by,
            slip_name=slip.name[:255],
            slip_size=slip.size,
            slip_sha256=file_sha256(slip),
        )
        try:
            store_upload(payment.slip, "slip", slip)
        except ValidationError as exc:
            raise ActionRefused(exc.messages[0]) from exc
        payment.save()
        audit_record(
            actor=by,
            action="payment.record",
            obj=payment,
            to_state=payment.status,
            payload={
                "tranche": tranche.pk,
                "part": part,
                "amount": str(amount),
                "paid_on": paid_on.isoformat(),
                "reference": payment.reference,
                "slip": payment.slip_sha256,
                "corrects": corrects.pk if corrects else None,
            },
        )
        _tell(
            project,
            "project.payment_recorded",
            label=tranche.label,
            amount=str(amount),
            part=part,
        )
    return payment


def _answer(payment, by):
    """Lock the project and the payment; check the team and the state."""
    project = _lock(payment.tranche.project)
    if not can_answer_payment(by, project):
        raise ActionRefused(_("Only the project team confirms or disputes receipt."))
    payment = Disbursement.objects.select_for_update().get(pk=payment.pk)
    if payment.status != PaymentStatus.RECORDED:
        raise StaleState(_("This payment was already confirmed or disputed."))
    return project, payment


def payment_confirm(*, payment, by):
    """The team confirms the money arrived; the tranche is disbursed once covered."""
    with transaction.atomic():
        project, payment = _answer(payment, by)
        tranche = Tranche.objects.select_for_update().get(pk=payment.tranche_id)
        payment.confirm(by=by, at=timezone.now())
        payment.save()
        from_state = tranche.status
        tranche_settle(tranche)
        # The OCDS transaction (opendata/ocds/contracts.py) is built from this event.
        audit_record(
            actor=by,
            action="tranche.disburse",
            obj=tranche,
            from_state=from_state,
            to_state=tranche.status,
            payload={
                "payment": payment.pk,
                "part": payment.part,
                "amount": str(payment.amount),
                "paid_on": payment.paid_on.isoformat(),
                "reference": payment.reference,
            },
        )
        _tell(
            project,
            "project.payment_confirmed",
            label=tranche.label,
            amount=str(payment.amount),
            part=payment.part,
        )
    return payment


def payment_dispute(*, payment, by, reason):
    """The team says the money did not arrive as recorded; the payer corrects it."""
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused(_("Say what is wrong with the payment."))
    with transaction.atomic():
        project, payment = _answer(payment, by)
        payment.dispute(by=by, at=timezone.now(), reason=reason)
        payment.save()
        audit_record(
            actor=by,
            action="payment.dispute",
            obj=payment,
            from_state=PaymentStatus.RECORDED,
            to_state=payment.status,
            payload={"reason": reason},
        )
        _tell(
            project,
            "project.payment_disputed",
            label=payment.tranche.label,
            amount=str(payment.amount),
            part=payment.part,
            reason=reason,
        )
    return payment
