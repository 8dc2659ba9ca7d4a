"""Issue 16 point 6: a winner that does not sign — the signing deadline, reminders, 递补
(the next passing bid, a short public notice) or re-publication, and the team's record."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.exceptions import ActionRefused
from bounty.models import (
    Bid,
    BidStatus,
    Challenge,
    ChallengeStatus,
    Project,
    ProjectStatus,
    SigningDefault,
    TerminationOutcome,
)
from documents.models import Contract, ContractStatus, Document, DocumentStatus
from notifications.models import Notification
from review.award import services as award
from review.award import signing
from review.award.deadlines import award_deadlines_run
from tests.factories import make_meeting
from tests.review.award.test_award import reviewed_challenge

pytestmark = pytest.mark.django_db


def awarded(totals):
    challenge, bids, officer, _criteria = reviewed_challenge(totals, size=5)
    award.award_propose(challenge=challenge, by=challenge.created_by, bids=[bids[0]])
    award.award_confirm(challenge=challenge, by=officer, meeting=make_meeting(by=officer))
    _end_notice(challenge)
    assert award.awards_due() == 1
    return Challenge.objects.get(pk=challenge.pk), bids, officer


def _end_notice(challenge):
    Challenge.objects.filter(pk=challenge.pk).update(
        notice_ends_at=timezone.now() - timedelta(seconds=1)
    )


def _ready(project, at=None):
    """The contract documents ready (no worker in tests) at ``at`` (default: now)."""
    Document.for_subject(Contract.objects.get(project=project)).update(
        status=DocumentStatus.READY, ready_at=at or timezone.now()
    )


def _expire(project):
    """The contract documents were ready, and the award made, SIGNING_DUE_DAYS ago."""
    days = settings.JIEBANG["SIGNING_DUE_DAYS"]
    past = timezone.now() - timedelta(days=days, minutes=1)
    Project.objects.filter(pk=project.pk).update(created_at=past)
    _ready(project, at=past)


def test_substitute_picks_the_next_passing_bid_and_opens_a_short_notice():
    challenge, bids, officer = awarded([[90] * 5, [40] * 5, [80] * 5])
    project = Project.objects.get(bid=bids[0])
    with pytest.raises(ActionRefused):  # before the deadline
        signing.signing_default_substitute(
            project=project, by=officer, reason="逾期未签", meeting=make_meeting(by=officer)
        )
    _expire(project)
    with pytest.raises(ActionRefused):  # the bureau decides, not the issuer
        signing.signing_default_substitute(
            project=project, by=challenge.created_by, reason="逾期未签"
        )
    before = timezone.now()
    substitute = signing.signing_default_substitute(
        project=project,
        by=officer,
        reason="中标单位逾期未签订合同",
        meeting=make_meeting(by=officer),
    )
    assert substitute.pk == bids[2].pk  # 80 passes; 40 (rank 3) does not
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.IN_NOTICE
    short = timedelta(days=settings.JIEBANG["SUBSTITUTE_NOTICE_DAYS"] + 2)
    assert before < challenge.notice_ends_at <= before + short
    project.refresh_from_db()
    assert project.status == ProjectStatus.TERMINATED
    assert project.outcome == TerminationOutcome.NOT_SIGNED
    contract = Contract.objects.get(project=project)
    assert contract.status == ContractStatus.VOID  # kept, not deleted
    assert contract.documents.exists()
    assert Bid.objects.get(pk=bids[0].pk).status == BidStatus.DEFAULTED
    record = SigningDefault.objects.get()
    assert record.credit_code == bids[0].lead.credit_code
    assert record.decision == SigningDefault.Decision.SUBSTITUTE
    assert Notification.objects.filter(kind="review.substitute_proposed").exists()

    # The short notice ends: the substitute is the winner, with its own contract.
    _end_notice(challenge)
    assert award.awards_due() == 1
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.AWARDED
    assert Bid.objects.get(pk=bids[2].pk).status == BidStatus.WINNER
    new = Project.objects.get(bid=bids[2])
    assert Contract.objects.get(project=new).status == ContractStatus.DRAFT


def test_the_defaulting_team_is_shown_at_its_next_formal_check(client):
    from bounty.bids import services as bid_services
    from tests.bounty.bids.helpers import complete_bid
    from tests.bounty.helpers import force_deadline, published

    _challenge, bids, officer = awarded([[90] * 5, [80] * 5])
    project = Project.objects.get(bid=bids[0])
    _expire(project)
    signing.signing_default_substitute(
        project=project, by=officer, reason="逾期未签订合同", meeting=make_meeting(by=officer)
    )
    team = bids[0].created_by
    later = published(officer=officer)
    bid = complete_bid(later, user=team, org=bids[0].lead)
    bid_services.bid_submit(bid=bid, by=team)
    force_deadline(later, timezone.now() - timedelta(seconds=1))
    bid_services.formal_check_start(challenge=later, by=officer)
    client.force_login(officer)
    page = client.get(reverse("bounty:formal_check", args=[bid.reference]))
    assert page.status_code == 200
    assert b'id="signing-defaults"' in page.content
    assert bids[0].reference.encode() in page.content


def test_republication_when_no_other_bid_passes():
    from bounty.challenges.services import challenge_republish

    challenge, bids, officer = awarded([[90] * 5, [40] * 5])
    project = Project.objects.get(bid=bids[0])
    _expire(project)
    with pytest.raises(ActionRefused):  # nobody to substitute
        signing.signing_default_substitute(
            project=project, by=officer, reason="逾期", meeting=make_meeting(by=officer)
        )
    signing.signing_default_republish(project=project, by=officer, reason="逾期未签，重新发榜")
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.NO_AWARD
    assert Contract.objects.get(project=project).status == ContractStatus.VOID
    assert SigningDefault.objects.get().decision == SigningDefault.Decision.REPUBLISH
    copy = challenge_republish(challenge=challenge, by=challenge.created_by)
    assert copy.status == ChallengeStatus.DRAFT
    assert copy.title == challenge.title


def test_a_team_that_signed_is_not_defaulting(settings, tmp_path):
    from documents.contracts import contract_sign
    from documents.services import document_render

    settings.MEDIA_ROOT = tmp_path
    _challenge, bids, officer = awarded([[90] * 5, [80] * 5])
    project = Project.objects.get(bid=bids[0])
    contract = Contract.objects.get(project=project)
    for document in contract.current_documents():
        document_render(document.pk)
    team = bids[0].created_by
    team.set_password("pw-for-tests-1")
    team.save()
    contract_sign(
        contract=contract, party="team", by=team, method="online", password="pw-for-tests-1"
    )
    _expire(project)
    assert not signing.signing_expired(project)
    with pytest.raises(ActionRefused):
        signing.signing_default_substitute(
            project=project, by=officer, reason="逾期未签订合同", meeting=make_meeting(by=officer)
        )


def test_a_void_contract_cannot_be_signed():
    from documents.contracts import contract_sign

    _challenge, bids, officer = awarded([[90] * 5, [80] * 5])
    project = Project.objects.get(bid=bids[0])
    _expire(project)
    signing.signing_default_substitute(
        project=project, by=officer, reason="逾期未签订合同", meeting=make_meeting(by=officer)
    )
    team = bids[0].created_by
    team.set_password("pw-for-tests-1")
    team.save()
    with pytest.raises(ActionRefused):
        contract_sign(
            contract=Contract.objects.get(project=project),
            party="team",
            by=team,
            method="online",
            password="pw-for-tests-1",
        )


def test_signing_reminders_before_and_after_the_deadline():
    _challenge, bids, officer = awarded([[90] * 5, [80] * 5])
    project = Project.objects.get(bid=bids[0])
    assert signing.signing_due_at(project) is None  # nothing to sign yet: no deadline
    assert award_deadlines_run()["signing"] == 0
    _ready(project)
    due = signing.signing_due_at(project)
    assert award_deadlines_run(now=due - timedelta(days=20))["signing"] == 0
    assert award_deadlines_run(now=due - timedelta(days=1))["signing"] == 1
    assert award_deadlines_run(now=due - timedelta(hours=1))["signing"] == 0
    assert Notification.objects.filter(
        recipient=bids[0].created_by, kind="review.signing_due_soon"
    ).exists()
    assert award_deadlines_run(now=due + timedelta(hours=1))["signing"] == 1
    assert Notification.objects.filter(recipient=officer, kind="review.signing_expired").exists()


def test_signing_page_offers_the_substitute_to_the_bureau_only(client):
    from django.utils import translation

    challenge, bids, officer = awarded([[90] * 5, [80] * 5])
    project = Project.objects.get(bid=bids[0])
    url = reverse("review:signing", args=[challenge.ocid])
    client.force_login(challenge.created_by)
    assert client.get(url).status_code == 404
    _expire(project)
    client.force_login(officer)
    with translation.override("en"):
        page = client.get(url)
    assert b'value="substitute"' in page.content
    meeting = make_meeting(by=officer)
    response = client.post(
        url,
        {
            "project": project.pk,
            "action": "substitute",
            "reason": "逾期未签订合同",
            "meeting": meeting.pk,
        },
    )
    assert response.status_code == 302
    assert Bid.objects.get(pk=bids[1].pk).status == BidStatus.PROPOSED_WINNER
