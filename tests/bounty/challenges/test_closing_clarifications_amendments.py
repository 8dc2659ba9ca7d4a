from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.exceptions import ActionRefused
from bounty.challenges import services
from bounty.models import Challenge, ChallengeStatus
from bounty.signals import challenge_amended
from bounty.tasks import close_expired_challenges
from notifications.models import Notification
from tests.bounty.helpers import INDICATORS, force_deadline, published
from tests.factories import OrganizationFactory, UserFactory, bureau_officer, member_of

pytestmark = pytest.mark.django_db


def bidder():
    return member_of(OrganizationFactory(kind="university", verified=True), "bidder")


# --- Closing -----------------------------------------------------------------------


def test_past_deadline_shows_closed_without_any_worker():
    challenge = force_deadline(published(), timezone.now() - timedelta(seconds=1))
    assert challenge.status == ChallengeStatus.PUBLISHED  # nobody closed it yet
    assert challenge.display_status == ChallengeStatus.CLOSED
    shown = Challenge.objects.with_display_status().get(pk=challenge.pk).shown_status
    assert shown == ChallengeStatus.CLOSED
    assert not Challenge.objects.open_for_bids().filter(pk=challenge.pk).exists()


def test_open_for_bids_uses_the_deadline():
    challenge = published()
    assert Challenge.objects.open_for_bids().filter(pk=challenge.pk).exists()


def test_scheduled_task_closes_expired_challenges_once():
    due = force_deadline(published(), timezone.now() - timedelta(minutes=1))
    still_open = published()
    assert close_expired_challenges() == 1
    due.refresh_from_db()
    still_open.refresh_from_db()
    assert due.status == ChallengeStatus.CLOSED
    assert due.closed_at is not None
    assert still_open.status == ChallengeStatus.PUBLISHED
    assert close_expired_challenges() == 0
    assert Notification.objects.filter(kind="challenge.closed").exists()


def test_close_before_deadline_is_impossible():
    challenge = published()
    assert services.challenge_close(challenge=challenge) is None
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.PUBLISHED


def test_closing_schedule_is_installed():
    from django_q.models import Schedule

    schedule = Schedule.objects.get(name="close-expired-challenges")
    assert schedule.func == "bounty.tasks.close_expired_challenges"
    assert schedule.minutes == 1


# --- Clarifications ------------------------------------------------------------------


def test_bidder_asks_issuer_answers_everyone_sees_answer_without_asker():
    challenge = published()
    asker = bidder()
    item = services.clarification_ask(
        challenge=challenge, by=asker, question="样品测试温度是否可为 25℃？"
    )
    issuer = challenge.issuer.memberships.first().user
    services.clarification_answer(clarification=item, by=issuer, answer="不可以，须为 45℃。")
    item.refresh_from_db()
    assert item.answered_at
    assert item.answered_by == issuer
    assert Notification.objects.filter(recipient=asker, kind="clarification.answered").exists()


def test_issuer_staff_cannot_ask_on_own_challenge():
    challenge = published()
    staff = challenge.issuer.memberships.first().user
    member_of(OrganizationFactory(kind="university", verified=True), "bidder", user=staff)
    with pytest.raises(ActionRefused):
        services.clarification_ask(challenge=challenge, by=staff, question="?")


def test_no_questions_after_deadline():
    challenge = force_deadline(published(), timezone.now() - timedelta(seconds=1))
    with pytest.raises(ActionRefused):
        services.clarification_ask(challenge=challenge, by=bidder(), question="还能问吗？")


def test_non_bidder_cannot_ask():
    with pytest.raises(ActionRefused):
        services.clarification_ask(challenge=published(), by=UserFactory(), question="?")


def test_stranger_cannot_answer():
    challenge = published()
    item = services.clarification_ask(challenge=challenge, by=bidder(), question="问题")
    with pytest.raises(ActionRefused):
        services.clarification_answer(clarification=item, by=bidder(), answer="乱答")


def test_second_answer_is_refused():
    challenge = published()
    item = services.clarification_ask(challenge=challenge, by=bidder(), question="问题")
    officer = bureau_officer()
    services.clarification_answer(clarification=item, by=officer, answer="答复一")
    with pytest.raises(ActionRefused):
        services.clarification_answer(clarification=item, by=officer, answer="答复二")
    item.refresh_from_db()
    assert item.answer == "答复一"


# --- Amendments -----------------------------------------------------------------------


def test_material_amendment_keeps_old_values_and_extends_short_deadline(settings):
    officer = bureau_officer()
    challenge = published(officer=officer)
    force_deadline(challenge, timezone.now() + timedelta(days=2))
    asker = bidder()
    services.clarification_ask(challenge=challenge, by=asker, question="问题")
    amendment = services.challenge_amend(
        challenge=challenge,
        by=officer,
        reason="提高榜额",
        data={
            "bounty_total": Decimal("1000.00"),
            "enterprise_funds": Decimal("800.00"),
            "government_funds": Decimal("200.00"),
        },
    )
    challenge.refresh_from_db()
    assert amendment.material
    assert amendment.changes["bounty_total"] == {"old": "800.00", "new": "1000.00"}
    minimum = timezone.now() + timedelta(days=settings.JIEBANG["AMENDMENT_MIN_DAYS"])
    assert challenge.bid_deadline >= minimum - timedelta(minutes=1)
    assert "bid_deadline" in amendment.changes
    assert Notification.objects.filter(recipient=asker, kind="challenge.amended").exists()


def test_indicator_change_is_material_and_versioned():
    officer = bureau_officer()
    challenge = published(officer=officer)
    rows = [dict(INDICATORS[0], target_value=Decimal("92")), INDICATORS[1]]
    amendment = services.challenge_amend(
        challenge=challenge, by=officer, reason="指标调整", data={}, indicators=rows
    )
    assert amendment.material
    assert amendment.changes["indicators"]["old"][0]["target_value"] == "90.0000"
    assert amendment.changes["indicators"]["new"][0]["target_value"] == "92"
    assert challenge.indicators.get(position=0).target_value == Decimal("92")


def test_wording_change_is_not_material_and_keeps_deadline():
    officer = bureau_officer()
    challenge = published(officer=officer)
    deadline = challenge.bid_deadline
    amendment = services.challenge_amend(
        challenge=challenge, by=officer, reason="措辞", data={"contact_phone": "0519-66666666"}
    )
    challenge.refresh_from_db()
    assert not amendment.material
    assert challenge.bid_deadline == deadline


def test_amendment_needs_reason_and_a_change_and_the_bureau():
    officer = bureau_officer()
    challenge = published(officer=officer)
    with pytest.raises(ActionRefused):
        services.challenge_amend(challenge=challenge, by=officer, reason="", data={"title": "新"})
    with pytest.raises(ActionRefused):
        services.challenge_amend(challenge=challenge, by=officer, reason="无变化", data={})
    issuer = challenge.issuer.memberships.first().user
    with pytest.raises(ActionRefused):
        services.challenge_amend(challenge=challenge, by=issuer, reason="x", data={"title": "新"})
    assert not challenge.amendments.exists()


def test_amendment_signal_lets_the_bid_app_add_recipients():
    officer = bureau_officer()
    challenge = published(officer=officer)
    extra = UserFactory()

    def receiver(sender, amendment, **kwargs):
        return [extra]

    challenge_amended.connect(receiver)
    try:
        services.challenge_amend(
            challenge=challenge, by=officer, reason="r", data={"eligibility": "新要求"}
        )
    finally:
        challenge_amended.disconnect(receiver)
    assert Notification.objects.filter(recipient=extra, kind="challenge.amended").exists()
