"""Calls (批次) and needs in them, built through the real services."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from bounty.calls import services as call_services
from bounty.challenges import services
from bounty.models import Call, Challenge, ChallengeStatus
from tests.bounty.helpers import INDICATORS, complete_data, issuer_with_org
from tests.factories import bureau_officer

QUALIFICATION = {
    "chain": "新能源汽车",
    "chain_role": "chain_leader",
    "revenue": Decimal("80000"),
    "rd_ratio": Decimal("4.5"),
    "rd_platform": "provincial",
    "rd_platform_name": "江苏省动力电池工程技术研究中心",
}


def call_data(**overrides):
    now = timezone.now()
    data = {
        "name": "2026年度第一批揭榜挂帅项目",
        "year": 2026,
        "batch": 1,
        "needs_opens_at": now - timedelta(days=1),
        "needs_closes_at": now + timedelta(days=20),
        "bids_close_at": now + timedelta(days=80),
        "max_lead_bids": 3,
        "pi_max_lead": 1,
        "guide": "申报指南正文",
    }
    data.update(overrides)
    return data


def make_call(officer=None, *, opened=True, **overrides):
    officer = officer or bureau_officer()
    call = call_services.call_create(by=officer, data=call_data(**overrides))
    if opened:
        call = call_services.open_collection(call=call, by=officer)
    return call


def need(call, issuer=None, org=None, *, qualified=True, **overrides):
    if issuer is None:
        issuer, org = issuer_with_org()
    data = complete_data(call=call, **{**(QUALIFICATION if qualified else {}), **overrides})
    return services.challenge_create(by=issuer, issuer=org, data=data, indicators=INDICATORS)


def approved_need(call, officer, **kwargs):
    challenge = need(call, **kwargs)
    services.challenge_submit(challenge=challenge, by=challenge.created_by)
    services.challenge_decide(challenge=challenge, by=officer, decision="start_vetting")
    # The approval of a need waits for its expert vetting (需求论证, tested on its own):
    # these tests start from its outcome.
    Challenge.objects.filter(pk=challenge.pk).update(status=ChallengeStatus.APPROVED)
    return Challenge.objects.get(pk=challenge.pk)


def refresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def to_vetting(call, officer):
    return call_services.close_collection(call=Call.objects.get(pk=call.pk), by=officer)


def published_call(n=2, officer=None, **overrides):
    """A call whose list of ``n`` needs is published; (call, [challenges])."""
    from bounty.calls import services as call_services

    officer = officer or bureau_officer()
    call = make_call(officer, **overrides)
    needs = [approved_need(call, officer) for _ in range(n)]
    to_vetting(call, officer)
    call = call_services.publish_list(call=refresh(call), by=officer)
    return call, [refresh(c) for c in needs]
