"""Expert ratings and removal (issue 17, item 7): after a panel has finished, the bureau rates
each expert who served on it (timeliness, quality 1–5, a short note), once per expert and
panel, seen by the bureau only; removing an expert from future draws goes through due
process, and only the final decision removes."""

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import translation

from accounts.exceptions import ActionRefused
from bounty.dueprocess import services as cases
from bounty.dueprocess.models import CaseKind, CaseStatus, DueProcessCase
from common.dbtime import db_now
from review import verify_draw as algo
from review.draw import services as draws
from review.models import ExpertRating, ExpertRemoval, Seat, SeatStatus
from review.panels import services as panels
from review.ratings.demo import seed_ratings
from review.ratings.removal import expert_removal_open
from review.ratings.services import panel_finished, rating_record
from review.scoring import services as scoring
from tests.factories import UserFactory, bureau_officer
from tests.review.award.test_panel_completeness import panel_under_review, take_part
from tests.review.draw.helpers import (
    closed_challenge_with_bids,
    make_expert,
    run_draw,
    run_panel,
    supervisor,
)
from tests.review.panels.test_project_panels import reported_milestone

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_messages():
    """Refusals are asserted in English (the default language is zh-Hans)."""
    with translation.override("en"):
        yield


def finished_review_panel():
    """A bid-review panel of five whose experts all submitted their score sheets."""
    challenge, bids, officer, seats, criteria = panel_under_review()
    for seat in seats:
        take_part(seat, bids, criteria)
    return challenge, bids, officer, [Seat.objects.get(pk=s.pk) for s in seats]


def rate(seat, by, timeliness=4, quality=5, note="按时提交，意见具体。"):
    return rating_record(seat=seat, by=by, timeliness=timeliness, quality=quality, note=note)


def english(user):
    user.language = "en"
    user.save(update_fields=["language"])
    return user


# --- Ratings ------------------------------------------------------------------------------


def test_the_bureau_rates_each_expert_of_a_finished_review_panel_once():
    _challenge, _bids, officer, seats = finished_review_panel()
    for seat in seats:
        rating = rate(seat, officer)
        assert (rating.draw_id, rating.expert_id) == (seat.draw_id, seat.expert_id)
    assert ExpertRating.objects.count() == 5

    with pytest.raises(ActionRefused, match="already been rated"):
        rate(seats[0], officer, timeliness=1, quality=1, note="改主意")
    with pytest.raises(ActionRefused, match="already been rated"):  # another officer too
        rate(seats[0], bureau_officer(), timeliness=1, quality=1, note="改主意")
    assert ExpertRating.objects.get(seat=seats[0]).timeliness == 4


def test_one_rating_per_expert_per_panel_is_a_database_constraint():
    _challenge, _bids, officer, seats = finished_review_panel()
    rating = rate(seats[0], officer)
    with pytest.raises(IntegrityError):
        ExpertRating.objects.create(
            seat=seats[1],  # another seat, same draw and expert
            draw=rating.draw,
            expert=rating.expert,
            timeliness=3,
            quality=3,
            note="x",
            rated_by=officer,
            rated_at=db_now(),
        )


def test_nobody_but_the_bureau_rates():
    challenge, bids, _officer, seats = finished_review_panel()
    outsiders = [
        seats[0].expert.user,  # the expert themself
        seats[1].expert.user,  # a fellow panel expert
        challenge.created_by,  # the issuer
        bids[0].created_by,  # the team
        supervisor(),
        UserFactory(),
    ]
    for user in outsiders:
        with pytest.raises(ActionRefused, match="Only the bureau"):
            rate(seats[0], user)
    assert not ExpertRating.objects.exists()


def test_a_review_panel_is_rated_only_once_it_has_finished():
    _challenge, bids, officer, seats, criteria = panel_under_review()
    for seat in seats[:-1]:
        take_part(seat, bids, criteria)
    take_part(seats[-1], bids, criteria, submit=False)
    first = Seat.objects.get(pk=seats[0].pk)
    assert not panel_finished(first.draw)
    with pytest.raises(ActionRefused, match="has not finished"):
        rate(first, officer)
    scoring.scores_submit(seat=seats[-1], by=seats[-1].expert.user)
    assert panel_finished(first.draw)
    rate(first, officer)


