"""Permission predicates for the dashboard; see accounts/permissions.py for the conventions."""

from accounts.permissions import is_bureau_officer


def can_view_dashboard(user) -> bool:
    """The figures cover every organisation: the bureau only."""
    return is_bureau_officer(user)
