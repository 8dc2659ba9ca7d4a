from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.exceptions import ActionRefused
from audit.models import AuditEvent
from review.draw.seats import declaration_record, seat_accept
from review.models import ScoreSheet
from review.scoring import services as scoring
from tests.factories import UserFactory, bureau_officer
from tests.review.draw.helpers import (
    closed_challenge_with_bids,
    formal_check_done,
    make_expert,
    run_draw,
)

pytestmark = pytest.mark.django_db


def panel_ready(n_bids=2, size=7, *, checked=True):
    """A completed draw whose panel accepted and declared no conflict with every bid;
    the formal check found every bid eligible unless not ``checked``."""
    challenge, bids, officer = closed_challenge_with_bids(n_bids)
    if checked:
        formal_check_done(challenge, officer)
    for _ in range(size + 4):
        make_expert(user=UserFactory())
    draw = run_draw(challenge, officer, params={"size": size, "alternates": 2})
    seats = list(draw.seats.filter(on_panel=True).select_related("expert__user").order_by("rank"))
    for seat in seats:
        seat_accept(seat=seat, by=seat.expert.user, undertaking=True)
        for bid in bids:
            declaration_record(seat=seat, by=seat.expert.user, bid=bid, outcome="none")
    criteria = list(challenge.criteria.order_by("-weight", "position"))
    return challenge, bids, seats, criteria


def score(seat, bid, criteria, values):
    if isinstance(values, int):
        values = [values] * len(criteria)
    services_values = {c.pk: (v, "理由") for c, v in zip(criteria, values, strict=True)}
    scoring.sheet_save(seat=seat, by=seat.expert.user, bid=bid, values=services_values)


def submit_all(seats):
    for seat in seats:
        scoring.scores_submit(seat=seat, by=seat.expert.user)


def test_seven_experts_outliers_trimmed():
    challenge, bids, seats, criteria = panel_ready(1, 7)
    for seat, total in zip(seats, [80, 82, 84, 86, 88, 90, 20], strict=True):
        score(seat, bids[0], criteria, total)
    submit_all(seats)
    (entry,) = scoring.ranking(challenge)
    # Drop 20 and 90: (80 + 82 + 84 + 86 + 88) / 5 = 84
    assert entry.aggregate == Decimal("84.00")
    assert entry.mean == Decimal("75.71")
    assert entry.median == Decimal("84.00")
    assert entry.flagged  # spread 70 ≥ 20
    assert not entry.undersized
    assert sum(entry.criteria[c.pk] * c.weight for c in criteria) / 100 == entry.aggregate


def test_five_experts_trimmed_mean():
    challenge, bids, seats, criteria = panel_ready(1, 5)
    for seat, total in zip(seats, [60, 70, 75, 80, 100], strict=True):
        score(seat, bids[0], criteria, total)
    submit_all(seats)
    (entry,) = scoring.ranking(challenge)
    assert entry.aggregate == Decimal("75.00")  # (70 + 75 + 80) / 3


def test_four_and_three_scores_use_the_median_and_flag_undersized():
    challenge, bids, seats, criteria = panel_ready(2, 5)
    for seat, total in zip(seats[:4], [60, 70, 80, 95], strict=True):
        score(seat, bids[0], criteria, total)
    for seat, total in zip(seats[:3], [50, 65, 90], strict=True):
        score(seat, bids[1], criteria, total)
    # Experts 5 (and 4) declare a conflict-free bid but do not score it: submit only those complete.
    for seat in seats[:3]:
        scoring.scores_submit(seat=seat, by=seat.expert.user)
    # The fourth expert scored only bid 0; make it count by submitting that sheet alone.
    for sheet in ScoreSheet.objects.filter(seat=seats[3]):
        sheet.submit(at=sheet.updated_at)
        sheet.save()
    by_bid = {e.bid_id: e for e in scoring.ranking(challenge)}
    assert by_bid[bids[0].pk].aggregate == Decimal("75.00")  # median of 60, 70, 80, 95
    assert by_bid[bids[0].pk].undersized
    assert by_bid[bids[1].pk].aggregate == Decimal("65.00")  # median of 50, 65, 90