def test_a_milestone_panel_is_rated_once_every_opinion_is_in():
    _project, milestone, _team, _issuer, officer = reported_milestone()
    draw = run_panel(milestone, officer, ["met", "met", "met", "met", None])
    seats = list(draw.seats.filter(on_panel=True).order_by("rank"))
    with pytest.raises(ActionRefused, match="has not finished"):
        rate(seats[0], officer)
    last = draw.seats.get(on_panel=True, opinion__isnull=True)
    panels.panel_opinion_submit(seat=last, by=last.expert.user, verdict="met", comment="达到")
    for seat in seats:
        rate(seat, officer)
    assert ExpertRating.objects.filter(draw=draw).count() == 5


@pytest.mark.parametrize(
    ("timeliness", "quality", "note", "message"),
    [
        (0, 3, "x", "from 1 to 5"),
        (6, 3, "x", "from 1 to 5"),
        (3, -1, "x", "from 1 to 5"),
        (3, 10, "x", "from 1 to 5"),
        ("", 3, "x", "from 1 to 5"),
        ("four", 3, "x", "from 1 to 5"),
        (3, 3, "   ", "short note"),
        (3, 3, "长" * 301, "300 characters"),
    ],
)
def test_out_of_range_scores_and_missing_or_long_notes_are_refused(
    timeliness, quality, note, message
):
    _challenge, _bids, officer, seats = finished_review_panel()
    with pytest.raises(ActionRefused, match=message):
        rate(seats[0], officer, timeliness=timeliness, quality=quality, note=note)
    assert not ExpertRating.objects.exists()


def test_only_experts_who_served_are_rated():
    _challenge, _bids, officer, seats = finished_review_panel()
    alternate = Seat.objects.filter(draw=seats[0].draw, on_panel=False).first()
    assert alternate.status == SeatStatus.WAITING
    with pytest.raises(ActionRefused, match="did not serve"):
        rate(alternate, officer)


# --- Pages ---------------------------------------------------------------------------------


def test_rating_page_keeps_what_was_typed_on_a_refusal_and_saves(client):
    _challenge, _bids, officer, seats = finished_review_panel()
    client.force_login(english(officer))
    url = reverse("review:panel_ratings", args=[seats[0].draw_id])
    page = client.get(url)
    assert page.status_code == 200
    assert seats[0].expert.name in page.content.decode()

    data = {"seat": seats[0].pk, "timeliness": "6", "quality": "4", "note": "评审意见质量高"}
    refused = client.post(url, data)
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "from 1 to 5" in body
    assert "评审意见质量高" in body  # what was typed is kept
    assert not ExpertRating.objects.exists()

    saved = client.post(url, {**data, "timeliness": "2"})
    assert saved.status_code == 302
    rating = ExpertRating.objects.get()
    assert (rating.timeliness, rating.quality, rating.note) == (2, 4, "评审意见质量高")
    assert "Propose removal from the pool" in client.get(url).content.decode()  # a low rating

    foreign = client.post(url, {**data, "seat": 0})
    assert foreign.status_code == 400


