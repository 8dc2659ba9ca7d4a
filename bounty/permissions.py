"""Who may see and do what with challenges. Small pure predicates; one place.

Conventions: accounts/permissions.py. Drafts are visible to the issuer
organisation and the bureau only; everyone else gets 404.
"""

from django.conf import settings

from accounts.models import Role
from accounts.permissions import (
    belongs_to,
    belongs_to_id,
    district_ids,
    has_role_in,
    is_bureau_officer,
    user_roles,
)
from bounty.challenges import access_rules
from bounty.models import EDITABLE_STATUSES, PUBLIC_STATUSES, ChallengeStatus


def is_issuer_staff(user, challenge) -> bool:
    return has_role_in(user, challenge.issuer, Role.ISSUER)


def can_view_challenge(user, challenge) -> bool:
    if challenge.status in PUBLIC_STATUSES:
        return True
    return (
        is_issuer_staff(user, challenge)
        or is_bureau_officer(user)
        or (challenge.status != ChallengeStatus.DRAFT and is_district_of(user, challenge))
    )


def is_district_of(user, challenge) -> bool:
    """An officer of the district bureau whose jurisdiction the challenge's issuer is in.
    District officers read their own enterprises' needs only (anything else: 404)."""
    if not settings.JIEBANG["DISTRICT_RECOMMENDATION"]:
        return False
    ids = district_ids(user)
    return bool(ids) and challenge.issuer.district_id in ids


def can_recommend_challenge(user, challenge) -> bool:
    """The issuer's district recommends (推荐) or returns a submitted need, where the city
    recommends through districts (JIEBANG["DISTRICT_RECOMMENDATION"])."""
    return (
        settings.JIEBANG["DISTRICT_RECOMMENDATION"]
        and challenge.status == ChallengeStatus.SUBMITTED
        and is_district_of(user, challenge)
    )


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
    """A bidder who reads the details (restricted/confidential: accepted the current NDA)."""
    return (
        Role.BIDDER in user_roles(user)
        and challenge.status == ChallengeStatus.PUBLISHED
        and not challenge.deadline_passed
        and not belongs_to(user, challenge.issuer)
        and access_rules.sees_details(user, challenge)
    )


def can_answer_question(user, challenge) -> bool:
    return challenge.status in PUBLIC_STATUSES and (
        is_issuer_staff(user, challenge) or can_vet_challenge(user, challenge)
    )


def can_export_challenges(user) -> bool:
    return is_bureau_officer(user)


# --- Bids: sealed until the deadline ----------------------------------------------------
# Nobody but the bidding team reads a bid before the deadline: not the issuer, not
# the bureau, not a superuser (predicates never consult is_superuser or has_perm).


def is_bid_team(user, bid) -> bool:
    return has_role_in(user, bid.lead, Role.BIDDER)


def can_start_bid(user, challenge, lead) -> bool:
    return (
        lead.is_verified
        and has_role_in(user, lead, Role.BIDDER)
        and challenge.status == ChallengeStatus.PUBLISHED
        and not challenge.deadline_passed
        and lead.pk != challenge.issuer_id
    )


def can_edit_bid(user, bid, *, allow_submitted=False) -> bool:
    """The team while the bid is open; withdrawing asks no more. Editing, submitting and
    reopening also need ``bid_team_access_error`` to be None (restricted/confidential)."""
    from bounty.models import BidStatus

    allowed = (BidStatus.DRAFT, BidStatus.SUBMITTED) if allow_submitted else (BidStatus.DRAFT,)
    return bid.status in allowed and not bid.challenge.deadline_passed and is_bid_team(user, bid)


def bid_team_access_error(user, bid):
    """Why a member of the bid's team may not read the challenge's details through the bid
    or work on it: they have not accepted the current NDA for the lead unit (confidential:
    or the lead is not admitted). None when they may, or for a public challenge."""
    return access_rules.team_access_error(user, bid.challenge, bid.lead)


# Apps above bounty add readers here (review: accepted, unconflicted panel experts).
# Each is ``predicate(user, bid) -> bool``, consulted only after the deadline.
EXTRA_BID_READERS: list = []

# Apps above bounty add here who may open the panel ranking of a challenge (review's
# ``can_view_ranking``), so the challenge page can link to it without importing review.
RANKING_READERS: list = []


def can_open_ranking(user, challenge) -> bool:
    return user.is_authenticated and any(reader(user, challenge) for reader in RANKING_READERS)


def can_view_bid(user, bid) -> bool:
    from bounty.models import BidStatus

    if is_bid_team(user, bid):
        return True
    challenge = bid.challenge
    if not challenge.deadline_passed or bid.submitted_at is None:
        return False  # sealed
    if bid.status in (BidStatus.DRAFT, BidStatus.WITHDRAWN):
        return False
    if user.is_authenticated and any(reader(user, bid) for reader in EXTRA_BID_READERS):
        return True
    if (
        is_bureau_officer(user)
        and not belongs_to(user, bid.lead)
        and not belongs_to(user, challenge.issuer)
    ):
        return True
    return (
        challenge.formal_check_done_at is not None
        and is_issuer_staff(user, challenge)
        and bid.status not in (BidStatus.SUBMITTED, BidStatus.INELIGIBLE)
    )


def sees_every_bid(user, challenge) -> bool:
    """A bureau officer outside the issuer sees all submitted bids (after the deadline);
    the issuer sees only those that passed the formal check."""
    return is_bureau_officer(user) and not belongs_to(user, challenge.issuer)


def can_list_bids(user, challenge) -> bool:
    """The bureau after the deadline; the issuer after the formal check."""
    if not challenge.deadline_passed:
        return False
    if sees_every_bid(user, challenge):
        return True
    return challenge.formal_check_done_at is not None and is_issuer_staff(user, challenge)


def can_formal_check(user, challenge) -> bool:
    return can_vet_challenge(user, challenge) and challenge.deadline_passed


def can_formal_check_bid(user, bid) -> bool:
    """Never an officer of the bidding organisations."""
    if not can_formal_check(user, bid.challenge) or belongs_to(user, bid.lead):
        return False
    member_orgs = {m.organization_id for m in bid.consortium.all() if m.organization_id}
    return not any(belongs_to_id(user, org_id) for org_id in member_orgs)


# --- Projects: the three parties ---------------------------------------------------------


def is_project_team(user, project) -> bool:
    """The bidder staff of the project's lead unit now (an approved lead-unit change moves
    the project to the new lead: ``Project.lead_unit``)."""
    return has_role_in(user, project.lead_unit, Role.BIDDER)


# Apps above bounty add readers here (review: cleared experts of a project's panel).
# Each is ``predicate(user, project) -> bool``.
EXTRA_PROJECT_READERS: list = []


def can_view_project(user, project) -> bool:
    return (
        is_project_team(user, project)
        or is_issuer_staff(user, project.challenge)
        or is_bureau_officer(user)
        or (
            user.is_authenticated and any(reader(user, project) for reader in EXTRA_PROJECT_READERS)
        )
    )


def can_read_meetings(user, meeting=None) -> bool:
    """The records of collective decisions (集体决策): bureau officers and supervisors."""
    return user.is_authenticated and bool({Role.BUREAU, Role.SUPERVISOR} & user_roles(user))
