"""The states of a challenge: read by the model's state machine and its querysets
(kept apart so that neither imports the other)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ChallengeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for vetting")
    RECOMMENDED = "recommended", _("Recommended by the district")
    RETURNED = "returned", _("Returned for revision")
    VETTING = "vetting", _("Being vetted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    PUBLISHED = "published", _("Open for bids")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CLOSED = "closed", _("Closed")
    # Moved by the bids (formal check), review/award and documents (contract) services.
    FORMAL_CHECK = "formal_check", _("Formal check")
    UNDER_REVIEW = "under_review", _("Under expert review")
    AWARD_PROPOSED = "award_proposed", _("Winner proposed")
    IN_NOTICE = "in_notice", _("In public notice")
    AWARDED = "awarded", _("Awarded")
    NO_AWARD = "no_award", _("No award")
    CONTRACTED = "contracted", _("Contracted")
    COMPLETED = "completed", _("Completed")
    TERMINATED = "terminated", _("Terminated")


PUBLIC_STATUSES = (
    ChallengeStatus.PUBLISHED,
    ChallengeStatus.CLOSED,
    ChallengeStatus.FORMAL_CHECK,
    ChallengeStatus.UNDER_REVIEW,
    ChallengeStatus.AWARD_PROPOSED,
    ChallengeStatus.IN_NOTICE,
    ChallengeStatus.AWARDED,
    ChallengeStatus.NO_AWARD,
    ChallengeStatus.CONTRACTED,
    ChallengeStatus.COMPLETED,
    ChallengeStatus.TERMINATED,
)
EDITABLE_STATUSES = (ChallengeStatus.DRAFT, ChallengeStatus.RETURNED)
