"""补充协议 signed by the three parties (models: ``Supplement``, ``SupplementSignature`` in ``models.py``).

* An approved change of a project (``bounty.signals.change_approved``) gets its 补充协议
  through the one pipeline: the changed items before and after, the reasons, the parties
  (the lead unit *now*, after a lead-unit change). ``on_change_approved``.
* The horse race's continuation agreement (``supplements.py``) gets a ``Supplement`` too.
* The parties sign in the contract's order (team → issuer → bureau), online with their
  password or by uploading the sealed scan, once the document is ready. The last signature
  puts the agreement in force: the change becomes ``in_force``
  (``bounty.projects.change_services.change_in_force``) or the continuation tranche falls
  due (``bounty.projects.horse_race.continuation_fall_due``)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.exceptions import ActionRefused
from accounts.models import Role
from accounts.selectors import bureau_officers, bureau_organization, organization_staff
from audit.services import audit_record
from bounty.models import ChangeKind
from bounty.projects.change_services import change_in_force, change_summary
from bounty.projects.horse_race import continuation_fall_due
from common.dbtime import db_now
from common.hashing import file_sha256
from common.uploads import validate_document_upload
from notifications.services import notify

from . import permissions as perms
from .contracts import PARTY_LABELS, _party
from .models import (
    SIGNING_ORDER,
    Contract,
    Document,
    DocumentKind,
    DocumentStatus,
    Party,
    Signature,
    Supplement,
    SupplementSignature,
    SupplementStatus,
)
from .services import cn_date, document_request, series_code
from .signing.stamping import document_timestamp, party_sign

# --- The change's agreement ---------------------------------------------------------------


def change_supplement_snapshot(*, contract, change) -> dict:
    """Everything the 补充协议 of an approved change shows, in Chinese."""
    project = contract.project
    challenge = project.challenge
    with translation.override("zh-hans"):
        rows = [
            {"item": item, "before": before, "after": after}
            for item, before, after in change_summary(change)
        ]
        kind_label = str(ChangeKind(change.kind).label)
    return {
        "supplement": {
            "contract_number": contract.number,
            "ocid": challenge.ocid,
            "challenge_title": challenge.title,
            "change": {
                "kind": change.kind,
                "kind_label": kind_label,
                "description": change.description,
                "decision_comment": change.decision_comment,
                "requested_on": cn_date(timezone.localdate(change.requested_at)),
                "decided_on": cn_date(timezone.localdate(change.decided_at)),
                "rows": rows,
            },
            "parties": [
                _party(challenge.issuer, PARTY_LABELS[Party.ISSUER]),
                _party(project.lead_unit, PARTY_LABELS[Party.TEAM]),
                _party(bureau_organization(), PARTY_LABELS[Party.BUREAU]),
            ],
        }
    }


def on_change_approved(sender, change, by=None, **kwargs):
    """bounty.signals.change_approved (inside the approval's transaction): the supplement
    and its document. A project without a contract (none in practice: a running project was
    activated by its signed contract) gets none."""
    contract = (
        Contract.objects.select_related("project__bid__lead", "project__challenge__issuer")
        .filter(project_id=change.project_id)
        .first()
    )
    if contract is None:
        return None
    challenge = contract.project.challenge
    supplement = Supplement.objects.create(
        contract=contract,
        change=change,
        series=series_code(DocumentKind.SUPPLEMENT, f"{contract.number}-C{change.pk}"),
    )
    document_request(
        kind=DocumentKind.SUPPLEMENT,
        subject=contract,
        series=supplement.series,
        public_label=f"{contract.number} · {challenge.ocid} · {challenge.title}",
        snapshot=change_supplement_snapshot(contract=contract, change=change),
        by=by,
    )
    audit_record(actor=by, action="supplement.create", obj=supplement, to_state=supplement.status)
    return supplement


def supplement_for_series(series):
    return Supplement.objects.filter(series=series).first()


# --- Signing ------------------------------------------------------------------------------


def next_party(supplement, signed_parties=None):
    signed = (
        signed_parties
        if signed_parties is not None
        else set(supplement.signatures.values_list("party", flat=True))
    )
    return next((p for p in SIGNING_ORDER if p not in signed), None)


def supplement_sign(*, supplement, party, by, method, password="", scan=None, passphrase=""):
    """Sign the supplement for ``party`` (in order; its document must be ready) with a PAdES
    signature of its organisation's certificate. The last signature adds the platform's
    document time-stamp and puts it in force."""
    with transaction.atomic():
        supplement = (
            Supplement.objects.select_for_update(of=("self",))
            .select_related("contract__project__challenge__issuer", "contract__project__bid__lead")
            .get(pk=supplement.pk)
        )
        contract = supplement.contract
        if not perms.can_sign_supplement(by, supplement, party):
            raise ActionRefused(_("You cannot sign this supplementary agreement for that party."))
        signed = set(supplement.signatures.values_list("party", flat=True))
        expected = next_party(supplement, signed)
        if party != expected:
            raise ActionRefused(
                _("Parties sign in order (team, then issuer, then bureau); it is %(party)s's turn.")
                % {"party": Party(expected).label if expected else "—"}
            )
        document = supplement.current_document()
        if document is None or document.status != DocumentStatus.READY:
            raise ActionRefused(
                _("The supplementary agreement is not generated yet; sign when it is ready.")
            )
        _check_method(by, method, password, scan)
        organization = _organization(contract, party)
        (revision,) = party_sign(
            [document], organization=organization, party=party, by=by, passphrase=passphrase
        )
        following = next_party(supplement, signed | {party})
        if following is None:  # the final PDF: the three signatures and a time-stamp
            (revision,) = document_timestamp([document], by=by)
        now = db_now()
        signature = SupplementSignature(
            supplement=supplement,
            party=party,
            organization_name=getattr(organization, "name", ""),
            method=method,
            signed_by=by,
            signed_at=now,
            document_number=document.number,
            document_sha256=document.sha256,
        )
        if method == Signature.Method.SCAN:
            signature.scan_sha256 = file_sha256(scan)
            signature.scan_size = scan.size
            signature.scan_name = scan.name[:255]
            signature.scan.save("scan.pdf", scan, save=False)
        signature.save()
        audit_record(
            actor=by,
            action="supplement.sign",
            obj=supplement,
            payload={
                "party": party,
                "method": method,
                "document": document.number,
                "sha256": document.sha256,
                "signed_sha256": revision.sha256,
                "scan_sha256": signature.scan_sha256,
            },
        )
        params = {"number": document.number, "title": contract.project.challenge.title}
        if following is None:
            supplement.complete(at=now)
            supplement.save()
            _in_force(supplement, at=now)
            notify(
                recipients=_everyone(contract),
                kind="supplement.signed",
                params=params,
                url=contract.get_absolute_url(),
            )
        else:
            notify(
                recipients=_party_users(contract, following),
                kind="supplement.to_sign",
                params=params,
                url=contract.get_absolute_url(),
            )
    return signature


def _check_method(by, method, password, scan):
    if method == Signature.Method.ONLINE:
        if not (by.is_active and by.check_password(password or "")):
            raise ActionRefused(_("The password is not correct; nothing was signed."))
    elif method == Signature.Method.SCAN:
        if scan is None:
            raise ActionRefused(_("Choose the signed and sealed scan (PDF) to upload."))
        try:
            validate_document_upload(scan, allowed={"pdf"})
        except ValidationError as exc:
            raise ActionRefused(" ".join(exc.messages)) from exc
    else:
        raise ActionRefused(_("Unknown signing method."))


def _in_force(supplement, *, at):
    if supplement.change_id is not None:
        change_in_force(change=supplement.change, at=at)
    else:
        continuation_fall_due(supplement.contract.project)


def _organization(contract, party):
    if party == Party.TEAM:
        return contract.project.lead_unit
    if party == Party.ISSUER:
        return contract.project.challenge.issuer
    return bureau_organization()


def _party_users(contract, party):
    if party == Party.TEAM:
        return organization_staff(contract.project.lead_unit, role=Role.BIDDER)
    if party == Party.ISSUER:
        return organization_staff(contract.project.challenge.issuer, role=Role.ISSUER)
    return bureau_officers()


def _everyone(contract):
    users = []
    for party in SIGNING_ORDER:
        users.extend(_party_users(contract, party))
    return users


def supplement_rows(user, contract) -> list:
    """The contract's supplements for its page: document, signatures, whose turn, and
    whether ``user`` may sign now."""
    rows = []
    supplements = list(
        contract.supplements.select_related("change").prefetch_related("signatures__signed_by")
    )
    if not supplements:
        return rows
    parties = perms.party_of(user, contract)
    newest = {}  # series → its newest document, in one query
    for document in Document.objects.filter(series__in=[s.series for s in supplements]).order_by(
        "series", "-version"
    ):
        newest.setdefault(document.series, document)
    for supplement in supplements:
        signatures = {s.party: s for s in supplement.signatures.all()}
        turn = next_party(supplement, set(signatures))
        document = newest.get(supplement.series)
        rows.append(
            {
                "supplement": supplement,
                "document": document,
                "signatures": [signatures[p] for p in SIGNING_ORDER if p in signatures],
                "turn": Party(turn) if turn else None,
                "can_sign": turn in parties
                and supplement.status == SupplementStatus.SIGNING
                and document is not None
                and document.status == DocumentStatus.READY,
            }
        )
    return rows
