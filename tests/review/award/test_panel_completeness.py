"""A proposal needs a finished panel (issue 16, point 3): every accepted, unconflicted seat
has submitted, a replaced seat through its replacement; the ranking page says how many have
submitted, and the bureau alone sees who is missing."""

import pytest
from django.urls import reverse

from accounts.exceptions import ActionRefused
from bounty.models import Bid, BidStatus, Challenge, ChallengeStatus
from review.award import services as award
from review.draw.seats import declaration_record, seat_accept, seat_decline
from review.models import ScoreSheet, Seat
from review.scoring import services as scoring
from review.scoring.selectors import panel_completeness
from tests.factories import UserFactory, make_meeting
from tests.review.draw.helpers import (
    closed_challenge_with_bids,
    formal_check_done,
    make_expert,
    run_draw,
)
from tests.review.scoring.test_scoring import score

pytestmark = pytest.mark.django_db


def panel_under_review(*, size=5, alternates=2, n_bids=1):
    """A challenge under review with its panel invited (nobody has answered yet)."""
    challenge, bids, officer = closed_challenge_with_bids(n_bids)
    formal_check_done(challenge, officer)
    for _ in range(size + alternates + 2):
        make_expert(user=UserFactory())
    draw = run_draw(challenge, officer, params={"size": size, "alternates": alternates})
    award.review_start(challenge=challenge, by=officer)
    seats = list(draw.seats.filter(on_panel=True).select_related("expert__user").order_by("rank"))
    criteria = list(challenge.criteria.order_by("-weight", "position"))
    return Challenge.objects.get(pk=challenge.pk), bids, officer, seats, criteria


def take_part(seat, bids, criteria, *, submit=True, value=80):
    """The expert accepts, declares no conflict, scores every bid and (maybe) submits."""
    seat = Seat.objects.select_related("expert__user").get(pk=seat.pk)
    user = seat.expert.user
    seat_accept(seat=seat, by=user, undertaking=True)
    for bid in bids:
        declaration_record(seat=seat, by=user, bid=bid, outcome="none")
        score(seat, bid, criteria, value)
    if submit:
        scoring.scores_submit(seat=seat, by=user)
    return seat


def test_a_proposal_with_one_of_five_sheets_submitted_is_refused():
    challenge, bids, officer, seats, criteria = panel_under_review()
    take_part(seats[0], bids, criteria)
    for seat in seats[1:]:
        take_part(seat, bids, criteria, submit=False)

    panel = panel_completeness(challenge)
    assert (panel.submitted, panel.expected, panel.complete) == (1, 5, False)
    assert panel.completed_at is None
    assert [e.pk for e in panel.missing] == [s.expert_id for s in seats[1:]]
    assert scoring.ranking(challenge)[0].passes  # the one sheet alone would pass

    with pytest.raises(ActionRefused):
        award.award_propose(challenge=challenge, by=challenge.created_by, bids=[bids[0]])
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.UNDER_REVIEW
    assert Bid.objects.get(pk=bids[0].pk).status == BidStatus.IN_REVIEW

    for seat in seats[1:]:
        scoring.scores_submit(seat=seat, by=seat.expert.user)
    panel = panel_completeness(challenge)
    assert panel.complete
    last = ScoreSheet.objects.order_by("-submitted_at").first().submitted_at
    assert panel.completed_at == last  # the proposal deadline runs from here
    award.award_propose(challenge=challenge, by=challenge.created_by, bids=[bids[0]])
    award.award_confirm(challenge=challenge, by=officer, meeting=make_meeting(by=officer))
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.IN_NOTICE


def test_the_bureau_cannot_confirm_a_proposal_of_an_unfinished_panel():
    challenge, bids, officer, seats, criteria = panel_under_review()
    for n, seat in enumerate(seats):
        take_part(seat, bids, criteria, submit=n < 4)
    # A proposal made before this rule existed (or by any other way): still not confirmed.
    Challenge.objects.filter(pk=challenge.pk).update(status=ChallengeStatus.AWARD_PROPOSED)
    with pytest.raises(ActionRefused):
        award.award_confirm(challenge=challenge, by=officer, meeting=make_meeting(by=officer))
    assert Challenge.objects.get(pk=challenge.pk).status == ChallengeStatus.AWARD_PROPOSED


