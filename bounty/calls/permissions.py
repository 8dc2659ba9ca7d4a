"""Who may see and manage calls (批次)."""

from accounts.permissions import is_bureau_officer


def can_manage_calls(user) -> bool:
    """Bureau officers prepare calls and move them through their stages."""
    return user.is_authenticated and is_bureau_officer(user)


def can_view_call(user, call) -> bool:
    """Published and closed calls are public; the others only the bureau knows of."""
    return call.is_public or can_manage_calls(user)
