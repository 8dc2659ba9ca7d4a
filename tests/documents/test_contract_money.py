"""One contract amount and the bureau's own city (issue 16 §2, §12)."""

import re
from decimal import Decimal

import pytest
from django.core.management import call_command

from accounts.selectors import bureau_organization
from documents.contract_money import city_of
from documents.models import Contract, DocumentKind
from documents.rendering import render_html
from tests.documents.helpers import awarded_contract

pytestmark = pytest.mark.django_db

WAN = re.compile(r"([0-9]+(?:\.[0-9]+)?)万元")
TOTALS = re.compile(r"总额(?:即[^0-9—]*?)?为?([0-9]+(?:\.[0-9]+)?)万元")


def _text(document) -> str:
    html = render_html(document.template.body, document.snapshot)
    return re.sub(r"<[^>]+>|\s+", "", html)


def assert_reconciles(snapshot):
    funding = Decimal(snapshot["funding"]["total"])
    assert funding == Decimal(snapshot["funding"]["enterprise"]) + Decimal(
        snapshot["funding"]["government"]
    )
    assert sum(Decimal(t["amount"]) for t in snapshot["tranches"]) == funding
    budget = snapshot["budget"]
    assert Decimal(budget["total"]) == funding
    if not budget["lump_sum"]:
        assert sum(Decimal(line["amount"]) for line in budget["lines"]) == funding
        for line in budget["lines"]:
            assert Decimal(line["government"]) + Decimal(line["self_raised"]) == Decimal(
                line["amount"]
            )


def assert_one_amount(document):
    """Every total the text states (经费总额, 预算总额, 包干经费总额) is the one amount."""
    text = _text(document)
    funding = Decimal(document.snapshot["funding"]["total"])
    totals = {Decimal(n) for n in TOTALS.findall(text)}
    assert totals == {funding}, (document.number, totals)
    # No amount anywhere exceeds the contract amount.
    assert all(Decimal(n) <= funding for n in WAN.findall(text))


def test_the_contract_states_the_bounty_share_once():
    contract, _officer = awarded_contract()
    for document in contract.current_documents():
        snapshot = document.snapshot
        assert snapshot["funding"]["total"] == "800.0000"
        assert_reconciles(snapshot)
        assert_one_amount(document)
    tri_party = next(d for d in contract.current_documents() if d.kind == DocumentKind.TRI_PARTY)
    assert "预算总额即本协议第三条约定的经费总额800.0000万元" in _text(tri_party)
    task_book = next(d for d in contract.current_documents() if d.kind == DocumentKind.TASK_BOOK)
    assert "财政资金" in _text(task_book)
    assert "自筹资金" in _text(task_book)


def test_a_horse_race_contract_states_the_declared_parallel_share():
    from bounty.models import Challenge

    contract, _officer = awarded_contract(render=False)
    challenge = contract.project.challenge
    Challenge.objects.filter(pk=challenge.pk).update(
        winners_allowed=2, parallel_share=Decimal("300"), continuation_amount=Decimal("200")
    )
    from documents.contracts import contract_snapshot

    contract.refresh_from_db()
    snapshot = contract_snapshot(Contract.objects.get(pk=contract.pk))
    assert snapshot["funding"]["total"] == "300.0000"
    # The challenge's split (600 enterprise + 200 government) applies to the share.
    assert snapshot["funding"]["government"] == "75.0000"
    assert snapshot["funding"]["enterprise"] == "225.0000"
    assert sum(Decimal(t["amount"]) for t in snapshot["tranches"]) == Decimal("300")


def test_city_and_dispute_body_come_from_the_bureau(settings):
    settings.JIEBANG = {**settings.JIEBANG, "CONTRACT_CITY": "", "DISPUTE_BODY": ""}
    from accounts.models import Organization

    contract, _officer = awarded_contract(render=False)
    bureau = bureau_organization()
    Organization.objects.filter(pk=bureau.pk).update(name="常州市科学技术局")
    issuer = contract.project.challenge.issuer
    Organization.objects.filter(pk=issuer.pk).update(address="常州市高新区创新路1号")
    from documents.contracts import contract_prepare, contract_snapshot

    contract.delete()
    contract = contract_prepare(project=contract.project)
    assert contract.sign_place == "常州市"
    assert contract.dispute_body == "常州市仲裁委员会"
    snapshot = contract_snapshot(contract)
    assert snapshot["contract"]["city"] == "常州市"
    for document in contract.current_documents():
        assert "示范市" not in _text(document)
        assert "常州市揭榜挂帅科技项目" in _text(document)
    # A setting overrides only when set.
    settings.JIEBANG = {**settings.JIEBANG, "CONTRACT_CITY": "溧阳市"}
    assert contract_snapshot(contract)["contract"]["city"] == "溧阳市"


def test_city_of_a_bureau_name():
    assert city_of("常州市科学技术局") == "常州市"
    assert city_of("江苏省苏州市科学技术局") == "苏州市"
    assert city_of("科学技术局") == ""


def test_every_demo_contract_reconciles_and_states_one_amount():
    call_command("seed_demo")
    contracts = list(Contract.objects.all())
    assert contracts
    for contract in contracts:
        for document in contract.current_documents():
            snapshot = document.snapshot  # the stored snapshot the document was made from
            assert_reconciles(snapshot)
            assert_one_amount(document)
            text = _text(document)
            assert "示范市" not in text
            assert snapshot["contract"]["city"] == "常州市"
            assert snapshot["contract"]["dispute_body"] == "常州市仲裁委员会"


def test_the_lump_sum_snapshot_states_the_bids_lump_sum():
    """Review M1: under 包干制 the budget states the bid's lump sum, not the funding total,
    and reconciles only when they agree."""
    from bounty.models import Bid
    from documents.contracts import contract_snapshot

    contract, _officer = awarded_contract(render=False)
    Bid.objects.filter(pk=contract.project.bid_id).update(
        lump_sum=True, lump_sum_amount=Decimal("750"), pi_commitment=True
    )
    budget = contract_snapshot(Contract.objects.get(pk=contract.pk))["budget"]
    assert budget["lump_sum"] is True
    assert budget["total"] == "750.0000"
    assert budget["reconciles"] is False
    Bid.objects.filter(pk=contract.project.bid_id).update(lump_sum_amount=Decimal("800"))
    budget = contract_snapshot(Contract.objects.get(pk=contract.pk))["budget"]
    assert (budget["total"], budget["reconciles"]) == ("800.0000", True)


def test_a_budget_whose_columns_do_not_follow_the_split_does_not_reconcile_and_is_refused():
    """Review M1: the total is right but the 财政 / 自筹 columns are not the share's
    government / enterprise parts: the contract cannot be prepared (nor generated again)."""
    from accounts.exceptions import ActionRefused
    from bounty.models import BudgetLine
    from documents.contracts import contract_prepare, contract_regenerate, contract_snapshot

    contract, officer = awarded_contract(render=False)
    bid = contract.project.bid
    # Every line moved into the government column: total 800 still, columns 800 / 0.
    for line in bid.budget_lines.all():
        BudgetLine.objects.filter(pk=line.pk).update(
            government_amount=line.amount, self_raised_amount=0
        )
    budget = contract_snapshot(Contract.objects.get(pk=contract.pk))["budget"]
    assert budget["total"] == "800.0000"
    assert budget["reconciles"] is False
    with pytest.raises(ActionRefused):
        contract_regenerate(contract=contract, by=officer)
    project = contract.project
    contract.delete()
    with pytest.raises(ActionRefused):
        contract_prepare(project=project)
    assert not Contract.objects.filter(project=project).exists()
