"""Demo data of the documents app (run by seed_demo after review's): the awarded demo
projects get their contracts rendered; the first is signed by all three parties in order
(its project is active, its challenge contracted), the others by the team only, so the
issuer (issuer1) and then the bureau can try signing. Idempotent: only contracts nobody
has signed yet are touched."""

from accounts.management.commands.seed_demo import PASSWORD
from accounts.models import Role
from accounts.selectors import bureau_officers, organization_staff

from .contracts import contract_sign, next_party
from .models import Contract, ContractStatus, DocumentStatus, Party, Signature
from .services import document_render


def _signer(contract, party):
    if party == Party.TEAM:
        return organization_staff(contract.project.bid.lead, role=Role.BIDDER)[0]
    if party == Party.ISSUER:
        return organization_staff(contract.project.challenge.issuer, role=Role.ISSUER)[0]
    return bureau_officers()[0]


def seed(context):
    touched = 0
    drafts = Contract.objects.filter(status=ContractStatus.DRAFT).select_related(
        "project__bid__lead", "project__challenge__issuer"
    )
    for contract in drafts.order_by("pk"):
        for document in contract.current_documents():
            if document.status in (DocumentStatus.QUEUED, DocumentStatus.RENDERING):
                document_render(document.pk)  # no worker yet: render here
        fully = not Contract.objects.filter(status=ContractStatus.SIGNED).exists()
        while (party := next_party(contract)) is not None:
            contract_sign(
                contract=contract,
                party=party,
                by=_signer(contract, party),
                method=Signature.Method.ONLINE,
                password=PASSWORD,
            )
            if not fully:
                break  # left for the issuer and the bureau to sign in the demo
        touched += 1
    return f"{touched} contracts generated and signed (the first by all parties)" if touched else ""
