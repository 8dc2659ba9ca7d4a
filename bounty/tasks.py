from .services import challenges_close_expired


def close_expired_challenges():
    """Scheduled every minute. Bids are refused after the deadline regardless (database time)."""
    return challenges_close_expired()
