from django.utils.translation import gettext_lazy as _

from notifications.registry import register

register(
    "challenge.submitted",
    title=_("Challenge to vet: %(title)s"),
    body=_("%(issuer)s submitted “%(title)s” for vetting."),
)
register(
    "challenge.returned",
    title=_("Returned for revision: %(title)s"),
    body=_("The bureau returned “%(title)s” for revision: %(comment)s"),
)
register(
    "challenge.approved",
    title=_("Approved: %(title)s"),
    body=_("The bureau approved “%(title)s”. It will be published on the board."),
)
register(
    "challenge.rejected",
    title=_("Rejected: %(title)s"),
    body=_("The bureau rejected “%(title)s”: %(comment)s"),
)
register(
    "challenge.published",
    title=_("Published: %(title)s"),
    body=_("“%(title)s” is on the public board and open for bids."),
)
register(
    "challenge.withdrawn",
    title=_("Withdrawn: %(title)s"),
    body=_("“%(title)s” was withdrawn: %(comment)s"),
)
register(
    "challenge.closed",
    title=_("Bidding closed: %(title)s"),
    body=_("The bid deadline of “%(title)s” has passed; no more bids are accepted."),
)
register(
    "challenge.amended",
    title=_("Amendment %(number)s to “%(title)s”"),
    body=_(
        "The challenge “%(title)s” was amended: %(reason)s. Check the changes and the deadline."
    ),
)
register(
    "clarification.asked",
    title=_("New question on “%(title)s”"),
    body=_(
        "A bidder asked a question about “%(title)s”. Answer it so every bidder sees the answer."
    ),
)
register(
    "clarification.answered",
    title=_("Question answered: %(title)s"),
    body=_("A question on “%(title)s” was answered. The answer is published for every bidder."),
)
