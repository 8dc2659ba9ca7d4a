import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.exceptions import ActionRefused
from audit.models import AuditEvent
from bounty.models import ExclusionRequest
from review import verify_draw as algo
from review.draw import services
from review.draw.rules import draw_commitment
from review.draw.seats import (
    declaration_record,
    declaration_rule,
    seat_accept,
    seat_decline,
    seats_expire,
)
from review.models import Conflict, DrawStatus, Relationship, Seat, SeatStatus
from tests.factories import OrganizationFactory, UserFactory, member_of
from tests.review.draw.helpers import (
    closed_challenge_with_bids,
    formal_check_done,
    make_expert,
    pool,
    run_draw,
    supervisor,
)
from tests.review.draw.helpers import public_source as SOURCE

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def test_full_draw_respects_conflicts_and_constraints_and_verifies(tmp_path):
    challenge, bids, officer = closed_challenge_with_bids()
    pool(20)
    conflicted = make_expert(employer_code=bids[0].lead.credit_code)
    consortium_code = "91350100M000100Y43"
    former = make_expert()
    Relationship.objects.create(
        expert=former,
        kind="employment",
        organization_code=bids[1].lead.credit_code,
        organization_name="x",
    )
    issuer_staff = make_expert(employer_code=challenge.issuer.credit_code)
    draw = run_draw(challenge, officer)
    assert draw.status == DrawStatus.COMPLETED
    drawn = set(draw.seats.values_list("expert_id", flat=True))
    assert not drawn & {conflicted.pk, former.pk, issuer_staff.pk}
    panel = list(draw.seats.filter(on_panel=True).select_related("expert"))
    assert len(panel) == 7
    assert len({s.expert.employer_code for s in panel}) == 7
    assert all(s.status == SeatStatus.INVITED for s in panel)
    assert Conflict.objects.filter(expert=conflicted, rule="employed_by_bidder").exists()
    assert consortium_code  # consortium rule covered in test_consortium_member_employee_never_drawn
    path = tmp_path / "bundle.json"
    call_command("draw_bundle", draw.pk, str(path))
    result = subprocess.run(
        [sys.executable, str(ROOT / "review" / "verify_draw.py"), str(path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout
    call_command("verify_draw", draw.pk)
    bundle = json.loads(path.read_text())
    bundle["pool"][0]["type"] = (
        "financial" if bundle["pool"][0]["type"] != "financial" else "technical"
    )
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(bundle, ensure_ascii=False))
    result = subprocess.run(
        [sys.executable, str(ROOT / "review" / "verify_draw.py"), str(tampered)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "pool hash" in result.stdout


def test_consortium_member_employee_never_drawn():
    from bounty.bids import services as bid_services
    from tests.bounty.bids.helpers import complete_bid
    from tests.bounty.helpers import force_deadline, published
    from tests.factories import bureau_officer

    officer = bureau_officer()
    challenge = published(officer=officer)
    partner = OrganizationFactory(kind="enterprise", verified=True)
    bid = complete_bid(
        challenge,
        consortium=[
            {
                "name": partner.name,
                "credit_code": partner.credit_code,
                "work_share": 20,
                "responsibilities": "",
            }
        ],
    )
    bid_services.bid_submit(bid=bid, by=bid.created_by)
    force_deadline(challenge, timezone.now() - timedelta(seconds=1))
    pool(12)
    insider = make_expert(employer_code=partner.credit_code)
    draw = run_draw(challenge, officer)
    assert not draw.seats.filter(expert=insider).exists()
    conflict = Conflict.objects.get(expert=insider)
    assert partner.credit_code in conflict.evidence
    assert bid.reference in conflict.evidence


def test_reveal_not_matching_commitment_is_refused_and_logged():
    challenge, _bids, officer = closed_challenge_with_bids(1)
    pool(10)
    sup = supervisor()
    draw = services.draw_create(challenge=challenge, by=officer, public_value_source=SOURCE())
    a, b = "a" * 32, "b" * 32
    services.draw_commit(
        draw=draw, by=officer, party="bureau", commitment=draw_commitment(draw, "bureau", a)
    )
    services.draw_commit(
        draw=draw, by=sup, party="supervisor", commitment=draw_commitment(draw, "supervisor", b)
    )
    services.draw_freeze(draw=draw, by=officer)
    with pytest.raises(ActionRefused):
        services.draw_reveal(draw=draw, by=officer, party="bureau", secret="c" * 32)
    draw.refresh_from_db()
    assert draw.bureau_reveal == ""
    assert AuditEvent.objects.filter(action="draw.reveal_refused.bureau").exists()


def test_cannot_freeze_without_both_commitments_and_cannot_commit_after_freeze():
    challenge, _bids, officer = closed_challenge_with_bids(1)
    pool(10)
    draw = services.draw_create(challenge=challenge, by=officer, public_value_source=SOURCE())
    services.draw_commit(draw=draw, by=officer, party="bureau", commitment=algo.commitment("a"))
    with pytest.raises(ActionRefused):
        services.draw_freeze(draw=draw, by=officer)
    with pytest.raises(ActionRefused):
        services.draw_commit(
            draw=draw, by=officer, party="supervisor", commitment=algo.commitment("b")
        )


def test_second_draw_request_returns_the_open_draw():
    challenge, _bids, officer = closed_challenge_with_bids(1)
    first = services.draw_create(challenge=challenge, by=officer, public_value_source=SOURCE())
    second = services.draw_create(challenge=challenge, by=officer, public_value_source=SOURCE())
    assert first.pk == second.pk


def test_only_bureau_after_deadline_can_draw():
    challenge, _bids, _officer = closed_challenge_with_bids(1)
    for user in (challenge.created_by, UserFactory(is_superuser=True), supervisor()):
        with pytest.raises(ActionRefused):
            services.draw_create(challenge=challenge, by=user, public_value_source=SOURCE())


def test_decline_invites_the_first_alternate():
    challenge, _bids, officer = closed_challenge_with_bids(1)
    users = [UserFactory() for _ in range(16)]
    for user in users:
        make_expert(user=user)
    draw = run_draw(challenge, officer)
    first = draw.seats.filter(on_panel=True).order_by("rank").first()
    seat_decline(seat=first, by=first.expert.user, reason="出差")
    replacement = Seat.objects.get(replaces=first)
    assert replacement.status == SeatStatus.INVITED
    assert replacement.rank == 8  # the first alternate
    assert draw.seats.filter(on_panel=True, status=SeatStatus.INVITED).count() == 7


def test_unanswered_invitation_expires_and_is_replaced():
    challenge, _bids, officer = closed_challenge_with_bids(1)
    pool(16)
    draw = run_draw(challenge, officer)
    seat = draw.seats.filter(on_panel=True).first()
    Seat.objects.filter(pk=seat.pk).update(respond_by=timezone.now() - timedelta(minutes=1))
    assert seats_expire() == 1
    seat.refresh_from_db()
    assert seat.status == SeatStatus.EXPIRED
    assert Seat.objects.filter(replaces=seat).exists()


def test_declared_conflict_replaces_expert_and_expert_sees_bid_only_after_declaring(client):
    challenge, bids, officer = closed_challenge_with_bids(2)
    formal_check_done(challenge, officer)
    users = [UserFactory() for _ in range(16)]
    for user in users:
        make_expert(user=user)
    draw = run_draw(challenge, officer)
    seat = draw.seats.filter(on_panel=True).select_related("expert__user").first()
    expert_user = seat.expert.user
    client.force_login(expert_user)
    assert client.get(bids[0].get_absolute_url()).status_code == 404  # not accepted yet
    seat_accept(seat=seat, by=expert_user, undertaking=True)
    assert client.get(bids[0].get_absolute_url()).status_code == 404  # not declared yet
    declaration_record(seat=seat, by=expert_user, bid=bids[0], outcome="none")
    assert client.get(bids[0].get_absolute_url()).status_code == 200
    assert client.get(bids[1].get_absolute_url()).status_code == 404
    declaration_record(seat=seat, by=expert_user, bid=bids[1], outcome="conflict")
    seat.refresh_from_db()
    assert seat.status == SeatStatus.CONFLICTED
    assert Seat.objects.filter(replaces=seat, status=SeatStatus.INVITED).exists()
    assert client.get(bids[0].get_absolute_url()).status_code == 404  # no longer on the panel


def test_alternates_exhausted_then_supplementary_draw():
    challenge, _bids, officer = closed_challenge_with_bids(1)
    users = [UserFactory() for _ in range(8)]
    for user in users:
        make_expert(user=user)
    draw = run_draw(challenge, officer, params={"size": 5, "alternates": 1})
    for seat in list(draw.seats.filter(on_panel=True)):
        seat.refresh_from_db()
        if seat.status == SeatStatus.INVITED:
            seat_decline(seat=seat, by=seat.expert.user)
    pool(10)
    sup_draw = services.draw_create(
        challenge=challenge,
        by=officer,
        params={"size": 5},
        supplementary_of=draw,
        public_value_source=SOURCE(),
    )
    assert sup_draw.supplementary_of == draw


def test_public_value_is_mixed_into_the_seed():
    challenge, _bids, officer = closed_challenge_with_bids(1)
    pool(12)
    draw = run_draw(challenge, officer)
    assert draw.status == DrawStatus.COMPLETED
    assert draw.algorithm == algo.V3
    assert draw.public_value == "483"
    data = services.bundle(draw)
    assert draw.seed == algo.seed_v3(
        services.draw_context(draw),
        draw.pool_hash,
        data["commitments"],
        data["parties"],
        dict(zip(("bureau", "supervisor"), draw.test_secrets, strict=True)),
        "483",
    )
    assert algo.verify(data) == []
    data["public_value"] = "484"
    assert "seed does not match the reveals" in algo.verify(data)


def test_pool_too_small_is_reported():
    challenge, _bids, officer = closed_challenge_with_bids(1)
    pool(3)
    with pytest.raises(ActionRefused):
        run_draw(challenge, officer)


def test_accepted_exclusion_request_excludes_the_expert():
    challenge, bids, officer = closed_challenge_with_bids(1)
    pool(12)
    target = make_expert()
    ExclusionRequest.objects.create(
        bid=bids[0],
        kind="expert",
        name=target.name,
        reason="竞争关系",
        decision="accepted",
        matched_expert_code=target.code,
    )
    draw = run_draw(challenge, officer)
    assert not draw.seats.filter(expert=target).exists()


def test_verify_draw_command_fails_on_tampered_database_record():
    challenge, _bids, officer = closed_challenge_with_bids(1)
    pool(12)
    draw = run_draw(challenge, officer)
    from review.models import Draw

    Draw.objects.filter(pk=draw.pk).update(seed="0" * 64)
    with pytest.raises(CommandError):
        call_command("verify_draw", draw.pk)


def test_panel_hidden_from_issuer_and_bidders(client):
    challenge, bids, officer = closed_challenge_with_bids(1)
    pool(12)
    draw = run_draw(challenge, officer)
    for user in (
        challenge.created_by,
        bids[0].created_by,
        member_of(OrganizationFactory(verified=True), "issuer"),
    ):
        client.force_login(user)
        assert client.get(draw.get_absolute_url()).status_code == 404
        assert client.get(f"/review/draws/{draw.pk}/bundle.json").status_code == 404
    client.force_login(officer)
    assert client.get(draw.get_absolute_url()).status_code == 200


def test_stuck_draw_can_be_cancelled_with_a_reason_and_a_new_one_opened():
    challenge, _bids, officer = closed_challenge_with_bids(1)
    pool(3)
    with pytest.raises(ActionRefused):
        run_draw(challenge, officer)
    from review.models import Draw

    stuck = Draw.objects.get(challenge=challenge)
    with pytest.raises(ActionRefused):
        services.draw_cancel(draw=stuck, by=officer, reason="")
    services.draw_cancel(draw=stuck, by=officer, reason="专家库不足，调整规模")
    stuck.refresh_from_db()
    assert (stuck.cancel_reason, stuck.cancelled_at is not None) == ("专家库不足，调整规模", True)
    pool(10)
    assert run_draw(challenge, officer).status == DrawStatus.COMPLETED


def test_bureau_decides_exclusion_requests_with_reasons(client):
    challenge, bids, officer = closed_challenge_with_bids(1)
    target = make_expert()
    request = ExclusionRequest.objects.create(
        bid=bids[0], kind="expert", name=target.name, reason="竞争对手顾问"
    )
    with pytest.raises(ActionRefused):
        services.exclusion_decide(
            request=request, by=officer, accept=True, reason="", expert_code=target.code
        )
    with pytest.raises(ActionRefused):
        services.exclusion_decide(
            request=request,
            by=challenge.created_by,
            accept=True,
            reason="x",
            expert_code=target.code,
        )
    client.force_login(officer)
    url = f"/review/challenges/{challenge.ocid}/exclusions/"
    assert client.get(url).status_code == 200
    client.post(
        url,
        {
            "request": request.pk,
            "decision": "accept",
            "reason": "理由充分",
            "expert_code": target.code,
        },
    )
    request.refresh_from_db()
    assert (request.decision, request.matched_expert_code) == ("accepted", target.code)


def test_potential_conflict_ruled_excluded_replaces_the_expert():
    challenge, bids, officer = closed_challenge_with_bids(1)
    for _ in range(16):
        make_expert(user=UserFactory())
    draw = run_draw(challenge, officer)
    seat = draw.seats.filter(on_panel=True).select_related("expert__user").first()
    seat_accept(seat=seat, by=seat.expert.user, undertaking=True)
    declaration = declaration_record(
        seat=seat, by=seat.expert.user, bid=bids[0], outcome="potential", note="曾合作"
    )
    declaration_rule(declaration=declaration, by=officer, cleared=False)
    seat.refresh_from_db()
    assert seat.status == SeatStatus.CONFLICTED
    assert Seat.objects.filter(replaces=seat).exists()


def test_submission_queues_the_bids_conflicts_after_commit(django_capture_on_commit_callbacks):
    from bounty.bids import services as bid_services
    from tests.bounty.bids.helpers import complete_bid
    from tests.bounty.helpers import published

    challenge = published()
    bid = complete_bid(challenge)
    insider = make_expert(employer_code=bid.lead.credit_code)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        bid_services.bid_submit(bid=bid, by=bid.created_by)
    assert not Conflict.objects.exists()  # not computed inside the submission
    for callback in callbacks:
        callback()  # the commit: the task runs (sync queue in tests)
    conflict = Conflict.objects.get(bid=bid)
    assert conflict.expert == insider
    assert conflict.rule == Conflict.Rule.EMPLOYED_BY_BIDDER
