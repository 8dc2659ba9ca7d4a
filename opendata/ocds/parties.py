"""The parties of a release (buyer, procuring entity, suppliers, payees: organisations
identified by their unified social credit code under ``CN-USCI``) and the frame every release
starts from (``_base``: ocid, id, date, tags, parties, buyer)."""

from bounty.models import Confidentiality

from .values import LANGUAGE, _dt

ORG_SCHEME = "CN-USCI"  # org-id.guide: Unified Social Credit Identifier (统一社会信用代码)


def party_id(org) -> str:
    return f"{ORG_SCHEME}-{org.credit_code}" if org.credit_code else f"jiebang-org-{org.pk}"


def _ref(org) -> dict:
    return {"id": party_id(org), "name": org.name}


def _party(org, roles, *, challenge=None) -> dict:
    party = {
        "id": party_id(org),
        "name": org.name,
        "roles": roles,
    }
    if org.credit_code:
        party["identifier"] = {"scheme": ORG_SCHEME, "id": org.credit_code, "legalName": org.name}
    # The contact person of a restricted or confidential challenge is one of its details.
    if (
        challenge is not None
        and challenge.confidentiality == Confidentiality.PUBLIC
        and (challenge.contact_name or challenge.contact_email)
    ):
        contact = {"name": challenge.contact_name or None}
        if challenge.contact_phone:
            contact["telephone"] = challenge.contact_phone
        if challenge.contact_email:
            contact["email"] = challenge.contact_email
        party["contactPoint"] = contact
    return party


def _base(challenge, event, records, *, tags, n, suppliers=(), payees=()) -> dict:
    parties = [_party(challenge.issuer, ["buyer"], challenge=challenge)]
    if records.bureau is not None:
        parties.append(_party(records.bureau, ["procuringEntity"]))
    seen = set()
    for org in [*suppliers, *payees]:
        if org.pk in seen:
            continue
        seen.add(org.pk)
        roles = ["supplier"] + (["payee"] if org in payees else [])
        parties.append(_party(org, roles))
    return {
        "ocid": challenge.ocid,
        "id": f"{challenge.ocid}-{tags[-1]}-{n}",
        "date": _dt(event.created_at),
        "tag": list(tags),
        "initiationType": "tender",
        "language": LANGUAGE,
        "parties": parties,
        "buyer": _ref(challenge.issuer),
    }
