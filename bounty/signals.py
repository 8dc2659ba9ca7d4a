from django.dispatch import Signal

# Sent inside an amendment's transaction with ``amendment``. The bid issue
# connects here: receivers reopen submitted bids of a material amendment and
# return the users to notify.
challenge_amended = Signal()
