import pytest
from django.core.management import call_command

from bounty.models import (
    BidOpening,
    BidStatus,
    Challenge,
    ChallengeStatus,
    KeyShare,
    SealedSubmission,
)


@pytest.mark.django_db
def test_seed_demo_seals_and_opens_where_it_shows_bids_after_the_deadline():
    """bounty's and review's demos open their sealed challenges (``demo_open``) before the
    formal check, so the demo shows bids after the deadline."""
    call_command("seed_demo")
    openings = list(BidOpening.objects.select_related("challenge"))
    assert openings
    assert all(not o.problems for o in openings)
    assert all(o.results for o in openings)
    assert len(openings) >= 10  # bounty's formal-check challenge and review's reviewed ones
    # Open challenges: keys with shares still to take, submitted bids still sealed.
    open_ones = Challenge.objects.filter(
        status=ChallengeStatus.PUBLISHED, sealing_key__isnull=False
    )
    assert open_ones.exists()
    assert KeyShare.objects.filter(key__challenge__in=open_ones).exclude(pending="").exists()
    sealed = SealedSubmission.objects.filter(
        bid__challenge__in=open_ones, bid__status=BidStatus.SUBMITTED, state="sealed"
    )
    assert sealed.exists()
    assert all(s.bid.technical_approach == "" for s in sealed)
