"""A bid from start to receipt through the API with a token, validated by the web's forms
and written by the web's services; sealed until the deadline."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from bounty.challenges.funding import team_funding
from bounty.models import Bid, BidStatus, BidVersion
from tests.api.conftest import error_of, token_client
from tests.bounty.bids.helpers import PDF, complete_bid, team
from tests.bounty.helpers import published

pytestmark = pytest.mark.django_db


def _draft_payload(challenge, user):
    return {
        "pi_email": user.email,
        "pi_title": "教授",
        "summary": "掺杂包覆协同",
        "technical_approach": "Al/Zr 共掺杂 + 单晶化 + 原子层沉积包覆。",
        "risk_plan": "中试放大风险：预留两轮工艺迭代。",
        "expected_results": "发明专利 3 项，工艺包 1 套。",
        "responses": [
            {"indicator_id": i.pk, "committed_value": str(i.target_value + 1), "note": "见方案"}
            for i in challenge.indicators.all()
        ],
        "milestones": [
            {"title": "小试", "due_month": 6, "deliverables": "小试样品", "tranche_share": "40"},
            {"title": "中试", "due_month": 18, "deliverables": "中试报告", "tranche_share": "60"},
        ],
        "budget": [
            {
                "category": "operating",
                # The 财政 / 自筹 columns follow the bounty's split of the share.
                "government_amount": str(team_funding(challenge)[1]),
                "self_raised_amount": str(team_funding(challenge)[0]),
                "note": "",
            }
        ],
        "team": [
            {"name": "张明", "employer": "常州大学", "role": "pi", "email": user.email},
        ],
    }


def test_bid_submitted_end_to_end_with_a_token(django_capture_on_commit_callbacks):
    challenge = published()
    user, org = team()
    api = token_client(user)

    created = api.post(
        f"/api/v1/challenges/{challenge.ocid}/bids/", {"lead": org.pk}, format="json"
    )
    assert created.status_code == 201
    reference = created.json()["reference"]
    assert created.json()["status"] == "draft"

    # The web form's rules apply: shares must add up to 100.
    payload = _draft_payload(challenge, user)
    bad = dict(payload, milestones=[dict(payload["milestones"][0], tranche_share="30")])
    refused = api.patch(f"/api/v1/bids/{reference}/", bad, format="json")
    assert refused.status_code == 400
    assert "milestones" in error_of(refused)["fields"]

    saved = api.patch(f"/api/v1/bids/{reference}/", payload, format="json")
    assert saved.status_code == 200, saved.json()
    body = saved.json()
    assert body["summary"] == "掺杂包覆协同"
    assert [m["tranche_share"] for m in body["milestones"]] == ["40.00", "60.00"]
    assert body["pi"] == user.full_name

    # Files are checked by content, whatever their name says.
    fake = api.post(
        f"/api/v1/bids/{reference}/attachments/",
        {"kind": "plan", "file": SimpleUploadedFile("plan.pdf", b"MZ\x90\x00 not a pdf")},
        format="multipart",
    )
    assert fake.status_code == 400
    assert "file" in error_of(fake)["fields"]
    attached = api.post(
        f"/api/v1/bids/{reference}/attachments/",
        {"kind": "plan", "file": SimpleUploadedFile("实施方案.pdf", PDF)},
        format="multipart",
    )
    assert attached.status_code == 201
    assert attached.json()["content_kind"] == "pdf"

    with django_capture_on_commit_callbacks(execute=True):
        submitted = api.post(f"/api/v1/bids/{reference}/submit/")
    assert submitted.status_code == 201, submitted.json()
    receipt = submitted.json()
    version = BidVersion.objects.get(bid__reference=reference)
    assert receipt["number"] == 1
    assert receipt["content_sha256"] == version.content_sha256
    assert receipt["attachments"][0]["name"] == "实施方案.pdf"
    assert api.get(f"/api/v1/bids/{reference}/receipts/1/").json() == receipt
    assert Bid.objects.get(reference=reference).status == BidStatus.SUBMITTED
    actions = set(AuditEvent.objects.filter(actor=user).values_list("action", flat=True))
    assert {"bid.create", "bid.update", "bid.attach", "bid.submit"} <= actions

    withdrawn = api.post(f"/api/v1/bids/{reference}/withdraw/")
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn"


def test_patch_changes_only_what_is_sent():
    challenge = published()
    user, org = team()
    bid = complete_bid(challenge, user, org)
    api = token_client(user)
    response = api.patch(f"/api/v1/bids/{bid.reference}/", {"summary": "新摘要"}, format="json")
    assert response.status_code == 200
    bid.refresh_from_db()
    assert bid.summary == "新摘要"
    assert bid.milestones.count() == 2
    assert bid.technical_approach.startswith("Al/Zr")
    assert sum(b.amount for b in bid.budget_lines.all()) == challenge.team_share()


def test_sealed_bid_is_invisible_outside_the_team_before_the_deadline():
    challenge = published()
    user, org = team()
    bid = complete_bid(challenge, user, org)
    from bounty.bids import services as bid_services
    from tests.factories import bureau_officer

    bid_services.bid_submit(bid=bid, by=user)
    outsiders = [challenge.created_by, bureau_officer(), team()[0]]
    for outsider in outsiders:
        api = token_client(outsider)
        assert api.get(f"/api/v1/bids/{bid.reference}/").status_code == 404
        assert api.get(f"/api/v1/challenges/{challenge.ocid}/bids/").status_code == 404
        assert bid.reference not in str(api.get("/api/v1/bids/").json())
        detail = api.get(f"/api/v1/challenges/{challenge.ocid}/").json()
        assert bid.reference not in str(detail)
    # A superuser is no exception (predicates never consult is_superuser).
    from tests.factories import UserFactory

    root = UserFactory(is_superuser=True, is_staff=True)
    assert token_client(root).get(f"/api/v1/bids/{bid.reference}/").status_code == 404


def test_session_auth_needs_csrf_for_writes(client):
    from django.test import Client

    challenge = published()
    user, _org = team()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    assert browser.get("/api/v1/me/").status_code == 200
    url = f"/api/v1/challenges/{challenge.ocid}/bids/"
    refused = browser.post(url, {}, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in error_of(refused)["message"]
    assert not Bid.objects.exists()
