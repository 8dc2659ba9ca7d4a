"""Demo payments (used by documents/demo.py and review/demo_exits.py, and by tests that
need a tranche paid): each party records what it pays with a bank slip and the team
confirms it, through the real services (bounty/projects/payment_services.py)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Role
from accounts.selectors import bureau_officers, organization_staff
from bounty.models import PaymentPart, TrancheStatus
from bounty.projects import payment_services as payments

SLIP = b"%PDF-1.4\n% demo bank slip (bank receipt of a transfer)\n"


def slip(name="银行回单.pdf"):
    return SimpleUploadedFile(name, SLIP, content_type="application/pdf")


def payers(project):
    """(issuer staff, bureau officer, team member) of ``project``."""
    issuer = organization_staff(project.challenge.issuer, role=Role.ISSUER)[0]
    team = organization_staff(project.bid.lead, role=Role.BIDDER)[0]
    return issuer, bureau_officers()[0], team


def pay(tranche, part, *, by, amount=None, reference="", confirm_by=None, corrects=None):
    """Record a payment of ``part`` (what remains of it unless ``amount``); confirmed by
    ``confirm_by`` when given."""
    tranche.refresh_from_db()
    payment = payments.payment_record(
        tranche=tranche,
        by=by,
        part=part,
        amount=amount if amount is not None else payments.part_remaining(tranche, part),
        paid_on=timezone.localdate(),
        reference=reference or f"DEMO-{tranche.project_id}-{tranche.number}-{part[0].upper()}",
        slip=slip(),
        corrects=corrects,
    )
    if confirm_by is not None:
        payments.payment_confirm(payment=payment, by=confirm_by)
    return payment


def pay_due_tranches(project, *, officer=None):
    """Pay and confirm every due tranche of ``project`` in full: the enterprise's parts
    first (ahead on the next tranche if no due one has any, so that its funds have arrived
    before the first government payment), then the government's."""
    issuer, bureau, team = payers(project)
    officer = officer or bureau
    due = list(project.tranches.filter(status=TrancheStatus.ELIGIBLE).order_by("number"))
    for tranche in due:
        if payments.part_remaining(tranche, PaymentPart.ENTERPRISE) > 0:
            pay(tranche, PaymentPart.ENTERPRISE, by=issuer, confirm_by=team)
    if payments.waits_for_enterprise_funds(project):
        ahead = (
            project.tranches.filter(status=TrancheStatus.PENDING, enterprise_part__gt=0)
            .order_by("number")
            .first()
        )
        if ahead is not None:
            pay(ahead, PaymentPart.ENTERPRISE, by=issuer, confirm_by=team)
    for tranche in due:
        if payments.part_remaining(tranche, PaymentPart.GOVERNMENT) > 0:
            pay(tranche, PaymentPart.GOVERNMENT, by=officer, confirm_by=team)


def pay_with_a_dispute(project):
    """Like ``pay_due_tranches``, but the government part of the last due tranche is
    recorded and disputed by the team (the bureau can correct it in the demo)."""
    issuer, officer, team = payers(project)
    due = list(project.tranches.filter(status=TrancheStatus.ELIGIBLE).order_by("number"))
    last = due.pop()
    for tranche in [*due, last]:
        if payments.part_remaining(tranche, PaymentPart.ENTERPRISE) > 0:
            pay(tranche, PaymentPart.ENTERPRISE, by=issuer, confirm_by=team)
    for tranche in due:
        if payments.part_remaining(tranche, PaymentPart.GOVERNMENT) > 0:
            pay(tranche, PaymentPart.GOVERNMENT, by=officer, confirm_by=team)
    payment = pay(last, PaymentPart.GOVERNMENT, by=officer, reference=f"DEMO-{last.pk}-WRONG")
    payments.payment_dispute(
        payment=payment,
        by=team,
        reason="本单位账户未收到该笔财政资金：回单所列收款账号与合同约定的账户不一致。",
    )
    return payment
