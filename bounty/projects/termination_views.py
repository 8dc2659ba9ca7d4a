"""The termination part of the project page (``templates/bounty/projects/_termination.html``):
the bureau notifies an intended misconduct decision (due process), rules a diligent failure
after the expert panel, eliminates a horse-race project; the due-process cases of the
project are listed for those who may read them. Forms post to ``project_action``."""

from django.utils import timezone
from django.utils.translation import gettext as _

from bounty import permissions as perms
from bounty.dueprocess.models import CaseKind
from bounty.dueprocess.services import can_view_case, cases_of, open_case
from bounty.hooks import termination_panel_for
from bounty.meetings.selectors import recent_meetings
from bounty.models import SanctionScope, TerminationOutcome
from bounty.projects import closing
from bounty.projects.termination import misconduct_notify


def termination_context(request, project):
    user = request.user
    is_bureau = perms.is_bureau_officer(user)
    context = {
        "termination": {
            "cases": [c for c in cases_of(project).order_by("-pk") if can_view_case(user, c)],
        }
    }
    if is_bureau and project.is_running:
        state = termination_panel_for(project)
        context["termination"].update(
            misconduct_case=open_case(CaseKind.MISCONDUCT, project),
            panel=None
            if state is None
            else {
                "state": state,
                "rows": [(_panel_label(v), n) for v, n in sorted(state.counts.items())],
            },
            sanctions=SanctionScope.choices,
            horse_race=project.challenge.is_horse_race,
        )
        context["meetings"] = recent_meetings()
    return context


def _panel_label(verdict):
    if verdict == TerminationOutcome.DILIGENT_FAILURE:
        return TerminationOutcome.DILIGENT_FAILURE.label
    return _("Not diligent") if verdict == "not_diligent" else verdict


def termination_act(request, project, action):
    """The termination actions of the project page; None when ``action`` is not one."""
    post, user = request.POST, request.user
    if action == "misconduct_notify":
        case = misconduct_notify(
            project=project,
            by=user,
            reasons=post.get("reasons", ""),
            sanction=post.get("sanction", ""),
            files=request.FILES.getlist("evidence"),
        )
        return _(
            "Intended decision notified; the team may respond until %(due)s. The project "
            "keeps running until the decision is final."
        ) % {"due": timezone.localtime(case.response_due_at).strftime("%Y-%m-%d %H:%M")}
    if action == "terminate":
        closing.project_terminate(
            project=project,
            by=user,
            outcome=post.get("outcome", ""),
            reason=post.get("reason", ""),
            meeting=post.get("meeting"),
        )
        return _("Project terminated.")
    return None
