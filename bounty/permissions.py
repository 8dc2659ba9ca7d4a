"""Permission predicates for this app; see accounts/permissions.py for the conventions."""
