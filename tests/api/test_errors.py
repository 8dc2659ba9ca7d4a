"""One error format, the right status codes, the request's language, and never a 500 for
bad input."""

import pytest

from tests.api.conftest import error_of, token_client
from tests.bounty.bids.helpers import complete_bid, team
from tests.bounty.helpers import published

pytestmark = pytest.mark.django_db


def test_invalid_board_parameters_are_400_naming_the_fields(api):
    response = api(None).get(
        "/api/v1/challenges/", {"amount_min": "abc", "deadline_from": "tomorrow", "sort": "x"}
    )
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"amount_min", "deadline_from", "sort"}


def test_message_in_the_request_language(api):
    client = api(None)
    zh = client.get("/api/v1/challenges/", {"amount_min": "abc"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    en = client.get("/api/v1/challenges/", {"amount_min": "abc"}, HTTP_ACCEPT_LANGUAGE="en")
    assert error_of(en)["fields"]["amount_min"] == ["Enter a number."]
    assert error_of(zh)["fields"]["amount_min"] == ["输入一个数字。"]
    missing = client.get("/api/v1/challenges/nope/", HTTP_ACCEPT_LANGUAGE="en")
    assert error_of(missing)["message"] == "Not found."


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/no-such-endpoint/",
        "/api/v1/challenges/ocds-none-2026-000001/",
        "/api/v1/notices/unknown/",
        "/api/v1/organizations/abc/",
        "/api/v1/organizations/-1/",
        "/api/v1/organizations/99999999999999999999999999/",
        "/api/v1/projects/0/",
        "/api/v1/bids/B-NOPE/",
        "/api/v1/bids/B-NOPE/receipts/99999999/",
        "/api/v1/invitations/123456789012345678901234567890/",
    ],
)
def test_unknown_objects_and_invalid_ids_are_404(api, path):
    user, _org = team()
    response = api(user).get(path)
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_unauthenticated_is_401_with_the_scheme():
    response = token_client(None).get("/api/v1/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert error_of(response)["code"] == "not_authenticated"


def test_bad_json_and_wrong_content_type_are_client_errors():
    challenge = published()
    user, _org = team()
    client = token_client(user)
    url = f"/api/v1/challenges/{challenge.ocid}/bids/"
    broken = client.post(url, data="{not json", content_type="application/json")
    assert broken.status_code == 400
    assert error_of(broken)["code"] == "parse_error"
    xml = client.post(url, data="<bid/>", content_type="application/xml")
    assert xml.status_code == 415
    assert error_of(xml)["code"] == "unsupported_media_type"
    wrong_type = client.post(url, {"lead": "first"}, format="json")
    assert wrong_type.status_code == 400
    assert "lead" in error_of(wrong_type)["fields"]


def test_method_not_allowed_is_405():
    response = token_client(None).delete("/api/v1/challenges/")
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"


def test_patch_with_nonsense_is_400_not_500():
    challenge = published()
    user, org = team()
    bid = complete_bid(challenge, user, org)
    client = token_client(user)
    url = f"/api/v1/bids/{bid.reference}/"
    for payload in (
        [1, 2],
        {"milestones": "x"},
        {"milestones": [1]},
        {"team": [{"name": ["a"], "role": {}}]},
        {"unknown": 1},
        {"lump_sum_amount": "lots"},
        {"responses": [{"indicator_id": "x", "committed_value": None}]},
    ):
        response = client.patch(url, payload, format="json")
        assert response.status_code == 400, payload
        assert error_of(response)["code"] == "invalid"


def test_second_submit_is_409_stale_state():
    challenge = published()
    user, org = team()
    bid = complete_bid(challenge, user, org)
    client = token_client(user)
    assert client.post(f"/api/v1/bids/{bid.reference}/submit/").status_code == 201
    again = client.post(f"/api/v1/bids/{bid.reference}/submit/")
    assert again.status_code == 409
    assert error_of(again)["code"] == "stale_state"


def test_incomplete_bid_is_400_listing_what_is_missing():
    challenge = published()
    user, _org = team()
    client = token_client(user)
    created = client.post(f"/api/v1/challenges/{challenge.ocid}/bids/", {}, format="json")
    response = client.post(f"/api/v1/bids/{created.json()['reference']}/submit/")
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "incomplete"
    assert error["fields"]


def test_throttled_is_429_with_retry_after(settings):
    settings.API_THROTTLE_RATES = {"anon": "3/min", "user": "5/min"}
    anonymous = token_client(None)
    codes = [anonymous.get("/api/v1/industries/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = anonymous.get("/api/v1/industries/")
    error = error_of(response)
    assert error["code"] == "throttled"
    assert int(response["Retry-After"]) >= 1
    # Per token: another token of the same user has its own budget.
    user, _org = team()
    first, second = token_client(user), token_client(user)
    assert [first.get("/api/v1/me/").status_code for _ in range(6)][-1] == 429
    assert second.get("/api/v1/me/").status_code == 200