def test_tie_broken_by_the_heaviest_criterion():
    challenge, bids, seats, criteria = panel_ready(2, 5)
    # Same totals (70), but bid 1 is stronger on the heaviest criterion (weight 35).
    a = [60, 80, 80, 80, 80, 80]  # 60*35 + 80*65 = 7300 → 73? keep totals equal below
    b = [80, 60, 60, 80, 80, 100]
    totals = [sum(v * c.weight for v, c in zip(x, criteria, strict=True)) / 100 for x in (a, b)]
    assert totals[0] == totals[1]
    for seat in seats:
        score(seat, bids[0], criteria, a)
        score(seat, bids[1], criteria, b)
    submit_all(seats)
    ranked = scoring.ranking(challenge)
    assert [e.bid_id for e in ranked] == [bids[1].pk, bids[0].pk]
    assert not ranked[0].tied_with_next


def test_exact_tie_needs_a_panel_decision():
    challenge, bids, seats, criteria = panel_ready(2, 5)
    for seat in seats:
        score(seat, bids[0], criteria, 70)
        score(seat, bids[1], criteria, 70)
    submit_all(seats)
    ranked = scoring.ranking(challenge)
    assert ranked[0].tied_with_next


def test_all_below_threshold_and_criterion_minimum():
    challenge, bids, seats, criteria = panel_ready(2, 5)
    heaviest = criteria[0]
    heaviest.minimum = 60
    heaviest.save()
    for seat in seats:
        score(seat, bids[0], criteria, 55)
        score(seat, bids[1], criteria, [50, 90, 90, 90, 90, 90])  # total 76 but key criterion 50
    submit_all(seats)
    by_bid = {e.bid_id: e for e in scoring.ranking(challenge)}
    assert not by_bid[bids[0].pk].passes  # 55 < 60
    assert not by_bid[bids[1].pk].passes
    assert by_bid[bids[1].pk].failed_minimums == [heaviest.pk]


def test_ranking_is_one_query():
    challenge, bids, seats, criteria = panel_ready(2, 5)
    for seat in seats:
        score(seat, bids[0], criteria, 70)
        score(seat, bids[1], criteria, 80)
    submit_all(seats)
    challenge.criteria.all()  # criteria come with one small query of their own
    with CaptureQueriesContext(connection) as ctx:
        scoring.ranking(challenge)
    assert len(ctx.captured_queries) == 2  # the criteria + the ranking itself


def test_out_of_range_and_missing_justification_refused_and_draft_kept():
    _challenge, bids, seats, criteria = panel_ready(1, 5)
    seat = seats[0]
    score(seat, bids[0], criteria, 70)
    with pytest.raises(scoring.ScoresInvalid):
        scoring.sheet_save(
            seat=seat, by=seat.expert.user, bid=bids[0], values={criteria[0].pk: (101, "x")}
        )
    with pytest.raises(scoring.ScoresInvalid):
        scoring.sheet_save(
            seat=seat, by=seat.expert.user, bid=bids[0], values={criteria[0].pk: (50, " ")}
        )
    sheet = ScoreSheet.objects.get(seat=seat)
    assert sheet.scores.get(criterion=criteria[0]).value == 70


def test_submitted_scores_are_locked_outside_the_revision_round():
    _challenge, bids, seats, criteria = panel_ready(1, 5)
    for seat in seats:
        score(seat, bids[0], criteria, 70)
    submit_all(seats)
    with pytest.raises(ActionRefused):
        score(seats[0], bids[0], criteria, 90)
    sheet = ScoreSheet.objects.get(seat=seats[0])
    with pytest.raises(ActionRefused):  # not flagged: spread 0
        scoring.sheet_revise(
            sheet=sheet, by=seats[0].expert.user, values={criteria[0].pk: (80, "x")}, reason="复核"
        )


