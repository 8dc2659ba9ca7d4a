from django.utils.translation import gettext_lazy as _

from notifications.registry import register
from review.models import DrawPurpose, Objection

register(
    "review.invited",
    title=_("Invitation to review: %(title)s"),
    body=_(
        "You were drawn for the expert panel of “%(title)s”. Accept or decline before %(deadline)s "
        "(Beijing time); no answer counts as a decline."
    ),
)
register(
    "review.draw_opened",
    title=_("A draw waits for your commitment: %(title)s"),
    body=_(
        "The bureau opened draw %(draw)s for the expert panel of “%(title)s”. Commit to your "
        "secret before the pool is frozen."
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
register(
    "review.award_proposed",
    title=_("Winner proposed: %(title)s"),
    body=_("The issuer proposed the winner of “%(title)s”. Confirm to open the public notice."),
)
register(
    "review.objection",
    title=_("Objection filed: %(title)s"),
    body=_(
        "An objection was filed during the public notice of “%(title)s”. The award is frozen until you decide."
    ),
)
register(
    "review.objection_decided",
    title=_("Your objection: %(outcome)s"),
    body=_("Your objection concerning “%(title)s” was %(outcome)s. Reasons: %(reason)s"),
    labels={"outcome": Objection.Status.choices},
)
register(
    "review.bid_won",
    title=_("Awarded: %(reference)s"),
    body=_("Your bid %(reference)s won “%(title)s”. The contract comes next."),
)
register(
    "review.bid_not_selected",
    title=_("Not selected: %(reference)s"),
    body=_(
        "Your bid %(reference)s was not selected for “%(title)s”. Your rank and the panel's comments are on the bid page."
    ),
)
register(
    "review.awarded",
    title=_("Awarded: %(title)s"),
    body=_("The public notice of “%(title)s” ended without open objections; the award is final."),
)
register(
    "review.no_award",
    title=_("No award (流榜): %(title)s"),
    body=_(
        "No bid for “%(title)s” reached the pass mark. %(comment)s You may publish the challenge again."
    ),
)
register(
    "review.panel_complete",
    title=_("Panel opinions complete: %(title)s"),
    body=_(
        "Every expert of the %(purpose)s panel for “%(title)s” has given an opinion. "
        "Record the panel's verdict on the project page."
    ),
    labels={"purpose": DrawPurpose.choices},
)
register(
    "review.need_vetting_complete",
    title=_("Need vetting complete: %(title)s"),
    body=_(
        "Every expert of the panel vetting the need “%(title)s” has given an opinion. "
        "Decide on the need on its page; the opinions are shown there."
    ),
)

from review.award import notifications as _award_exits  # noqa: E402, F401  (the exits' kinds)
