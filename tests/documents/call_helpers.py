"""A call (批次) whose list is published through ``bounty.calls.services.publish_list``: its
needs are approved on their own first (the call's own vetting steps are tested with the
calls), then attached to the call."""

from datetime import timedelta

from django.utils import timezone

from bounty.calls import services as call_services
from bounty.challenges import services as challenge_services
from bounty.models import Call, Challenge
from tests.bounty.helpers import draft
from tests.factories import bureau_officer

TITLES = ("高镍正极材料循环寿命提升", "车规级功率模块低温烧结银工艺")


def call_in_vetting(*, year=2027, batch=1, name="2027年度第一批", **fields):
    """A call moved to ``vetting`` by its own transitions (no service: nothing else runs)."""
    now = timezone.now()
    call = Call(
        name=name,
        year=year,
        batch=batch,
        needs_opens_at=now - timedelta(days=30),
        needs_closes_at=now - timedelta(days=1),
        bids_close_at=now + timedelta(days=45),
        guide=fields.pop("guide", "一、申报条件\n具有独立法人资格的高校、科研院所或企业。"),
        created_by=fields.pop("created_by", None) or bureau_officer(),
        **fields,
    )
    call.save()
    for step in ("open_collection", "close_collection"):
        getattr(call, step)()
        call.save()
    return call


def approved_needs(call, officer, titles=TITLES):
    needs = []
    for title in titles:
        need = draft(title=title)
        challenge_services.challenge_submit(challenge=need, by=need.created_by)
        for decision in ("start_vetting", "approve"):
            challenge_services.challenge_decide(challenge=need, by=officer, decision=decision)
        Challenge.objects.filter(pk=need.pk).update(call=call)
        needs.append(need)
    return needs


def published_call(*, titles=TITLES, **call_fields):
    """(call, officer, challenges): the call's list published by ``publish_list``. Run it in
    ``django_capture_on_commit_callbacks(execute=True)`` to render the 发榜公告 at once."""
    officer = bureau_officer()
    call = call_in_vetting(created_by=officer, **call_fields)
    approved_needs(call, officer, titles)
    call = call_services.publish_list(call=call, by=officer)
    challenges = list(Challenge.objects.filter(call=call).order_by("ocid"))
    return call, officer, challenges