def test_one_revision_round_for_flagged_bids_with_a_reason():
    _challenge, bids, seats, criteria = panel_ready(1, 5)
    for seat, total in zip(seats, [40, 70, 72, 74, 95], strict=True):
        score(seat, bids[0], criteria, total)
    submit_all(seats)
    sheet = ScoreSheet.objects.get(seat=seats[0])
    values = {c.pk: (65, "重新审阅实施方案后调整") for c in criteria}
    with pytest.raises(ActionRefused):
        scoring.sheet_revise(sheet=sheet, by=seats[0].expert.user, values=values, reason="")
    scoring.sheet_revise(sheet=sheet, by=seats[0].expert.user, values=values, reason="漏看了附件")
    with pytest.raises(ActionRefused):
        scoring.sheet_revise(sheet=sheet, by=seats[0].expert.user, values=values, reason="再改一次")


def test_conflicted_expert_cannot_score_that_bid():
    challenge, bids, officer = closed_challenge_with_bids(2)
    formal_check_done(challenge, officer)
    for _ in range(10):
        make_expert(user=UserFactory())
    draw = run_draw(challenge, officer, params={"size": 5, "alternates": 2})
    seat = draw.seats.filter(on_panel=True).select_related("expert__user").first()
    seat_accept(seat=seat, by=seat.expert.user, undertaking=True)
    declaration_record(seat=seat, by=seat.expert.user, bid=bids[0], outcome="none")
    criteria = list(challenge.criteria.all())
    with pytest.raises(ActionRefused):
        scoring.sheet_save(
            seat=seat, by=seat.expert.user, bid=bids[1], values={criteria[0].pk: (70, "x")}
        )


def test_scoring_screen_keeps_typed_input_and_independence_until_submission(client):
    challenge, bids, seats, criteria = panel_ready(1, 5)
    seat = seats[0]
    client.force_login(seat.expert.user)
    url = f"/review/invitations/{seat.pk}/score/{bids[0].pk}/"
    assert client.get(url).status_code == 200
    data = {f"value_{c.pk}": "80" for c in criteria} | {
        f"why_{c.pk}": "深夜写的评语" for c in criteria
    }
    data[f"value_{criteria[0].pk}"] = "180"
    response = client.post(url, data)
    assert response.status_code == 400
    assert "深夜写的评语" in response.content.decode()
    data[f"value_{criteria[0].pk}"] = "85"
    assert client.post(url, data).status_code == 302
    ranking_url = f"/review/challenges/{challenge.ocid}/ranking/"
    assert client.get(ranking_url).status_code == 404  # not submitted: no peeking
    client.post(f"/review/invitations/{seat.pk}/submit/")
    assert client.get(ranking_url).status_code == 200
    other = seats[1]
    client.force_login(other.expert.user)
    assert client.get(ranking_url).status_code == 404
    assert client.get(f"/review/invitations/{seat.pk}/score/{bids[0].pk}/").status_code == 404


def test_bureau_sees_the_ranking_issuer_does_not(client):
    challenge, bids, seats, criteria = panel_ready(1, 5)
    for seat in seats:
        score(seat, bids[0], criteria, 70)
    submit_all(seats)
    from review.models import Draw

    officer = Draw.objects.get(challenge=challenge).bureau_officer
    client.force_login(officer)
    assert client.get(f"/review/challenges/{challenge.ocid}/ranking/").status_code == 200
    client.force_login(challenge.created_by)
    assert client.get(f"/review/challenges/{challenge.ocid}/ranking/").status_code == 404


def test_panel_report_page_and_pdf_with_consensus(client, django_capture_on_commit_callbacks):
    challenge, bids, seats, criteria = panel_ready(1, 5)
    for seat, total in zip(seats, [60, 70, 75, 80, 100], strict=True):
        score(seat, bids[0], criteria, total)
    submit_all(seats)
    chair = seats[0]
    client.force_login(chair.expert.user)
    url = f"/review/challenges/{challenge.ocid}/ranking/"
    client.post(url, {"consensus": "专家组一致认为技术路线可行。"})
    from review.models import PanelReport

    assert PanelReport.objects.get(challenge=challenge).consensus == "专家组一致认为技术路线可行。"
    client.force_login(seats[1].expert.user)
    client.post(url, {"consensus": "非组长不能写"})
    assert PanelReport.objects.get(challenge=challenge).consensus == "专家组一致认为技术路线可行。"
    html = client.get(url).content.decode()
    assert "60.00 · 70.00 · 75.00 · 80.00 · 100.00" in html  # anonymous distribution
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url + "?format=pdf", follow=True)  # generated on the first request
    pdf = client.get(url + "?format=pdf", follow=True)
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    from documents.models import Document

    report = Document.objects.get(kind="panel_report")
    assert report.snapshot["report"]["consensus"] == "专家组一致认为技术路线可行。"


