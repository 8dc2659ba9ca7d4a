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
register(
    "bid.receipt",
    title=_("Bid received: %(reference)s (version %(version)s)"),
    body=_(
        "Your bid for “%(title)s” was received at %(time)s (Beijing time). "
        "SHA-256 of its content: %(sha256)s. Keep the receipt."
    ),
)
register(
    "bid.eligible",
    title=_("Formal check passed: %(reference)s"),
    body=_("Your bid for “%(title)s” passed the formal check and goes to expert review."),
)
register(
    "bid.ineligible",
    title=_("Formal check not passed: %(reference)s"),
    body=_("Your bid for “%(title)s” did not pass the formal check. Reasons: %(reasons)s"),
)
register(
    "challenge.formal_check_done",
    title=_("Formal check finished: %(title)s"),
    body=_("The bureau finished the formal check of the bids for “%(title)s”."),
)
