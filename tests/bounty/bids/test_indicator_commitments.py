"""Issue 16 point 1: a commitment below a published indicator is refused (DOMAIN §3, added)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from accounts.exceptions import ActionRefused
from bounty.bids import services as bid_services
from bounty.bids.rules import bid_completeness_errors
from bounty.models import BidStatus, Comparator, Indicator
from tests.bounty.bids.helpers import complete_bid
from tests.bounty.bids.ineligibility import find_ineligible
from tests.bounty.helpers import force_deadline, published
from tests.factories import bureau_officer

pytestmark = pytest.mark.django_db


def _commit(bid, **values):
    """Re-save the bid's indicator responses with these committed values (by indicator name)."""
    responses = [
        {
            "indicator_id": r.indicator_id,
            "committed_value": values.get(r.indicator.name, r.committed_value),
            "note": r.note,
        }
        for r in bid.responses.select_related("indicator")
    ]
    bid_services.bid_update(bid=bid, by=bid.created_by, data={}, responses=responses)
    bid.refresh_from_db()
    return bid


@pytest.mark.parametrize(
    ("comparator", "target", "upper", "value", "ok"),
    [
        (Comparator.GTE, "95", None, "95", True),
        (Comparator.GTE, "95", None, "1", False),
        (Comparator.LTE, "5", None, "4.5", True),
        (Comparator.LTE, "5", None, "5.01", False),
        (Comparator.EQ, "3", None, "3.0000", True),
        (Comparator.EQ, "3", None, "3.1", False),
        (Comparator.RANGE, "10", "20", "15", True),
        (Comparator.RANGE, "10", "20", "25", False),
        (Comparator.RANGE, "10", "20", "9", False),
    ],
)
def test_indicator_admits_by_comparator(comparator, target, upper, value, ok):
    indicator = Indicator(
        name="x",
        comparator=comparator,
        target_value=Decimal(target),
        target_upper=Decimal(upper) if upper else None,
    )
    assert indicator.admits(Decimal(value)) is ok


def test_commitment_below_the_target_is_refused_naming_the_indicator_and_draft_kept():
    bid = complete_bid(published())
    _commit(bid, 循环寿命容量保持率=Decimal("1"))
    with translation.override("en"), pytest.raises(bid_services.BidIncomplete) as exc:
        bid_services.bid_submit(bid=bid, by=bid.created_by)
    message = exc.value.errors["responses"]
    assert "循环寿命容量保持率" in message
    assert "≥ 90 %" in message
    assert "commits 1 %" in message
    bid.refresh_from_db()
    assert bid.status == BidStatus.DRAFT
    kept = bid.responses.get(indicator__name="循环寿命容量保持率")
    assert kept.committed_value == Decimal("1")


def test_refusal_speaks_the_team_language():
    bid = complete_bid(published())
    _commit(bid, 循环寿命容量保持率=Decimal("1"))
    with translation.override("zh-hans"):
        message = bid_completeness_errors(bid)["responses"]
    assert "循环寿命容量保持率" in message
    assert "不得低于" in message


def test_commitment_meeting_every_target_submits():
    bid = complete_bid(published())
    bid_services.bid_submit(bid=bid, by=bid.created_by)
    bid.refresh_from_db()
    assert bid.status == BidStatus.SUBMITTED


def test_formal_check_indicator_item_is_computed_and_cannot_be_ticked_over():
    officer = bureau_officer()
    challenge = published(officer=officer)
    bid = complete_bid(challenge)
    bid_services.bid_submit(bid=bid, by=bid.created_by)
    # A bid submitted before the rule existed (the comparison lowered behind its back).
    indicator = challenge.indicators.get(name="循环寿命容量保持率")
    bid.responses.filter(indicator=indicator).update(committed_value=Decimal("1"))
    force_deadline(challenge, timezone.now() - timedelta(seconds=1))
    bid_services.formal_check_start(challenge=challenge, by=officer)
    assert bid_services.auto_checklist(bid)["indicators"] is False
    with pytest.raises(ActionRefused):
        bid_services.bid_formal_check(
            bid=bid,
            by=officer,
            checklist={"indicators": {"auto": False, "ok": True}},
            eligible=True,
        )
    # Ineligibility is an intended decision made final through due process (issue 17).
    find_ineligible(
        bid,
        officer,
        reasons="承诺指标低于发布指标",
        checklist={"indicators": {"auto": False, "ok": True}},
    )
    assert bid.status == BidStatus.INELIGIBLE
    assert bid.formal_check.checklist["indicators"] == {"auto": False, "ok": False}


def test_formal_check_form_shows_the_indicator_item_disabled(client):
    officer = bureau_officer()
    challenge = published(officer=officer)
    bid = complete_bid(challenge)
    bid_services.bid_submit(bid=bid, by=bid.created_by)
    force_deadline(challenge, timezone.now() - timedelta(seconds=1))
    bid_services.formal_check_start(challenge=challenge, by=officer)
    client.force_login(officer)
    page = client.get(f"/bids/{bid.reference}/check/")
    assert page.status_code == 200
    assert page.context["form"].fields["item_indicators"].disabled