def test_bureau_records_a_defence_session(client):
    challenge, bids, seats, _criteria = panel_ready(1, 5)
    from review.models import DefenceSession, Draw

    officer = Draw.objects.get(challenge=challenge).bureau_officer
    client.force_login(officer)
    url = f"/review/challenges/{challenge.ocid}/ranking/"
    client.post(
        url,
        {"action": "defence", "bid": bids[0].pk, "held_at": "2026-12-01T09:30", "attendees": ""},
    )
    assert not DefenceSession.objects.exists()
    client.post(
        url,
        {
            "action": "defence",
            "bid": bids[0].pk,
            "held_at": "2026-12-01T09:30",
            "attendees": "张教授（答辩人）\n专家组 5 人",
        },
    )
    session = DefenceSession.objects.get()
    assert session.bid == bids[0]
    with pytest.raises(ActionRefused):  # experts cannot record a defence
        scoring.defence_record(
            bid=bids[0], by=seats[0].expert.user, held_at=session.held_at, attendees="x"
        )


def test_criterion_anchors_are_shown_to_the_expert(client):
    _challenge, bids, seats, criteria = panel_ready(1, 5)
    criteria[0].anchors = "90：路线清晰且有验证数据；70：路线合理；50：缺少关键环节"
    criteria[0].save()
    client.force_login(seats[0].expert.user)
    html = client.get(f"/review/invitations/{seats[0].pk}/score/{bids[0].pk}/").content.decode()
    assert "90：路线清晰且有验证数据" in html


def test_exact_tie_resolved_by_a_recorded_panel_decision():
    challenge, bids, seats, criteria = panel_ready(2, 5)
    for seat in seats:
        score(seat, bids[0], criteria, 70)
        score(seat, bids[1], criteria, 70)
    submit_all(seats)
    from review.models import Draw

    officer = Draw.objects.get(challenge=challenge).bureau_officer
    with pytest.raises(ActionRefused):
        scoring.tie_decide(
            challenge=challenge, by=officer, order=[bids[1].pk, bids[0].pk], reason=""
        )
    scoring.tie_decide(
        challenge=challenge, by=officer, order=[bids[1].pk, bids[0].pk], reason="答辩表现更优"
    )
    ranked = scoring.ranking(challenge)
    assert [r.bid_id for r in ranked] == [bids[1].pk, bids[0].pk]
    assert not ranked[0].tied_with_next


def test_submitting_needs_a_declaration_on_every_bid():
    """Found by the permission matrix: with no declaration at all, "submit all my scores"
    went through (nothing to score) and was recorded."""
    challenge, bids, drawer = closed_challenge_with_bids(2)
    formal_check_done(challenge, drawer)
    officer = bureau_officer()
    for _ in range(9):
        make_expert(user=UserFactory())
    draw = run_draw(challenge, officer, params={"size": 5, "alternates": 2})
    seat = draw.seats.filter(on_panel=True).select_related("expert__user").first()
    user = seat.expert.user
    seat_accept(seat=seat, by=user, undertaking=True)
    with pytest.raises(ActionRefused):
        scoring.scores_submit(seat=seat, by=user)
    declaration_record(seat=seat, by=user, bid=bids[0], outcome="none")
    declaration_record(seat=seat, by=user, bid=bids[1], outcome="potential")
    with pytest.raises(ActionRefused):  # the bureau has not ruled on the potential conflict
        scoring.scores_submit(seat=seat, by=user)
    assert not AuditEvent.objects.filter(action="scores.submit").exists()
