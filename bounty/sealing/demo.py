"""Demo only (seed_demo): the holders of a sealed challenge take their shares and open its
bids at once, so that the demo shows bids after the deadline. Real openings are typed in by
the holders at bounty:challenge_sealing."""

from accounts.selectors import bureau_officers, supervisors
from bounty.models import ChallengeKey
from bounty.sealing import services
from bounty.sealing.opening import opening_perform, opening_required

# The team passphrase of the demo's sealed submissions (to try reopening one).
DEMO_PASSPHRASE = "jiebang-demo-passphrase"


def demo_open(challenge, officer):
    """Open ``challenge``'s sealed bids with shares taken now; None when nothing to open or
    a share was taken before (its text is gone)."""
    key = ChallengeKey.objects.filter(challenge=challenge).first()
    if key is None or not opening_required(challenge):
        return None
    shares = list(key.shares.all())
    if any(not share.pending for share in shares):
        return None
    candidates = {"bureau": [officer, *bureau_officers()], "supervisor": supervisors()}
    used, texts = set(), []
    for share in shares[: key.threshold]:
        holder = share.holder or next(
            (u for u in candidates[share.role] if u.pk not in used and u.pk != officer.pk),
            None,
        )
        if holder is None:
            return None
        used.add(holder.pk)
        texts.append(services.share_take(share=share, by=holder))
    return opening_perform(challenge=challenge, by=officer, shares=texts)
