"""Experts through the API (invitation, declaration, scoring, submission) and projects
(the three parties; milestone report) — the web's services and predicates."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from review.draw.seats import seat_accept
from review.models import ScoreSheet, SeatStatus
from tests.api.conftest import error_of, token_client
from tests.bounty.bids.helpers import team
from tests.bounty.projects.test_services import active_project, open_window
from tests.factories import UserFactory
from tests.review.draw.helpers import (
    closed_challenge_with_bids,
    formal_check_done,
    make_expert,
    run_draw,
)

pytestmark = pytest.mark.django_db


def test_expert_accepts_declares_scores_and_submits():
    challenge, bids, officer = closed_challenge_with_bids(1)
    formal_check_done(challenge, officer)  # a panel sees bids only after it
    for _ in range(9):
        make_expert(user=UserFactory())
    draw = run_draw(challenge, officer, params={"size": 5, "alternates": 2})
    seats = list(draw.seats.filter(on_panel=True).select_related("expert__user").order_by("rank"))
    seat, bid = seats[0], bids[0]
    api = token_client(seat.expert.user)

    listed = api.get("/api/v1/invitations/").json()
    assert [row["id"] for row in listed] == [seat.pk]
    # No score sheet before accepting and declaring.
    assert api.get(f"/api/v1/invitations/{seat.pk}/scores/{bid.pk}/").status_code == 404
    refused = api.post(
        f"/api/v1/invitations/{seat.pk}/accept/", {"undertaking": False}, format="json"
    )
    assert refused.status_code == 409
    error_of(refused)
    accepted = api.post(
        f"/api/v1/invitations/{seat.pk}/accept/", {"undertaking": True}, format="json"
    )
    assert accepted.status_code == 200
    assert accepted.json()["status"] == SeatStatus.ACCEPTED
    declared = api.post(
        f"/api/v1/invitations/{seat.pk}/declare/",
        {"bid": bid.pk, "outcome": "none"},
        format="json",
    )
    assert declared.json()["bids"][0]["may_read"] is True
    assert api.get(f"/api/v1/bids/{bid.reference}/").status_code == 200

    criteria = list(challenge.criteria.order_by("position"))
    url = f"/api/v1/invitations/{seat.pk}/scores/{bid.pk}/"
    missing = api.put(url, {"scores": [{"criterion": criteria[0].pk, "value": 80}]}, format="json")
    assert missing.status_code == 400
    assert f"criterion.{criteria[0].pk}" in error_of(missing)["fields"]
    sheet = {
        "scores": [{"criterion": c.pk, "value": 75, "justification": "依据充分"} for c in criteria]
    }
    saved = api.put(url, sheet, format="json")
    assert saved.status_code == 200
    assert {row["value"] for row in saved.json()["scores"]} == {75}
    submitted = api.post(f"/api/v1/invitations/{seat.pk}/scores/submit/")
    assert submitted.status_code == 200
    assert ScoreSheet.objects.get(seat=seat, bid=bid).status == ScoreSheet.Status.SUBMITTED
    locked = api.put(url, sheet, format="json")
    assert locked.status_code == 409
    # Another panel member cannot reach this expert's seat.
    other = seats[1]
    seat_accept(seat=other, by=other.expert.user, undertaking=True)
    assert token_client(other.expert.user).get(f"/api/v1/invitations/{seat.pk}/").status_code == 404


def test_projects_for_the_three_parties_and_a_milestone_report():
    project, team_user, issuer, officer = active_project()
    outsider, _org = team()
    for user, expected in ((team_user, 200), (issuer, 200), (officer, 200), (outsider, 404)):
        assert token_client(user).get(f"/api/v1/projects/{project.pk}/").status_code == expected
        listed = [p["id"] for p in token_client(user).get("/api/v1/projects/").json()["results"]]
        assert (project.pk in listed) is (expected == 200)
    milestone = open_window(project.milestones.order_by("number").first())
    api = token_client(team_user)
    url = f"/api/v1/projects/{project.pk}/milestones/{milestone.number}/report/"
    empty = api.post(url, {"text": " "}, format="multipart")
    assert empty.status_code == 400
    assert "text" in error_of(empty)["fields"]
    assert token_client(issuer).post(url, {"text": "x"}, format="multipart").status_code == 409
    indicator = project.bid.responses.first().indicator_id
    reported = api.post(
        url,
        {
            "text": "完成小试，指标达到承诺值。",
            f"measured_{indicator}": "92 %",
            "files": [SimpleUploadedFile("测试报告.pdf", b"%PDF-1.4 measured")],
        },
        format="multipart",
    )
    assert reported.status_code == 201, reported.json()
    assert len(reported.json()["files"]) == 1
    milestone.refresh_from_db()
    assert milestone.status == "report_submitted"
    report = milestone.reports.get()
    assert report.measurements[0]["measured"] == "92 %"