def test_a_replaced_seat_counts_through_its_replacement():
    challenge, bids, _officer, seats, criteria = panel_under_review(size=5, alternates=3)
    declined, slow, *others = seats
    seat_decline(seat=declined, by=declined.expert.user, reason="出差")
    replacement = Seat.objects.get(replaces=declined)
    take_part(slow, bids, criteria, submit=False)
    for seat in others:
        take_part(seat, bids, criteria)
    panel = panel_completeness(challenge)
    # 3 submitted; the declined seat's replacement (invited, not answered yet) and the
    # expert who accepted but has not submitted are missing.
    assert (panel.submitted, panel.expected) == (3, 5)
    assert {e.pk for e in panel.missing} == {replacement.expert_id, slow.expert_id}

    take_part(replacement, bids, criteria)
    panel = panel_completeness(challenge)
    assert (panel.submitted, panel.expected) == (4, 5)
    with pytest.raises(ActionRefused):
        award.award_propose(challenge=challenge, by=challenge.created_by, bids=[bids[0]])

    scoring.scores_submit(seat=slow, by=slow.expert.user)
    panel = panel_completeness(challenge)
    assert (panel.submitted, panel.expected, panel.missing) == (5, 5, [])
    award.award_propose(challenge=challenge, by=challenge.created_by, bids=[bids[0]])
    assert Challenge.objects.get(pk=challenge.pk).status == ChallengeStatus.AWARD_PROPOSED


def test_a_conflicted_seat_counts_through_its_replacement_and_a_vacant_seat_blocks():
    challenge, bids, _officer, seats, criteria = panel_under_review(size=5, alternates=1, n_bids=2)
    conflicted, declined, *others = seats
    user = conflicted.expert.user
    seat_accept(seat=conflicted, by=user, undertaking=True)
    declaration_record(seat=conflicted, by=user, bid=bids[0], outcome="conflict")
    replacement = Seat.objects.get(replaces=conflicted)
    for seat in others:
        take_part(seat, bids, criteria)
    take_part(replacement, bids, criteria)
    # The only alternate is used: the declined seat stays vacant.
    seat_decline(seat=declined, by=declined.expert.user)
    assert not Seat.objects.filter(replaces=declined).exists()

    panel = panel_completeness(challenge)
    assert (panel.submitted, panel.expected, panel.vacant, panel.missing) == (4, 5, 1, [])
    assert not panel.complete
    with pytest.raises(ActionRefused):
        award.award_propose(challenge=challenge, by=challenge.created_by, bids=[bids[0]])


def test_ranking_shows_the_count_to_all_and_the_missing_experts_to_the_bureau_only(client):
    challenge, bids, officer, seats, criteria = panel_under_review()
    for n, seat in enumerate(seats):
        take_part(seat, bids, criteria, submit=n < 4)
    missing = Seat.objects.select_related("expert").get(pk=seats[4].pk).expert
    url = reverse("review:ranking", args=[challenge.ocid])
    for user in (officer, challenge.created_by):  # a saved language wins over the cookie
        type(user).objects.filter(pk=user.pk).update(language="en")

    client.force_login(officer)
    html = client.get(url).content.decode()
    assert "4 of 5 panel experts have submitted their scores" in html
    assert f'<span class="missing-expert">{missing.name}</span>' in html
    assert html.count('class="missing-expert"') == 1  # not the four who submitted

    client.force_login(challenge.created_by)  # the issuer
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "4 of 5 panel experts have submitted their scores" in html
    assert missing.name not in html
    assert "missing-expert" not in html
    assert 'id="propose-blocked"' in html
    assert 'value="propose"' not in html  # no proposal form while the panel is unfinished

    scoring.scores_submit(seat=seats[4], by=seats[4].expert.user)
    html = client.get(url).content.decode()
    assert "5 of 5 panel experts have submitted their scores" in html
    assert 'value="propose"' in html
    assert 'id="propose-blocked"' not in html
