"""Needs being vetted (需求论证) and their vetting panels, built through the real services."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from bounty.calls.models import Call
from bounty.challenges import services as challenge_services
from bounty.models import Challenge
from review.draw.seats import seat_accept
from review.needs import services as needs
from tests.bounty.helpers import draft
from tests.factories import UserFactory, bureau_officer
from tests.review.draw.helpers import complete_draw, make_expert


def a_call(officer):
    now = timezone.now()
    year = 2030 + Call.objects.count()
    call = Call.objects.create(
        name=f"{year}年第一批揭榜挂帅需求征集",
        year=year,
        batch=1,
        needs_opens_at=now - timedelta(days=1),
        needs_closes_at=now + timedelta(days=20),
        bids_close_at=now + timedelta(days=60),
        created_by=officer,
    )
    call.open_collection()  # its needs are vetted while it collects
    call.save()
    return call


QUALIFICATION = {
    "chain": "新能源汽车",
    "chain_role": "chain_leader",
    "revenue": Decimal("86000"),
    "rd_ratio": Decimal("5.2"),
    "rd_platform": "provincial",
    "rd_platform_name": "江苏省动力电池工程技术研究中心",
}


def vetting(*, in_call=False, officer=None):
    """A need being vetted by the city's bureau (in a call when ``in_call``)."""
    officer = officer or bureau_officer()
    challenge = draft()
    challenge_services.challenge_submit(challenge=challenge, by=challenge.created_by)
    challenge_services.challenge_decide(challenge=challenge, by=officer, decision="start_vetting")
    if in_call:  # put into a call directly: the call's own collection flow is tested elsewhere
        Challenge.objects.filter(pk=challenge.pk).update(call=a_call(officer), **QUALIFICATION)
    return Challenge.objects.get(pk=challenge.pk), officer


def vetting_panel(challenge, officer, opinions, *, size=3, extra=2):
    """Draw a need-vetting panel of ``size`` (pool made here), have each seated expert
    accept and give the opinion of ``opinions`` (None: none yet); returns the draw."""
    for _ in range(size + extra):
        make_expert(user=UserFactory())
    draw = needs.need_vetting_draw_create(
        challenge=challenge, by=officer, params={"size": size, "alternates": extra}
    )
    draw = complete_draw(draw, officer)
    seats = draw.seats.filter(on_panel=True).select_related("expert__user").order_by("rank")
    for seat, recommendation in zip(seats, opinions, strict=True):
        user = seat.expert.user
        seat_accept(seat=seat, by=user, undertaking=True)
        if recommendation is not None:
            give(seat, recommendation)
    return draw


def give(seat, recommendation="publish", comment="确属卡脖子需求，指标可测"):
    return needs.need_opinion_submit(
        seat=seat,
        by=seat.expert.user,
        real_bottleneck=True,
        indicators_measurable=True,
        bounty_reasonable=recommendation != "revise",
        recommendation=recommendation,
        comment=comment,
    )
