"""Names of the choice sets in the OpenAPI schema (SPECTACULAR_SETTINGS ENUM_NAME_OVERRIDES)."""

from accounts.models import OrganizationKind, OrganizationStatus, Role
from bounty.models import Attachment, BidStatus, ChallengeStatus, ExclusionRequest
from bounty.projects.models import MilestoneStatus, ProjectStatus, TerminationOutcome, TrancheStatus

AttachmentKind = Attachment.Kind
ExclusionKind = ExclusionRequest.Kind
DECLARATION_OUTCOMES = ["none", "potential", "conflict"]

__all__ = [
    "BidStatus",
    "ChallengeStatus",
    "MilestoneStatus",
    "OrganizationKind",
    "OrganizationStatus",
    "ProjectStatus",
    "Role",
    "TerminationOutcome",
    "TrancheStatus",
]
