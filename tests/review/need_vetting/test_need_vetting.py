"""Expert vetting of needs (需求论证): a verifiable draw on a challenge being vetted, one
structured opinion per seated expert, the bureau's decision shows them, and a need in a call
is approved only once its panel is complete."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.exceptions import ActionRefused
from bounty.challenges import services as challenge_services
from bounty.hooks import need_vetting_for
from bounty.models import ChallengeStatus
from review import verify_draw
from review.draw import services as draw_services
from review.models import Draw, DrawPurpose, DrawStatus, PanelOpinion, SeatStatus
from review.needs import services as needs
from tests.factories import UserFactory, member_of
from tests.review.draw.helpers import complete_draw, make_expert
from tests.review.need_vetting.helpers import give, vetting, vetting_panel

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def test_a_need_vetting_draw_has_no_project_and_one_open_draw_per_challenge():
    challenge, officer = vetting()
    draw = needs.need_vetting_draw_create(challenge=challenge, by=officer)
    assert draw.purpose == DrawPurpose.NEED_VETTING
    assert draw.project is None
    assert draw.milestone is None
    assert not draw.for_project
    assert draw.params["size"] == 3  # settings.JIEBANG["NEED_VETTING_PANEL_SIZE"]
    assert needs.need_vetting_draw_create(challenge=challenge, by=officer) == draw  # idempotent
    fields = {f: getattr(draw, f) for f in ("algorithm", "params", "salt", "bureau_officer")}
    with pytest.raises(IntegrityError), transaction.atomic():
        Draw.objects.create(challenge=challenge, purpose=DrawPurpose.NEED_VETTING, **fields)
    from tests.bounty.projects.test_services import active_project

    project = active_project()[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        Draw.objects.create(
            challenge=challenge, purpose=DrawPurpose.NEED_VETTING, project=project, **fields
        )


def test_the_draw_is_refused_unless_the_need_is_being_vetted_and_by_a_bureau_officer(english):
    challenge, officer = vetting()
    with pytest.raises(ActionRefused):  # the issuer
        needs.need_vetting_draw_create(challenge=challenge, by=challenge.created_by)
    with pytest.raises(ActionRefused):  # an officer who belongs to the issuing organisation
        needs.need_vetting_draw_create(
            challenge=challenge, by=member_of(challenge.issuer, "bureau")
        )
    with pytest.raises(ActionRefused, match="odd and at least 3"):
        needs.need_vetting_draw_create(challenge=challenge, by=officer, params={"size": 4})
    challenge_services.challenge_decide(challenge=challenge, by=officer, decision="approve")
    with pytest.raises(ActionRefused, match="only while the need is being vetted"):
        needs.need_vetting_draw_create(challenge=challenge, by=officer)

    from tests.bounty.helpers import draft

    submitted = draft()
    challenge_services.challenge_submit(challenge=submitted, by=submitted.created_by)
    with pytest.raises(ActionRefused):
        needs.need_vetting_draw_create(challenge=submitted, by=officer)
    assert not Draw.objects.filter(purpose=DrawPurpose.NEED_VETTING).exists()


def test_the_pool_excludes_the_issuers_experts_and_the_bundle_verifies_standalone(tmp_path):
    challenge, officer = vetting()
    insider = make_expert(employer_code=challenge.issuer.credit_code, user=UserFactory())
    draw = vetting_panel(challenge, officer, ["publish", "revise", "publish"], extra=3)
    assert draw.status == DrawStatus.COMPLETED
    assert draw.seats.filter(on_panel=True).count() == 3
    assert not draw.seats.filter(expert=insider).exists()
    assert draw.exclusion_summary.get("employed_by_issuer") == 1

    bundle = draw_services.bundle(draw)
    assert bundle["purpose"] == "need_vetting"
    assert bundle["project_bid"] is None
    assert bundle["milestone"] is None
    assert verify_draw.verify(bundle) == []
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle, ensure_ascii=False))
    result = subprocess.run(
        [sys.executable, str(ROOT / "review" / "verify_draw.py"), str(path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout
    bundle["purpose"] = "bid_review"  # relabelled: the context no longer matches
    assert verify_draw.verify(bundle)


def test_one_final_structured_opinion_per_accepted_seat(english):
    challenge, officer = vetting()
    for _ in range(5):
        make_expert(user=UserFactory())
    draw = complete_draw(needs.need_vetting_draw_create(challenge=challenge, by=officer), officer)
    seat = draw.seats.filter(on_panel=True).select_related("expert__user").first()
    user = seat.expert.user
    assert seat.status == SeatStatus.INVITED
    with pytest.raises(ActionRefused):  # before accepting and signing the undertaking
        give(seat)
    from review.draw.seats import seat_accept

    seat_accept(seat=seat, by=user, undertaking=True)
    with pytest.raises(ActionRefused):  # not the seat's expert
        needs.need_opinion_submit(
            seat=seat,
            by=officer,
            real_bottleneck=True,
            indicators_measurable=True,
            bounty_reasonable=True,
            recommendation="publish",
            comment="x",
        )
    with pytest.raises(ActionRefused, match="recommendation"):  # a milestone verdict
        give(seat, "met")
    with pytest.raises(ActionRefused, match="three questions"):
        needs.need_opinion_submit(
            seat=seat,
            by=user,
            real_bottleneck=None,
            indicators_measurable=True,
            bounty_reasonable=True,
            recommendation="publish",
            comment="x",
        )
    with pytest.raises(ActionRefused, match="reasons"):
        give(seat, comment="  ")
    give(seat, "revise", comment="指标需量化")
    with pytest.raises(ActionRefused, match="final"):
        give(seat, "publish")
    opinion = PanelOpinion.objects.get(seat=seat)
    assert (opinion.verdict, opinion.real_bottleneck, opinion.bounty_reasonable) == (
        "revise",
        True,
        False,
    )


def test_only_an_accepted_expert_reads_the_need_on_the_invitation_page(client, english):
    challenge, officer = vetting(in_call=True)
    for _ in range(5):
        make_expert(user=UserFactory())
    draw = complete_draw(needs.need_vetting_draw_create(challenge=challenge, by=officer), officer)
    seats = list(draw.seats.select_related("expert__user").order_by("rank"))
    seat, alternate = seats[0], seats[-1]
    url = reverse("review:invitation", args=[seat.pk])
    problem = challenge.problem[:20]

    client.force_login(seat.expert.user)
    page = client.get(url).content.decode()
    assert "Accept and sign" in page
    assert problem not in page
    response = client.post(url, {"action": "accept", "undertaking": "on"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert problem in page
    assert "循环寿命容量保持率" in page
    assert "Is it a real bottleneck" in page
    assert "江苏省动力电池工程技术研究中心" in page  # the issuer's qualification facts

    client.force_login(alternate.expert.user)  # an alternate not invited
    assert client.get(reverse("review:invitation", args=[alternate.pk])).status_code == 404
    client.force_login(seats[1].expert.user)  # another expert's seat
    assert client.get(url).status_code == 404
    client.force_login(challenge.created_by)
    assert client.get(url).status_code == 404
    assert client.get(reverse("review:need_vetting", args=[challenge.ocid])).status_code == 404

    # The expert gives the opinion on the page; a missing answer keeps what was typed.
    client.force_login(seat.expert.user)
    typed = {"action": "opinion", "recommendation": "publish", "comment": "我写的理由"}
    response = client.post(url, typed)
    assert response.status_code == 200
    assert "我写的理由" in response.content.decode()
    assert not PanelOpinion.objects.filter(seat=seat).exists()
    typed.update(real_bottleneck="yes", indicators_measurable="yes", bounty_reasonable="no")
    assert client.post(url, typed).status_code == 302
    opinion = PanelOpinion.objects.get(seat=seat)
    assert opinion.bounty_reasonable is False
    assert opinion.verdict == "publish"
    assert "Final once given" in client.get(url).content.decode()


def test_a_need_in_a_call_is_approved_only_once_its_panel_is_complete(english):
    challenge, officer = vetting(in_call=True)
    with pytest.raises(ActionRefused, match="draw the vetting panel first"):
        challenge_services.challenge_decide(challenge=challenge, by=officer, decision="approve")
    draw = vetting_panel(challenge, officer, ["publish", "publish", None])
    with pytest.raises(ActionRefused, match="1 panel opinion is still awaited"):
        challenge_services.challenge_decide(challenge=challenge, by=officer, decision="approve")
    last = draw.seats.get(on_panel=True, opinion__isnull=True)
    give(last, "reject", comment="并非卡脖子")
    challenge_services.challenge_decide(challenge=challenge, by=officer, decision="approve")
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.APPROVED


def test_return_and_reject_need_no_panel_and_challenges_outside_calls_keep_todays_rule():
    challenge, officer = vetting(in_call=True)
    vetting_panel(challenge, officer, [None, None, None])
    challenge_services.challenge_decide(
        challenge=challenge, by=officer, decision="reject", comment="不属于卡脖子需求"
    )
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.REJECTED

    returned, officer = vetting(in_call=True)
    challenge_services.challenge_decide(
        challenge=returned, by=officer, decision="return", comment="补充指标"
    )
    returned.refresh_from_db()
    assert returned.status == ChallengeStatus.RETURNED

    alone, officer = vetting()  # no call: no panel required
    challenge_services.challenge_decide(challenge=alone, by=officer, decision="approve")
    alone.refresh_from_db()
    assert alone.status == ChallengeStatus.APPROVED


def test_the_provider_reports_counts_pending_and_named_opinions():
    challenge, officer = vetting(in_call=True)
    assert need_vetting_for(challenge) is None
    draw = needs.need_vetting_draw_create(challenge=challenge, by=officer)
    state = need_vetting_for(challenge)
    assert (state.pending, state.given, state.complete) == (3, 0, False)
    assert state.url == reverse("review:need_vetting", args=[challenge.ocid])
    draw_services.draw_cancel(draw=draw, by=officer, reason="参数有误")
    assert need_vetting_for(challenge) is None

    draw = vetting_panel(challenge, officer, ["publish", "revise", None])
    state = need_vetting_for(challenge)
    assert state.counts == {"publish": 1, "revise": 1}
    assert state.pending == 1
    assert not state.complete
    seats = list(draw.seats.filter(on_panel=True).select_related("expert").order_by("rank"))
    assert [o.expert for o in state.opinions] == [s.expert.name for s in seats[:2]]
    assert state.opinions[1].recommendation == "revise"
    assert state.opinions[1].bounty_reasonable is False
    assert state.pending_experts == (seats[2].expert.name,)
    give(seats[2])
    assert need_vetting_for(challenge).complete


def test_a_resubmitted_need_needs_a_new_panel():
    challenge, officer = vetting(in_call=True)
    vetting_panel(challenge, officer, ["revise"] * 3)
    assert need_vetting_for(challenge).complete
    challenge_services.challenge_decide(
        challenge=challenge, by=officer, decision="return", comment="按专家意见修改"
    )
    challenge.refresh_from_db()
    from django.utils import timezone

    from bounty.models import Challenge

    Challenge.objects.filter(pk=challenge.pk).update(call=None)  # resubmit outside the window
    challenge.refresh_from_db()
    challenge_services.challenge_submit(challenge=challenge, by=challenge.created_by)
    challenge_services.challenge_decide(challenge=challenge, by=officer, decision="start_vetting")
    challenge.refresh_from_db()
    assert challenge.submitted_at <= timezone.now()
    assert need_vetting_for(challenge) is None


def test_the_bureau_opens_the_draw_from_the_challenge_page_and_reads_the_opinions(client, english):
    challenge, officer = vetting(in_call=True)
    for _ in range(6):
        make_expert(user=UserFactory())
    client.force_login(officer)
    page = client.get(challenge.get_absolute_url()).content.decode()
    vetting_url = reverse("review:need_vetting", args=[challenge.ocid])
    assert vetting_url in page
    assert "No vetting panel drawn yet" in page
    assert "draw the vetting panel first" in page
    page = client.get(vetting_url).content.decode()
    create = reverse("review:need_vetting_draw", args=[challenge.ocid])
    assert create in page
    response = client.post(create, {"size": 3, "alternates": 2})
    draw = Draw.objects.get(challenge=challenge, purpose=DrawPurpose.NEED_VETTING)
    assert response.url == draw.get_absolute_url()
    detail = client.get(draw.get_absolute_url())
    assert detail.status_code == 200
    assert "Expert vetting of the need" in detail.content.decode()

    draw = complete_draw(draw, officer)
    seats = list(draw.seats.filter(on_panel=True).select_related("expert__user"))
    from review.draw.seats import seat_accept

    for seat in seats:
        seat_accept(seat=seat, by=seat.expert.user, undertaking=True)
        give(seat, "publish", comment=f"{seat.expert.name}的论证意见")
    client.force_login(officer)
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert "Panel complete" in page
    for seat in seats:
        assert f"{seat.expert.name}的论证意见" in page
    assert "Recommend publishing" in page
    page = client.get(vetting_url).content.decode()  # the need-vetting page too
    assert all(f"{seat.expert.name}的论证意见" in page for seat in seats)
    client.force_login(challenge.created_by)  # the issuer sees no opinion
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert "的论证意见" not in page


def test_supplementary_need_vetting_draw_excludes_experts_already_drawn():
    challenge, officer = vetting()
    draw = vetting_panel(challenge, officer, [None, None, None], extra=0)
    drawn = set(draw.seats.values_list("expert_id", flat=True))
    for _ in range(4):
        make_expert(user=UserFactory())
    second = needs.need_vetting_draw_create(
        challenge=challenge, by=officer, params={"size": 3, "alternates": 1}
    )
    assert second.supplementary_of_id == draw.pk
    second = complete_draw(second, officer)
    assert not drawn & set(second.seats.values_list("expert_id", flat=True))


def test_the_experts_home_lists_the_need_until_the_opinion_is_given(client):
    challenge, officer = vetting()
    draw = vetting_panel(challenge, officer, [None, None, None])
    seat = draw.seats.filter(on_panel=True).select_related("expert__user").first()
    client.force_login(seat.expert.user)
    link = reverse("review:invitation", args=[seat.pk])
    assert link in client.get(reverse("home")).content.decode()
    give(seat)
    assert link not in client.get(reverse("home")).content.decode()
