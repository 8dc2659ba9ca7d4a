"""The background volume of issue 10: 100,000 bids in all. ``seed_bids`` puts 2,000 on
the list challenge; this adds 2,000 more on each of 49 closed ``bench-`` challenges
(the same 2,000 lead units and PIs, shorter texts), so tables and indexes hold what a
city's platform holds after some years. Idempotent: nothing when already there.
"""

import random

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from bounty.models import Bid, Challenge, ChallengeStatus

from . import seed as challenge_seed
from . import seed_bids

TOTAL_BIDS = 100_000
PER_CHALLENGE = seed_bids.LIST_BIDS
EXTRA_CHALLENGES = TOTAL_BIDS // PER_CHALLENGE - 1  # besides the list challenge


def seed(*, out=print):
    challenges = list(
        Challenge.objects.filter(
            ocid__startswith=challenge_seed.OCID_PREFIX, status=ChallengeStatus.CLOSED
        ).order_by("ocid")[:EXTRA_CHALLENGES]
    )
    if len(challenges) < EXTRA_CHALLENGES:
        out(f"Only {len(challenges)} closed bench challenges: bids volume not seeded.")
        return False
    done = set(Bid.objects.filter(challenge__in=challenges).values_list("challenge_id", flat=True))
    todo = [c for c in challenges if c.pk not in done]
    if not todo:
        out(f"Bid volume already seeded ({Bid.objects.count():,} bids).")
        return False
    started = timezone.now()
    rng = random.Random(2028)  # noqa: S311  (reproducible data, not secrets)
    leads = seed_bids._orgs(seed_bids.LIST_LEAD_PREFIX, PER_CHALLENGE, rng)
    names = [f"bench-pi-{n:04d}" for n in range(1, PER_CHALLENGE + 1)]
    by_name = User.objects.in_bulk(names, field_name="username")
    pis = [by_name[name] for name in names]
    officer = User.objects.get(username=seed_bids.OFFICER)
    for challenge in todo:
        index = challenges.index(challenge)
        with transaction.atomic():
            seed_bids._list_bids(
                rng,
                challenge,
                leads,
                pis,
                officer,
                ref=f"V{index:02d}",
                proposal=seed_bids._short_proposal,
            )
    seed_bids._analyze()
    seconds = (timezone.now() - started).total_seconds()
    out(f"Seeded {len(todo) * PER_CHALLENGE:,} more bids in {seconds:.0f} s.")
    return True
