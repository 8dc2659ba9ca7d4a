"""Notification kinds of the award's exits (流榜 on request, deadlines, 递补)."""

from django.utils.translation import gettext_lazy as _

from bounty.models import SigningDefault
from notifications.registry import register
from review.award.models import AwardDecline

register(
    "review.decline_requested",
    title=_("Request to declare no award: %(title)s"),
    body=_(
        "The issuer asks to declare no award (流榜) for “%(title)s”. Reasons: %(reasons)s "
        "Confirm or return the request on the ranking page."
    ),
)
register(
    "review.decline_decided",
    title=_("Your request to declare no award: %(outcome)s"),
    body=_("Your request to declare no award for “%(title)s”: %(outcome)s. %(comment)s"),
    labels={"outcome": AwardDecline.Status.choices},
)
register(
    "review.proposal_due_soon",
    title=_("Propose the winner by %(due)s: %(title)s"),
    body=_(
        "The panel of “%(title)s” has finished. Propose the winner, or ask to declare no award, "
        "by %(due)s (Beijing time); after that the bureau may decide."
    ),
)
register(
    "review.proposal_overdue",
    title=_("Proposal overdue: %(title)s"),
    body=_(
        "The issuer's proposal for “%(title)s” was due on %(due)s. The bureau may now propose "
        "from the ranking or declare no award."
    ),
)
register(
    "review.bureau_decided",
    title=_("The bureau decided: %(title)s"),
    body=_(
        "The proposal deadline of “%(title)s” passed and the bureau decided in the issuer's "
        "place. Reason: %(reason)s"
    ),
)
register(
    "review.signing_due_soon",
    title=_("Sign the contract by %(due)s: %(title)s"),
    body=_(
        "Your bid %(reference)s won “%(title)s”. Sign the contract by %(due)s (Beijing time); "
        "after that the bureau may give the award to the next bid."
    ),
)
register(
    "review.signing_expired",
    title=_("Contract not signed: %(title)s"),
    body=_(
        "The winner %(reference)s of “%(title)s” did not sign the contract by %(due)s. The "
        "bureau decides: the next bid (递补) or publishing the challenge again."
    ),
)
register(
    "review.signing_defaulted",
    title=_("Award lapsed: %(reference)s"),
    body=_(
        "The contract of “%(title)s” was not signed in time; the award to %(reference)s lapsed "
        "and the bureau noted it on your organisation's record. Reasons: %(reason)s"
    ),
)
register(
    "review.substitute_proposed",
    title=_("Proposed as winner: %(reference)s"),
    body=_(
        "The winner of “%(title)s” did not sign the contract. Your bid %(reference)s, next in "
        "the ranking, is proposed as winner; a public notice runs until %(ends)s."
    ),
)
register(
    "review.signing_decided",
    title=_("Winner did not sign: %(title)s"),
    body=_(
        "The winner of “%(title)s” did not sign the contract. The bureau decided: %(decision)s."
    ),
    labels={"decision": SigningDefault.Decision.choices},
)
