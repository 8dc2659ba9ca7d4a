"""Public reads: challenge detail (clarifications without the asker), notices and awards,
verification of a document by its SHA-256."""

import pytest

from bounty.challenges import services
from bounty.models import Bid, BidStatus, Challenge, ChallengeStatus
from tests.api.conftest import error_of, token_client
from tests.bounty.bids.helpers import complete_bid, team
from tests.bounty.helpers import published

pytestmark = pytest.mark.django_db


def test_clarifications_never_name_the_asker_and_unanswered_stay_private():
    challenge = published()
    asker, _org = team()
    answered = services.clarification_ask(challenge=challenge, by=asker, question="样品数量？")
    services.clarification_answer(clarification=answered, by=challenge.created_by, answer="三件。")
    services.clarification_ask(challenge=challenge, by=asker, question="能否延期？")
    url = f"/api/v1/challenges/{challenge.ocid}/"
    public = token_client(None).get(url).json()
    assert [c["question"] for c in public["clarifications"]] == ["样品数量？"]
    assert set(public["clarifications"][0]) == {
        "id",
        "question",
        "asked_at",
        "answer",
        "answered_at",
    }
    assert asker.username not in str(public)
    assert asker.full_name not in str(public)
    # The asker sees their own open question; the issuer sees all, still without names.
    mine = token_client(asker).get(url).json()["clarifications"]
    assert len(mine) == 2
    issuer_view = token_client(challenge.created_by).get(url).json()
    assert len(issuer_view["clarifications"]) == 2
    assert asker.full_name not in str(issuer_view)
    assert public["indicators"]
    assert sum(c["weight"] for c in public["criteria"]) == 100


def test_notices_and_awards_list_the_winners():
    challenge = published()
    bid = complete_bid(challenge)
    Challenge.objects.filter(pk=challenge.pk).update(status=ChallengeStatus.IN_NOTICE)
    Bid.objects.filter(pk=bid.pk).update(status=BidStatus.PROPOSED_WINNER)
    anonymous = token_client(None)
    notices = anonymous.get("/api/v1/notices/").json()["results"]
    assert [n["ocid"] for n in notices] == [challenge.ocid]
    assert notices[0]["winners"][0]["lead"] == bid.lead.name
    assert anonymous.get(f"/api/v1/notices/{challenge.ocid}/").status_code == 200
    assert anonymous.get("/api/v1/awards/").json()["count"] == 0
    Challenge.objects.filter(pk=challenge.pk).update(status=ChallengeStatus.AWARDED)
    Bid.objects.filter(pk=bid.pk).update(status=BidStatus.WINNER)
    awards = anonymous.get("/api/v1/awards/").json()["results"]
    assert awards[0]["winners"][0]["reference"] == bid.reference
    other = published()
    missing = anonymous.get(f"/api/v1/notices/{other.ocid}/")
    assert missing.status_code == 404
    error_of(missing)


def test_verify_a_contract_document_by_its_hash():
    from tests.documents.helpers import awarded_contract

    contract, _officer = awarded_contract()
    document = contract.current_documents()[0]
    document.refresh_from_db()
    anonymous = token_client(None)
    found = anonymous.get(f"/api/v1/verify/{document.sha256.upper()}/").json()
    assert found["found"] is True
    assert found["what"] == "document"
    assert found["number"] == document.number
    assert found["current"] is True
    unknown = anonymous.get("/api/v1/verify/" + "ab" * 32 + "/").json()
    assert unknown == {"sha256": "ab" * 32, "found": False}
