import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.exceptions import ActionRefused
from bounty.bids import services as bid_services
from bounty.models import Bid, BidStatus, Challenge, ChallengeStatus
from notifications.models import Notification
from review.award import services as award
from review.models import Objection
from review.scoring import services as scoring
from tests.factories import OrganizationFactory, UserFactory, make_meeting, member_of
from tests.review.draw.helpers import make_expert, run_draw
from tests.review.scoring.test_scoring import score, submit_all

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4 evidence"


def reviewed_challenge(totals_by_bid, size=7):
    """Closed challenge → formal check → draw → review → every expert scores."""
    from review.draw.seats import declaration_record, seat_accept
    from tests.bounty.bids.helpers import complete_bid
    from tests.bounty.helpers import force_deadline, published
    from tests.factories import bureau_officer

    officer = bureau_officer()
    challenge = published(officer=officer)
    bids = []
    for _ in totals_by_bid:
        bid = complete_bid(challenge)
        bid_services.bid_submit(bid=bid, by=bid.created_by)
        bids.append(bid)
    force_deadline(challenge, timezone.now() - timedelta(seconds=1))
    bid_services.formal_check_start(challenge=challenge, by=officer)
    bid_services.bids_formal_check_bulk(challenge=challenge, by=officer, bids=bids)
    for _ in range(size + 3):
        make_expert(user=UserFactory())
    draw = run_draw(
        Challenge.objects.get(pk=challenge.pk), officer, params={"size": size, "alternates": 2}
    )
    award.review_start(challenge=challenge, by=officer)
    seats = list(draw.seats.filter(on_panel=True).select_related("expert__user").order_by("rank"))
    criteria = list(challenge.criteria.order_by("-weight", "position"))
    for seat in seats:
        seat_accept(seat=seat, by=seat.expert.user, undertaking=True)
        for bid in bids:
            declaration_record(seat=seat, by=seat.expert.user, bid=bid, outcome="none")
    for bid, totals in zip(bids, totals_by_bid, strict=True):
        for seat, value in zip(seats, totals, strict=True):
            score(seat, bid, criteria, value)
    submit_all(seats)
    return Challenge.objects.get(pk=challenge.pk), bids, officer, criteria


def test_award_flow_with_trim_tie_objection_and_notice():
    from review.models import ScoreSheet

    challenge, bids, officer, criteria = reviewed_challenge(
        [[90, 91, 92, 93, 94, 95, 10], [70] * 7, [72] * 7, [72] * 7]
    )
    # Make bids 2 and 3 tie on the total but differ on the heaviest criterion.
    heaviest, second = criteria[0], criteria[1]
    from review.models import Score

    Score.objects.filter(sheet__bid=bids[2], criterion=heaviest).update(value=80)
    Score.objects.filter(sheet__bid=bids[2], criterion=second).update(value=58)  # 35*8 = 20*14
    ranked = scoring.ranking(challenge)
    assert ranked[0].bid_id == bids[0].pk
    assert ranked[0].aggregate == 92  # 10 and 95 trimmed: (90+91+92+93+94)/5
    assert ranked[1].bid_id == bids[2].pk  # tie broken by the heaviest criterion
    assert ranked[2].bid_id == bids[3].pk
    assert ScoreSheet.objects.filter(status="submitted").count() == 28

    issuer = challenge.created_by
    with pytest.raises(ActionRefused):  # departing from the ranking without a reason
        award.award_propose(challenge=challenge, by=issuer, bids=[bids[1]])
    award.award_propose(challenge=challenge, by=issuer, bids=[bids[0]])
    award.award_confirm(challenge=challenge, by=officer, meeting=make_meeting(by=officer))
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.IN_NOTICE

    objector = UserFactory(full_name="实名异议人")
    objection = award.objection_file(
        challenge=challenge,
        by=objector,
        text="中标方案与公开论文雷同",
        evidence=SimpleUploadedFile("e.pdf", PDF),
        bid=bids[0],
    )
    Challenge.objects.filter(pk=challenge.pk).update(
        notice_ends_at=timezone.now() - timedelta(seconds=1)
    )
    assert award.awards_due() == 0  # frozen by the open objection
    award.objection_decide(objection=objection, by=officer, upheld=False, reason="经核查不构成雷同")
    assert Notification.objects.filter(recipient=objector, kind="review.objection_decided").exists()
    assert award.awards_due() == 1
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.AWARDED
    statuses = dict(Bid.objects.filter(challenge=challenge).values_list("pk", "status"))
    assert statuses[bids[0].pk] == BidStatus.WINNER
    assert {statuses[b.pk] for b in bids[1:]} == {BidStatus.NOT_SELECTED}
    from bounty.models import Project

    assert Project.objects.get().bid_id == bids[0].pk  # the record the contract issue uses
    loser_team = bids[1].created_by
    assert Notification.objects.filter(
        recipient=loser_team, kind="review.bid_not_selected"
    ).exists()


