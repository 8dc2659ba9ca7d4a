"""The system closes the published calls whose bid deadline has passed, in the same
scheduled run that closes the expired challenges (bounty.tasks.close_expired_challenges)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from bounty.calls import services as call_services
from bounty.models import Call, CallStatus, Challenge, ChallengeStatus
from bounty.tasks import close_expired_challenges
from tests.bounty.calls.helpers import make_call, published_call, refresh
from tests.factories import bureau_officer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_district_step(settings):
    settings.JIEBANG = {**settings.JIEBANG, "DISTRICT_RECOMMENDATION": False}


def _past_deadline(call):
    now = timezone.now()
    Call.objects.filter(pk=call.pk).update(
        needs_opens_at=now - timedelta(days=3),
        needs_closes_at=now - timedelta(days=2),
        bids_close_at=now - timedelta(seconds=1),
    )
    Challenge.objects.filter(call=call).update(bid_deadline=now - timedelta(seconds=1))


def test_expired_published_calls_are_closed_by_the_system():
    officer = bureau_officer()
    expired, _needs = published_call(1, officer, year=2026, batch=1)
    running, _other = published_call(1, officer, year=2026, batch=2)
    collecting = make_call(officer, year=2026, batch=3)
    _past_deadline(expired)

    assert call_services.calls_close_expired() == 1
    expired = refresh(expired)
    assert expired.status == CallStatus.CLOSED
    assert expired.closed_at
    assert refresh(running).status == CallStatus.PUBLISHED
    assert refresh(collecting).status == CallStatus.COLLECTING
    event = AuditEvent.objects.get(action="call.close", object_id=str(expired.pk))
    assert event.actor is None  # the system
    assert (event.from_state, event.to_state) == (CallStatus.PUBLISHED, CallStatus.CLOSED)
    # Run again: nothing left to close, no second event.
    assert call_services.calls_close_expired() == 0
    assert AuditEvent.objects.filter(action="call.close").count() == 1


def test_the_scheduled_run_closes_the_challenges_then_their_call():
    officer = bureau_officer()
    call, needs = published_call(2, officer)
    assert close_expired_challenges() == 0
    assert refresh(call).status == CallStatus.PUBLISHED
    _past_deadline(call)

    assert close_expired_challenges() == 2  # the challenges, as before
    assert {refresh(c).status for c in needs} == {ChallengeStatus.CLOSED}
    assert refresh(call).status == CallStatus.CLOSED
