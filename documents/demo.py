"""Demo data of the documents app (run by seed_demo after review's): the awarded demo
projects get their contracts rendered and signed in order, then each project is taken to a
different state (``AFTER_SIGNING``): running with milestone 1 met and paid and milestone 2
overdue, left with the team's signature only (issuer1 and the bureau can try signing),
left for review's diligent-failure panel and ruling (review/demo_termination.py),
milestone 1 not met and in rectification with an intended misconduct decision awaiting the
team's response, ready for its acceptance (review's ``seed_after`` draws the panel that
passes it), terminated for misconduct by a final due-process decision
(documents/demo_termination.py). Idempotent: only contracts nobody has signed yet are
touched."""

from accounts.management.commands.seed_demo import PASSWORD
from accounts.models import Role
from accounts.selectors import bureau_officers, organization_staff
from bounty.projects import closing as project_closing

from .contracts import contract_sign, next_party
from .models import Contract, ContractStatus, DocumentStatus, Party, Signature
from .services import document_render


def _signer(contract, party):
    if party == Party.TEAM:
        return organization_staff(contract.project.lead_unit, role=Role.BIDDER)[0]
    if party == Party.ISSUER:
        return organization_staff(contract.project.challenge.issuer, role=Role.ISSUER)[0]
    return bureau_officers()[0]


def _run_first_milestone(contract):
    """The signed demo project: milestone 1 reported, assessed as met, the first payment
    and milestone 1's tranche paid; milestone 2 overdue (its report not filed)."""
    from datetime import timedelta

    from django.utils import timezone

    from bounty.models import ProjectMilestone
    from bounty.projects import services as projects

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
    # Payments by whoever pays: confirmed, but the government part of milestone 1's
    # tranche disputed by the team (a wrong account on the slip).
    from bounty.demo_payments import pay_with_a_dispute

    pay_with_a_dispute(project)
    # Changes (issue 17): a 备案 acknowledged, an approved change with its signed 补充协议.
    from .demo_changes import changes_demo

    changes_demo(contract, _signer)
    second = project.milestones.filter(number=2).first()
    if second is not None:  # demo shaping: milestone 2's date passed without a report
        ProjectMilestone.objects.filter(pk=second.pk).update(due_on=today - timedelta(days=5))
        projects.milestones_open_reporting(today)


def _rectification(contract):
    """A signed demo project whose first milestone was assessed as not met and is being
    rectified."""
    from datetime import timedelta

    from django.utils import timezone

    from bounty.models import ProjectMilestone
    from bounty.projects import services as projects

    project = contract.project
    first = project.milestones.get(number=1)
    today = timezone.localdate()
    ProjectMilestone.objects.filter(pk=first.pk).update(due_on=today + timedelta(days=5))
    projects.milestones_open_reporting(today)
    projects.report_submit(
        milestone=first,
        by=_signer(contract, Party.TEAM),
        text="膜电极耐久性测试完成 1,500 小时，未达到 2,000 小时的承诺值。",
    )
    projects.milestone_assess(
        milestone=first, by=_signer(contract, Party.ISSUER), met=False, comment="耐久性未达标。"
    )
    officer = _signer(contract, Party.BUREAU)
    projects.milestone_assess(milestone=first, by=officer, met=False, comment="未达到里程碑要求。")
    projects.milestone_rectify(
        milestone=first, by=officer, new_due_on=today + timedelta(days=60), comment="限期整改。"
    )
    # Issue 17: an intended misconduct decision awaiting the team's response (陈述申辩).
    from .demo_termination import misconduct_intended

    misconduct_intended(project, officer=officer)


def _diligent_failure(contract):
    """Left running with no report: a diligent-failure ruling needs an expert panel, so
    review's ``seed_after`` draws it and terminates (review/demo_termination.py)."""


