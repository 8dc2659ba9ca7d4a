"""赛马制 money (DOMAIN §6 "added").

When a parallel project is eliminated, its unpaid tranches are cancelled (paid ones stay as
they are). The challenge's declared continuation amount goes, whole, to the **last
survivor**: it is awarded at the elimination that leaves exactly one project of the challenge
running. Before that (a three-team race after its first elimination) an elimination only
cancels the eliminated team's unpaid tranches; nothing is split among several survivors, so
a later elimination can never strand money given to a team that is then eliminated itself.
Eliminations of one challenge serialize on the challenge row (``lock_race``, taken before
the project's lock), so two concurrent eliminations cannot both see two survivors, nor both
award the continuation. (A race whose other projects ended otherwise — misconduct,
diligent failure — awards nothing by this rule until an elimination leaves one running.)

The continuation is one new tranche of the survivor, kept **pending**: its condition is
"赛马制淘汰后补充协议生效". The documents app writes the survivor's supplementary agreement
(补充协议) when it receives ``bounty.signals.continuation_awarded`` (bounty never imports
documents). The three parties sign it like the contract (team → issuer → bureau); at the
last signature it is in force: documents then calls ``continuation_fall_due`` and only then
does the tranche become due for disbursement."""

from decimal import Decimal

from django.db.models import Max
from django.utils import timezone

from audit.services import audit_record
from bounty.challenges.funding import Q4, split_amount
from bounty.models import RUNNING, Challenge, Project, Tranche, TrancheStatus
from bounty.signals import continuation_awarded


def lock_race(project):
    """Lock the challenge row of ``project`` (call inside the elimination's transaction,
    before locking the project): eliminations of one race run one after the other."""
    return Challenge.objects.select_for_update().get(pk=project.challenge_id)


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


def continuation_award(*, eliminated, by, reason) -> list:
    """Give the continuation amount to the last survivor (inside the elimination's
    transaction; the caller holds ``lock_race``). Nothing while two or more projects still
    run beside ``eliminated``, and nothing if it was already given. Returns one dict per
    survivor (project, amount, parts, the new pending tranche): none or one."""
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
    if len(survivors) != 1:
        return []
    project = survivors[0]
    amount = Decimal(amount).quantize(Q4)
    enterprise, government = split_amount(challenge, amount, quantum=Q4)
    number = (project.tranches.aggregate(n=Max("number"))["n"] or 0) + 1
    tranche = Tranche.objects.create(
        project=project,
        number=number,
        label="续期资金",
        condition="赛马制淘汰后补充协议生效",
        amount=amount,
        enterprise_part=enterprise,
        government_part=government,
        planned_on=timezone.localdate(),
        continuation=True,
    )  # pending until the 补充协议 is in force (continuation_fall_due)
    audit_record(
        actor=by,
        action="project.continuation",
        obj=project,
        payload={"eliminated": eliminated.bid.reference, "amount": str(amount), "tranche": number},
    )
    awarded = [
        {
            "project": project,
            "amount": amount,
            "enterprise_part": enterprise,
            "government_part": government,
            "tranches": [tranche],
        }
    ]
    continuation_awarded.send(
        sender=Project,
        eliminated=eliminated,
        survivors=awarded,
        total=amount,
        reason=reason,
        by=by,
    )
    return awarded


def continuation_fall_due(project) -> list:
    """The survivor's 补充协议 is in force (signed by the three parties): its pending
    continuation tranches become due, if the project still runs. Called by the documents
    app inside the last signature's transaction.
    Idempotent. Returns the tranches that fell due."""
    if not Project.objects.filter(pk=project.pk, status__in=RUNNING).exists():
        return []
    today = timezone.localdate()
    due = []
    for tranche in Tranche.objects.select_for_update().filter(
        project=project, continuation=True, status=TrancheStatus.PENDING
    ):
        tranche.fall_due(on=today)
        tranche.save()
        audit_record(
            actor=None,
            action="tranche.due",
            obj=tranche,
            from_state=TrancheStatus.PENDING,
            to_state=tranche.status,
            payload={"reason": "supplement_ready"},
        )
        due.append(tranche)
    return due
