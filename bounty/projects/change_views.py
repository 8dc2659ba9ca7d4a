"""Changes on the project page (``templates/bounty/projects/_changes.html``): one form per
kind for the team, the bureau's acknowledgement (备案) or decision (approval kinds). The
services are in ``change_services.py``; a refused form shows the page again with what was
typed (status 400)."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Organization, OrganizationStatus
from bounty.exceptions import ActionRefused
from bounty.models import (
    ChangeKind,
    ChangeRequest,
    TeamMember,
)
from bounty.projects import change_services
from bounty.projects.views import _detail_context, _project


def _members(text):
    """One member a line: name, title, employer[, core] (Chinese or ASCII commas)."""
    members = []
    for line in (text or "").splitlines():
        parts = [p.strip() for p in re.split(r"[,，、]", line)]
        if not parts or not parts[0]:
            continue
        parts += [""] * (4 - len(parts))
        role = TeamMember.Role.CORE if parts[3].lower() in ("core", "核心") else "member"
        members.append({"name": parts[0], "title": parts[1], "employer": parts[2], "role": role})
    return members


def _data(kind, post, project):
    if kind == ChangeKind.ROUTE:
        return {"route": post.get("route", "")}
    if kind == ChangeKind.SCHEDULE:
        return {
            "shifts": [
                {"milestone": m.number, "due_on": post.get(f"due_{m.number}", "").strip()}
                for m in project.milestones.all()
                if post.get(f"due_{m.number}", "").strip()
            ]
        }
    if kind == ChangeKind.TEAM:
        return {"members": _members(post.get("members", ""))}
    if kind == ChangeKind.PI:
        return {"pi": post.get("pi") or None}
    if kind == ChangeKind.LEAD:
        code = post.get("lead_code", "").strip().upper()
        org = (
            Organization.objects.filter(credit_code=code, status=OrganizationStatus.VERIFIED)
            .only("pk")
            .first()
            if code
            else None
        )
        if code and org is None:
            raise ActionRefused(_("No verified organisation has this credit code."))
        return {"lead": org.pk if org else None}
    if kind == ChangeKind.INDICATORS:
        return {
            "indicators": [
                {"indicator": i.pk, "committed": post.get(f"committed_{i.pk}", "")}
                for i in project.challenge.indicators.all()
                if post.get(f"committed_{i.pk}", "").strip()
            ]
        }
    return {}


def _again(request, project, exc):
    context = _detail_context(request, project)
    context.update(typed=request.POST, error=exc.message)
    return render(request, "bounty/project_detail.html", context, status=400)


@login_required
@require_POST
def change_request_view(request, pk):
    """The team files a 备案 or asks for an approval kind."""
    project = _project(request, pk)
    kind = request.POST.get("kind", "")
    months = request.POST.get("months") or "0"
    try:
        change = change_services.change_request(
            project=project,
            by=request.user,
            kind=kind,
            months=int(months) if months.isdigit() else 0,
            description=request.POST.get("description", ""),
            data=_data(kind, request.POST, project),
        )
    except ActionRefused as exc:
        return _again(request, project, exc)
    if change.is_filing:
        messages.success(
            request, _("Change recorded (备案); it is in effect. The bureau acknowledges it.")
        )
    else:
        messages.success(request, _("Change requested; the bureau decides."))
    return redirect(project)


@login_required
@require_POST
def change_decide_view(request, pk, change_pk):
    """The bureau acknowledges a 备案 or approves / rejects an approval kind."""
    project = _project(request, pk)
    change = get_object_or_404(ChangeRequest, pk=change_pk, project=project)
    decision = request.POST.get("decision", "")
    comment = request.POST.get("comment", "")
    try:
        if decision == "acknowledge":
            change_services.change_acknowledge(change=change, by=request.user, comment=comment)
            done = _("Change acknowledged.")
        elif decision in ("approve", "reject"):
            change_services.change_decide(
                change=change, by=request.user, approve=decision == "approve", comment=comment
            )
            done = (
                _("Change approved; the supplementary agreement is being generated for signature.")
                if decision == "approve"
                else _("Change rejected.")
            )
        else:
            raise ActionRefused(_("Choose a decision."))
    except ActionRefused as exc:
        return _again(request, project, exc)
    messages.success(request, done)
    return redirect(project)
