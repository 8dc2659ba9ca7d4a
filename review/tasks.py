from review.draw.seats import seats_expire


def precompute_bid_conflicts(bid_id):
    """Queued when a bid is submitted: store its bid-level conflicts of interest."""
    from review.draw.conflicts import precompute_bid_conflicts as compute

    return compute(bid_id)


def expire_invitations():
    """Scheduled every 10 minutes: unanswered invitations count as declines."""
    return seats_expire()


def award_due_challenges():
    """Scheduled every 10 minutes: award challenges whose public notice has ended."""
    from review.award.services import awards_due

    return awards_due()


def award_deadlines():
    """Scheduled daily: the proposal and signing deadline reminders."""
    from review.award.deadlines import award_deadlines_run

    return award_deadlines_run()
