from django.utils.translation import gettext_lazy as _

from accounts.exceptions import ActionRefused, StaleState


class ChallengeIncomplete(ActionRefused):
    default_message = _("The challenge is not complete yet; see the messages beside the fields.")

    def __init__(self, errors):
        self.errors = errors
        super().__init__()


class BidWindowClosed(ActionRefused):
    default_message = _("The bid deadline has passed; late bids are not accepted.")


__all__ = ["ActionRefused", "BidWindowClosed", "ChallengeIncomplete", "StaleState"]
