"""Demo data of the documents app (run by seed_demo after review's): the awarded demo
projects get their contracts rendered; the first is signed by all three parties in order
(its project is active, its challenge contracted), the others by the team only, so the
issuer (issuer1) and then the bureau can try signing. Idempotent: only contracts nobody
has signed yet are touched."""

from accounts.management.commands.seed_demo import PASSWORD
from accounts.models import Role
from accounts.selectors import bureau_officers, organization_staff

from .contracts import contract_sign, next_party
from .models import Contract, ContractStatus, DocumentStatus, Party, Signature
from .services import document_render


def _signer(contract, party):
    if party == Party.TEAM:
        return organization_staff(contract.project.bid.lead, role=Role.BIDDER)[0]
    if party == Party.ISSUER:
        return organization_staff(contract.project.challenge.issuer, role=Role.ISSUER)[0]
    return bureau_officers()[0]


def _run_first_milestone(contract):
    """The signed demo project: milestone 1 reported, assessed as met, the first payment
    and milestone 1's tranche paid; milestone 2 still ahead."""
    from datetime import timedelta

    from django.utils import timezone

    from bounty import projects
    from bounty.models import ProjectMilestone, TrancheStatus

    project = contract.project
    project.refresh_from_db()
    first = project.milestones.get(number=1)
    today = timezone.localdate()
    # Demo shaping: bring milestone 1's date into its reporting window.
    ProjectMilestone.objects.filter(pk=first.pk).update(due_on=today + timedelta(days=10))
    projects.milestones_open_reporting(today)
    team = _signer(contract, Party.TEAM)
    issuer = _signer(contract, Party.ISSUER)
    officer = _signer(contract, Party.BUREAU)
    projects.report_submit(
        milestone=first,
        by=team,
        text="完成样件试制与台架测试，关键指标达到任务书承诺值，详见测试报告。",
        measurements=[],
    )
    projects.milestone_assess(milestone=first, by=issuer, met=True, comment="样件满足要求。")
    projects.milestone_assess(
        milestone=first, by=officer, met=True, comment="经核查达到里程碑要求。"
    )
    for tranche in project.tranches.filter(status=TrancheStatus.ELIGIBLE):
        projects.disbursement_record(
            tranche=tranche,
            by=officer,
            amount=tranche.amount,
            paid_on=today,
            reference=f"DEMO-{contract.number}-{tranche.number}",
        )


def seed(context):
    touched = 0
    drafts = Contract.objects.filter(status=ContractStatus.DRAFT).select_related(
        "project__bid__lead", "project__challenge__issuer"
    )
    for contract in drafts.order_by("pk"):
        for document in contract.current_documents():
            if document.status in (DocumentStatus.QUEUED, DocumentStatus.RENDERING):
                document_render(document.pk)  # no worker yet: render here
        fully = not Contract.objects.filter(status=ContractStatus.SIGNED).exists()
        while (party := next_party(contract)) is not None:
            contract_sign(
                contract=contract,
                party=party,
                by=_signer(contract, party),
                method=Signature.Method.ONLINE,
                password=PASSWORD,
            )
            if not fully:
                break  # left for the issuer and the bureau to sign in the demo
        if fully:
            _run_first_milestone(contract)
        touched += 1
    return f"{touched} contracts generated and signed (the first by all parties)" if touched else ""
