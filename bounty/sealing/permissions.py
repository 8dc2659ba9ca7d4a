"""Who takes a share of a challenge's key, opens its bids, reads the opening record."""

from accounts.models import Role
from accounts.permissions import belongs_to, user_roles


def can_see_key_shares(user, challenge) -> bool:
    """Bureau officers (not of the issuer) and supervisors see who holds which share."""
    roles = user_roles(user)
    if Role.SUPERVISOR in roles:
        return True
    return Role.BUREAU in roles and not belongs_to(user, challenge.issuer)


def can_take_share(user, share) -> bool:
    """A share bound to a person is theirs; an open one goes to the first user of its role
    who holds no other share of the same key."""
    if share.holder_id is not None:
        return share.holder_id == user.pk
    if share.role not in user_roles(user) or belongs_to(user, share.key.challenge.issuer):
        return False
    return not share.key.shares.filter(holder=user).exists()


def can_open_bids(user, challenge) -> bool:
    """The ceremony is run by a bureau officer or a supervisor once the deadline passed;
    the shares typed in decide whether it succeeds."""
    return challenge.deadline_passed and can_see_key_shares(user, challenge)


def can_view_opening(user, opening) -> bool:
    return can_see_key_shares(user, opening.challenge)
