from django.utils.translation import gettext_lazy as _

from notifications.registry import register

register(
    "contract.to_sign",
    title=_("Contract %(number)s is waiting for your signature"),
    body=_(
        "The contract for “%(title)s” has been signed by the previous party; it is your turn to sign."
    ),
)
register(
    "contract.signed",
    title=_("Contract %(number)s signed by all parties"),
    body=_(
        "All three parties have signed the contract for “%(title)s”. The project is active and the first payment is due."
    ),
)
register(
    "document.failed",
    title=_("Document %(number)s could not be generated"),
    body=_("Generating %(number)s failed: %(reason)s. It can be retried from its page."),
)
register(
    "supplement.to_sign",
    title=_("Supplementary agreement %(number)s is waiting for your signature"),
    body=_(
        "The supplementary agreement for “%(title)s” has been signed by the previous party; it is your turn to sign."
    ),
)
register(
    "supplement.signed",
    title=_("Supplementary agreement %(number)s signed by all parties"),
    body=_(
        "All three parties have signed the supplementary agreement for “%(title)s”; it is in force."
    ),
)
