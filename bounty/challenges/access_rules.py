"""Who reads the details of a restricted or confidential challenge (DOMAIN §2, added).

Public: everyone. Restricted: title, industry, bounty, deadline and the public summary are
public; the details open to a signed-in member of a verified organisation who accepted the
current version of the challenge's NDA. Confidential: as restricted, and only for the
organisations the issuer admitted on request. The issuer organisation and the bureau always
read everything. Small predicates over the rows of ``access.py``; no writes.
"""

import hashlib

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.permissions import (
    belongs_to,
    has_role_in,
    organization_ids_with_role,
    user_roles,
)
from bounty.challenges.access import AccessRequest, AccessStatus, NdaAcceptance
from bounty.challenges.models import Confidentiality

# What a non-public challenge withholds (web, API, OCDS): field names of ``Challenge``.
# Public are only the title, industry, bounty (and its split), deadline and the public summary
# (DOMAIN §2, added): the free texts and the contact person are details.
HIDDEN_FIELDS = (
    "problem",
    "deliverable",
    "eligibility",
    "ip_terms_detail",
    "contact_name",
    "contact_phone",
    "contact_email",
)

# Apps above bounty may add readers of the details here (review: an expert on an accepted
# seat of a panel of the challenge). Each is ``predicate(user, challenge) -> bool``; such a
# reader sees the details, not the NDA and access records.
EXTRA_DETAIL_READERS: list = []


def is_withheld(challenge) -> bool:
    """Whether the challenge has details the public does not see."""
    return challenge.confidentiality != Confidentiality.PUBLIC


def is_confidential(challenge) -> bool:
    return challenge.confidentiality == Confidentiality.SECRET


def default_nda_text(challenge) -> str:
    return _(
        "Confidentiality undertaking for the challenge “%(title)s” (%(ocid)s) issued by "
        "%(issuer)s.\n\n"
        "1. I accept on behalf of my organisation that the problem statement, deliverable, "
        "eligibility requirements, technical indicators, scoring rubric, questions and answers, "
        "amendments and attachments of this challenge are confidential information of the "
        "issuer.\n"
        "2. We use them only to decide whether to bid and to prepare a bid for this challenge.\n"
        "3. We disclose them to nobody outside our organisation, except to the members of our "
        "consortium, who are bound by this same undertaking.\n"
        "4. We do not copy or keep them beyond what preparing the bid requires, and destroy "
        "them on the issuer's request if we are not awarded.\n"
        "5. The undertaking lasts five years from today and survives the end of the call. It "
        "does not cover information that is or becomes public without our fault.\n"
        "6. This acceptance is recorded with its time, our organisation and the version of "
        "this text."
    ) % {"title": challenge.title, "ocid": challenge.ocid, "issuer": challenge.issuer.name}


def nda_text(challenge) -> str:
    """The NDA the reader is shown: the issuer's own, else the standard text."""
    return challenge.nda_text.strip() or default_nda_text(challenge)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sees_everything(user, challenge) -> bool:
    """The issuer organisation and the bureau (officers and supervisors)."""
    if not user.is_authenticated:
        return False
    roles = user_roles(user)
    return belongs_to(user, challenge.issuer) or Role.BUREAU in roles or Role.SUPERVISOR in roles


def verified_org_ids(user) -> list[int]:
    """The verified organisations of the user (any role)."""
    if not user.is_authenticated:
        return []
    ids = {i for role in Role.values for i in organization_ids_with_role(user, role)}
    return sorted(ids)


def admitted_org_ids(challenge, org_ids) -> set[int]:
    return set(
        AccessRequest.objects.filter(
            challenge=challenge, organization_id__in=org_ids, status=AccessStatus.ADMITTED
        ).values_list("organization_id", flat=True)
    )


def eligible_org_ids(user, challenge) -> list[int]:
    """The organisations on whose behalf the user may accept the NDA: verified, not the
    issuer, and (confidential) admitted by the issuer."""
    ids = [i for i in verified_org_ids(user) if i != challenge.issuer_id]
    if is_confidential(challenge) and ids:
        admitted = admitted_org_ids(challenge, ids)
        ids = [i for i in ids if i in admitted]
    return ids


def current_acceptances(user, challenge, org_ids=None):
    """The user's acceptances of the current NDA version for organisations that still count."""
    ids = eligible_org_ids(user, challenge) if org_ids is None else org_ids
    return NdaAcceptance.objects.filter(
        challenge=challenge,
        user=user,
        nda_version=challenge.nda_version,
        organization_id__in=ids,
    )


def sees_details(user, challenge) -> bool:
    """May ``user`` read the details of ``challenge`` (web, API)?"""
    if not is_withheld(challenge) or sees_everything(user, challenge):
        return True
    if not user.is_authenticated:
        return False
    if any(reader(user, challenge) for reader in EXTRA_DETAIL_READERS):
        return True
    return current_acceptances(user, challenge).exists()


def has_access_for(user, challenge, organization) -> bool:
    """May ``user`` act for ``organization`` on the details (bid as its lead)?"""
    if not is_withheld(challenge):
        return True
    if organization.pk not in eligible_org_ids(user, challenge):
        return False
    return current_acceptances(user, challenge, [organization.pk]).exists()


def bid_access_error(user, challenge, lead):
    """Why ``user`` may not bid for ``challenge`` with ``lead`` (None when they may)."""
    if has_access_for(user, challenge, lead):
        return None
    if is_confidential(challenge) and lead.pk not in admitted_org_ids(challenge, [lead.pk]):
        return _(
            "This challenge is confidential: %(org)s must first be admitted by the issuer "
            "and accept the NDA."
        ) % {"org": lead.name}
    return _("Accept the challenge's NDA for %(org)s before bidding.") % {"org": lead.name}


def team_access_error(user, challenge, lead):
    """Why a member of the team of ``lead`` may not work on its bid (edit, submit, reopen)
    or read it with the challenge's details: acceptance is per person and per NDA version,
    so each colleague accepts the current version for the lead unit (None when they may)."""
    if has_access_for(user, challenge, lead):
        return None
    if is_confidential(challenge) and lead.pk not in admitted_org_ids(challenge, [lead.pk]):
        return _(
            "This challenge is confidential and %(org)s is not admitted to its details: "
            "you cannot work on the bid."
        ) % {"org": lead.name}
    return _(
        "The details of this challenge are open to you only once you accept the current "
        "version (%(version)s) of its NDA for %(org)s. Accept it to read, edit or submit "
        "the bid: %(url)s"
    ) % {"version": challenge.nda_version, "org": lead.name, "url": nda_url(challenge)}


def nda_url(challenge) -> str:
    return reverse("bounty:challenge_nda", args=[challenge.ocid])


def can_decide_access(user, challenge) -> bool:
    """The issuer's staff admit or refuse organisations to a confidential challenge."""
    return is_confidential(challenge) and has_role_in(user, challenge.issuer, Role.ISSUER)


def can_see_access_records(user, challenge) -> bool:
    """NDA acceptances and access requests: the issuer organisation and the bureau."""
    return is_withheld(challenge) and sees_everything(user, challenge)
