"""What the audit trail's readers are never shown (the list itself is in security.admin,
the audit administrator's).

Apps above audit add to these in their AppConfig.ready.
"""

from django.db.models import Q

# Events that name sealed content (bids, their receipts) and their teams are read on
# their own pages under the sealing rules, and by verify_audit — never in the list.
# Each entry is a callable returning the Q of such events.
HIDDEN_EVENTS: list = [lambda: Q(object_type="bounty.bid")]

# Actions whose actor is promised anonymity (a clarification question): the event is
# listed, its actor is not.
ANONYMOUS_ACTIONS: set = {"clarification.ask"}
