import itertools
import secrets
from datetime import timedelta

from django.utils import timezone

from bounty.bids import services as bid_services
from bounty.models import Industry
from review.draw import services
from review.draw.rules import draw_commitment
from review.draw.seats import declaration_record, seat_accept
from review.models import Expert
from tests.bounty.bids.helpers import complete_bid, team
from tests.bounty.helpers import force_deadline, published
from tests.factories import (
    OrganizationFactory,
    UserFactory,
    bureau_officer,
    member_of,
    next_credit_code,
)

_codes = itertools.count(1)


def make_expert(*, industry=None, employer_code=None, kind="technical", user=None, **extra):
    industry = industry or Industry.objects.get(code="new-energy")
    n = next(_codes)
    expert = Expert.objects.create(
        code=f"T{n:06d}",
        name=f"专家{n}",
        employer_name=f"单位{n}",
        employer_code=employer_code or next_credit_code("12"),
        title="senior",
        expert_type=kind,
        user=user,
        email=f"expert{n}@example.cn",
        **extra,
    )
    expert.industries.add(industry)
    return expert


def pool(n, **kwargs):
    return [make_expert(**kwargs) for _ in range(n)]


def closed_challenge_with_bids(n_bids=2):
    officer = bureau_officer()
    challenge = published(officer=officer)
    bids = []
    for _ in range(n_bids):
        bid = complete_bid(challenge)
        bid_services.bid_submit(bid=bid, by=bid.created_by)
        bids.append(bid)
    force_deadline(challenge, timezone.now() - timedelta(seconds=1))
    return challenge, bids, officer


def formal_check_done(challenge, officer, *, ineligible=()):
    """Run the formal check of every submitted bid: eligible unless in ``ineligible``.
    Panels see bids only after this (review.permissions.bid_open_to_panel)."""
    from bounty.models import Bid, BidStatus
    from tests.bounty.bids.ineligibility import find_ineligible

    bid_services.formal_check_start(challenge=challenge, by=officer)
    rejected = {b.pk for b in ineligible}
    for bid in Bid.objects.filter(challenge=challenge, status=BidStatus.SUBMITTED).order_by("pk"):
        if bid.pk in rejected:  # through due process, to a final decision (issue 17)
            find_ineligible(bid, officer, reasons="缺少承诺书")
            continue
        bid_services.bid_formal_check(
            bid=bid, by=officer, checklist=bid_services.auto_checklist(bid), eligible=True
        )
    challenge.refresh_from_db()
    return challenge


def oversight_org():
    """The supervisors' organisation (纪检监察组): a bureau-kind organisation of its own, so
    that a draw's officer and supervisor come from different organisations (draw v3)."""
    from accounts.models import Organization, OrganizationKind, OrganizationStatus

    bureau_officer()  # the city bureau (bootstrapped, so marked: bureau_organization())
    org = Organization.objects.filter(name="测试纪检监察组").first()
    return org or OrganizationFactory(
        name="测试纪检监察组",
        kind=OrganizationKind.BUREAU,
        status=OrganizationStatus.VERIFIED,
        credit_code=next_credit_code("11"),
    )


def supervisor():
    return member_of(oversight_org(), "supervisor")


def public_source(days=1):
    """A named public value of a v3 bid-review draw: the 福彩3D draw ``days`` after today."""
    return f"cwl-3d:{(timezone.localdate() + timedelta(days=days)).isoformat()}"


PUBLIC_RESULT = "4 8 3"  # what the officer types; the draw keeps "483"


def run_draw(challenge, officer, sup=None, *, params=None, public=None, redraw_reason=""):
    draw = services.draw_create(
        challenge=challenge,
        by=officer,
        params=params,
        public_value_source=public_source() if public is None else public,
        redraw_reason=redraw_reason,
    )
    return complete_draw(draw, officer, sup)


def new_secret():
    return secrets.token_hex(16)  # 128 bits, as the browser makes them (at least)


def complete_draw(draw, officer, sup=None, *, public_value=PUBLIC_RESULT):
    """Commit, freeze and reveal an open draw (and enter the public value when one is
    named): its panel is invited. The secrets are kept on the draw as ``test_secrets``."""
    sup = sup or supervisor()
    mine, theirs = new_secret(), new_secret()
    services.draw_commit(
        draw=draw,
        by=officer,
        party="bureau",
        commitment=draw_commitment(draw, "bureau", mine),
    )
    services.draw_commit(
        draw=draw,
        by=sup,
        party="supervisor",
        commitment=draw_commitment(draw, "supervisor", theirs),
    )
    services.draw_freeze(draw=draw, by=officer)
    services.draw_reveal(draw=draw, by=officer, party="bureau", secret=mine)
    draw = services.draw_reveal(draw=draw, by=sup, party="supervisor", secret=theirs)
    if draw.public_value_source:
        draw = services.draw_set_public_value(draw=draw, by=officer, value=public_value)
    draw.refresh_from_db()
    draw.test_secrets = (mine, theirs)
    return draw


def run_panel(subject, officer, verdicts, *, comment="意见", purpose=None):
    """Draw a milestone or acceptance panel (or, with ``purpose``, a project's
    diligent-failure panel) of ``len(verdicts)`` experts (pool made here), have each
    accept, declare no conflict and give its verdict; returns the draw."""
    from review.panels import services as panels

    for _ in range(len(verdicts) + 2):
        make_expert(user=UserFactory())
    draw = panels.panel_draw_create(
        subject=subject,
        by=officer,
        params={"size": len(verdicts), "alternates": 2},
        purpose=purpose,
    )
    draw = complete_draw(draw, officer)
    seats = draw.seats.filter(on_panel=True).select_related("expert__user").order_by("rank")
    for seat, verdict in zip(seats, verdicts, strict=True):
        user = seat.expert.user
        seat_accept(seat=seat, by=user, undertaking=True)
        declaration_record(seat=seat, by=user, bid=draw.project.bid, outcome="none")
        if verdict is not None:
            panels.panel_opinion_submit(seat=seat, by=user, verdict=verdict, comment=comment)
    return draw


def diligence_panel(project, officer, verdicts=("diligent_failure",) * 5):
    """A complete diligent-failure (尽职免责) panel on ``project``; returns the draw."""
    from review.models import DrawPurpose

    return run_panel(project, officer, list(verdicts), purpose=DrawPurpose.TERMINATION)


__all__ = ["OrganizationFactory", "UserFactory", "team"]
