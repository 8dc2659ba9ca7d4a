"""A review panel sees only the bids the formal check found eligible, and only once the
check of every bid is complete (attack report: an expert read and scored bids while the
challenge was still in formal check, including a bid not yet checked).

Every path is tried: the bid page, its files and receipts, the invitation page, the
scoring screen and services, and the same through the REST API."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from bounty.bids import services as bid_services
from bounty.models import BidStatus, Challenge, ChallengeStatus
from review.draw.seats import declaration_record, seat_accept
from review.models import Score, ScoreSheet
from review.permissions import bid_open_to_panel, expert_can_read_bid
from review.scoring import services as scoring
from tests.api.conftest import token_client
from tests.bounty.bids.ineligibility import find_ineligible
from tests.factories import UserFactory
from tests.review.draw.helpers import closed_challenge_with_bids, make_expert, run_draw

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Formal check open: ``checked`` was found eligible, ``unchecked`` waits for its
    check. A panel is drawn; one expert accepted and declared no conflict with both."""
    challenge, (checked, unchecked), officer = closed_challenge_with_bids(2)
    bid_services.formal_check_start(challenge=challenge, by=officer)
    bid_services.bid_formal_check(
        bid=checked, by=officer, checklist=bid_services.auto_checklist(checked), eligible=True
    )
    for _ in range(9):
        make_expert(user=UserFactory())
    draw = run_draw(challenge, officer, params={"size": 5, "alternates": 2})
    seat = draw.seats.filter(on_panel=True).select_related("expert__user").first()
    expert = seat.expert.user
    seat_accept(seat=seat, by=expert, undertaking=True)
    for bid in (checked, unchecked):
        declaration_record(seat=seat, by=expert, bid=bid, outcome="none")
    challenge.refresh_from_db()
    checked.refresh_from_db()
    unchecked.refresh_from_db()
    assert challenge.status == ChallengeStatus.FORMAL_CHECK
    assert challenge.formal_check_done_at is None
    assert (checked.status, unchecked.status) == (BidStatus.ELIGIBLE, BidStatus.SUBMITTED)
    return {
        "challenge": challenge,
        "officer": officer,
        "seat": seat,
        "expert": expert,
        "checked": checked,
        "unchecked": unchecked,
        "criteria": list(challenge.criteria.order_by("position")),
    }


def finish_check(world, *, eligible):
    """The bureau checks the last bid: the formal check is complete (an ineligibility
    through due process, once its decision is final)."""
    if eligible:
        bid_services.bid_formal_check(
            bid=world["unchecked"],
            by=world["officer"],
            checklist=bid_services.auto_checklist(world["unchecked"]),
            eligible=True,
        )
    else:
        find_ineligible(world["unchecked"], world["officer"], reasons="缺少承诺书")
    world["challenge"].refresh_from_db()
    world["unchecked"].refresh_from_db()
    assert world["challenge"].formal_check_done_at is not None


def web_paths(bid):
    attachment = bid.attachments.first()
    assert attachment is not None  # the bid helper attaches a file
    return [
        bid.get_absolute_url(),
        reverse("bounty:bid_attachment", args=[bid.reference, attachment.pk]),
        reverse("bounty:bid_receipt", args=[bid.reference, 1]),
    ]


def api_paths(bid):
    return [f"/api/v1/bids/{bid.reference}/", f"/api/v1/bids/{bid.reference}/receipts/"]


def full_sheet(criteria):
    return {c.pk: (80, "依据充分") for c in criteria}


def web_form(criteria):
    data = {}
    for c in criteria:
        data[f"value_{c.pk}"] = "80"
        data[f"why_{c.pk}"] = "依据充分"
    return data


def api_sheet(criteria):
    return {
        "scores": [{"criterion": c.pk, "value": 80, "justification": "依据充分"} for c in criteria]
    }


def nothing_scored():
    return not ScoreSheet.objects.exists() and not Score.objects.exists()


