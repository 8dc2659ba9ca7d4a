"""The expert vetting of a need (需求论证) as the challenge side sees it: the panel's state
comes from ``review`` through ``bounty.hooks.need_vetting_for``. A need in a call is approved
only once its vetting panel is complete; a challenge outside calls needs no panel (it may
still have one). Returning or rejecting a need is possible at any time."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bounty import permissions as perms
from bounty.challenges.statuses import ChallengeStatus
from bounty.hooks import need_vetting_for

# Where the bureau's decision panel shows the vetting panel.
SHOWN_IN = (ChallengeStatus.VETTING, ChallengeStatus.APPROVED)


def approval_refusal(challenge):
    """Why the bureau may not approve ``challenge`` yet (None: it may)."""
    if not challenge.call_id:
        return None
    state = need_vetting_for(challenge)
    if state is None:
        return _(
            "A need in a call is approved only after its expert vetting (需求论证): draw the "
            "vetting panel first."
        )
    if not state.complete:
        return ngettext(
            "A need in a call is approved only after its expert vetting (需求论证) is complete: "
            "%(n)d panel opinion is still awaited.",
            "A need in a call is approved only after its expert vetting (需求论证) is complete: "
            "%(n)d panel opinions are still awaited.",
            state.pending,
        ) % {"n": state.pending}
    return None


def need_vetting_context(user, challenge) -> dict:
    """The challenge page's bureau decision panel: the need-vetting panel and its opinions."""
    if challenge.status not in SHOWN_IN or not perms.can_vet_challenge(user, challenge):
        return {}
    state = need_vetting_for(challenge)
    return {
        "need_vetting": {
            "state": state,
            "required": bool(challenge.call_id),
            "can_draw": challenge.status == ChallengeStatus.VETTING,
            "blocked": challenge.status == ChallengeStatus.VETTING and approval_refusal(challenge),
        }
    }
