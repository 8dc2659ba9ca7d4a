"""Races around the deadline and double clicks, with real concurrent connections (PostgreSQL)."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, connections

from accounts.exceptions import ActionRefused
from bounty.bids import services as bid_services
from bounty.models import Bid, BidVersion, Challenge
from common.dbtime import db_now
from tests.bounty.bids.helpers import complete_bid
from tests.bounty.helpers import published

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        "connection.vendor != 'postgresql'", reason="row locks and races need PostgreSQL"
    ),
]


def run_threads(targets):
    results = [None] * len(targets)

    def wrap(i, fn):
        try:
            results[i] = ("ok", fn())
        except ActionRefused as exc:
            results[i] = ("refused", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=wrap, args=(i, fn)) for i, fn in enumerate(targets)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_twenty_concurrent_submits_around_the_deadline():
    challenge = published()
    bids = [complete_bid(challenge) for _ in range(20)]
    deadline = db_now() + timedelta(milliseconds=600)
    Challenge.objects.filter(pk=challenge.pk).update(bid_deadline=deadline)

    def attempt(bid, delay):
        def go():
            time.sleep(delay)
            try:
                return bid_services.bid_submit(bid=Bid.objects.get(pk=bid.pk), by=bid.created_by)
            except ActionRefused:
                after = db_now()
                assert after >= deadline, (
                    "refused although the database clock was before the deadline"
                )
                raise

        return go

    # Spread the attempts from 300 ms before to 300 ms after the deadline.
    results = run_threads([attempt(b, 0.3 + 0.03 * i) for i, b in enumerate(bids)])
    accepted = [r[1] for r in results if r[0] == "ok"]
    refused = [r for r in results if r[0] == "refused"]
    assert len(accepted) + len(refused) == 20
    assert accepted, "no bid got in before the deadline"
    assert refused, "no attempt fell after the deadline"
    for version in accepted:
        assert version.submitted_at < deadline
    assert BidVersion.objects.count() == len(accepted)
    assert not BidVersion.objects.filter(submitted_at__gte=deadline).exists()


def test_double_click_submits_one_version():
    challenge = published()
    bid = complete_bid(challenge)
    results = run_threads(
        [lambda: bid_services.bid_submit(bid=Bid.objects.get(pk=bid.pk), by=bid.created_by)] * 2
    )
    assert sorted(r[0] for r in results) == ["ok", "refused"]
    assert BidVersion.objects.filter(bid=bid).count() == 1
    assert connection.vendor == "postgresql"


def test_pi_limit_holds_under_concurrent_submissions():
    from tests.bounty.bids.helpers import team
    from tests.factories import member_of

    pi, _org = team()
    bids = []
    for _ in range(6):
        user, other = team()
        member_of(other, "bidder", user=pi)
        bid = complete_bid(published(), user, other)
        bid_services.bid_update(bid=bid, by=user, data={"pi": pi})
        bids.append(bid)
    results = run_threads(
        [
            lambda b=b: bid_services.bid_submit(bid=Bid.objects.get(pk=b.pk), by=b.created_by)
            for b in bids
        ]
    )
    assert sum(1 for r in results if r[0] == "ok") == 1
    assert BidVersion.objects.filter(bid__pi=pi).count() == 1


def test_per_call_quota_holds_under_concurrent_submissions(settings):
    """Two bids of one lead unit on two challenges of one call with max_lead_bids=1,
    submitted at once: exactly one gets in (the lead unit's row lock serialises them)."""
    from tests.bounty.bids.helpers import team
    from tests.bounty.calls.helpers import published_call

    settings.JIEBANG = {**settings.JIEBANG, "DISTRICT_RECOMMENDATION": False}
    call, challenges = published_call(2, max_lead_bids=1, pi_max_lead=2)
    user, org = team()
    bids = [complete_bid(c, user, org) for c in challenges]
    results = run_threads(
        [
            lambda b=b: bid_services.bid_submit(bid=Bid.objects.get(pk=b.pk), by=b.created_by)
            for b in bids
        ]
    )
    assert sorted(r[0] for r in results) == ["ok", "refused"]
    refused = next(r[1] for r in results if r[0] == "refused")
    assert call.name in str(refused.message)
    assert BidVersion.objects.filter(bid__lead=org, bid__challenge__call=call).count() == 1
