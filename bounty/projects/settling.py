"""When a tranche counts as disbursed: its confirmed payments cover it. Used by the payment
services (a confirmation) and by the milestone services (a tranche falling due that the
enterprise already paid ahead); it imports only models, so both may use it."""

from decimal import Decimal

from django.db.models import Sum

from bounty.models import PaymentStatus, TrancheStatus


def tranche_settle(tranche) -> bool:
    """Mark a due tranche disbursed once its confirmed payments cover it (caller holds the
    tranche's lock). Returns True when it changed."""
    if tranche.status != TrancheStatus.ELIGIBLE:
        return False
    confirmed = tranche.disbursements.filter(status=PaymentStatus.CONFIRMED).aggregate(
        s=Sum("amount")
    )["s"] or Decimal(0)
    if confirmed < tranche.amount:
        return False
    tranche.mark_disbursed()
    tranche.save()
    return True
