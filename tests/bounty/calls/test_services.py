"""Calls: preparation, needs collection, publication of the whole list, closing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from bounty.calls import services as call_services
from bounty.challenges import services
from bounty.exceptions import ActionRefused, ChallengeIncomplete
from bounty.models import Call, CallStatus, Challenge, ChallengeKey, ChallengeStatus
from bounty.sealing.services import sealing_settings
from bounty.signals import call_published
from tests.bounty.calls.helpers import (
    QUALIFICATION,
    approved_need,
    call_data,
    make_call,
    need,
    refresh,
    to_vetting,
)
from tests.bounty.helpers import draft
from tests.factories import UserFactory, bureau_officer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_district_step(settings):
    """The city vets the needs itself here (the district step has its own tests)."""
    settings.JIEBANG = {**settings.JIEBANG, "DISTRICT_RECOMMENDATION": False}


def test_only_bureau_officers_create_calls():
    with pytest.raises(ActionRefused):
        call_services.call_create(by=UserFactory(), data=call_data())
    call = call_services.call_create(by=bureau_officer(), data=call_data())
    assert call.status == CallStatus.DRAFT
    assert call.code == "2026-1"
    assert AuditEvent.objects.filter(action="call.create").exists()


def test_open_collection_refused_after_the_window():
    officer = bureau_officer()
    now = timezone.now()
    call = make_call(
        officer,
        opened=False,
        needs_opens_at=now - timedelta(days=10),
        needs_closes_at=now - timedelta(days=1),
    )
    with pytest.raises(ActionRefused):
        call_services.open_collection(call=call, by=officer)
    assert refresh(call).status == CallStatus.DRAFT


def test_a_need_takes_the_calls_deadline_and_needs_its_qualification():
    call = make_call()
    challenge = need(call, qualified=False, bid_deadline=timezone.now() + timedelta(days=5))
    assert challenge.bid_deadline == call.bids_close_at
    with pytest.raises(ChallengeIncomplete) as exc:
        services.challenge_submit(challenge=challenge, by=challenge.created_by)
    assert {"chain", "chain_role", "revenue", "rd_ratio", "rd_platform"} <= set(exc.value.errors)
    services.challenge_update(challenge=challenge, by=challenge.created_by, data=QUALIFICATION)
    services.challenge_submit(challenge=challenge, by=challenge.created_by)
    assert refresh(challenge).status == ChallengeStatus.SUBMITTED


def test_platform_name_required_when_a_platform_is_declared():
    call = make_call()
    challenge = need(call, rd_platform_name="")
    with pytest.raises(ChallengeIncomplete) as exc:
        services.challenge_submit(challenge=challenge, by=challenge.created_by)
    assert set(exc.value.errors) == {"rd_platform_name"}


def test_a_need_cannot_join_a_call_that_does_not_collect():
    call = make_call(opened=False)
    with pytest.raises(ActionRefused):
        need(call)
    challenge = draft()
    with pytest.raises(ActionRefused):
        services.challenge_update(challenge=challenge, by=challenge.created_by, data={"call": call})


def test_submission_only_while_collecting_but_returned_needs_may_come_back():
    officer = bureau_officer()
    call = make_call(officer)
    late = need(call)
    returned = need(call)
    services.challenge_submit(challenge=returned, by=returned.created_by)
    services.challenge_decide(
        challenge=returned, by=officer, decision="return", comment="补充指标测试方法"
    )
    to_vetting(call, officer)
    with pytest.raises(ActionRefused):
        services.challenge_submit(challenge=refresh(late), by=late.created_by)
    services.challenge_submit(challenge=refresh(returned), by=returned.created_by)
    assert refresh(returned).status == ChallengeStatus.SUBMITTED


def test_a_need_is_not_published_on_its_own(english):
    officer = bureau_officer()
    call = make_call(officer)
    challenge = approved_need(call, officer)
    with pytest.raises(ActionRefused, match="call"):
        services.challenge_decide(challenge=challenge, by=officer, decision="publish")
    assert refresh(challenge).status == ChallengeStatus.APPROVED


def test_publish_list_needs_an_approved_need_and_vetting(english):
    officer = bureau_officer()
    call = make_call(officer)
    with pytest.raises(ActionRefused):  # still collecting
        call_services.publish_list(call=call, by=officer)
    need(call)
    to_vetting(call, officer)
    with pytest.raises(ActionRefused, match="approved"):
        call_services.publish_list(call=refresh(call), by=officer)


def test_publish_list_publishes_every_approved_need_at_once():
    officer = bureau_officer()
    call = make_call(officer)
    ok = [approved_need(call, officer) for _ in range(2)]
    waiting = need(call)
    services.challenge_submit(challenge=waiting, by=waiting.created_by)
    received = []

    def receiver(sender, call, by, **kwargs):
        received.append((call.pk, call.status, by))

    call_published.connect(receiver)
    try:
        to_vetting(call, officer)
        call = call_services.publish_list(call=refresh(call), by=officer)
    finally:
        call_published.disconnect(receiver)
    assert call.status == CallStatus.PUBLISHED
    assert call.published_at
    assert received == [(call.pk, CallStatus.PUBLISHED, officer)]
    for challenge in ok:
        challenge = refresh(challenge)
        assert challenge.status == ChallengeStatus.PUBLISHED
        assert challenge.bid_deadline == call.bids_close_at
        sealed = sealing_settings()["enabled"]  # the key of sealed bids, when sealing is on
        assert ChallengeKey.objects.filter(challenge=challenge).exists() == sealed
    assert refresh(waiting).status == ChallengeStatus.SUBMITTED
    event = AuditEvent.objects.get(action="call.publish")
    assert sorted(event.payload["published"]) == sorted(c.ocid for c in ok)
    assert event.payload["not_published"] == [{"ocid": waiting.ocid, "status": "submitted"}]
    assert AuditEvent.objects.filter(action="challenge.publish").count() == 2


def test_publish_list_refused_when_the_deadline_is_too_close(english):
    officer = bureau_officer()
    now = timezone.now()
    call = make_call(officer, bids_close_at=now + timedelta(days=25))
    challenge = approved_need(call, officer)
    to_vetting(call, officer)
    with pytest.raises(ActionRefused, match="deadline"):
        call_services.publish_list(call=refresh(call), by=officer)
    assert refresh(challenge).status == ChallengeStatus.APPROVED
    assert refresh(call).status == CallStatus.VETTING


def test_close_only_after_the_bid_deadline():
    officer = bureau_officer()
    call = make_call(officer)
    approved_need(call, officer)
    to_vetting(call, officer)
    call = call_services.publish_list(call=refresh(call), by=officer)
    with pytest.raises(ActionRefused):
        call_services.close(call=call, by=officer)
    now = timezone.now()
    Call.objects.filter(pk=call.pk).update(
        needs_opens_at=now - timedelta(days=3),
        needs_closes_at=now - timedelta(days=2),
        bids_close_at=now - timedelta(days=1),
    )
    call = call_services.close(call=refresh(call), by=None)
    assert call.status == CallStatus.CLOSED
    assert call.closed_at


def test_update_moves_the_needs_deadline_and_freezes_year_after_draft():
    officer = bureau_officer()
    call = make_call(officer)
    challenge = need(call)
    later = call.bids_close_at + timedelta(days=7)
    call_services.call_update(call=call, by=officer, data={"bids_close_at": later})
    assert refresh(challenge).bid_deadline == later
    with pytest.raises(ActionRefused):
        call_services.call_update(call=refresh(call), by=officer, data={"year": 2027})


def test_closing_the_collection_tells_issuers_of_unsubmitted_drafts():
    from notifications.models import Notification

    officer = bureau_officer()
    call = make_call(officer)
    challenge = need(call)
    to_vetting(call, officer)
    assert Notification.objects.filter(
        recipient=challenge.created_by, kind="call.collection_closed"
    ).exists()
    assert Challenge.objects.filter(call=call).count() == 1
