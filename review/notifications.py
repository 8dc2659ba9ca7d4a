from django.utils.translation import gettext_lazy as _

from notifications.registry import register

register(
    "review.invited",
    title=_("Invitation to review: %(title)s"),
    body=_(
        "You were drawn for the expert panel of “%(title)s”. Accept or decline before %(deadline)s "
        "(Beijing time); no answer counts as a decline."
    ),
)
register(
    "review.alternates_exhausted",
    title=_("Alternates exhausted: %(title)s"),
    body=_("Draw %(draw)s of “%(title)s” has no alternate left. Start a supplementary draw."),
)
register(
    "review.draw_step",
    title=_("Draw %(draw)s: %(step)s"),
    body=_("Draw %(draw)s for “%(title)s”: %(step)s."),
)
