"""Permission predicates for documents; see accounts/permissions.py for the conventions.
Contracts are read by the three parties (the winning team's bidder staff, the issuer's
staff, bureau officers) and nobody else; everyone else gets a 404."""

from accounts.models import Role
from accounts.permissions import has_role_in, is_bureau_officer
from bounty import permissions as bounty_perms

from .models import CONTRACT_KINDS, ContractStatus, DocumentKind, Party


def can_manage_templates(user) -> bool:
    return is_bureau_officer(user)


def party_of(user, contract) -> set:
    """The parties ``user`` may act for in ``contract``."""
    bid = contract.project.bid
    parties = set()
    if has_role_in(user, contract.project.lead_unit, Role.BIDDER):
        parties.add(Party.TEAM)
    if bounty_perms.is_issuer_staff(user, bid.challenge):
        parties.add(Party.ISSUER)
    if is_bureau_officer(user):
        parties.add(Party.BUREAU)
    return parties


def can_view_contract(user, contract) -> bool:
    return user.is_authenticated and bool(party_of(user, contract))


def can_manage_contract(user, contract) -> bool:
    """Terms and regeneration: the bureau, until the first signature."""
    return is_bureau_officer(user) and contract.status == ContractStatus.DRAFT


def can_sign(user, contract, party) -> bool:
    return contract.status in (ContractStatus.DRAFT, ContractStatus.SIGNING) and party in party_of(
        user, contract
    )


def can_view_receipt(user, version) -> bool:
    return bounty_perms.can_view_bid(user, version.bid)


def can_read_acceptance_notice(user, project) -> bool:
    """An acceptance result, once concluded, is announced publicly."""
    from bounty.models import ProjectStatus

    return project.status in (
        ProjectStatus.PASSED,
        ProjectStatus.CLOSED_WITHOUT_PASS,
        ProjectStatus.FAILED,
    )


# kind → predicate(user, subject) for documents that are not contracts. Apps above
# documents register theirs in AppConfig.ready (review: panel report, notice, draw record).
READERS = {
    DocumentKind.RECEIPT: can_view_receipt,
    DocumentKind.ACCEPTANCE: can_read_acceptance_notice,
    DocumentKind.SUPPLEMENT: can_view_contract,  # its subject is the survivor's contract
}


def receipt_audit_events():
    """The audit events of receipts: a receipt is a copy of a (perhaps sealed) bid and its
    number names the bid, so the admin's audit list leaves them out, as it does bids."""
    from django.db.models import CharField, Q
    from django.db.models.functions import Cast

    from .models import Document

    receipts = (
        Document.objects.filter(kind=DocumentKind.RECEIPT)
        .annotate(key=Cast("pk", CharField()))
        .values("key")
    )
    return Q(object_type="documents.document", object_id__in=receipts)


def can_view_document(user, document) -> bool:
    if document.kind in CONTRACT_KINDS:
        return can_view_contract(user, document.subject)
    reader = READERS.get(document.kind)
    return reader(user, document.subject) if reader else is_bureau_officer(user)


def can_sign_supplement(user, supplement, party) -> bool:
    """A 补充协议 is signed by the contract's parties, while it awaits signatures."""
    from .models import SupplementStatus

    return supplement.status == SupplementStatus.SIGNING and party in party_of(
        user, supplement.contract
    )
