"""A bid found ineligible by the formal check leaves the review, even for an expert who
declared no conflict with it before the check ended (found by the permission matrix)."""

import pytest
from django.urls import reverse

from accounts.models import Membership, Role
from bounty.bids import services as bid_services
from review.scoring import services as scoring
from tests.bounty.bids.ineligibility import find_ineligible
from tests.review.scoring.test_scoring import panel_ready, score

pytestmark = pytest.mark.django_db


def test_an_ineligible_bid_is_neither_read_nor_scored_by_the_panel(client):
    challenge, bids, seats, criteria = panel_ready(2, 5, checked=False)
    officer = Membership.objects.filter(role=Role.BUREAU).first().user
    bid_services.formal_check_start(challenge=challenge, by=officer)
    good, bad = bids
    bid_services.bid_formal_check(
        bid=good, by=officer, checklist=bid_services.auto_checklist(good), eligible=True
    )
    find_ineligible(bad, officer, reasons="缺少承诺书")  # final, through due process
    seat = seats[0]
    client.force_login(seat.expert.user)
    assert client.get(reverse("bounty:bid_detail", args=[bad.reference])).status_code == 404
    assert client.get(reverse("review:score_bid", args=[seat.pk, bad.pk])).status_code == 404
    assert client.get(reverse("review:score_bid", args=[seat.pk, good.pk])).status_code == 200
    assert [b.pk for b in scoring.scorable_bids(seat)] == [good.pk]
    score(seat, good, criteria, 80)
    scoring.scores_submit(seat=seat, by=seat.expert.user)  # the ineligible bid is not owed
