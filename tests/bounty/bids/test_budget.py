"""One contract amount (issue 16 §2, §8): the bid's budget adds up to the team's share of
the bounty, in the 2021 subjects with an indirect-cost cap; 包干制 only where the bureau
allowed it at vetting."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.exceptions import ActionRefused
from bounty.bids import services as bid_services
from bounty.bids.forms import BidForm
from bounty.bids.rules import bid_completeness_errors
from bounty.bids.services import BidIncomplete
from bounty.challenges import services as challenge_services
from bounty.challenges.rules import challenge_completeness_errors
from bounty.models import Bid, BidStatus, BudgetLine, Challenge
from tests.bounty.bids.helpers import complete_bid
from tests.bounty.bids.ineligibility import find_ineligible
from tests.bounty.helpers import draft, published
from tests.factories import bureau_officer

pytestmark = pytest.mark.django_db


def _lines(bid, *rows):
    bid_services.bid_update(
        bid=bid,
        by=bid.created_by,
        data={},
        budget=[
            {
                "category": c,
                "government_amount": Decimal(g),
                "self_raised_amount": Decimal(s),
                "note": "",
            }
            for c, g, s in rows
        ],
    )
    return Bid.objects.get(pk=bid.pk)


def test_a_budget_other_than_the_share_is_refused_naming_both_figures_and_the_draft_stays():
    bid = complete_bid(published())  # the bounty is 800 (10k yuan), one winner
    bid = _lines(bid, ("equipment", "150", "50"))
    with translation.override("en"):
        with pytest.raises(BidIncomplete) as refused:
            bid_services.bid_submit(bid=bid, by=bid.created_by)
        message = refused.value.errors["budget"]
    assert "200" in message
    assert "800" in message
    bid.refresh_from_db()
    assert bid.status == BidStatus.DRAFT
    assert [(b.category, b.amount) for b in bid.budget_lines.all()] == [
        ("equipment", Decimal("200.00"))
    ]
    assert bid.versions.count() == 0


def test_lines_carry_government_and_self_raised_columns_and_their_sum():
    bid = _lines(complete_bid(published()), ("equipment", "200", "420"), ("indirect", "0", "180"))
    line = bid.budget_lines.get(category="equipment")
    assert (line.government_amount, line.self_raised_amount, line.amount) == (
        Decimal("200"),
        Decimal("420"),
        Decimal("620"),
    )
    assert "budget" not in bid_completeness_errors(bid)
    bid_services.bid_submit(bid=bid, by=bid.created_by)
    lines = bid.versions.get().content["budget"]["lines"]
    assert lines[0] == {
        "category": "equipment",
        "government": "200.00",
        "self_raised": "420.00",
        "amount": "620.00",
        "note": "",
    }


def test_indirect_costs_are_capped_on_the_direct_costs(settings):
    settings.JIEBANG = {**settings.JIEBANG, "INDIRECT_COST_CAP_PERCENT": 30}
    bid = _lines(complete_bid(published()), ("operating", "200", "400"), ("indirect", "0", "200"))
    with translation.override("en"):
        message = bid_completeness_errors(bid)["budget"]
    assert "Indirect" in message
    assert "30%" in message
    bid = _lines(bid, ("operating", "200", "420"), ("indirect", "0", "180"))  # 29 %
    assert "budget" not in bid_completeness_errors(bid)


def test_old_categories_are_gone():
    assert set(BudgetLine.Category.values) == {"equipment", "operating", "labour", "indirect"}


def test_lump_sum_is_refused_where_the_bureau_did_not_allow_it():
    challenge = published()
    assert challenge.lump_sum_allowed is False
    bid = complete_bid(challenge)
    with pytest.raises(ActionRefused):
        bid_services.bid_update(
            bid=bid,
            by=bid.created_by,
            data={"lump_sum": True, "lump_sum_amount": Decimal("800"), "pi_commitment": True},
        )
    bid.refresh_from_db()
    assert bid.lump_sum is False
    form = BidForm(
        {"lump_sum": "on", "lump_sum_amount": "800", "pi_commitment": "on"}, instance=bid
    )
    assert not form.is_valid()
    assert "lump_sum" in form.errors
    # The form hides the choice: the edit page shows no lump-sum fields.
    from django.test import Client

    client = Client()
    client.force_login(bid.created_by)
    page = client.get(reverse("bounty:bid_edit", args=[bid.reference])).content.decode()
    assert 'name="lump_sum"' not in page
    assert 'name="budget-0-government_amount"' in page


def test_lump_sum_where_allowed_still_states_the_team_share_and_the_commitment():
    challenge = published()
    Challenge.objects.filter(pk=challenge.pk).update(lump_sum_allowed=True)
    challenge.refresh_from_db()
    bid = complete_bid(challenge)
    bid_services.bid_update(
        bid=bid,
        by=bid.created_by,
        data={"lump_sum": True, "lump_sum_amount": Decimal("500"), "pi_commitment": False},
    )
    bid = Bid.objects.get(pk=bid.pk)
    with translation.override("en"):
        assert "commit" in bid_completeness_errors(bid)["budget"]
    bid_services.bid_update(
        bid=bid, by=bid.created_by, data={"lump_sum_amount": Decimal("500"), "pi_commitment": True}
    )
    bid = Bid.objects.get(pk=bid.pk)
    with translation.override("en"):
        assert "800" in bid_completeness_errors(bid)["budget"]
    bid_services.bid_update(bid=bid, by=bid.created_by, data={"lump_sum_amount": Decimal("800")})
    bid = Bid.objects.get(pk=bid.pk)
    assert "budget" not in bid_completeness_errors(bid)
    bid_services.bid_submit(bid=bid, by=bid.created_by)


def test_the_bureau_allows_lump_sum_when_approving(client):
    officer = bureau_officer()
    challenge = draft()
    challenge_services.challenge_submit(challenge=challenge, by=challenge.created_by)
    challenge_services.challenge_decide(challenge=challenge, by=officer, decision="start_vetting")
    client.force_login(officer)
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert 'name="lump_sum_allowed"' in page
    response = client.post(
        reverse("bounty:challenge_decide", args=[challenge.ocid]),
        {"decision": "approve", "lump_sum_allowed": "on"},
    )
    assert response.status_code == 302
    challenge.refresh_from_db()
    assert challenge.status == "approved"
    assert challenge.lump_sum_allowed is True


def test_horse_race_share_governs_the_budget():
    challenge = published()
    assert challenge.team_share() == Decimal("800")
    Challenge.objects.filter(pk=challenge.pk).update(
        winners_allowed=2, parallel_share=Decimal("300"), continuation_amount=Decimal("200")
    )
    challenge.refresh_from_db()
    assert challenge.team_share() == Decimal("300")
    assert "parallel_share" not in challenge_completeness_errors(challenge)
    assert "continuation_amount" not in challenge_completeness_errors(challenge)
    bid = _lines(complete_bid(challenge), ("equipment", "500", "100"), ("indirect", "0", "100"))
    with translation.override("en"):
        assert "300" in bid_completeness_errors(bid)["budget"]
    # The share splits as the bounty does (600 : 200): 225 enterprise, 75 government.
    bid = _lines(bid, ("equipment", "75", "165"), ("indirect", "0", "60"))
    assert "budget" not in bid_completeness_errors(bid)


def test_a_horse_race_declares_shares_that_add_up_to_the_bounty():
    challenge = published()
    Challenge.objects.filter(pk=challenge.pk).update(
        winners_allowed=2, parallel_share=Decimal("300"), continuation_amount=Decimal("100")
    )
    challenge.refresh_from_db()
    with translation.override("en"):
        errors = challenge_completeness_errors(challenge)
    assert "800" in errors["continuation_amount"]
    Challenge.objects.filter(pk=challenge.pk).update(parallel_share=None)
    challenge.refresh_from_db()
    assert "parallel_share" in challenge_completeness_errors(challenge)


def test_old_categories_migrate_to_the_2021_subjects_in_the_government_column():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("bounty.migrations.0023_budget_subjects")
    bid = _lines(complete_bid(published()), ("equipment", "1", "0"), ("equipment", "2", "0"))
    first, second = bid.budget_lines.all()
    BudgetLine.objects.filter(pk=first.pk).update(
        category="experts", amount=Decimal("12.5"), government_amount=0
    )
    BudgetLine.objects.filter(pk=second.pk).update(
        category="materials", amount=Decimal("30"), government_amount=0
    )
    migration.to_subjects(apps, None)
    assert [
        (b.category, b.government_amount, b.self_raised_amount, b.amount)
        for b in bid.budget_lines.all()
    ] == [
        ("labour", Decimal("12.5"), Decimal("0"), Decimal("12.5")),
        ("operating", Decimal("30"), Decimal("0"), Decimal("30")),
    ]


def test_the_columns_must_follow_the_bountys_split_of_the_share():
    """Review M1: the 财政 column adds up to the government part and the 自筹 column to the
    enterprise part of the team share, split as the contract splits it (team_funding)."""
    from bounty.challenges.funding import team_funding

    challenge = published()  # 800 = 600 enterprise + 200 government
    assert team_funding(challenge) == (Decimal("600"), Decimal("200"))
    bid = _lines(complete_bid(challenge), ("equipment", "620", "0"), ("indirect", "180", "0"))
    with translation.override("en"):
        message = bid_completeness_errors(bid)["budget"]
        with pytest.raises(BidIncomplete):
            bid_services.bid_submit(bid=bid, by=bid.created_by)
    assert "800" in message  # the government column as given
    assert "200" in message
    assert "600" in message
    bid = _lines(bid, ("equipment", "200", "420"), ("indirect", "0", "180"))
    assert "budget" not in bid_completeness_errors(bid)
    bid_services.bid_submit(bid=bid, by=bid.created_by)


def test_an_uneven_split_rounds_the_government_part_to_the_cent():
    from bounty.challenges.funding import split_amount, team_funding

    challenge = published()
    Challenge.objects.filter(pk=challenge.pk).update(
        bounty_total=Decimal("300"),
        enterprise_funds=Decimal("200"),
        government_funds=Decimal("100"),
    )
    challenge.refresh_from_db()
    assert team_funding(challenge) == (Decimal("200.00"), Decimal("100.00"))
    assert split_amount(challenge, Decimal("100")) == (Decimal("66.67"), Decimal("33.33"))
    assert sum(split_amount(challenge, Decimal("100"))) == Decimal("100")


def test_formal_check_budget_item_is_computed_and_cannot_be_ticked_over(client):
    """Review M1: like the indicators, the budget item is the system's; a bid whose budget
    breaks the rules (here: columns changed behind its back) cannot be made eligible."""
    from datetime import timedelta

    from django.utils import timezone

    from tests.bounty.helpers import force_deadline

    officer = bureau_officer()
    challenge = published(officer=officer)
    bid = complete_bid(challenge)
    bid_services.bid_submit(bid=bid, by=bid.created_by)
    for line in bid.budget_lines.all():
        BudgetLine.objects.filter(pk=line.pk).update(
            government_amount=line.amount, self_raised_amount=0
        )
    force_deadline(challenge, timezone.now() - timedelta(seconds=1))
    bid_services.formal_check_start(challenge=challenge, by=officer)
    assert bid_services.auto_checklist(bid)["budget"] is False
    client.force_login(officer)
    page = client.get(f"/bids/{bid.reference}/check/")
    assert page.context["form"].fields["item_budget"].disabled
    with pytest.raises(ActionRefused):
        bid_services.bid_formal_check(
            bid=bid, by=officer, checklist={"budget": {"auto": False, "ok": True}}, eligible=True
        )
    # Ineligibility is an intended decision made final through due process (issue 17).
    find_ineligible(
        bid,
        officer,
        reasons="预算财政/自筹列与出资比例不符",
        checklist={"budget": {"auto": False, "ok": True}},
    )
    assert bid.status == BidStatus.INELIGIBLE
    assert bid.formal_check.checklist["budget"] == {"auto": False, "ok": False}


def test_bid_form_states_the_columns_the_team_must_reach(client):
    from django.template.defaultfilters import floatformat

    from bounty.challenges.funding import team_funding

    challenge = published()
    bid = complete_bid(challenge)
    enterprise, government = team_funding(challenge)
    bid.created_by.__class__.objects.filter(pk=bid.created_by.pk).update(language="en")
    client.force_login(bid.created_by)
    with translation.override("en"):
        html = client.get(f"/bids/{bid.reference}/edit/").content.decode()
        gov, own = floatformat(government, "-2"), floatformat(enterprise, "-2")
    assert f"The government column adds up to {gov} and the self-raised column to {own}" in html
