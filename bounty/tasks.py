from bounty.challenges.services import challenges_close_expired


def close_expired_challenges():
    """Scheduled every minute. Bids are refused after the deadline regardless (database time)."""
    return challenges_close_expired()


def project_daily():
    """Scheduled daily: open the reporting windows, then send the milestone reminders."""
    from bounty.projects.reminders import reminders_run
    from bounty.projects.services import milestones_open_reporting

    return {"opened": milestones_open_reporting(), "reminders": reminders_run()}
