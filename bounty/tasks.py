from bounty.calls.services import calls_close_expired
from bounty.challenges.services import challenges_close_expired


def close_expired_challenges():
    """Scheduled every minute. Bids are refused after the deadline regardless (database time).
    Then the published calls (批次) past their bid deadline are closed as well. Returns how
    many challenges were closed."""
    closed = challenges_close_expired()
    calls_close_expired()
    return closed


def project_daily():
    """Scheduled daily: open the reporting windows, send the milestone reminders, and put
    into effect the due-process decisions whose review window closed (every read of a case
    does that too: the deadline holds without this job)."""
    from bounty.dueprocess.services import cases_finalize_due
    from bounty.projects.acceptance import notices_finalize_due
    from bounty.projects.reminders import reminders_run
    from bounty.projects.services import milestones_open_reporting

    return {
        "opened": milestones_open_reporting(),
        "reminders": reminders_run(),
        "cases_final": cases_finalize_due(),
        "acceptances_final": notices_finalize_due(),
    }
