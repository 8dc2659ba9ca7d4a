"""Project pages: the parties' list and one project's page, whose forms post to
``project_action`` (one action per form; services decide and refuse)."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bounty import permissions as perms
from bounty.board.selectors import visible_projects
from bounty.challenges.models import plain_decimal
from bounty.dueprocess.services import cases_settle
from bounty.exceptions import ActionRefused
from bounty.hooks import panel_for
from bounty.models import (
    MidtermReview,
    MilestoneReport,
    MilestoneStatus,
    PaymentPart,
    Project,
    ProjectMilestone,
    ProjectStatus,
    ReportAttachment,
    SanctionScope,
    TerminationOutcome,
)
from bounty.projects import closing as project_closing
from bounty.projects import payment_services
from bounty.projects import services as projects
from bounty.projects.acceptance import notice_current
from bounty.projects.acceptance_views import acceptance_context
from bounty.projects.change_selectors import change_context
from bounty.projects.changes import committed_values
from bounty.projects.termination_views import termination_act, termination_context
from common.views import get_visible_or_404, paginate

PROJECT_QS = Project.objects.select_related(
    "bid__lead", "bid__pi", "challenge__issuer", "challenge__industry"
)


@login_required
def project_list(request):
    qs = visible_projects(request.user, PROJECT_QS).exclude(status=ProjectStatus.AWAITING_CONTRACT)
    query = request.GET.get("q", "").strip()
    if query:
        qs = qs.filter(
            Q(challenge__title__icontains=query)
            | Q(challenge__ocid__icontains=query)
            | Q(bid__lead__name__icontains=query)
        )
    status = request.GET.get("status", "")
    if status in ProjectStatus.values:
        qs = qs.filter(status=status)
    return render(
        request,
        "bounty/project_list.html",
        {
            "page": paginate(request, qs.order_by("-started_on", "-pk")),
            "q": query,
            "status": status,
            "statuses": ProjectStatus.choices,
        },
    )


def _project(request, pk):
    return get_visible_or_404(PROJECT_QS, perms.can_view_project, request.user, pk=pk)


@login_required
def project_detail(request, pk):
    project = _project(request, pk)
    if cases_settle(project):  # a decision whose review window closed takes effect now
        project = _project(request, pk)
    return render(request, "bounty/project_detail.html", _detail_context(request, project))


def _detail_context(request, project):
    user = request.user
    project = notice_current(project)  # a result whose notice closed becomes final first
    milestones = list(
        project.milestones.prefetch_related(
            Prefetch(
                "reports",
                queryset=MilestoneReport.objects.select_related("submitted_by").prefetch_related(
                    "attachments", "assessments__assessed_by"
                ),
            )
        )
    )
    # Payments recorded by whoever pays them; "paid" counts confirmed ones only.
    tranches = payment_services.tranche_rows(project)
    is_team = perms.is_project_team(user, project)
    is_issuer = perms.is_issuer_staff(user, project.challenge)
    is_bureau = perms.is_bureau_officer(user)
    responses = list(project.bid.responses.select_related("indicator"))
    committed = committed_values(project, responses)  # after approved indicator changes
    for milestone in milestones:
        milestone.panel = (
            _panel(milestone) if milestone.status in projects.MILESTONE_ASSESSABLE else None
        )
    return {
        "acceptance_panel": _panel(project)
        if project.status in (ProjectStatus.ACCEPTANCE_APPLIED, ProjectStatus.UNDER_ACCEPTANCE)
        else None,
        "timeline": _timeline(project, milestones),
        "project": project,
        "challenge": project.challenge,
        "milestones": milestones,
        "tranches": tranches,
        **payment_services.payment_flags(user, project, tranches),
        "payment_parts": PaymentPart.choices,
        **change_context(
            request, project, milestones=milestones, responses=responses, committed=committed
        ),
        "indicators": [
            {
                "pk": r.indicator_id,
                "name": r.indicator.name,
                "committed": committed.get(r.indicator_id, plain_decimal(r.committed_value)),
                "unit": r.indicator.unit,
            }
            for r in responses
        ],
        "is_team": is_team,
        "is_issuer": is_issuer,
        "is_bureau": is_bureau,
        "running": project.is_running,
        "outcomes": [
            (value, label)
            for value, label in TerminationOutcome.choices
            if value != TerminationOutcome.ELIMINATED or project.challenge.is_horse_race
        ],
        "midterm": MidtermReview.objects.filter(project=project)
        .select_related("reviewed_by")
        .first(),
        "sanctions": SanctionScope.choices,
        "results": [(s, ProjectStatus(s).label) for s in projects.ACCEPTANCE_RESULTS],
        "today": timezone.localdate(),
        **termination_context(request, project),
        **acceptance_context(request, project),
        "typed": {},
    }


VERDICT_LABELS = {
    "met": MilestoneStatus.MET.label,
    "not_met": MilestoneStatus.NOT_MET.label,
    **{s: ProjectStatus(s).label for s in projects.ACCEPTANCE_RESULTS},
}


def _panel(subject):
    """The expert panel assessing a milestone or an acceptance, for display (or None)."""
    state = panel_for(subject)
    if state is None:
        return None
    return {
        "state": state,
        "rows": [(VERDICT_LABELS.get(v, v), n) for v, n in sorted(state.counts.items())],
    }


def _timeline(project, milestones):
    """Milestones placed along the project's period (percent from the start), for the
    Gantt-like strip on the project page; None before the project starts."""
    start, end = project.started_on, project.ends_on
    if not start or not end or end <= start:
        return None
    span = (end - start).days

    def at(day):
        return max(0, min(100, round(100 * (day - start).days / span, 1)))

    today = timezone.localdate()
    return {
        "start": start,
        "end": end,
        "now": at(today) if start <= today <= end else None,
        "ticks": [
            {
                "left": at(m.due_on),
                "label": f"M{m.number}",
                "date": m.due_on,
                "state": "met" if m.status == "met" else ("late" if m.due_on < today else ""),
            }
            for m in milestones
        ],
    }


def _date(value):
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise ActionRefused(_("Enter a date as YYYY-MM-DD.")) from exc


def _amount(value):
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError) as exc:
        raise ActionRefused(_("Enter an amount in 10k yuan, e.g. 120.5.")) from exc
    if not amount.is_finite():  # "NaN", "Infinity"
        raise ActionRefused(_("Enter an amount in 10k yuan, e.g. 120.5."))
    return amount


def _act(request, project, action):
    post, user = request.POST, request.user

    def milestone():
        return get_object_or_404(ProjectMilestone, pk=post.get("milestone"), project=project)

    if action == "report":
        measurements = [
            {
                "indicator": r.indicator.name,
                "committed": committed_values(project).get(
                    r.indicator_id, plain_decimal(r.committed_value)
                ),
                "measured": post.get(f"measured_{r.indicator_id}", "").strip(),
            }
            for r in project.bid.responses.select_related("indicator")
        ]
        projects.report_submit(
            milestone=milestone(),
            by=user,
            text=post.get("text", ""),
            measurements=measurements,
            files=request.FILES.getlist("files"),
        )
        return _("Report submitted; the issuer and the bureau assess it.")
    if action == "assess":
        projects.milestone_assess(
            milestone=milestone(),
            by=user,
            met=post.get("met") == "1",
            comment=post.get("comment", ""),
        )
        return _("Assessment recorded.")
    if action == "rectify":
        projects.milestone_rectify(
            milestone=milestone(),
            by=user,
            new_due_on=_date(post.get("due_on")),
            comment=post.get("comment", ""),
        )
        return _("Rectification set.")
    if action == "midterm":
        projects.midterm_record(
            project=project,
            by=user,
            passed=post.get("passed") == "1",
            comment=post.get("comment", ""),
        )
        return _("Mid-term review recorded.")
    if action == "acceptance_apply":
        project_closing.acceptance_apply(project=project, by=user)
        return _("Acceptance applied for.")
    if action == "acceptance_start":
        project_closing.acceptance_start(project=project, by=user)
        return _("Acceptance started.")
    if action == "acceptance_conclude":
        project_closing.acceptance_conclude(
            project=project,
            by=user,
            result=post.get("result", ""),
            comment=post.get("comment", ""),
            meeting=post.get("meeting"),
        )
        return _("Acceptance result recorded; it is in public notice.")
    done = termination_act(request, project, action)  # terminate (with its meeting), misconduct
    if done is not None:
        return done
    raise Http404


@login_required
@require_POST
def project_action(request, pk):
    project = _project(request, pk)
    try:
        done = _act(request, project, request.POST.get("action", ""))
    except ActionRefused as exc:
        # Show the page again with what was typed (a long report is not lost).
        context = _detail_context(request, project)
        context.update(typed=request.POST, error=exc.message)
        return render(request, "bounty/project_detail.html", context, status=400)
    messages.success(request, done)
    return redirect(project)


@login_required
def report_attachment(request, pk):
    attachment = get_object_or_404(
        ReportAttachment.objects.select_related(
            "report__milestone__project__bid__lead", "report__milestone__project__challenge__issuer"
        ),
        pk=pk,
    )
    if not perms.can_view_project(request.user, attachment.report.milestone.project):
        raise Http404
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name
    )
