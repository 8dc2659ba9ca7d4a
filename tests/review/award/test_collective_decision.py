"""A collective decision (集体决策) precedes every public notice of winners (DOMAIN §5
"added"): the first notice and a 递补 notice both cite the bureau's meeting record."""

import pytest
from django.utils import translation

from accounts.exceptions import ActionRefused
from bounty.meetings.models import MeetingCitation, MeetingPurpose
from bounty.models import ChallengeStatus, Project
from review.award import services as award
from review.award import signing
from tests.factories import make_meeting
from tests.review.award.test_award import reviewed_challenge
from tests.review.award.test_signing import _expire, awarded

pytestmark = pytest.mark.django_db


def test_the_notice_of_winners_opens_only_on_a_meeting_record():
    challenge, bids, officer, _ = reviewed_challenge([[90] * 7, [70] * 7])
    award.award_propose(challenge=challenge, by=challenge.created_by, bids=[bids[0]])
    with translation.override("en"), pytest.raises(ActionRefused, match="collective decision"):
        award.award_confirm(challenge=challenge, by=officer)
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.AWARD_PROPOSED
    meeting = make_meeting(by=officer)
    award.award_confirm(challenge=challenge, by=officer, meeting=str(meeting.pk))
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.IN_NOTICE
    citation = MeetingCitation.objects.get()
    assert citation.purpose == MeetingPurpose.AWARD_NOTICE
    assert citation.object_id == challenge.pk


def test_a_substitute_notice_needs_a_meeting_record_too():
    challenge, bids, officer = awarded([[90] * 5, [40] * 5, [80] * 5])
    project = Project.objects.get(bid=bids[0])
    _expire(project)
    with translation.override("en"), pytest.raises(ActionRefused, match="collective decision"):
        signing.signing_default_substitute(project=project, by=officer, reason="逾期未签")
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.AWARDED


def test_the_ranking_page_offers_the_meetings_to_cite(client):
    challenge, bids, officer, _ = reviewed_challenge([[90] * 7, [70] * 7])
    award.award_propose(challenge=challenge, by=challenge.created_by, bids=[bids[0]])
    meeting = make_meeting(by=officer, resolution="同意拟中榜方进入公示")
    client.force_login(officer)
    page = client.get(f"/review/challenges/{challenge.ocid}/ranking/").content.decode()
    assert f'<option value="{meeting.pk}"' in page
    done = client.post(
        f"/review/challenges/{challenge.ocid}/award/", {"step": "confirm", "meeting": meeting.pk}
    )
    assert done.status_code == 302
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.IN_NOTICE
