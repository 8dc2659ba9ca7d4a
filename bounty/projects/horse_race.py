"""赛马制 money (DOMAIN §6 "added"): when a parallel project is eliminated, its unpaid
tranches are cancelled (paid ones stay as they are) and the challenge's declared
continuation amount goes to the surviving project(s) — split equally, the remainder (to
the 0.0001 万元) to the first — as new tranches. The documents app writes the
supplementary agreement (补充协议) of each survivor when it receives
``bounty.signals.continuation_awarded`` (bounty never imports documents)."""

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.db.models import Max
from django.utils import timezone

from audit.services import audit_record
from bounty.models import RUNNING, Project, Tranche, TrancheStatus
from bounty.signals import continuation_awarded

Q4 = Decimal("0.0001")


def tranches_cancel_unpaid(project) -> list:
    """Cancel the eliminated project's pending and due tranches (caller holds the project's
    lock); disbursed and recovered ones are untouched. Returns the cancelled tranches."""
    cancelled = []
    for tranche in Tranche.objects.select_for_update().filter(
        project=project, status__in=(TrancheStatus.PENDING, TrancheStatus.ELIGIBLE)
    ):
        tranche.cancel()
        tranche.save()
        cancelled.append(tranche)
    return cancelled


def continuation_split(total, count) -> list:
    """``total`` in ``count`` equal parts rounded down to 0.0001; the first takes the rest."""
    total = Decimal(total).quantize(Q4)
    part = (total / count).quantize(Q4, rounding=ROUND_DOWN)
    return [total - part * (count - 1)] + [part] * (count - 1)


def _parts(challenge, amount):
    """The enterprise and government parts of ``amount``, in the bounty's proportion."""
    enterprise = challenge.enterprise_funds or Decimal(0)
    government = challenge.government_funds or Decimal(0)
    if enterprise + government == 0:
        return Decimal(0), amount
    gov = (amount * government / (enterprise + government)).quantize(Q4, rounding=ROUND_HALF_UP)
    return amount - gov, gov


def continuation_award(*, eliminated, by, reason) -> list:
    """Give the continuation amount to the projects still running beside ``eliminated``
    (inside the elimination's transaction). Paid once per challenge: a later elimination
    in a three-team race finds the continuation already given. Returns one dict per
    survivor (project, amount, parts, the new tranches)."""
    challenge = eliminated.challenge
    amount = challenge.continuation_amount or Decimal(0)
    if amount <= 0:
        return []
    if Tranche.objects.filter(project__challenge=challenge, continuation=True).exists():
        return []
    survivors = list(
        Project.objects.select_for_update()
        .filter(challenge=challenge, status__in=RUNNING)
        .exclude(pk=eliminated.pk)
        .select_related("bid__lead")
        .order_by("pk")
    )
    if not survivors:
        return []
    today = timezone.localdate()
    awarded = []
    for project, share in zip(survivors, continuation_split(amount, len(survivors)), strict=True):
        enterprise, government = _parts(challenge, share)
        number = (project.tranches.aggregate(n=Max("number"))["n"] or 0) + 1
        tranche = Tranche(
            project=project,
            number=number,
            label="续期资金",
            condition="赛马制淘汰后补充协议生效",
            amount=share,
            enterprise_part=enterprise,
            government_part=government,
            planned_on=today,
            continuation=True,
        )
        tranche.fall_due(on=today)
        tranche.save()
        audit_record(
            actor=by,
            action="project.continuation",
            obj=project,
            payload={
                "eliminated": eliminated.bid.reference,
                "amount": str(share),
                "tranche": number,
            },
        )
        awarded.append(
            {
                "project": project,
                "amount": share,
                "enterprise_part": enterprise,
                "government_part": government,
                "tranches": [tranche],
            }
        )
    continuation_awarded.send(
        sender=Project,
        eliminated=eliminated,
        survivors=awarded,
        total=amount,
        reason=reason,
        by=by,
    )
    return awarded