def test_objection_after_the_notice_and_anonymous_are_refused():
    challenge, bids, officer, _criteria = reviewed_challenge([[80] * 5], size=5)
    award.award_propose(challenge=challenge, by=challenge.created_by, bids=[bids[0]])
    award.award_confirm(challenge=challenge, by=officer, meeting=make_meeting(by=officer))
    with pytest.raises(ActionRefused):
        award.objection_file(
            challenge=challenge,
            by=UserFactory(full_name=""),
            text="x",
            evidence=SimpleUploadedFile("e.pdf", PDF),
        )
    Challenge.objects.filter(pk=challenge.pk).update(
        notice_ends_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(ActionRefused):
        award.objection_file(
            challenge=challenge,
            by=UserFactory(full_name="张三"),
            text="迟到的异议",
            evidence=SimpleUploadedFile("e.pdf", PDF),
        )
    assert not Objection.objects.exists()


def test_upheld_objection_disqualifies_and_returns_to_review():
    challenge, bids, officer, _criteria = reviewed_challenge([[80] * 5, [70] * 5], size=5)
    award.award_propose(challenge=challenge, by=challenge.created_by, bids=[bids[0]])
    award.award_confirm(challenge=challenge, by=officer, meeting=make_meeting(by=officer))
    objection = award.objection_file(
        challenge=challenge,
        by=UserFactory(full_name="李四"),
        text="资质造假",
        evidence=SimpleUploadedFile("e.pdf", PDF),
        bid=bids[0],
    )
    award.objection_decide(
        objection=objection, by=officer, upheld=True, reason="查实", disqualify=True
    )
    challenge.refresh_from_db()
    bids[0].refresh_from_db()
    assert challenge.status == ChallengeStatus.UNDER_REVIEW
    assert bids[0].status == BidStatus.DISQUALIFIED


def test_only_passing_bids_can_be_proposed():
    challenge, bids, _officer, _criteria = reviewed_challenge([[50] * 5], size=5)
    with pytest.raises(ActionRefused):
        award.award_propose(challenge=challenge, by=challenge.created_by, bids=[bids[0]])


def test_notice_counts_working_days_skipping_holidays():
    start = datetime(2026, 9, 30, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    # National Day holiday 2026-10-01..07 is skipped; 7 working days end on 2026-10-16 (inclusive)
    end = award.notice_end(start, days=7, working_days=True)
    assert timezone.localtime(end).date() > date(2026, 10, 14)
    calendar = award.notice_end(start, days=7, working_days=False)
    assert timezone.localtime(calendar).date() == date(2026, 10, 8)


def test_stranger_cannot_propose_or_confirm():
    challenge, bids, _officer, _criteria = reviewed_challenge([[80] * 5], size=5)
    stranger = member_of(OrganizationFactory(verified=True), "issuer")
    with pytest.raises(ActionRefused):
        award.award_propose(challenge=challenge, by=stranger, bids=[bids[0]])
    award.award_propose(challenge=challenge, by=challenge.created_by, bids=[bids[0]])
    with pytest.raises(ActionRefused):
        award.award_confirm(challenge=challenge, by=challenge.created_by)


def test_public_notice_page_hides_the_objector(client):
    challenge, bids, officer, _criteria = reviewed_challenge([[80] * 5], size=5)
    award.award_propose(challenge=challenge, by=challenge.created_by, bids=[bids[0]])
    award.award_confirm(challenge=challenge, by=officer, meeting=make_meeting(by=officer))
    objector = UserFactory(full_name="王实名")
    client.force_login(objector)
    client.post(
        f"/review/notices/{challenge.ocid}/",
        {
            "action": "file",
            "text": "有异议",
            "evidence": SimpleUploadedFile("e.pdf", PDF),
            "bid": bids[0].pk,
        },
    )
    assert Objection.objects.count() == 1
    client.logout()
    html = client.get(f"/review/notices/{challenge.ocid}/").content.decode()
    assert bids[0].lead.name in html
    assert "王实名" not in html
    client.force_login(officer)
    assert "王实名" in client.get(f"/review/notices/{challenge.ocid}/").content.decode()


def test_losing_team_sees_rank_and_comments_without_names(client):
    challenge, bids, officer, _criteria = reviewed_challenge([[80] * 5, [70] * 5], size=5)
    award.award_propose(challenge=challenge, by=challenge.created_by, bids=[bids[0]])
    award.award_confirm(challenge=challenge, by=officer, meeting=make_meeting(by=officer))
    Challenge.objects.filter(pk=challenge.pk).update(
        notice_ends_at=timezone.now() - timedelta(seconds=1)
    )
    assert award.awards_due() == 1
    client.force_login(bids[1].created_by)
    response = client.get(f"/review/feedback/{bids[1].reference}/")
    assert response.status_code == 200
    assert response.context["entry"].rank == 2
    html = response.content.decode()
    assert "理由" in html
    from review.models import Seat

    for seat in Seat.objects.filter(on_panel=True).select_related("expert"):
        assert seat.expert.name not in html
    client.force_login(bids[0].created_by)
    assert client.get(f"/review/feedback/{bids[1].reference}/").status_code == 404


def test_no_award_when_nobody_passes():
    challenge, _bids, officer, _criteria = reviewed_challenge([[40] * 5], size=5)
    award.no_award(challenge=challenge, by=officer, comment="均未达到 60 分")
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.NO_AWARD


def test_issuer_republishes_after_no_award(client):
    challenge, _bids, officer, _criteria = reviewed_challenge([[40] * 5], size=5)
    award.no_award(challenge=challenge, by=officer, comment="均未达到 60 分")
    client.force_login(challenge.created_by)
    response = client.post(f"/challenges/{challenge.ocid}/republish/")
    copy = Challenge.objects.exclude(pk=challenge.pk).get()
    assert response.url == f"/challenges/{copy.ocid}/edit/"
    assert copy.status == ChallengeStatus.DRAFT
    assert copy.title == challenge.title
    assert copy.indicators.count() == challenge.indicators.count()
    assert copy.bid_deadline is None
    client.force_login(officer)
    client.post(f"/challenges/{challenge.ocid}/republish/")
    assert Challenge.objects.count() == 2


def test_draw_bundle_is_published_after_the_award(client, django_capture_on_commit_callbacks):
    from review.models import Draw

    challenge, bids, officer, _criteria = reviewed_challenge([[80] * 5], size=5)
    draw = Draw.objects.get(challenge=challenge)
    url = f"/review/draws/{draw.pk}/bundle.json"
    record = f"/documents/of/draw_record/{draw.pk}/"
    assert client.get(url).status_code == 404  # hidden before the award
    assert client.get(record).status_code == 404
    award.award_propose(challenge=challenge, by=challenge.created_by, bids=[bids[0]])
    award.award_confirm(challenge=challenge, by=officer, meeting=make_meeting(by=officer))
    Challenge.objects.filter(pk=challenge.pk).update(
        notice_ends_at=timezone.now() - timedelta(seconds=1)
    )
    assert award.awards_due() == 1
    response = client.get(url)
    assert response.status_code == 200
    from review import verify_draw

    bundle = json.loads(response.content)
    assert verify_draw.verify(bundle) == []
    with django_capture_on_commit_callbacks(execute=True):
        client.get(record)  # the draw record PDF, generated on the first request
    pdf = client.get(record)
    assert pdf["Content-Type"] == "application/pdf"
    from documents.models import Document

    snapshot = Document.objects.get(kind="draw_record").snapshot["draw"]
    assert snapshot["seed"] == bundle["seed"]
    assert [s["pseudonym"] for s in snapshot["seats"]][:5] == bundle["panel"]
    assert (
        client.get(draw.get_absolute_url()).status_code == 404
    )  # the draw page itself stays internal
