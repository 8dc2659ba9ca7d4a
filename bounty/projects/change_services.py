"""Use cases of changes (变更; the model and its kinds: ``bounty/projects/changes.py``).

* ``change_request`` — the team files a 备案 kind (in effect at once: ``recorded``) or asks
  for an approval kind (``pending``; the project is "change requested").
* ``change_acknowledge`` — the bureau acknowledges a 备案 (no approval).
* ``change_decide`` — the bureau approves or rejects an approval kind; an approval changes
  the project's data and sends ``change_approved`` (the documents app generates the 补充协议).
* ``change_in_force`` — called by the documents app when the three parties have signed.

Every service locks the project row, re-checks the state, audits and notifies."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, Role, User
from accounts.permissions import has_role_in
from accounts.selectors import bureau_officers, organization_staff
from audit.services import audit_record
from bounty import permissions as perms
from bounty.bids.rules import sanctioned
from bounty.exceptions import ActionRefused, StaleState
from bounty.models import (
    APPROVAL_KINDS,
    FILING_KINDS,
    OPEN_MILESTONE,
    ChangeDecision,
    ChangeKind,
    ChangeRequest,
    MilestoneStatus,
    Project,
    ProjectStatus,
    TeamMember,
    plain_decimal,
)
from bounty.projects.changes import committed_values
from bounty.signals import change_approved
from common.dates import add_months
from common.dbtime import db_now
from notifications.services import notify

# While a running project may file a 备案 (not once the acceptance has started).
FILING_STATES = (ProjectStatus.ACTIVE, ProjectStatus.CHANGE_REQUESTED)


def _lock(project):
    return (
        Project.objects.select_for_update(of=("self",))
        .select_related("bid__lead", "bid__pi", "challenge__issuer")
        .get(pk=project.pk)
    )


def _everyone(project):
    """The team's bidder staff, the issuer's staff and the bureau officers."""
    users = {u.pk: u for u in organization_staff(project.lead_unit, role=Role.BIDDER)}
    users.update((u.pk, u) for u in organization_staff(project.challenge.issuer, role=Role.ISSUER))
    users.update((u.pk, u) for u in bureau_officers())
    return list(users.values())


def _tell(project, kind, **params):
    notify(
        recipients=_everyone(project),
        kind=kind,
        params={"title": project.challenge.title, **params},
        url=project.get_absolute_url(),
    )


# --- What each kind asks, checked -----------------------------------------------------------


def _clean(project, kind, months, data) -> dict:
    """The request's data of ``kind``, normalised; ActionRefused when it cannot be done.
    Run when asked and again when approved (the project may have moved on since)."""
    data = data or {}
    if kind == ChangeKind.ROUTE:
        route = (data.get("route") or "").strip()
        if not route:
            raise ActionRefused(_("Describe the new technical route."))
        return {"route": route}
    if kind == ChangeKind.SCHEDULE:
        return {"shifts": _clean_shifts(project, data.get("shifts") or [])}
    if kind == ChangeKind.TEAM:
        return {"members": _clean_members(project, data.get("members") or [])}
    if kind == ChangeKind.PI:
        return {"pi": _clean_pi(project, data.get("pi"))}
    if kind == ChangeKind.LEAD:
        return {"lead": _clean_lead(project, data.get("lead"))}
    if kind == ChangeKind.INDICATORS:
        return {"indicators": _clean_indicators(project, data.get("indicators") or [])}
    if kind == ChangeKind.EXTENSION:
        limit = settings.JIEBANG["MAX_EXTENSION_MONTHS"]
        if not 1 <= months <= limit:
            raise ActionRefused(_("An extension is 1 to %(max)d months.") % {"max": limit})
        if project.changes.filter(
            kind=ChangeKind.EXTENSION,
            decision__in=(ChangeDecision.APPROVED, ChangeDecision.IN_FORCE),
        ).exists():
            raise ActionRefused(
                _("The project has already been extended once; a second extension is not allowed.")
            )
        return {}
    raise ActionRefused(_("Choose the kind of change."))


def _clean_shifts(project, shifts):
    if not shifts:
        raise ActionRefused(_("Name at least one milestone and its new due date."))
    milestones = {m.number: m for m in project.milestones.all()}
    cleaned = []
    for shift in shifts:
        milestone = milestones.get(_int(shift.get("milestone")))
        if milestone is None:
            raise ActionRefused(_("Name at least one milestone and its new due date."))
        try:
            due_on = date.fromisoformat(str(shift.get("due_on") or ""))
        except ValueError as exc:
            raise ActionRefused(_("Enter a date as YYYY-MM-DD.")) from exc
        if milestone.status == MilestoneStatus.MET:
            raise ActionRefused(
                _("Milestone %(number)s is already met; its date cannot move.")
                % {"number": milestone.number}
            )
        if milestone.status not in OPEN_MILESTONE:
            raise ActionRefused(
                _("Milestone %(number)s is being assessed; its date cannot move.")
                % {"number": milestone.number}
            )
        if not (project.started_on <= due_on <= project.ends_on):
            raise ActionRefused(
                _(
                    "A schedule shift stays inside the project period (%(start)s to %(end)s); "
                    "moving beyond it is an extension, which needs approval."
                )
                % {"start": project.started_on, "end": project.ends_on}
            )
        cleaned.append({"milestone": milestone.number, "due_on": due_on.isoformat()})
    return cleaned


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _clean_members(project, members):
    cleaned = []
    pi = project.current_pi
    pi_name = (pi.full_name or pi.username) if pi else None
    for member in members:
        name = (member.get("name") or "").strip()
        if not name:
            continue
        role = member.get("role") or TeamMember.Role.MEMBER
        if role == TeamMember.Role.PI or name == pi_name:
            raise ActionRefused(
                _("The PI is not changed by a team 备案; ask for a change of PI (approval).")
            )
        if role not in (TeamMember.Role.CORE, TeamMember.Role.MEMBER):
            role = TeamMember.Role.MEMBER
        cleaned.append(
            {
                "name": name[:100],
                "title": (member.get("title") or "").strip()[:60],
                "employer": (member.get("employer") or "").strip()[:200],
                "role": role,
            }
        )
    if not cleaned:
        raise ActionRefused(_("List the team members after the change."))
    return cleaned


def _clean_pi(project, pi_id):
    user = User.objects.filter(pk=_int(pi_id), is_active=True).first() if pi_id else None
    if user is None:
        raise ActionRefused(_("Choose the new PI."))
    if user.pk == getattr(project.current_pi, "pk", None):
        raise ActionRefused(_("The new PI is the current PI."))
    if not has_role_in(user, project.lead_unit, Role.BIDDER):
        raise ActionRefused(_("The new PI must be a member of the lead unit (bidder role)."))
    if sanctioned(users=[user]).exists():
        raise ActionRefused(_("The new PI is under a credit sanction."))
    return user.pk


def _clean_lead(project, lead_id):
    org = Organization.objects.filter(pk=_int(lead_id)).first() if lead_id else None
    if org is None:
        raise ActionRefused(_("Choose the new lead unit."))
    if org.pk == project.lead_unit.pk:
        raise ActionRefused(_("The new lead unit is the current lead unit."))
    if not org.is_verified or org.pk == project.challenge.issuer_id:
        raise ActionRefused(
            _("The new lead unit must be a verified organisation other than the issuer.")
        )
    if sanctioned(credit_codes=[org.credit_code]).exists():
        raise ActionRefused(_("The new lead unit is under a credit sanction."))
    return org.pk


def _clean_indicators(project, rows):
    current = committed_values(project)
    known = {i.pk: i for i in project.challenge.indicators.all()}
    cleaned = []
    for row in rows:
        value = str(row.get("committed") or "").strip()
        if not value:
            continue
        indicator = known.get(_int(row.get("indicator")))
        if indicator is None:
            raise ActionRefused(_("Choose an indicator of this challenge."))
        try:
            number = plain_decimal(Decimal(value))
        except InvalidOperation as exc:
            raise ActionRefused(_("Enter the new committed value as a number.")) from exc
        if number != current.get(indicator.pk):
            cleaned.append({"indicator": indicator.pk, "committed": number})
    if not cleaned:
        raise ActionRefused(_("Enter at least one new committed value."))
    return cleaned


# --- Effects ------------------------------------------------------------------------------


def _apply(change, project) -> dict:
    """Change the project's data (caller holds the project's lock). Returns ``before``."""
    data = change.data
    kind = change.kind
    if kind == ChangeKind.ROUTE:
        before = {"route": project.technical_route}
        project.technical_route = data["route"]
    elif kind == ChangeKind.SCHEDULE:
        moved = []
        numbers = [s["milestone"] for s in data["shifts"]]
        milestones = {
            m.number: m for m in project.milestones.select_for_update().filter(number__in=numbers)
        }
        for shift in data["shifts"]:
            milestone = milestones[shift["milestone"]]
            moved.append({"milestone": milestone.number, "due_on": milestone.due_on.isoformat()})
            milestone.due_on = date.fromisoformat(shift["due_on"])
            milestone.save(update_fields=["due_on"])
        before = {"shifts": moved}
    elif kind == ChangeKind.TEAM:
        before = {"members": project.team_members or _bid_team(project)}
        project.team_members = data["members"]
    elif kind == ChangeKind.PI:
        before = {"pi": getattr(project.current_pi, "pk", None)}
        project.pi_id = data["pi"]
    elif kind == ChangeKind.LEAD:
        before = {"lead": project.lead_unit.pk}
        project.lead_id = data["lead"]
    elif kind == ChangeKind.INDICATORS:
        current = committed_values(project)
        before = {
            "indicators": [
                {"indicator": r["indicator"], "committed": current.get(r["indicator"], "")}
                for r in data["indicators"]
            ]
        }
        project.committed = {
            **(project.committed or {}),
            **{str(r["indicator"]): r["committed"] for r in data["indicators"]},
        }
    elif kind == ChangeKind.EXTENSION:
        before = {"ends_on": project.ends_on.isoformat()}
        project.ends_on = add_months(project.ends_on, change.months)
        project.extended_months = change.months
        for milestone in project.milestones.select_for_update().filter(status__in=OPEN_MILESTONE):
            milestone.due_on = add_months(milestone.due_on, change.months)
            milestone.save(update_fields=["due_on"])
    else:
        before = {}
    project.save()
    return before


def _bid_team(project):
    return [
        {"name": t.name, "title": t.title, "employer": t.employer, "role": t.role}
        for t in project.bid.team.all()
        if t.role != TeamMember.Role.PI
    ]


# --- Use cases ----------------------------------------------------------------------------


def change_request(*, project, by, kind, description, months=0, data=None):
    """The team files a 备案 kind (in effect now) or asks for an approval kind."""
    with transaction.atomic():
        project = _lock(project)
        if not perms.is_project_team(by, project):
            raise ActionRefused(_("Only the project team asks for a change."))
        if kind not in FILING_KINDS and kind not in APPROVAL_KINDS:
            raise ActionRefused(_("Choose the kind of change."))
        filing = kind in FILING_KINDS
        if filing and project.status not in FILING_STATES:
            raise ActionRefused(_("A change can be filed only while the project runs."))
        if not filing and project.status != ProjectStatus.ACTIVE:
            raise ActionRefused(
                _(
                    "A change can be asked for only while the project is active and no other change is pending."
                )
            )
        if not description.strip():
            raise ActionRefused(_("Say what changes and why."))
        months = months if kind == ChangeKind.EXTENSION else 0
        cleaned = _clean(project, kind, months, data)
        change = ChangeRequest(
            project=project,
            kind=kind,
            months=months,
            description=description,
            data=cleaned,
            requested_by=by,
        )
        if filing:
            change.record()
            change.save()
            change.before = _apply(change, project)
            change.save(update_fields=["before"])
            audit_record(
                actor=by,
                action="project.change_record",
                obj=project,
                payload={
                    "change": change.pk,
                    "kind": kind,
                    "data": cleaned,
                    "before": change.before,
                    "description": description,
                },
            )
            _tell(project, "project.change_recorded", what=kind)
            return change
        change.save()
        project.request_change()
        project.save()
        audit_record(
            actor=by,
            action="project.change_request",
            obj=project,
            to_state=project.status,
            payload={
                "change": change.pk,
                "kind": kind,
                "months": months,
                "data": cleaned,
                "description": description,
            },
        )
        _tell(project, "project.change_requested")
    return change


def _lock_change(change):
    project = _lock(change.project)
    return project, ChangeRequest.objects.select_for_update().get(pk=change.pk, project=project)


def change_acknowledge(*, change, by, comment=""):
    """The bureau acknowledges a 备案 (it was in effect when recorded)."""
    if not perms.is_bureau_officer(by):
        raise ActionRefused(_("Only the bureau acknowledges a filed change."))
    with transaction.atomic():
        project, change = _lock_change(change)
        if not change.is_filing:
            raise ActionRefused(
                _("This change needs the bureau's approval; it cannot just be acknowledged.")
            )
        if change.decision != ChangeDecision.RECORDED:
            raise StaleState
        change.acknowledge(by=by, at=db_now(), comment=comment.strip())
        change.save()
        audit_record(
            actor=by,
            action="project.change_acknowledge",
            obj=project,
            payload={"change": change.pk, "kind": change.kind, "comment": comment},
        )
        _tell(project, "project.change_acknowledged", what=change.kind)
    return change


def change_decide(*, change, by, approve, comment):
    """The bureau approves or rejects a change of an approval kind. Approval changes the
    project's data at once and asks the documents app for the 补充协议 (``change_approved``);
    the change is in force when the three parties have signed it."""
    if not perms.is_bureau_officer(by):
        raise ActionRefused(_("Only the bureau decides a change."))
    with transaction.atomic():
        project, change = _lock_change(change)
        if change.is_filing:
            raise ActionRefused(
                _("A 备案 change is recorded and acknowledged; it is not approved or rejected.")
            )
        if change.decision != ChangeDecision.PENDING:
            raise StaleState
        if not approve and not comment.strip():
            raise ActionRefused(_("Give the reasons for rejecting the change."))
        now = db_now()
        if approve:
            change.data = _clean(project, change.kind, change.months, change.data)
            change.approve(by=by, at=now, comment=comment)
            change.before = _apply(change, project)
        else:
            change.reject(by=by, at=now, comment=comment)
        change.save()
        project.close_change()
        project.save()
        audit_record(
            actor=by,
            action="project.change_decide",
            obj=project,
            to_state=project.status,
            payload={
                "change": change.pk,
                "kind": change.kind,
                "approved": approve,
                "comment": comment,
                "before": change.before,
                "data": change.data,
            },
        )
        _tell(project, "project.change_decided", decision=change.decision)
        if approve:
            change_approved.send(sender=ChangeRequest, change=change, by=by)
    return change


def change_in_force(*, change, at):
    """The three parties signed the change's 补充协议 (called by the documents app inside
    the last signature's transaction). Idempotent."""
    change = (
        ChangeRequest.objects.select_for_update()
        .select_related("project__challenge")
        .get(pk=change.pk)
    )
    if change.decision != ChangeDecision.APPROVED:
        return change
    change.take_effect(at=at)
    change.save()
    audit_record(
        actor=None,
        action="project.change_in_force",
        obj=change.project,
        payload={"change": change.pk, "kind": change.kind},
    )
    _tell(change.project, "project.change_in_force", what=change.kind)
    return change


