"""Issue 16 point 7: 赛马制 money — on elimination the eliminated team's unpaid tranches are
cancelled (paid ones untouched) and the continuation amount goes to the last survivor as a
new tranche, with a generated 补充协议 (kind ``supplement``) stored with its SHA-256; the
tranche falls due only once the 补充协议 is in force: since issue 17, signed by the three
parties like the contract (generated is not enough)."""

from decimal import Decimal

import pytest

from accounts.exceptions import ActionRefused
from bounty.bids import services as bid_services
from bounty.demo_payments import pay, pay_due_tranches
from bounty.models import (
    Bid,
    BidStatus,
    Challenge,
    ChallengeStatus,
    PaymentPart,
    ProjectStatus,
    Tranche,
    TrancheStatus,
)
from bounty.projects import closing
from bounty.projects import services as projects
from documents import contracts
from documents.models import Contract, Document, DocumentKind, DocumentStatus, Party
from documents.services import document_render
from tests.bounty.bids.helpers import complete_bid
from tests.bounty.helpers import published
from tests.factories import bureau_officer, make_meeting

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


def sign_supplement(project, officer):
    """The three parties sign the survivor's 补充协议 (documents/supplement_signing.py)."""
    from documents.models import Supplement
    from documents.supplement_signing import supplement_sign

    supplement = Supplement.objects.get(contract__project=project)
    team, issuer = project.bid.created_by, project.challenge.created_by
    for party, user in ((Party.TEAM, team), (Party.ISSUER, issuer), (Party.BUREAU, officer)):
        supplement_sign(
            supplement=supplement, party=party, by=user, method="online", password=PASSWORD
        )


def test_elimination_cancels_unpaid_tranches_and_gives_the_continuation_by_supplement():
    (loser, survivor), officer = horse_race()
    first = loser.tranches.get(number=0)
    assert first.status == TrancheStatus.ELIGIBLE
    pay_due_tranches(loser, officer=officer)  # the enterprise's funds first, then 首付款
    first.refresh_from_db()
    assert first.status == TrancheStatus.DISBURSED
    before = sum(t.amount for t in survivor.tranches.all())

    closing.project_terminate(
        project=loser,
        by=officer,
        outcome="eliminated",
        reason="中期评估指标落后",
        meeting=make_meeting(by=officer),
    )

    statuses = dict(loser.tranches.values_list("number", "status"))
    assert statuses[0] == TrancheStatus.DISBURSED  # paid: untouched
    assert {s for n, s in statuses.items() if n} == {TrancheStatus.CANCELLED}
    added = survivor.tranches.filter(continuation=True)
    assert sum(t.amount for t in added) == Decimal("300.0000")
    # Its condition is "补充协议生效": not payable before the supplement is in force.
    assert {t.status for t in added} == {TrancheStatus.PENDING}
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
    # Issue 17: generated (READY) is not in force; the three parties sign it, then it is due.
    assert {t.status for t in survivor.tranches.filter(continuation=True)} == {
        TrancheStatus.PENDING
    }
    sign_supplement(survivor, officer)
    assert {t.status for t in survivor.tranches.filter(continuation=True)} == {
        TrancheStatus.ELIGIBLE
    }
    assert not Document.objects.filter(
        kind=DocumentKind.SUPPLEMENT, subject_id=loser.contract.pk
    ).exists()


def test_continuation_is_not_payable_before_the_supplement_is_ready():
    (loser, survivor), officer = horse_race()
    closing.project_terminate(
        project=loser,
        by=officer,
        outcome="eliminated",
        reason="淘汰",
        meeting=make_meeting(by=officer),
    )
    tranche = survivor.tranches.get(continuation=True)
    assert tranche.status == TrancheStatus.PENDING
    with pytest.raises(ActionRefused):  # the government's part only once it is due
        pay(tranche, PaymentPart.GOVERNMENT, by=officer, reference="PAY-EARLY")
    assert not tranche.disbursements.exists()


def test_three_team_race_gives_the_whole_continuation_to_the_last_survivor():
    (a, b, c), officer = horse_race(teams=3, share=Decimal("200.00"))
    closing.project_terminate(
        project=a, by=officer, outcome="eliminated", reason="淘汰", meeting=make_meeting(by=officer)
    )
    # Two still run: nothing is given yet, only a's unpaid tranches are cancelled.
    assert not Tranche.objects.filter(continuation=True).exists()
    assert not Document.objects.filter(kind=DocumentKind.SUPPLEMENT).exists()
    assert {t.status for t in a.tranches.all()} == {TrancheStatus.CANCELLED}
    closing.project_terminate(
        project=b,
        by=officer,
        outcome="eliminated",
        reason="再淘汰",
        meeting=make_meeting(by=officer),
    )
    # c is the last survivor: the whole continuation (800 - 3 × 200), and nothing lost.
    added = Tranche.objects.get(continuation=True)
    assert added.project_id == c.pk
    assert added.amount == Decimal("200.0000")
    assert added.enterprise_part + added.government_part == added.amount
    assert added.government_part == Decimal("50.0000")  # the bounty's 600 : 200
    assert added.status == TrancheStatus.PENDING
    supplement = Document.objects.get(kind=DocumentKind.SUPPLEMENT)
    assert supplement.subject == Contract.objects.get(project=c)
    assert supplement.snapshot["supplement"]["eliminated_team"] == b.bid.lead.name
    assert not Tranche.objects.filter(
        project__in=[a, b], status__in=(TrancheStatus.PENDING, TrancheStatus.ELIGIBLE)
    ).exists()
    document_render(supplement.pk)
    added.refresh_from_db()
    assert added.status == TrancheStatus.PENDING  # generated, not yet signed (issue 17)
    sign_supplement(c, officer)
    added.refresh_from_db()
    assert added.status == TrancheStatus.ELIGIBLE


def test_elimination_locks_the_challenge_before_the_project(monkeypatch):
    (loser, _survivor), officer = horse_race()
    order = []
    real_lock_race, real_lock = closing.lock_race, closing._lock

    def lock_race(project):
        order.append("challenge")
        return real_lock_race(project)

    def lock(project):
        order.append("project")
        return real_lock(project)

    monkeypatch.setattr(closing, "lock_race", lock_race)
    monkeypatch.setattr(closing, "_lock", lock)
    closing.project_terminate(
        project=loser,
        by=officer,
        outcome="eliminated",
        reason="淘汰",
        meeting=make_meeting(by=officer),
    )
    assert order == ["challenge", "project"]
