"""What a restricted or confidential challenge must not let slip (review of issue 16):
questions and amendment reasons (H1), free texts and the contact person (M5), and the panel
experts who do read the details (M6)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bounty.bids import services as bid_services
from bounty.challenges import access_rules, access_services
from bounty.challenges import services as challenge_services
from bounty.exceptions import ActionRefused
from bounty.models import Clarification
from notifications.models import Notification
from review.draw.seats import seat_accept
from tests.bounty.bids.helpers import complete_bid, team
from tests.bounty.challenges.confidential import (
    HIDDEN,
    PRIVATE_FACTS,
    SUMMARY,
    admitted_team,
    private_fact_words,
    restricted,
)
from tests.bounty.helpers import force_deadline
from tests.factories import UserFactory, bureau_officer

pytestmark = pytest.mark.django_db

SECRET_REASON = "新增秘方X7指标说明"


def page(client, challenge, user=None):
    if user is None:
        client.logout()
    else:
        client.force_login(user)
    response = client.get(challenge.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


# --- H1: questions and amendment reasons --------------------------------------------------


@pytest.mark.parametrize("level", ["internal", "secret"])
def test_a_bidder_without_access_cannot_ask_a_question(client, level):
    challenge = restricted(level)
    user, _org = team()
    assert not access_rules.sees_details(user, challenge)
    with pytest.raises(ActionRefused) as refused:
        challenge_services.clarification_ask(challenge=challenge, by=user, question="能否看细节?")
    assert access_rules.nda_url(challenge) in str(refused.value.message)
    client.force_login(user)
    client.post(
        reverse("bounty:clarification_ask", args=[challenge.ocid]), {"question": "能否看细节?"}
    )
    assert not Clarification.objects.exists()


def test_a_bidder_with_access_may_ask():
    challenge = restricted()
    user, org = team()
    access_services.nda_accept(challenge=challenge, by=user, organization=org)
    challenge_services.clarification_ask(challenge=challenge, by=user, question="样品数量？")
    assert Clarification.objects.count() == 1


def test_an_amendment_reason_reaches_only_those_who_read_the_details():
    officer = bureau_officer()
    challenge = restricted(officer=officer)
    reader, org = team()
    access_services.nda_accept(challenge=challenge, by=reader, organization=org)
    challenge_services.clarification_ask(challenge=challenge, by=reader, question="样品？")
    challenge_services.challenge_amend(
        challenge=challenge, by=officer, reason=SECRET_REASON, data={"deliverable": "新交付"}
    )
    note = Notification.objects.get(recipient=reader)
    assert note.kind == "challenge.amended"
    assert note.params["reason"] == SECRET_REASON
    # A new NDA closes the details: the asker learns of the amendment, not its reason.
    challenge.refresh_from_db()
    challenge_services.challenge_amend(
        challenge=challenge, by=officer, reason=SECRET_REASON, data={"nda_text": "新的保密协议"}
    )
    note = Notification.objects.filter(recipient=reader).latest("pk")
    assert note.kind == "challenge.amended_withheld"
    assert SECRET_REASON not in str(note.params)
    assert note.url.endswith("#access")
    # The issuer always reads the reason.
    issuer_note = Notification.objects.filter(recipient=challenge.created_by).latest("pk")
    assert issuer_note.params["reason"] == SECRET_REASON


def test_a_bid_team_without_the_new_nda_gets_no_reason():
    officer = bureau_officer()
    challenge = restricted(officer=officer)
    user, org = team()
    access_services.nda_accept(challenge=challenge, by=user, organization=org)
    complete_bid(challenge, user, org)
    challenge_services.challenge_amend(
        challenge=challenge,
        by=officer,
        reason=SECRET_REASON,
        data={"nda_text": "新的保密协议", "eligibility": "新的资格"},
    )
    notes = Notification.objects.filter(recipient=user)
    assert notes.exists()
    assert all(SECRET_REASON not in str(n.params) for n in notes)


# --- M5: free texts and the contact person ------------------------------------------------


@pytest.mark.parametrize("level", ["internal", "secret"])
def test_ip_terms_detail_and_contact_are_withheld_on_the_page(client, level):
    challenge = restricted(level, **PRIVATE_FACTS)
    outsider, _org = team()
    for user in (None, outsider):
        html = page(client, challenge, user)
        assert SUMMARY in html
        for word in private_fact_words():
            assert word not in html, word
    reader, org = team() if level == "internal" else admitted_team(challenge)
    access_services.nda_accept(challenge=challenge, by=reader, organization=org)
    html = page(client, challenge, reader)
    for word in private_fact_words():
        assert word in html, word


# --- M6: panel experts --------------------------------------------------------------------


def test_an_expert_on_an_accepted_seat_reads_the_details(client):
    from tests.review.draw.helpers import formal_check_done, make_expert, run_draw

    officer = bureau_officer()
    challenge = restricted(officer=officer)
    for _ in range(2):
        user, org = team()
        access_services.nda_accept(challenge=challenge, by=user, organization=org)
        bid = complete_bid(challenge, user, org)
        bid_services.bid_submit(bid=bid, by=user)
    force_deadline(challenge, timezone.now() - timedelta(seconds=1))
    formal_check_done(challenge, officer)
    for _ in range(12):
        make_expert(user=UserFactory())
    draw = run_draw(challenge, officer)
    seat = draw.seats.filter(on_panel=True).select_related("expert__user").first()
    expert = seat.expert.user
    assert not access_rules.sees_details(expert, challenge)  # invited, not yet accepted
    seat_accept(seat=seat, by=expert, undertaking=True)
    assert access_rules.sees_details(expert, challenge)
    assert HIDDEN in page(client, challenge, expert)
    # A reader of the details, not of who accepted the NDA.
    assert not access_rules.can_see_access_records(expert, challenge)
    waiting = draw.seats.filter(on_panel=False).select_related("expert__user").first()
    if waiting is not None and waiting.expert.user is not None:
        assert not access_rules.sees_details(waiting.expert.user, challenge)
