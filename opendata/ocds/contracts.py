"""The contracts section and the releases of a project: the contract signed, its approved
changes (``contractAmendment``), the implementation (milestones met or rescheduled,
payments) and its end (final acceptance or early termination)."""

from decimal import Decimal

from django.utils.translation import gettext as _

from bounty.models import ChangeRequest, ProjectStatus, TerminationOutcome
from common.dates import add_months

from .awards import award_id
from .parties import _base, _ref
from .values import _day, _dt, value_cny

ACCEPTANCE_MILESTONE_STATUS = {
    ProjectStatus.PASSED: "met",
    ProjectStatus.CLOSED_WITHOUT_PASS: "partiallyMet",
    ProjectStatus.FAILED: "notMet",
}


def _contract_ref(project, records) -> dict:
    challenge = records.challenges[project.challenge_id]
    return {"id": project.contract.number, "awardID": award_id(challenge, project.bid)}


def _milestone_ref(milestone) -> dict:
    return {"id": f"M{milestone.number}", "title": milestone.title, "type": "delivery"}


# --- Releases ----------------------------------------------------------------------------------


def _release_contract(event, challenge, records):
    project = records.projects[int(event.object_id)]
    lead = project.bid.lead
    release = _base(challenge, event, records, tags=["contract"], n=event.seq, suppliers=[lead])
    total = sum((t.amount for t in project.tranches.all()), Decimal(0))
    contract = _contract_ref(project, records) | {
        "title": challenge.title,
        "status": "active",
        "dateSigned": _dt(project.contract_signed_at),
        "implementation": {
            "milestones": [
                _milestone_ref(m) | {"dueDate": _day(m.original_due_on), "status": "scheduled"}
                for m in project.milestones.all()
            ]
        },
    }
    if total:
        contract["value"] = value_cny(total)
    if project.started_on:
        contract["period"] = {
            "startDate": _day(project.started_on),
            "endDate": _day(add_months(project.started_on, challenge.period_months or 0)),
        }
    release["contracts"] = [contract]
    return release


def _release_change(event, challenge, records):
    project = records.projects[int(event.object_id)]
    change = records.changes.get(event.payload.get("change"))
    release = _base(
        challenge,
        event,
        records,
        tags=["contractAmendment"],
        n=event.seq,
        suppliers=[project.bid.lead],
    )
    contract = _contract_ref(project, records)
    if change is not None and change.kind == ChangeRequest.Kind.EXTENSION and project.started_on:
        rationale = _("Extension of %(n)s months approved by the bureau.") % {"n": change.months}
        contract["period"] = {
            "startDate": _day(project.started_on),
            "endDate": _day(
                add_months(project.started_on, (challenge.period_months or 0) + change.months)
            ),
        }
    else:
        rationale = _("A change to the project was approved by the bureau.")
    contract["amendments"] = [
        {
            "id": f"change-{event.payload.get('change')}",
            "date": _dt(event.created_at),
            "rationale": rationale,
        }
    ]
    release["contracts"] = [contract]
    return release


def _release_milestone(event, challenge, records):
    milestone = records.milestones[int(event.object_id)]
    project = records.projects[milestone.project_id]
    release = _base(
        challenge,
        event,
        records,
        tags=["implementationUpdate"],
        n=event.seq,
        suppliers=[project.bid.lead],
    )
    item = _milestone_ref(milestone) | {"dateModified": _dt(event.created_at)}
    if event.action == "milestone.rectify":
        item |= {"status": "scheduled", "dueDate": _day(event.payload.get("due_on"))}
        item["description"] = _("Not met; rescheduled for rectification.")
    elif event.payload.get("met"):
        item |= {"status": "met", "dateMet": _dt(event.created_at)}
    else:
        item["status"] = "notMet"
    release["contracts"] = [
        _contract_ref(project, records) | {"implementation": {"milestones": [item]}}
    ]
    return release


def _release_disbursement(event, challenge, records):
    tranche = records.tranches[int(event.object_id)]
    project = records.projects[tranche.project_id]
    lead = project.bid.lead
    release = _base(
        challenge,
        event,
        records,
        tags=["implementationUpdate"],
        n=event.seq,
        suppliers=[lead],
        payees=[lead],
    )
    transaction = {
        "id": f"{project.contract.number}-{tranche.number}-{event.seq}",
        "date": _day(event.payload.get("paid_on")),
        "value": value_cny(event.payload.get("amount", "0")),
        "payee": _ref(lead),
    }
    # The event is written when the team confirms receipt; its payload names the part paid
    # (enterprise funds: the issuer pays; government funds: the bureau). Older events do not.
    payer = {"enterprise": challenge.issuer, "government": records.bureau}.get(
        event.payload.get("part")
    )
    if payer is not None:
        transaction["payer"] = _ref(payer)
        for party in release["parties"]:
            if party["id"] == transaction["payer"]["id"] and "payer" not in party["roles"]:
                party["roles"].append("payer")
    release["contracts"] = [
        _contract_ref(project, records) | {"implementation": {"transactions": [transaction]}}
    ]
    return release


def _release_acceptance(event, challenge, records):
    project = records.projects[int(event.object_id)]
    release = _base(
        challenge,
        event,
        records,
        tags=["implementationUpdate", "contractTermination"],
        n=event.seq,
        suppliers=[project.bid.lead],
    )
    result = event.to_state
    item = {
        "id": "acceptance",
        "title": _("Final acceptance (验收)"),
        "type": "assessment",
        "status": ACCEPTANCE_MILESTONE_STATUS.get(result, "notMet"),
        "description": str(ProjectStatus(result).label) if result in ProjectStatus.values else None,
        "dateModified": _dt(event.created_at),
    }
    if item["status"] == "met":
        item["dateMet"] = _dt(event.created_at)
    release["contracts"] = [
        _contract_ref(project, records)
        | {"status": "terminated", "implementation": {"milestones": [item]}}
    ]
    return release


def _release_termination(event, challenge, records):
    project = records.projects[int(event.object_id)]
    release = _base(
        challenge,
        event,
        records,
        tags=["contractTermination"],
        n=event.seq,
        suppliers=[project.bid.lead],
    )
    outcome = event.payload.get("outcome", "")
    label = TerminationOutcome(outcome).label if outcome in TerminationOutcome.values else outcome
    release["contracts"] = [
        _contract_ref(project, records)
        | {
            "status": "terminated",
            "description": _("Terminated early. Outcome: %(outcome)s.") % {"outcome": label},
        }
    ]
    return release