def test_during_the_formal_check_the_panel_reads_no_bid_on_the_web(client, world):
    seat = world["seat"]
    client.force_login(world["expert"])
    for bid in (world["checked"], world["unchecked"]):
        assert not expert_can_read_bid(world["expert"], bid)
        for path in web_paths(bid):
            assert client.get(path).status_code == 404, path
        assert client.get(reverse("review:score_bid", args=[seat.pk, bid.pk])).status_code == 404
    page = client.get(reverse("review:invitation", args=[seat.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert world["checked"].reference not in html
    assert world["unchecked"].reference not in html


def test_during_the_formal_check_the_panel_scores_nothing(client, world):
    seat, expert, criteria = world["seat"], world["expert"], world["criteria"]
    client.force_login(expert)
    for bid in (world["checked"], world["unchecked"]):
        url = reverse("review:score_bid", args=[seat.pk, bid.pk])
        assert client.post(url, web_form(criteria)).status_code == 404
        with pytest.raises(scoring.ActionRefused):
            scoring.sheet_save(seat=seat, by=expert, bid=bid, values=full_sheet(criteria))
    assert scoring.scorable_bids(seat) == []
    with pytest.raises(scoring.ActionRefused):
        scoring.scores_submit(seat=seat, by=expert)
    client.post(reverse("review:scores_submit", args=[seat.pk]))
    assert nothing_scored()
    assert not AuditEvent.objects.filter(action="scores.submit").exists()


def test_during_the_formal_check_the_api_shows_and_scores_nothing(world):
    seat, criteria = world["seat"], world["criteria"]
    api = token_client(world["expert"])
    for bid in (world["checked"], world["unchecked"]):
        for path in api_paths(bid):
            assert api.get(path).status_code == 404, path
        sheet_url = f"/api/v1/invitations/{seat.pk}/scores/{bid.pk}/"
        assert api.get(sheet_url).status_code == 404
        assert api.put(sheet_url, api_sheet(criteria), format="json").status_code == 404
    detail = api.get(f"/api/v1/invitations/{seat.pk}/")
    assert detail.status_code == 200
    assert detail.json()["bids"] == []
    declared = api.post(
        f"/api/v1/invitations/{seat.pk}/declare/",
        {"bid": world["unchecked"].pk, "outcome": "none"},
        format="json",
    )
    assert declared.status_code == 400  # not a bid the panel sees
    submitted = api.post(f"/api/v1/invitations/{seat.pk}/scores/submit/")
    assert submitted.status_code == 409
    assert nothing_scored()


def test_once_the_check_is_complete_the_panel_sees_the_eligible_bid_only(client, world):
    finish_check(world, eligible=False)
    seat, expert, criteria = world["seat"], world["expert"], world["criteria"]
    good, bad = world["checked"], world["unchecked"]
    assert bad.status == BidStatus.INELIGIBLE
    client.force_login(expert)
    for path in web_paths(good):
        assert client.get(path).status_code == 200, path
    for path in web_paths(bad):
        assert client.get(path).status_code == 404, path
    html = client.get(reverse("review:invitation", args=[seat.pk])).content.decode()
    assert good.reference in html
    assert bad.reference not in html

    bad_url = reverse("review:score_bid", args=[seat.pk, bad.pk])
    assert client.get(bad_url).status_code == 404
    assert client.post(bad_url, web_form(criteria)).status_code == 404
    with pytest.raises(scoring.ActionRefused):
        scoring.sheet_save(seat=seat, by=expert, bid=bad, values=full_sheet(criteria))
    assert nothing_scored()

    good_url = reverse("review:score_bid", args=[seat.pk, good.pk])
    assert client.get(good_url).status_code == 200
    assert client.post(good_url, web_form(criteria)).status_code == 302
    assert [b.pk for b in scoring.scorable_bids(seat)] == [good.pk]
    scoring.scores_submit(seat=seat, by=expert)  # the ineligible bid is not owed
    assert list(ScoreSheet.objects.values_list("bid_id", "status")) == [(good.pk, "submitted")]


def test_once_the_check_is_complete_the_api_serves_the_eligible_bid_only(world):
    finish_check(world, eligible=False)
    seat, criteria = world["seat"], world["criteria"]
    good, bad = world["checked"], world["unchecked"]
    api = token_client(world["expert"])
    for path in api_paths(good):
        assert api.get(path).status_code == 200, path
    for path in api_paths(bad):
        assert api.get(path).status_code == 404, path
    detail = api.get(f"/api/v1/invitations/{seat.pk}/").json()
    assert [(row["id"], row["may_read"]) for row in detail["bids"]] == [(good.pk, True)]
    bad_url = f"/api/v1/invitations/{seat.pk}/scores/{bad.pk}/"
    assert api.put(bad_url, api_sheet(criteria), format="json").status_code == 404
    assert nothing_scored()
    good_url = f"/api/v1/invitations/{seat.pk}/scores/{good.pk}/"
    assert api.put(good_url, api_sheet(criteria), format="json").status_code == 200
    assert api.post(f"/api/v1/invitations/{seat.pk}/scores/submit/").status_code == 200
    assert list(ScoreSheet.objects.values_list("bid_id", "status")) == [(good.pk, "submitted")]


def test_both_bids_are_open_when_both_were_found_eligible(world):
    finish_check(world, eligible=True)
    challenge = Challenge.objects.get(pk=world["challenge"].pk)
    for bid in (world["checked"], world["unchecked"]):
        assert bid_open_to_panel(bid, challenge)
        assert expert_can_read_bid(world["expert"], bid)
    assert len(scoring.scorable_bids(world["seat"])) == 2
