"""Regression tests of the issue-16 review of the award's exits: a pending 流榜 request and a
proposal (H4), an upheld objection against a 递补 notice (H5), the default and the team's
signature (H6), the signing deadline from ready documents (H7), the proposal deadline from
the counted seats only (M4), and a paper objection received before the notice (Low)."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from accounts.exceptions import ActionRefused
from bounty.models import Bid, BidStatus, Challenge, ChallengeStatus, Project, ProjectStatus
from documents.models import Contract, ContractStatus, Document, DocumentStatus
from review.award import exits, signing
from review.award import services as award
from review.models import ScoreSheet, Seat
from tests.factories import UserFactory, make_meeting
from tests.review.award.test_award import reviewed_challenge
from tests.review.award.test_signing import _end_notice, _expire, _ready, awarded

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _evidence():
    return SimpleUploadedFile("e.pdf", PDF, content_type="application/pdf")


# --- H4: a pending 流榜 request blocks the proposal --------------------------------------------


def test_no_proposal_while_a_decline_request_waits_for_the_bureau():
    challenge, bids, officer, _criteria = reviewed_challenge([[90] * 5, [80] * 5], size=5)
    issuer = challenge.created_by
    decline = exits.award_decline_request(challenge=challenge, by=issuer, reasons="市场需求变化")
    with pytest.raises(ActionRefused):
        award.award_propose(challenge=challenge, by=issuer, bids=[bids[0]])
    # Nor the bureau after the deadline: it decides the request first.
    ScoreSheet.objects.filter(bid__challenge=challenge).update(
        submitted_at=timezone.now() - timedelta(days=60)
    )
    with pytest.raises(ActionRefused):
        exits.award_bureau_propose(challenge=challenge, by=officer, bids=[bids[0]], reason="逾期")
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.UNDER_REVIEW
    assert Bid.objects.get(pk=bids[0].pk).status == BidStatus.IN_REVIEW
    # Returned: the proposal goes ahead; the old request can never be confirmed.
    exits.award_decline_decide(decline=decline, by=officer, confirm=False, comment="理由不充分")
    award.award_propose(challenge=challenge, by=issuer, bids=[bids[0]])
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.AWARD_PROPOSED


# --- H5: an upheld objection against a 递补 notice -------------------------------------------


def test_an_upheld_objection_on_a_substitute_notice_returns_to_review_with_the_passing_bids():
    challenge, bids, officer = awarded([[90] * 5, [85] * 5, [80] * 5, [40] * 5])
    project = Project.objects.get(bid=bids[0])
    _expire(project)
    sub = signing.signing_default_substitute(
        project=project, by=officer, reason="逾期未签", meeting=make_meeting(by=officer)
    )
    assert sub.pk == bids[1].pk
    objection = award.objection_file(
        challenge=challenge,
        by=UserFactory(full_name="张三"),
        text="递补单位资质不符",
        evidence=_evidence(),
        bid=sub,
    )
    award.objection_decide(
        objection=objection, by=officer, upheld=True, reason="成立", disqualify=True
    )
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.UNDER_REVIEW
    statuses = {b.pk: Bid.objects.get(pk=b.pk).status for b in bids}
    assert statuses == {
        bids[0].pk: BidStatus.DEFAULTED,
        bids[1].pk: BidStatus.DISQUALIFIED,
        bids[2].pk: BidStatus.IN_REVIEW,  # passed over at the award, in review again
        bids[3].pk: BidStatus.IN_REVIEW,
    }
    # The next passing bid is the ranking's choice now: no departure reason needed.
    award.award_propose(challenge=challenge, by=challenge.created_by, bids=[bids[2]])
    award.award_confirm(challenge=challenge, by=officer, meeting=make_meeting(by=officer))
    _end_notice(challenge)
    assert award.awards_due() == 1
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.AWARDED
    assert Bid.objects.get(pk=bids[2].pk).status == BidStatus.WINNER
    assert Bid.objects.get(pk=bids[3].pk).status == BidStatus.NOT_SELECTED
    assert Project.objects.filter(bid=bids[2], status=ProjectStatus.AWAITING_CONTRACT).exists()


def test_after_an_upheld_substitute_objection_only_the_open_places_can_be_proposed():
    challenge, bids, officer = awarded([[90] * 5, [85] * 5, [80] * 5])
    project = Project.objects.get(bid=bids[0])
    _expire(project)
    sub = signing.signing_default_substitute(
        project=project, by=officer, reason="逾期未签", meeting=make_meeting(by=officer)
    )
    objection = award.objection_file(
        challenge=challenge, by=UserFactory(full_name="李四"), text="异议", evidence=_evidence()
    )
    award.objection_decide(objection=objection, by=officer, upheld=True, reason="程序有误")
    assert Bid.objects.get(pk=sub.pk).status == BidStatus.IN_REVIEW
    # A second winner in a horse race keeps its place: one place is open.
    Challenge.objects.filter(pk=challenge.pk).update(winners_allowed=2)
    Bid.objects.filter(pk=bids[2].pk).update(status=BidStatus.WINNER)
    challenge.refresh_from_db()
    assert award.open_places(challenge) == 1
    with pytest.raises(ActionRefused):
        award.award_propose(
            challenge=challenge, by=challenge.created_by, bids=[bids[1], bids[2]], reason="x"
        )


# --- H6: the default and the team's signature ------------------------------------------------


def test_a_contract_being_signed_is_never_voided(settings, tmp_path):
    from documents.contracts import contract_sign
    from documents.services import document_render

    settings.MEDIA_ROOT = tmp_path
    _challenge, bids, officer = awarded([[90] * 5, [80] * 5])
    project = Project.objects.get(bid=bids[0])
    # Rendered for real: a signature is a PAdES signature in the PDF (issue 18).
    for document in Contract.objects.get(project=project).current_documents():
        document_render(document.pk)
    team = bids[0].created_by
    team.set_password("pw-for-tests-1")
    team.save()
    contract = Contract.objects.get(project=project)
    contract_sign(
        contract=contract, party="team", by=team, method="online", password="pw-for-tests-1"
    )
    contract.refresh_from_db()
    assert contract.status == ContractStatus.SIGNING
    with pytest.raises(TransitionNotAllowed):
        contract.void()
    _expire(project)
    with pytest.raises(ActionRefused):
        signing.signing_default_substitute(
            project=project, by=officer, reason="逾期未签", meeting=make_meeting(by=officer)
        )
    assert Contract.objects.get(pk=contract.pk).status == ContractStatus.SIGNING


# --- H7: the signing deadline runs from ready documents ----------------------------------------


def test_no_default_while_the_contract_documents_are_not_ready():
    _challenge, bids, officer = awarded([[90] * 5, [80] * 5])
    project = Project.objects.get(bid=bids[0])
    _expire(project)
    Document.for_subject(Contract.objects.get(project=project)).update(
        status=DocumentStatus.FAILED, ready_at=None
    )
    assert signing.signing_due_at(project) is None
    assert not signing.signing_expired(project)
    with pytest.raises(ActionRefused):
        signing.signing_default_substitute(
            project=project, by=officer, reason="逾期未签", meeting=make_meeting(by=officer)
        )
    with pytest.raises(ActionRefused):
        signing.signing_default_republish(project=project, by=officer, reason="逾期未签")
    assert Project.objects.get(pk=project.pk).status == ProjectStatus.AWAITING_CONTRACT
    assert Contract.objects.get(project=project).status == ContractStatus.DRAFT


def test_the_signing_deadline_runs_from_when_the_documents_became_ready():
    _challenge, bids, officer = awarded([[90] * 5, [80] * 5])
    project = Project.objects.get(bid=bids[0])
    _expire(project)  # the award 30 days ago …
    ready = timezone.now() - timedelta(days=2)
    _ready(project, at=ready)  # … but the documents were ready only two days ago
    project.refresh_from_db()
    days = settings_days()
    assert signing.signing_due_at(project) == ready + timedelta(days=days)
    assert not signing.signing_expired(project)
    with pytest.raises(ActionRefused):
        signing.signing_default_substitute(
            project=project, by=officer, reason="逾期未签", meeting=make_meeting(by=officer)
        )


def settings_days():
    from django.conf import settings

    return settings.JIEBANG["SIGNING_DUE_DAYS"]


# --- M4: the proposal deadline counts only the panel's seats ---------------------------------


def test_a_sheet_outside_the_panel_does_not_move_the_proposal_deadline():
    challenge, bids, _officer, _criteria = reviewed_challenge([[90] * 5, [80] * 5], size=5)
    due = exits.proposal_due_at(challenge)
    alternate = Seat.objects.filter(draw__challenge=challenge, on_panel=False).first()
    assert alternate is not None
    sheet = ScoreSheet.objects.create(seat=alternate, bid=bids[0])
    ScoreSheet.objects.filter(pk=sheet.pk).update(
        status=ScoreSheet.Status.SUBMITTED, submitted_at=timezone.now() + timedelta(days=20)
    )
    assert exits.proposal_due_at(challenge) == due


# --- Low: a paper objection is received during the notice --------------------------------------


def test_a_paper_objection_received_before_the_notice_opened_is_refused(settings, tmp_path):
    from review.award.paper_objections import objection_enter
    from review.models import Objection

    settings.MEDIA_ROOT = tmp_path
    challenge, bids, officer, _criteria = reviewed_challenge([[80] * 5], size=5)
    award.award_propose(challenge=challenge, by=challenge.created_by, bids=[bids[0]])
    award.award_confirm(challenge=challenge, by=officer, meeting=make_meeting(by=officer))
    data = {
        "challenge": challenge,
        "by": officer,
        "channel": Objection.Channel.PAPER,
        "objector_name": "纸质异议人",
        "objector_identity": "32040219800101123X",
        "objector_contact": "13812345678",
        "text": "来信摘要",
    }
    with pytest.raises(ActionRefused):
        objection_enter(
            **data,
            received_on=timezone.localdate() - timedelta(days=1),
            letter=SimpleUploadedFile("a.pdf", b"%PDF-1.4 letter"),
        )
    objection_enter(
        **data,
        received_on=timezone.localdate(),
        letter=SimpleUploadedFile("b.pdf", b"%PDF-1.4 letter"),
    )
    assert Objection.objects.filter(challenge=challenge).count() == 1
