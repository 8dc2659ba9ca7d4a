"""What the project page shows of changes (``templates/bounty/projects/_changes.html``);
read by ``bounty/projects/views.py::_detail_context``. The forms post to
``change_views.py``."""

from accounts.models import Role
from accounts.selectors import organization_staff
from bounty import permissions as perms
from bounty.models import APPROVAL_KINDS, FILING_KINDS, OPEN_MILESTONE, ChangeKind
from bounty.projects import change_services
from bounty.projects.changes import committed_values


def change_context(request, project, *, milestones=None, responses=None, committed=None) -> dict:
    """What ``_changes.html`` shows: the changes with their before/after rows, the kinds the
    team may file or ask for, and the choices of the kind-specific fields. The project
    page passes what it already loaded (milestones, indicator responses with their
    indicators, the committed values) so the forms cost one query (the PI choices)."""
    user = request.user
    changes = list(project.changes.select_related("requested_by", "decided_by"))
    rows = [
        {"change": c, "summary": change_services.change_summary(c) if c.before else []}
        for c in changes
    ]
    is_team = perms.is_project_team(user, project)
    current_pi = project.current_pi
    context = {
        "changes": changes,
        "change_rows": rows,
        "filing_kinds": [(k, ChangeKind(k).label) for k in FILING_KINDS],
        "approval_kinds": [(k, ChangeKind(k).label) for k in APPROVAL_KINDS],
        "can_file_change": is_team and project.status in change_services.FILING_STATES,
        "can_ask_change": is_team and project.status == "active",
        "current_team": project.team_members,
        "technical_route": project.technical_route,
    }
    if context["can_file_change"] or context["can_ask_change"]:
        if committed is None:
            committed = committed_values(project)
        if milestones is None:
            milestones = project.milestones.all()
        indicators = (
            [r.indicator for r in responses]
            if responses is not None
            else project.challenge.indicators.all()
        )
        context.update(
            open_milestones=[m for m in milestones if m.status in OPEN_MILESTONE],
            pi_choices=[
                u
                for u in organization_staff(project.lead_unit, role=Role.BIDDER)
                if u.pk != getattr(current_pi, "pk", None)
            ],
            change_indicators=[
                {"pk": i.pk, "name": i.name, "unit": i.unit, "committed": committed.get(i.pk, "")}
                for i in indicators
            ],
        )
    return context
