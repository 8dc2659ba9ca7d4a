"""Who may see and do what with challenges. Small pure predicates; one place.

Conventions: accounts/permissions.py. Drafts are visible to the issuer
organisation and the bureau only; everyone else gets 404.
"""

from accounts.models import Role
from accounts.permissions import belongs_to, has_role_in, is_bureau_officer, user_roles

from .models import EDITABLE_STATUSES, PUBLIC_STATUSES, ChallengeStatus


def is_issuer_staff(user, challenge) -> bool:
    return has_role_in(user, challenge.issuer, Role.ISSUER)


def can_view_challenge(user, challenge) -> bool:
    if challenge.status in PUBLIC_STATUSES:
        return True
    return is_issuer_staff(user, challenge) or is_bureau_officer(user)


def can_create_challenge(user, organization) -> bool:
    return organization.is_verified and has_role_in(user, organization, Role.ISSUER)


def can_edit_challenge(user, challenge) -> bool:
    return challenge.status in EDITABLE_STATUSES and is_issuer_staff(user, challenge)


def can_submit_challenge(user, challenge) -> bool:
    return can_edit_challenge(user, challenge)


def can_vet_challenge(user, challenge) -> bool:
    """Bureau officers vet, publish, withdraw and amend; never for their own organisation."""
    return is_bureau_officer(user) and not belongs_to(user, challenge.issuer)


def can_amend_challenge(user, challenge) -> bool:
    return (
        can_vet_challenge(user, challenge)
        and challenge.status == ChallengeStatus.PUBLISHED
        and not challenge.deadline_passed
    )


def can_ask_question(user, challenge) -> bool:
    return (
        Role.BIDDER in user_roles(user)
        and challenge.status == ChallengeStatus.PUBLISHED
        and not challenge.deadline_passed
        and not belongs_to(user, challenge.issuer)
    )


def can_answer_question(user, challenge) -> bool:
    return challenge.status in PUBLIC_STATUSES and (
        is_issuer_staff(user, challenge) or can_vet_challenge(user, challenge)
    )


def can_export_challenges(user) -> bool:
    return is_bureau_officer(user)
