"""The tri-party contract of a project (DOMAIN §6; one cohesive thing): prepared at the award, generated as two
documents (任务书 and 三方协议) from a snapshot of the data, signed in order
team → issuer → bureau; the last signature activates the project."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.exceptions import ActionRefused
from accounts.models import Role
from accounts.selectors import bureau_officers, bureau_organization, organization_staff
from audit.services import audit_record
from bounty.models import Bid, Challenge, Comparator, Project, plain_decimal
from bounty.projects.services import project_activate
from common.dates import add_months
from common.dbtime import db_now
from common.hashing import file_sha256
from common.uploads import validate_document_upload
from notifications.services import notify

from . import permissions as perms
from .capital import capital_wan
from .contract_money import budget_snapshot, contract_city, dispute_body, team_funding
from .models import (
    CONTRACT_KINDS,
    SIGNING_ORDER,
    Contract,
    ContractStatus,
    DocumentKind,
    DocumentStatus,
    Party,
    Signature,
)
from .services import cn_date, document_request, series_code
from .signing.stamping import document_timestamp, party_sign

Q4 = Decimal("0.0001")
PARTY_LABELS = {
    Party.ISSUER: "甲方（发榜单位）",
    Party.TEAM: "乙方（揭榜单位）",
    Party.BUREAU: "丙方（市科学技术局）",
}


# --- Preparing and generating ------------------------------------------------------------


def contract_prepare(*, project, by=None) -> Contract:
    """Create the contract of a newly awarded project with the default terms and queue its
    documents (called at the award, inside its transaction). Idempotent. Refused when the
    bid's budget does not reconcile with the contract's funding (``_require_reconciling``)."""
    existing = Contract.objects.filter(project=project).first()
    if existing is not None:
        return existing
    today = timezone.localdate()
    with transaction.atomic():  # a budget that does not reconcile leaves no contract
        contract = Contract.objects.create(
            project=project,
            number=f"HT-{today.year}-{project.pk:06d}",
            start_date=today,
            first_payment_percent=Decimal(str(settings.JIEBANG["FIRST_PAYMENT_PERCENT"])),
            dispute_body=dispute_body(),
            sign_place=contract_city(),
        )
        audit_record(actor=by, action="contract.create", obj=contract, to_state=contract.status)
        _generate(contract, by=by)
    return contract


def contract_update_terms(
    *, contract, by, start_date, first_payment_percent, dispute_body, sign_place
):
    """The bureau adjusts the terms before anyone signs; both documents are generated again
    as new versions (the old ones stay, marked superseded once the new ones are ready)."""
    with transaction.atomic():
        contract = _lock(contract)
        if not perms.can_manage_contract(by, contract):
            raise ActionRefused(
                _("Only a bureau officer can change the terms, and only before anyone signs.")
            )
        minimum = Decimal(str(settings.JIEBANG["FIRST_PAYMENT_PERCENT"]))
        if not (minimum <= first_payment_percent <= 100):
            raise ActionRefused(
                _("The first payment must be between %(min)s%% and 100%% of the government share.")
                % {"min": plain_decimal(minimum)}
            )
        before = contract_terms(contract)
        contract.start_date = start_date
        contract.first_payment_percent = first_payment_percent
        contract.dispute_body = dispute_body
        contract.sign_place = sign_place
        contract.save()
        audit_record(
            actor=by,
            action="contract.terms",
            obj=contract,
            payload={"before": before, "after": contract_terms(contract)},
        )
        return _generate(contract, by=by)


def contract_regenerate(*, contract, by):
    with transaction.atomic():
        contract = _lock(contract)
        if not perms.can_manage_contract(by, contract):
            raise ActionRefused(
                _(
                    "Only a bureau officer can generate the contract again, and only before anyone signs."
                )
            )
        return _generate(contract, by=by)


def contract_terms(contract) -> dict:
    return {
        "start_date": contract.start_date.isoformat(),
        "first_payment_percent": str(contract.first_payment_percent),
        "dispute_body": contract.dispute_body,
        "sign_place": contract.sign_place,
    }


def _generate(contract, *, by):
    snapshot = contract_snapshot(contract)
    challenge = contract.project.challenge
    _require_reconciling(snapshot, challenge)
    return [
        document_request(
            kind=kind,
            subject=contract,
            series=series_code(kind, contract.number),
            public_label=f"{contract.number} · {challenge.ocid} · {challenge.title}",
            snapshot=snapshot,
            by=by,
        )
        for kind in CONTRACT_KINDS
    ]


def _require_reconciling(snapshot, challenge):
    """One amount governs: refuse a contract whose budget does not match its funding (the
    lump sum or the 财政 / 自筹 column totals against the team share's split). Not for a
    horse race created before the share was declared: its bids could not be checked against
    a share at submission (bounty.bids.budget), and refusing would block the award forever."""
    if challenge.team_share() is None:
        return
    if not snapshot["budget"]["reconciles"]:
        funding = snapshot["funding"]
        raise ActionRefused(
            _(
                "The bid's budget does not match the team's share of the bounty "
                "(%(total)s: %(government)s government, %(enterprise)s enterprise, in 10k "
                "yuan); the contract cannot be prepared until the budget is corrected."
            )
            % {
                "total": funding["total"],
                "government": funding["government"],
                "enterprise": funding["enterprise"],
            }
        )


def _lock(contract):
    return (
        Contract.objects.select_for_update(of=("self",))
        .select_related("project__bid__lead", "project__challenge__issuer")
        .get(pk=contract.pk)
    )


# --- The snapshot --------------------------------------------------------------------------


def _q(value) -> Decimal:
    return Decimal(value).quantize(Q4, rounding=ROUND_HALF_UP)


def _amount(value) -> str:
    return format(_q(value), "f")


def _party(org, label, *, contact=None):
    """One party block; every field empty when the organisation is unknown."""
    fields = ("name", "credit_code", "address", "legal_representative", "contact_phone")
    name, code, address, representative, phone = (getattr(org, f, "") for f in fields)
    return {
        "role_label": label,
        "name": name,
        "credit_code": code,
        "address": address,
        "representative": representative,
        "contact_name": contact.full_name if contact else "",
        "contact_phone": contact.phone if contact and contact.phone else phone,
    }


def _committed(indicator, value) -> str:
    number = plain_decimal(value)
    if indicator.comparator == Comparator.RANGE:
        return f"{number} {indicator.unit}".strip()
    return f"{indicator.get_comparator_display()} {number} {indicator.unit}".strip()


def payment_schedule(*, enterprise, government, first_percent, milestones, start):
    """The first payment (government share × first_percent, on signing) then one tranche per
    milestone: its share of the rest of the government funds and of the enterprise funds.
    Rounded to 0.0001 万元 (1 yuan); the last tranche takes the remainder, so the schedule
    always adds up to the contract exactly."""
    first = _q(government * first_percent / 100)
    rest_gov, ent = government - first, enterprise
    tranches = [
        {
            "number": 0,
            "label": "首付款",
            "condition": "合同签订生效后",
            "milestone_no": None,
            "planned_on": start.isoformat(),
            "due_date": "合同生效之日起三十日内",
            "amount": _amount(first),
            "amount_capital": capital_wan(first),
            "enterprise_part": _amount(0),
            "government_part": _amount(first),
        }
    ]
    given_gov = given_ent = Decimal(0)
    for i, m in enumerate(milestones, start=1):
        last = i == len(milestones)
        share = Decimal(m.tranche_share) / 100
        gov_part = rest_gov - given_gov if last else _q(rest_gov * share)
        ent_part = ent - given_ent if last else _q(ent * share)
        given_gov += gov_part
        given_ent += ent_part
        due = add_months(start, m.due_month)
        tranches.append(
            {
                "number": i,
                "label": f"第{i}期",
                "condition": f"里程碑{i}通过评估后",
                "milestone_no": i,
                "planned_on": due.isoformat(),
                "due_date": cn_date(due),
                "amount": _amount(gov_part + ent_part),
                "amount_capital": capital_wan(gov_part + ent_part),
                "enterprise_part": _amount(ent_part),
                "government_part": _amount(gov_part),
            }
        )
    return tranches


def contract_snapshot(contract) -> dict:
    """Everything the contract templates show, as plain data (documents/builtin/SCHEMA.md),
    in Chinese whatever the requester's language."""
    project = contract.project
    bid = (
        Bid.objects.select_related("lead", "pi", "challenge__issuer", "challenge__industry")
        .prefetch_related("consortium", "team", "milestones", "budget_lines", "responses")
        .get(pk=project.bid_id)
    )
    challenge = bid.challenge
    with translation.override("zh-hans"):
        enterprise, government = team_funding(challenge)
        start = contract.start_date
        milestones = list(bid.milestones.all())
        tranches = payment_schedule(
            enterprise=enterprise,
            government=government,
            first_percent=contract.first_payment_percent,
            milestones=milestones,
            start=start,
        )
        responses = {r.indicator_id: r for r in bid.responses.all()}
        issuer_contact = (organization_staff(challenge.issuer, role=Role.ISSUER) or [None])[0]
        pi = bid.pi
        return {
            "contract": {
                "number": contract.number,
                "task_book_number": series_code(DocumentKind.TASK_BOOK, contract.number),
                "city": contract_city(),
                "sign_place": contract.sign_place,
                "start_date": cn_date(start),
                "end_date": cn_date(add_months(start, challenge.period_months)),
                "period_months": challenge.period_months,
                "first_payment_percent": plain_decimal(contract.first_payment_percent),
                "lump_sum": bid.lump_sum,
                "ip_terms_label": str(challenge.get_ip_terms_display()),
                "ip_terms_detail": challenge.ip_terms_detail,
                "confidentiality_label": str(challenge.get_confidentiality_display()),
                "dispute_body": contract.dispute_body,
                "is_horse_race": challenge.is_horse_race,
                "winners_allowed": challenge.winners_allowed,
            },
            "challenge": {
                "ocid": challenge.ocid,
                "title": challenge.title,
                "industry": challenge.industry.name_zh if challenge.industry_id else "",
                "problem": challenge.problem,
                "deliverable": challenge.deliverable,
            },
            "parties": {
                "issuer": _party(
                    challenge.issuer, PARTY_LABELS[Party.ISSUER], contact=issuer_contact
                ),
                "team": _party(bid.lead, PARTY_LABELS[Party.TEAM], contact=pi),
                "bureau": _party(bureau_organization(), PARTY_LABELS[Party.BUREAU]),
            },
            "consortium": [
                {
                    "name": m.name,
                    "credit_code": m.credit_code,
                    "work_share": format(m.work_share, "f"),
                    "responsibilities": m.responsibilities,
                }
                for m in bid.consortium.all()
            ],
            "pi": {
                "name": (pi.full_name or pi.username) if pi else "",
                "title": bid.pi_title,
                "employer": bid.lead.name,
                "phone": pi.phone if pi else "",
            },
            "team_members": [
                {
                    "name": t.name,
                    "title": t.title,
                    "employer": t.employer,
                    "role_label": str(t.get_role_display()),
                }
                for t in bid.team.all()
            ],
            "indicators": [
                {
                    "no": i,
                    "name": ind.name,
                    "published": ind.target_display,
                    "committed": _committed(ind, responses[ind.pk].committed_value)
                    if ind.pk in responses
                    else ind.target_display,
                    "unit": ind.unit,
                    "test_method": ind.test_method,
                }
                for i, ind in enumerate(challenge.indicators.all(), start=1)
            ],
            "milestones": [
                {
                    "no": i,
                    "title": m.title,
                    "due_date": cn_date(add_months(start, m.due_month)),
                    "due_on": add_months(start, m.due_month).isoformat(),
                    "due_month": m.due_month,
                    "deliverables": m.deliverables,
                    "tranche_share": format(m.tranche_share, "f"),
                    "amount": tranches[i]["amount"],
                    "amount_capital": tranches[i]["amount_capital"],
                }
                for i, m in enumerate(milestones, start=1)
            ],
            "funding": {
                "total": _amount(enterprise + government),
                "total_capital": capital_wan(enterprise + government),
                "enterprise": _amount(enterprise),
                "enterprise_capital": capital_wan(enterprise),
                "government": _amount(government),
                "government_capital": capital_wan(government),
                "first_payment": tranches[0]["amount"],
                "first_payment_capital": tranches[0]["amount_capital"],
            },
            "tranches": tranches,
            "budget": budget_snapshot(bid, enterprise=enterprise, government=government),
        }


# --- Signing ------------------------------------------------------------------------------


def next_party(contract, signed_parties=None):
    signed = (
        signed_parties
        if signed_parties is not None
        else set(contract.signatures.values_list("party", flat=True))
    )
    return next((p for p in SIGNING_ORDER if p not in signed), None)


def contract_sign(
    *, contract, party, by, method, password="", scan=None, passphrase=""
) -> Signature:
    """Sign for ``party``: online (the signer confirms with their password) or by uploading
    the sealed, signed scan (a PDF, checked by content). Either way both PDFs get the party's
    PAdES signature with its organisation's certificate (``passphrase`` opens an uploaded
    one). Parties sign in order; all current documents must be ready. The last signature
    adds the platform's document time-stamp and activates the project."""
    with transaction.atomic():
        # Lock order challenge → contract → project, as the bureau's decision on a winner that
        # did not sign (review/award/signing.py) and the last signature's project_activate.
        challenge_id = Project.objects.values_list("challenge_id", flat=True).get(
            pk=contract.project_id
        )
        list(Challenge.objects.select_for_update().filter(pk=challenge_id).values_list("pk"))
        contract = _lock(contract)
        if not perms.can_sign(by, contract, party):
            raise ActionRefused(_("You cannot sign this contract for that party."))
        signed = set(contract.signatures.values_list("party", flat=True))
        expected = next_party(contract, signed)
        if party != expected:
            raise ActionRefused(
                _("Parties sign in order (team, then issuer, then bureau); it is %(party)s's turn.")
                % {"party": Party(expected).label if expected else "—"}
            )
        documents = contract.current_documents()
        if len(documents) != len(CONTRACT_KINDS) or any(
            d.status != DocumentStatus.READY for d in documents
        ):
            raise ActionRefused(
                _("The contract documents are not ready yet; sign when both have been generated.")
            )
        if method == Signature.Method.ONLINE:
            # The signer is the logged-in user: confirm their own password. (Not
            # authenticate(): login throttling's backend needs the request, and a
            # signature is no log-in.)
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
        organization = _party_organization(contract, party)
        revisions = party_sign(
            documents, organization=organization, party=party, by=by, passphrase=passphrase
        )
        following = next_party(contract, signed | {party})
        if following is None:  # the final PDFs: the three signatures and a time-stamp
            revisions = document_timestamp(documents, by=by)
        now = db_now()
        signature = Signature(
            contract=contract,
            party=party,
            organization_name=getattr(organization, "name", ""),
            method=method,
            signed_by=by,
            signed_at=now,
            documents=[
                {"number": d.number, "sha256": d.sha256, "signed_sha256": r.sha256}
                for d, r in zip(documents, revisions, strict=True)
            ],
        )
        if method == Signature.Method.SCAN:
            signature.scan_sha256 = file_sha256(scan)
            signature.scan_size = scan.size
            signature.scan_name = scan.name[:255]
            signature.scan.save("scan.pdf", scan, save=False)
        signature.save()
        if contract.status == ContractStatus.DRAFT:
            contract.open_signing()
        audit_record(
            actor=by,
            action="contract.sign",
            obj=contract,
            payload={
                "party": party,
                "method": method,
                "documents": signature.documents,
                "scan_sha256": signature.scan_sha256,
            },
        )
        if following is None:
            contract.complete(at=now)
            contract.save()
            project = Project.objects.select_for_update().get(pk=contract.project_id)
            terms = documents[0].snapshot  # the task book's milestones and schedule
            project_activate(
                project=project,
                signed_at=now,
                tranches=terms["tranches"],
                milestones=terms["milestones"],
                period_months=terms["contract"]["period_months"],
            )
            notify(
                recipients=_everyone(contract),
                kind="contract.signed",
                params={"number": contract.number, "title": contract.project.challenge.title},
                url=contract.get_absolute_url(),
            )
        else:
            contract.save()
            notify(
                recipients=_party_users(contract, following),
                kind="contract.to_sign",
                params={"number": contract.number, "title": contract.project.challenge.title},
                url=contract.get_absolute_url(),
            )
    return signature


def _party_organization(contract, party):
    if party == Party.TEAM:
        return contract.project.bid.lead
    if party == Party.ISSUER:
        return contract.project.challenge.issuer
    return bureau_organization()


def _party_users(contract, party):
    if party == Party.TEAM:
        return organization_staff(contract.project.bid.lead, role=Role.BIDDER)
    if party == Party.ISSUER:
        return organization_staff(contract.project.challenge.issuer, role=Role.ISSUER)
    return bureau_officers()


def _everyone(contract):
    users = []
    for party in SIGNING_ORDER:
        users.extend(_party_users(contract, party))
    return users


def on_project_created(sender, project, **kwargs):
    """bounty.signals.project_created: prepare the contract at the award."""
    contract_prepare(project=project)