def test_ratings_are_seen_by_the_bureau_in_the_pool_and_never_by_the_expert(client):
    _challenge, bids, officer, seats = finished_review_panel()
    rate(seats[0], officer, timeliness=2, quality=3, note="多次催促后才提交")
    rate(seats[1], officer, timeliness=4, quality=4, note="按时认真")
    expert = seats[0].expert

    client.force_login(english(officer))
    detail = client.get(expert.get_absolute_url()).content.decode()
    assert "多次催促后才提交" in detail
    assert "Timeliness 2.0, quality 3.0 (average of 1 rating)" in detail
    pool = client.get(reverse("review:pool"))
    rows = {e.code: e for e in pool.context["page"].object_list}
    assert rows[expert.code].rating["n"] == 1
    assert "2.0 / 3.0" in pool.content.decode()

    client.force_login(english(expert.user))  # the expert's own page: no ratings
    own = client.get(expert.get_absolute_url())
    assert own.status_code == 200
    assert "多次催促后才提交" not in own.content.decode()
    assert "Ratings by the bureau" not in own.content.decode()
    for user in (expert.user, bids[0].created_by, supervisor()):
        client.force_login(user)
        url = reverse("review:panel_ratings", args=[seats[0].draw_id])
        assert client.get(url).status_code == 404
        assert client.get(reverse("review:expert_removal", args=[expert.code])).status_code == 404


# --- Removal through due process -----------------------------------------------------------


def drawable(expert, challenge):
    return draws.eligible_experts(challenge).filter(pk=expert.pk).exists()


def removal_world():
    """A closed challenge, its industry's pool with an expert to remove, two officers."""
    challenge, _bids, officer = closed_challenge_with_bids(1)
    expert = make_expert(user=UserFactory())
    for _ in range(7):
        make_expert(user=UserFactory())
    return challenge, expert, officer, bureau_officer()


def decided(expert, officer):
    """An intended removal, answered by the expert, decided (upheld)."""
    case = expert_removal_open(expert=expert, by=officer, reasons="三次评审均逾期提交。")
    cases.case_respond(case=case, by=expert.user, text="因出差未能及时提交，今后改进。")
    return cases.case_decide(
        case=case, by=officer, upheld=True, decision="移出专家库。", answer="出差不构成理由。"
    )


def test_only_the_final_decision_removes_an_expert_from_future_draws():
    challenge, expert, officer, other = removal_world()
    with pytest.raises(ActionRefused, match="Only the bureau"):
        expert_removal_open(expert=expert, by=expert.user, reasons="x")

    case = expert_removal_open(expert=expert, by=officer, reasons="三次评审均逾期提交。")
    assert (case.kind, case.status, case.party_user) == (
        CaseKind.EXPERT_REMOVAL,
        CaseStatus.INTENDED,
        expert.user,
    )
    assert drawable(expert, challenge)
    with pytest.raises(ActionRefused, match="already open"):
        expert_removal_open(expert=expert, by=officer, reasons="再次")

    cases.case_respond(case=case, by=expert.user, text="因出差未能及时提交。")
    case = cases.case_decide(
        case=case, by=officer, upheld=True, decision="移出专家库。", answer="出差不构成理由。"
    )
    assert case.status == CaseStatus.DECIDED
    assert drawable(expert, challenge)

    case = cases.case_request_review(case=case, by=expert.user, text="请求复核。")
    assert case.status == CaseStatus.REVIEW_REQUESTED
    assert drawable(expert, challenge)

    case = cases.case_review(case=case, by=other, confirmed=True, text="维持原决定。")
    assert case.status == CaseStatus.FINAL
    assert not drawable(expert, challenge)
    removal = ExpertRemoval.objects.get(expert=expert)
    assert (removal.case, removal.reason) == (case, "移出专家库。")

    draw = run_draw(challenge, officer, params={"size": 5, "alternates": 1})
    pool = {entry["id"] for entry in draw.pool}
    assert algo.pseudonym(draw.salt, expert.code) not in pool
    assert draw.pool_size == 7

    with pytest.raises(ActionRefused, match="already excluded"):
        expert_removal_open(expert=expert, by=officer, reasons="再次")


def test_a_decision_becomes_final_when_the_review_window_closes_unused():
    challenge, expert, officer, _other = removal_world()
    case = decided(expert, officer)
    assert drawable(expert, challenge)
    DueProcessCase.objects.filter(pk=case.pk).update(review_due_at=db_now() - timedelta(seconds=1))
    case = cases.case_current(DueProcessCase.objects.get(pk=case.pk))
    assert case.status == CaseStatus.FINAL
    assert not drawable(expert, challenge)


