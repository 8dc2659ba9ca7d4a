from bounty.meetings.models import DecisionMeeting


def recent_meetings(limit=30):
    """The meetings a decision form offers, newest first."""
    return list(DecisionMeeting.objects.order_by("-held_on", "-pk")[:limit])