def _ready_for_acceptance(contract):
    """Every milestone reported and met, every tranche paid, the dossier complete (one
    indicator short of its commitment), acceptance applied for and started (review's
    ``seed_after`` then draws the panel, which finds it 结题)."""
    from datetime import timedelta

    from django.utils import timezone

    from bounty.models import ProjectMilestone
    from bounty.projects import services as projects

    project = contract.project
    team, issuer = _signer(contract, Party.TEAM), _signer(contract, Party.ISSUER)
    officer = _signer(contract, Party.BUREAU)
    today = timezone.localdate()
    for milestone in project.milestones.order_by("number"):
        # Demo shaping: bring the milestone's date into its reporting window.
        ProjectMilestone.objects.filter(pk=milestone.pk).update(due_on=today + timedelta(days=10))
        projects.milestones_open_reporting(today)
        milestone.refresh_from_db()
        projects.report_submit(
            milestone=milestone, by=team, text=f"里程碑{milestone.number}任务完成，详见测试报告。"
        )
        projects.milestone_assess(milestone=milestone, by=issuer, met=True, comment="同意。")
        projects.milestone_assess(milestone=milestone, by=officer, met=True, comment="达到要求。")
    from bounty.demo_payments import pay_due_tranches

    pay_due_tranches(project, officer=officer)
    # Issue 17: the acceptance dossier (one indicator short: 结题) and the user report.
    from bounty.projects.acceptance_demo import demo_dossier

    demo_dossier(project, team=team, issuer=issuer)
    project_closing.acceptance_apply(project=project, by=team)
    project_closing.acceptance_start(project=project, by=officer)


def _misconduct(contract):
    """Terminated for misconduct: the first payment is to be recovered and the PI (only —
    the demo team's unit can still try bidding) is barred for the sanction period."""
    from bounty.demo_payments import pay_due_tranches

    from .demo_termination import misconduct_final

    officer = _signer(contract, Party.BUREAU)
    pay_due_tranches(contract.project, officer=officer)
    # Through due process (issue 17): intended decision, response, decision, final.
    misconduct_final(contract.project, officer=officer, team=_signer(contract, Party.TEAM))


# What happens to each demo project after signing, in contract order; None: left with the
# team's signature only, for the issuer and the bureau to try signing.
AFTER_SIGNING = [
    _run_first_milestone,
    None,
    _diligent_failure,
    _rectification,
    _ready_for_acceptance,
    _misconduct,
]


def render_demo_documents(documents):
    """Render queued documents here: the demo has no worker."""
    for document in documents:
        if document.status in (DocumentStatus.QUEUED, DocumentStatus.RENDERING):
            document_render(document.pk)


def sign_demo_contract(contract, *, team_only=False):
    """Render the contract's documents (no worker in the demo) and sign for every party in
    order with its demo signer; ``team_only``: stop after the team's signature."""
    render_demo_documents(contract.current_documents())
    while (party := next_party(contract)) is not None:
        contract_sign(
            contract=contract,
            party=party,
            by=_signer(contract, party),
            method=Signature.Method.ONLINE,
            password=PASSWORD,
        )
        if team_only:
            break


def seed(context):
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    touched = 0
    # A contract past its signing deadline is the demo of a winner that did not sign
    # (review/demo_exits.py): left unsigned for the bureau's 递补.
    expired = timezone.now() - timedelta(days=settings.JIEBANG["SIGNING_DUE_DAYS"])
    drafts = Contract.objects.filter(
        status=ContractStatus.DRAFT, project__created_at__gt=expired
    ).select_related("project__bid__lead", "project__challenge__issuer")
    done = Contract.objects.exclude(status=ContractStatus.DRAFT).count()
    for index, contract in enumerate(drafts.order_by("pk"), start=done):
        after = AFTER_SIGNING[index] if index < len(AFTER_SIGNING) else _run_first_milestone
        # None: left with the team's signature for the issuer and the bureau to sign.
        sign_demo_contract(contract, team_only=after is None)
        if after is not None:
            contract.project.refresh_from_db()
            after(contract)
        touched += 1
    return (
        f"{touched} contracts generated and signed; projects running, overdue, in rectification, "
        "under acceptance and terminated both ways"
        if touched
        else ""
    )