@pytest.mark.parametrize("how", ["overturned", "dropped"])
def test_an_overturned_or_dropped_case_leaves_the_expert_drawable(how):
    challenge, expert, officer, other = removal_world()
    if how == "overturned":
        case = decided(expert, officer)
        case = cases.case_request_review(case=case, by=expert.user, text="请求复核。")
        case = cases.case_review(case=case, by=other, confirmed=False, text="理由不足，撤销。")
    else:
        case = expert_removal_open(expert=expert, by=officer, reasons="评审意见过简。")
        cases.case_respond(case=case, by=expert.user, text="意见已按要求填写。")
        case = cases.case_decide(
            case=case, by=officer, upheld=False, decision="不予移出。", answer="申辩成立。"
        )
    assert case.status == CaseStatus.DROPPED
    assert drawable(expert, challenge)
    assert not ExpertRemoval.objects.exists()


def test_existing_panels_keep_a_removed_expert():
    challenge, _bids, officer, seats = finished_review_panel()
    expert = seats[0].expert
    case = decided(expert, officer)
    DueProcessCase.objects.filter(pk=case.pk).update(review_due_at=db_now() - timedelta(seconds=1))
    assert cases.cases_finalize_due() == 1
    seat = Seat.objects.get(pk=seats[0].pk)
    assert seat.status == SeatStatus.ACCEPTED
    rate(seat, officer)  # the panel's work is still rated
    assert not drawable(expert, challenge)


def test_an_expert_without_an_account_is_linked_by_email_or_cannot_be_heard():
    _challenge, _expert, officer, _other = removal_world()
    unlinked = make_expert()
    with pytest.raises(ActionRefused, match="no account"):
        expert_removal_open(expert=unlinked, by=officer, reasons="x")
    assert not DueProcessCase.objects.exists()

    user = UserFactory(email=unlinked.email.upper())
    case = expert_removal_open(expert=unlinked, by=officer, reasons="x")
    unlinked.refresh_from_db()
    assert unlinked.user == user == case.party_user


def test_removal_page_opens_the_case_and_keeps_the_reasons_on_a_refusal(client):
    _challenge, bids, officer, seats = finished_review_panel()
    rating = rate(seats[0], officer, timeliness=1, quality=2, note="评分理由空泛")
    expert = seats[0].expert
    client.force_login(english(officer))
    url = reverse("review:expert_removal", args=[expert.code])
    prefilled = client.get(url, {"rating": rating.pk}).content.decode()
    assert "评分理由空泛" in prefilled  # from the low rating

    refused = client.post(url, {"reasons": "  "})
    assert refused.status_code == 400
    assert not DueProcessCase.objects.exists()

    done = client.post(url, {"reasons": "评分理由空泛，多次逾期。"})
    case = DueProcessCase.objects.get()
    assert done.status_code == 302
    assert done["Location"] == case.get_absolute_url()
    assert (case.kind, case.party_user) == (CaseKind.EXPERT_REMOVAL, expert.user)
    detail = client.get(expert.get_absolute_url()).content.decode()
    assert case.get_absolute_url() in detail
    assert expert.get_absolute_url() in client.get(case.get_absolute_url()).content.decode()

    client.force_login(bids[0].created_by)
    assert client.post(url, {"reasons": "x"}).status_code == 404
    assert DueProcessCase.objects.count() == 1


def test_the_demo_rates_a_finished_panel_and_leaves_a_review_request_waiting():
    challenge, _bids, officer, seats = finished_review_panel()
    summary = seed_ratings({"officer": officer}, title=challenge.title)
    assert "awaits another officer's review" in summary
    assert ExpertRating.objects.count() == len(seats)
    case = DueProcessCase.objects.get()
    assert (case.kind, case.status) == (CaseKind.EXPERT_REMOVAL, CaseStatus.REVIEW_REQUESTED)
    assert ExpertRating.objects.get(expert_id=case.subject_id).is_low
    assert seed_ratings({"officer": officer}, title=challenge.title) == ""  # idempotent
