"""Issue 16 point 5: the issuer declines to award (流榜) with reasons; the proposal deadline
in working days, its reminders, and the bureau deciding after it."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.exceptions import ActionRefused
from bounty.models import Bid, BidStatus, ChallengeStatus
from notifications.models import Notification
from review.award import exits
from review.award.deadlines import award_deadlines_run
from review.award.models import AwardDecline, AwardReminder
from review.models import ScoreSheet
from tests.review.award.test_award import reviewed_challenge

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _passing():
    return reviewed_challenge([[90] * 5, [80] * 5], size=5)


def test_decline_request_needs_reasons_and_the_bureau_confirms_it_as_no_award():
    challenge, _bids, officer, _criteria = _passing()
    issuer = challenge.created_by
    with pytest.raises(ActionRefused):
        exits.award_decline_request(challenge=challenge, by=issuer, reasons="  ")
    with pytest.raises(ActionRefused):  # only the issuer asks
        exits.award_decline_request(challenge=challenge, by=officer, reasons="市场变化")
    decline = exits.award_decline_request(challenge=challenge, by=issuer, reasons="市场需求变化")
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.UNDER_REVIEW
    assert Notification.objects.filter(recipient=officer, kind="review.decline_requested").exists()
    with pytest.raises(ActionRefused):  # one pending request at a time
        exits.award_decline_request(challenge=challenge, by=issuer, reasons="再次")
    with pytest.raises(ActionRefused):  # the issuer cannot decide its own request
        exits.award_decline_decide(decline=decline, by=issuer, confirm=True)

    exits.award_decline_decide(decline=decline, by=officer, confirm=True)
    challenge.refresh_from_db()
    decline.refresh_from_db()
    assert challenge.status == ChallengeStatus.NO_AWARD
    assert decline.status == AwardDecline.Status.CONFIRMED
    assert set(Bid.objects.filter(challenge=challenge).values_list("status", flat=True)) == {
        BidStatus.NOT_SELECTED
    }
    assert Notification.objects.filter(recipient=issuer, kind="review.decline_decided").exists()


def test_a_returned_decline_request_leaves_the_challenge_under_review():
    challenge, _bids, officer, _criteria = _passing()
    decline = exits.award_decline_request(
        challenge=challenge, by=challenge.created_by, reasons="预算调整"
    )
    with pytest.raises(ActionRefused):  # a return needs a comment
        exits.award_decline_decide(decline=decline, by=officer, confirm=False, comment="")
    exits.award_decline_decide(decline=decline, by=officer, confirm=False, comment="理由不充分")
    challenge.refresh_from_db()
    decline.refresh_from_db()
    assert challenge.status == ChallengeStatus.UNDER_REVIEW
    assert decline.status == AwardDecline.Status.RETURNED
    assert set(Bid.objects.filter(challenge=challenge).values_list("status", flat=True)) == {
        BidStatus.IN_REVIEW
    }


def test_proposal_deadline_counts_working_days_after_the_last_sheet(settings):
    settings.JIEBANG = {**settings.JIEBANG, "PROPOSAL_DUE_WORKING_DAYS": 3}
    challenge, _bids, _officer, _criteria = _passing()
    # The last sheet submitted on Thursday 2025-10-30; the next three working days are
    # Fri 31, Mon 3 and Tue 4 November: due at the end of Tuesday.
    last = datetime(2025, 10, 30, 15, 0, tzinfo=SHANGHAI)
    ScoreSheet.objects.filter(bid__challenge=challenge).update(submitted_at=last)
    assert exits.proposal_due_at(challenge) == datetime(2025, 11, 5, tzinfo=SHANGHAI)
    # Over the National Day holiday (1–8 October 2025): Thu 9, Fri 10 and Saturday 11
    # October, a make-up working day, count; due at the end of the Saturday.
    ScoreSheet.objects.filter(bid__challenge=challenge).update(
        submitted_at=datetime(2025, 9, 30, 10, 0, tzinfo=SHANGHAI)
    )
    assert exits.proposal_due_at(challenge) == datetime(2025, 10, 12, tzinfo=SHANGHAI)


def test_no_deadline_until_every_accepted_expert_submitted():
    challenge, _bids, _officer, _criteria = _passing()
    assert exits.proposal_due_at(challenge) is not None
    ScoreSheet.objects.filter(bid__challenge=challenge).filter(
        pk=ScoreSheet.objects.filter(bid__challenge=challenge).first().pk
    ).update(status=ScoreSheet.Status.DRAFT)
    assert exits.proposal_due_at(challenge) is None


def test_reminders_before_and_at_the_deadline_are_sent_once():
    challenge, _bids, officer, _criteria = _passing()
    issuer = challenge.created_by
    due = exits.proposal_due_at(challenge)
    assert award_deadlines_run(now=due - timedelta(days=30))["proposal"] == 0
    assert award_deadlines_run(now=due - timedelta(days=1))["proposal"] == 1
    assert award_deadlines_run(now=due - timedelta(hours=2))["proposal"] == 0  # once
    assert Notification.objects.filter(recipient=issuer, kind="review.proposal_due_soon").exists()
    assert award_deadlines_run(now=due + timedelta(hours=1))["proposal"] == 1
    assert award_deadlines_run(now=due + timedelta(hours=2))["proposal"] == 0
    assert Notification.objects.filter(recipient=officer, kind="review.proposal_overdue").exists()
    assert AwardReminder.objects.filter(challenge=challenge).count() == 2


def _overdue(challenge):
    ScoreSheet.objects.filter(bid__challenge=challenge).update(
        submitted_at=timezone.now() - timedelta(days=60)
    )


def test_the_bureau_decides_only_after_the_deadline():
    challenge, bids, officer, _criteria = _passing()
    with pytest.raises(ActionRefused):
        exits.award_bureau_propose(challenge=challenge, by=officer, bids=[bids[0]], reason="逾期")
    with pytest.raises(ActionRefused):
        exits.award_bureau_no_award(challenge=challenge, by=officer, reason="逾期")
    _overdue(challenge)
    with pytest.raises(ActionRefused):  # a reason is required
        exits.award_bureau_propose(challenge=challenge, by=officer, bids=[bids[0]], reason="")
    with pytest.raises(ActionRefused):  # the issuer cannot use the bureau's path
        exits.award_bureau_propose(
            challenge=challenge, by=challenge.created_by, bids=[bids[0]], reason="x"
        )
    exits.award_bureau_propose(
        challenge=challenge, by=officer, bids=[bids[0]], reason="发榜方逾期未提出建议"
    )
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.IN_NOTICE
    assert Bid.objects.get(pk=bids[0].pk).status == BidStatus.PROPOSED_WINNER


def test_the_bureau_may_declare_no_award_after_the_deadline_even_with_passing_bids():
    challenge, _bids, officer, _criteria = _passing()
    _overdue(challenge)
    exits.award_bureau_no_award(challenge=challenge, by=officer, reason="发榜方逾期且放弃")
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.NO_AWARD


def test_ranking_page_shows_the_deadline_and_the_decline_form(client):
    from django.urls import reverse
    from django.utils import translation

    challenge, _bids, _officer, _criteria = _passing()
    client.force_login(challenge.created_by)
    with translation.override("en"):
        page = client.get(
            reverse("review:ranking", args=[challenge.ocid]), HTTP_ACCEPT_LANGUAGE="en"
        )
    assert page.status_code == 200
    assert b'id="proposal-due"' in page.content
    assert b'value="decline_request"' in page.content
    response = client.post(
        reverse("review:award_exit", args=[challenge.ocid]),
        {"action": "decline_request", "reason": "市场需求变化"},
    )
    assert response.status_code == 302
    assert AwardDecline.objects.filter(challenge=challenge).exists()