def change_summary(change) -> list:
    """What a change asks, as (label, before, after) rows in the reader's language (the
    project page and the 补充协议 snapshot, which renders them in Chinese)."""
    data, before = change.data or {}, change.before or {}
    project = change.project
    kind = change.kind
    if kind == ChangeKind.ROUTE:
        return [(str(_("technical route")), before.get("route", ""), data.get("route", ""))]
    if kind == ChangeKind.SCHEDULE:
        old = {s["milestone"]: s["due_on"] for s in before.get("shifts", [])}
        return [
            (
                str(_("Milestone %(number)s due date") % {"number": s["milestone"]}),
                old.get(s["milestone"], ""),
                s["due_on"],
            )
            for s in data.get("shifts", [])
        ]
    if kind == ChangeKind.TEAM:

        def names(rows):
            return "、".join(f"{m['name']}（{m.get('title') or '—'}）" for m in rows)

        return [(str(_("Team members")), names(before.get("members", [])), names(data["members"]))]
    if kind == ChangeKind.PI:
        users = {u.pk: u for u in User.objects.filter(pk__in=[before.get("pi"), data.get("pi")])}

        def who(pk):
            user = users.get(pk)
            return (user.full_name or user.username) if user else ""

        return [(str(_("PI")), who(before.get("pi")), who(data.get("pi")))]
    if kind == ChangeKind.LEAD:
        orgs = Organization.objects.in_bulk([before.get("lead"), data.get("lead")])

        def org(pk):
            return orgs[pk].name if pk in orgs else ""

        return [(str(_("Lead unit")), org(before.get("lead")), org(data.get("lead")))]
    if kind == ChangeKind.INDICATORS:
        names = {i.pk: i for i in project.challenge.indicators.all()}
        old = {r["indicator"]: r["committed"] for r in before.get("indicators", [])}
        return [
            (
                names[r["indicator"]].name if r["indicator"] in names else "",
                f"{old.get(r['indicator'], '')} {names[r['indicator']].unit}".strip()
                if r["indicator"] in names
                else old.get(r["indicator"], ""),
                f"{r['committed']} {names[r['indicator']].unit}".strip()
                if r["indicator"] in names
                else r["committed"],
            )
            for r in data.get("indicators", [])
        ]
    if kind == ChangeKind.EXTENSION:
        new_end = (
            add_months(date.fromisoformat(before["ends_on"]), change.months).isoformat()
            if before.get("ends_on")
            else ""
        )
        return [(str(_("planned end")), before.get("ends_on", ""), new_end)]
    return []
