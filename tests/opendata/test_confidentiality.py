"""OCDS releases of a restricted or confidential challenge carry only its public part and
say so; they still validate (issue 16, point 4)."""

import json

import pytest

from bounty.challenges import services as bounty_services
from opendata.ocds.packages import release_package
from opendata.validation import package_errors, release_errors
from tests.bounty.challenges.confidential import SUMMARY, hidden_words, restricted
from tests.factories import bureau_officer

pytestmark = pytest.mark.django_db


def valid_package(challenge):
    data = release_package(challenge)
    assert package_errors(data) == []
    for release in data["releases"]:
        assert release_errors(release) == []
    return data


@pytest.mark.parametrize("level", ["internal", "secret"])
def test_a_non_public_tender_carries_only_the_public_summary(level):
    officer = bureau_officer()
    challenge = restricted(level, officer=officer)
    bounty_services.challenge_amend(
        challenge=challenge,
        by=officer,
        reason="补充保密样机图纸要求",
        data={"deliverable": "保密样机图纸二版", "period_months": 30},
    )
    data = valid_package(challenge)
    text = json.dumps(data, ensure_ascii=False)
    for word in (*hidden_words(), "保密样机图纸"):
        assert word not in text, word
    first, amended = data["releases"]
    for release in (first, amended):
        tender = release["tender"]
        assert tender["description"].startswith(SUMMARY)
        assert "NDA" in tender["description"] or "保密" in tender["description"]
        # The industry is public: one item carrying only its classification.
        (item,) = tender["items"]
        assert set(item) == {"id", "classification"}
        assert item["classification"]["id"] == challenge.industry.code
        assert "eligibilityCriteria" not in tender
        assert "awardCriteriaDetails" not in tender
        assert tender["value"]["amount"] == 8000000  # the bounty stays public
        assert tender["tenderPeriod"]["endDate"]
    (amendment,) = amended["tender"]["amendments"]
    assert "30" in amendment["description"]  # a public field's change is shown


def test_a_public_tender_is_unchanged():
    from tests.bounty.helpers import published

    tender = valid_package(published())["releases"][0]["tender"]
    assert "循环寿命容量保持率" in tender["description"]
    assert tender["items"]


def test_the_contact_person_of_a_non_public_challenge_is_not_published():
    from tests.bounty.challenges.confidential import PRIVATE_FACTS, private_fact_words
    from tests.bounty.helpers import published

    data = valid_package(restricted(**PRIVATE_FACTS))
    text = json.dumps(data, ensure_ascii=False)
    for word in private_fact_words():
        assert word not in text, word
    buyer = data["releases"][0]["parties"][0]
    assert "contactPoint" not in buyer
    public = valid_package(published(**PRIVATE_FACTS))["releases"][0]["parties"][0]
    assert public["contactPoint"]["name"] == PRIVATE_FACTS["contact_name"]
