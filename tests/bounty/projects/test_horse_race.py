"""Issue 16 point 7: 赛马制 money — on elimination the eliminated team's unpaid tranches are
cancelled (paid ones untouched) and the continuation amount goes to the survivor(s) as new
tranches, with a generated 补充协议 (kind ``supplement``) stored with its SHA-256."""

from decimal import Decimal

import pytest
from django.utils import timezone

from bounty.bids import services as bid_services
from bounty.models import (
    Bid,
    BidStatus,
    Challenge,
    ChallengeStatus,
    ProjectStatus,
    Tranche,
    TrancheStatus,
)
from bounty.projects import closing
from bounty.projects import services as projects
from bounty.projects.horse_race import continuation_split
from documents import contracts
from documents.models import Contract, Document, DocumentKind, DocumentStatus, Party
from documents.services import document_render
from tests.bounty.bids.helpers import complete_bid
from tests.bounty.helpers import published
from tests.factories import bureau_officer

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-1"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def horse_race(teams=2, share=Decimal("250.00")):
    """A horse race with ``teams`` active parallel projects, every contract signed (bounty
    800 = teams × share + the continuation)."""
    officer = bureau_officer()
    challenge = published(
        officer=officer,
        winners_allowed=teams,
        parallel_share=share,
        continuation_amount=Decimal("800.00") - teams * share,
    )
    bids = []
    for _ in range(teams):
        bid = complete_bid(challenge)
        bid_services.bid_submit(bid=bid, by=bid.created_by)
        bids.append(bid)
    Challenge.objects.filter(pk=challenge.pk).update(status=ChallengeStatus.AWARDED)
    Bid.objects.filter(pk__in=[b.pk for b in bids]).update(status=BidStatus.WINNER)
    result = []
    for bid in bids:
        project = projects.project_create_for_award(bid=Bid.objects.get(pk=bid.pk))
        contract = Contract.objects.get(project=project)
        for document in contract.current_documents():
            document_render(document.pk)
        team, issuer = bid.created_by, challenge.created_by
        for party, user in ((Party.TEAM, team), (Party.ISSUER, issuer), (Party.BUREAU, officer)):
            contracts.contract_sign(
                contract=contract, party=party, by=user, method="online", password=PASSWORD
            )
        project.refresh_from_db()
        assert project.status == ProjectStatus.ACTIVE
        result.append(project)
    return result, officer


def test_continuation_split_gives_the_remainder_to_the_first():
    assert continuation_split(Decimal("100"), 3) == [
        Decimal("33.3334"),
        Decimal("33.3333"),
        Decimal("33.3333"),
    ]
    assert sum(continuation_split(Decimal("100"), 3)) == Decimal("100")


def test_elimination_cancels_unpaid_tranches_and_gives_the_continuation_by_supplement():
    (loser, survivor), officer = horse_race()
    first = loser.tranches.get(number=0)
    assert first.status == TrancheStatus.ELIGIBLE
    projects.disbursement_record(
        tranche=first,
        by=officer,
        amount=first.amount,
        paid_on=timezone.localdate(),
        reference="PAY-1",
    )
    first.refresh_from_db()
    assert first.status == TrancheStatus.DISBURSED
    before = sum(t.amount for t in survivor.tranches.all())

    closing.project_terminate(
        project=loser, by=officer, outcome="eliminated", reason="中期评估指标落后"
    )

    statuses = dict(loser.tranches.values_list("number", "status"))
    assert statuses[0] == TrancheStatus.DISBURSED  # paid: untouched
    assert {s for n, s in statuses.items() if n} == {TrancheStatus.CANCELLED}
    added = survivor.tranches.filter(continuation=True)
    assert sum(t.amount for t in added) == Decimal("300.0000")
    assert sum(t.amount for t in survivor.tranches.all()) == before + Decimal("300")
    for tranche in added:
        assert tranche.enterprise_part + tranche.government_part == tranche.amount

    contract = Contract.objects.get(project=survivor)
    supplement = Document.objects.get(kind=DocumentKind.SUPPLEMENT)
    assert supplement.subject == contract
    assert supplement.snapshot["supplement"]["amount"] == "300.0000"
    assert supplement.snapshot["supplement"]["eliminated_team"] == loser.bid.lead.name
    document_render(supplement.pk)
    supplement.refresh_from_db()
    assert supplement.status == DocumentStatus.READY
    assert len(supplement.sha256) == 64
    assert not Document.objects.filter(
        kind=DocumentKind.SUPPLEMENT, subject_id=loser.contract.pk
    ).exists()


def test_three_team_race_splits_equally_and_pays_the_continuation_once():
    (loser, _a, b), officer = horse_race(teams=3, share=Decimal("200.00"))
    closing.project_terminate(project=loser, by=officer, outcome="eliminated", reason="淘汰")
    shares = sorted(
        Tranche.objects.filter(continuation=True).values_list("amount", flat=True), reverse=True
    )
    assert shares == [Decimal("100.0000"), Decimal("100.0000")]
    assert Document.objects.filter(kind=DocumentKind.SUPPLEMENT).count() == 2
    closing.project_terminate(project=b, by=officer, outcome="eliminated", reason="再淘汰")
    assert Tranche.objects.filter(continuation=True).count() == 2  # not paid again
    assert Tranche.objects.get(project=b, continuation=True).status == TrancheStatus.CANCELLED
