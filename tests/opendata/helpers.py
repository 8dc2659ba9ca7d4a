"""Challenges in the states the OCDS export covers, built through the real services (the
award flow of tests/review, the contract and project services of issue 8)."""

from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bounty.challenges import services as bounty_services
from bounty.models import Challenge, Project, ProjectMilestone
from bounty.projects import services as projects
from documents import contracts
from documents.models import Party
from documents.services import document_render
from review.award import services as award
from tests.factories import UserFactory, make_meeting

PASSWORD = "pw-for-tests-1"
PDF = b"%PDF-1.4 evidence"
OBJECTOR_NAME = "实名异议人甲"
OBJECTION_TEXT = "中标方案与公开论文雷同之处甚多"
PAYMENT_REFERENCE = "BANK-REF-777"
ASSESSMENT_COMMENT = "达到要求（内部意见）"
TERMINATION_REASON = "关键技术路线被证伪（内部说明）"


def amend(challenge, officer, **data):
    """A material amendment by the bureau (the deadline moves if needed)."""
    return bounty_services.challenge_amend(
        challenge=challenge, by=officer, reason=data.pop("reason", "补充资金"), data=data
    )


def awarded(*, objection_upheld=False, clarification_by=None):
    """Two bids scored by a panel of five; the first wins after the public notice. With
    ``objection_upheld`` an objection first sends the proposal back to review."""
    from tests.review.award.test_award import reviewed_challenge

    challenge, bids, officer, _criteria = reviewed_challenge([[85] * 5, [70] * 5], size=5)
    issuer = challenge.created_by
    award.award_propose(challenge=challenge, by=issuer, bids=[bids[0]])
    award.award_confirm(challenge=challenge, by=officer, meeting=make_meeting(by=officer))
    if objection_upheld:
        objection = award.objection_file(
            challenge=challenge,
            by=UserFactory(full_name=OBJECTOR_NAME),
            text=OBJECTION_TEXT,
            evidence=SimpleUploadedFile("e.pdf", PDF),
            bid=bids[0],
        )
        award.objection_decide(objection=objection, by=officer, upheld=True, reason="需复核")
        award.award_propose(challenge=challenge, by=issuer, bids=[bids[0]])
        award.award_confirm(challenge=challenge, by=officer, meeting=make_meeting(by=officer))
    Challenge.objects.filter(pk=challenge.pk).update(
        notice_ends_at=timezone.now() - timedelta(seconds=1)
    )
    assert award.awards_due() == 1
    challenge.refresh_from_db()
    return challenge, bids, officer


def contracted(**kwargs):
    """``awarded`` then the contract generated and signed by the three parties."""
    challenge, bids, officer = awarded(**kwargs)
    project = Project.objects.select_related("contract").get(challenge=challenge)
    for document in project.contract.current_documents():
        document_render(document.pk)
    team, issuer = project.bid.created_by, challenge.created_by
    for party, user in ((Party.TEAM, team), (Party.ISSUER, issuer), (Party.BUREAU, officer)):
        contracts.contract_sign(
            contract=project.contract, party=party, by=user, method="online", password=PASSWORD
        )
    project.refresh_from_db()
    challenge.refresh_from_db()
    return challenge, bids, officer, project


def meet_milestone(milestone, *, team, issuer, officer):
    ProjectMilestone.objects.filter(pk=milestone.pk).update(
        due_on=timezone.localdate() + timedelta(days=10)
    )
    projects.milestones_open_reporting()
    milestone.refresh_from_db()
    projects.report_submit(
        milestone=milestone,
        by=team,
        text="完成小试，指标达到承诺值。",
        files=[SimpleUploadedFile("测试报告.pdf", b"%PDF-1.4 measured")],
    )
    projects.milestone_assess(milestone=milestone, by=issuer, met=True, comment="同意")
    projects.milestone_assess(milestone=milestone, by=officer, met=True, comment=ASSESSMENT_COMMENT)


def pay_first_tranche(project, officer, amount=Decimal("100")):
    """The enterprise's funds first (its part of milestone 1's tranche, paid ahead and
    confirmed by the team), then ``amount`` of the first payment by the bureau, confirmed:
    two transactions."""
    from bounty.demo_payments import pay
    from bounty.models import PaymentPart

    team, issuer = project.bid.created_by, project.challenge.created_by
    pay(project.tranches.get(number=1), PaymentPart.ENTERPRISE, by=issuer, confirm_by=team)
    tranche = project.tranches.get(number=0)
    pay(
        tranche,
        PaymentPart.GOVERNMENT,
        by=officer,
        amount=amount,
        reference=PAYMENT_REFERENCE,
        confirm_by=team,
    )
    return tranche
