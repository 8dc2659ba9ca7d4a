from .services import seats_expire


def expire_invitations():
    """Scheduled every 10 minutes: unanswered invitations count as declines."""
    return seats_expire()
