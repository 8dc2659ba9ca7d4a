from .services import seats_expire


def expire_invitations():
    """Scheduled every 10 minutes: unanswered invitations count as declines."""
    return seats_expire()


def award_due_challenges():
    """Scheduled every 10 minutes: award challenges whose public notice has ended."""
    from .award import awards_due

    return awards_due()
