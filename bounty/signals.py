from django.dispatch import Signal

# Sent inside an amendment's transaction with ``amendment``. The bid issue
# connects here: receivers reopen submitted bids of a material amendment and
# return the users to notify.
challenge_amended = Signal()

# Sent inside the submission's transaction with ``bid`` and ``version``. The review
# app precomputes the bid's conflicts of interest here (not at draw time).
bid_submitted = Signal()

# Sent inside the award's transaction with ``project`` when a winning bid's project is
# created. The documents app prepares the contract here.
project_created = Signal()
