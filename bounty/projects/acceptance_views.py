"""Acceptance pages: the dossier (the parties, the bureau and the cleared acceptance panel
read it; the team edits its part, the issuer writes its 用户使用报告), the dossier's files,
and the public notice of acceptance results with the objection form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bounty import permissions as perms
from bounty.challenges.models import plain_decimal
from bounty.exceptions import ActionRefused
from bounty.meetings.selectors import recent_meetings
from bounty.models import (
    AcceptanceNotice,
    AcceptanceObjection,
    BudgetLine,
    IndicatorResult,
    NoticeStatus,
    Project,
    ProjectStatus,
)
from bounty.projects import acceptance
from bounty.projects import dossier_read as read
from common.dbtime import db_now
from common.views import get_visible_or_404, paginate

PROJECT_QS = Project.objects.select_related(
    "bid__lead", "bid__pi", "challenge__issuer", "challenge__industry"
)


def _project(request, pk):
    project = get_visible_or_404(PROJECT_QS, perms.can_view_project, request.user, pk=pk)
    return acceptance.notice_current(project)


def _context(request, project, **extra):
    dossier = read.dossier_of(project)
    user = request.user
    is_team = perms.is_project_team(user, project)
    is_issuer = perms.is_issuer_staff(user, project.challenge)
    rows = read.indicator_table(project, dossier)
    return {
        "project": project,
        "challenge": project.challenge,
        "dossier": dossier,
        "rows": rows,
        "met_count": sum(1 for r in rows if r.met),
        "finance": read.finance_table(project, dossier),
        "government_share": read.government_share(project),
        "audit_required": read.audit_required(project),
        "threshold": read.rules()["ACCEPTANCE_AUDIT_THRESHOLD"],
        "missing": read.dossier_missing(project, dossier),
        "apply_opens_on": read.apply_opens_on(project),
        "is_team": is_team,
        "is_issuer": is_issuer,
        "is_bureau": perms.is_bureau_officer(user),
        "can_edit": is_team and project.status in acceptance.DOSSIER_OPEN,
        "can_report": is_issuer and project.status in acceptance.USER_REPORT_OPEN,
        "notices": list(
            project.acceptance_notices.annotate(n_objections=Count("objections")).order_by(
                "-opened_at"
            )
        ),
        "typed": {},
        **extra,
    }


@login_required
def dossier(request, pk):
    """The whole dossier, read-only: committed vs achieved, the financial statement, files."""
    project = _project(request, pk)
    return render(request, "bounty/projects/dossier.html", _context(request, project))


def _form_values(context, typed):
    """What the dossier form shows: what was typed (after a refusal), else what is saved."""
    dossier = context["dossier"]
    for row in context["rows"]:
        key = row.indicator.pk
        if typed:
            row.form_achieved = typed.get(f"achieved_{key}", "")
            row.form_note = typed.get(f"note_{key}", "")
        else:
            row.form_achieved = plain_decimal(row.achieved) if row.achieved is not None else ""
            row.form_note = row.result.note if row.result else ""
    for line in context["finance"]["rows"]:
        c = line["category"]
        if typed:
            line["form_gov"] = typed.get(f"gov_{c}", "")
            line["form_self"] = typed.get(f"self_{c}", "")
            line["form_note"] = typed.get(f"fnote_{c}", "")
        else:
            line["form_gov"] = plain_decimal(line["spent_gov"]) if line["recorded"] else ""
            line["form_self"] = plain_decimal(line["spent_self"]) if line["recorded"] else ""
            line["form_note"] = line["note"]
    texts = ("work_done", "results", "open_issues", "technical_summary", "user_report")
    context["form"] = {
        f: typed.get(f, "") if typed else (getattr(dossier, f) if dossier else "") for f in texts
    }
    return context


def _posted_dossier(request, project):
    post, files = request.POST, request.FILES
    ids = [indicator.pk for indicator, _committed in read.committed_indicators(project)]
    return {
        "texts": {
            f: post.get(f, "") for f in ("work_done", "results", "open_issues", "technical_summary")
        },
        "achieved": {i: post.get(f"achieved_{i}", "") for i in ids},
        "notes": {i: post.get(f"note_{i}", "") for i in ids},
        "reports": {i: files[f"report_{i}"] for i in ids if f"report_{i}" in files},
        "spending": {
            c: (post.get(f"gov_{c}", ""), post.get(f"self_{c}", ""), post.get(f"fnote_{c}", ""))
            for c in BudgetLine.Category.values
        },
        "audit": files.get("audit"),
    }


@login_required
def dossier_edit(request, pk):
    """The team's dossier form: application form, achieved values with a test report per
    indicator, technical summary, financial statement, audit report."""
    project = _project(request, pk)
    if not perms.is_project_team(request.user, project):
        raise PermissionDenied
    if request.method == "POST":
        try:
            acceptance.dossier_save(
                project=project, by=request.user, **_posted_dossier(request, project)
            )
        except ActionRefused as exc:
            context = _context(request, project, typed=request.POST, error=exc.message)
            context = _form_values(context, request.POST)
            return render(request, "bounty/projects/dossier_form.html", context, status=400)
        messages.success(request, _("Acceptance dossier saved."))
        return redirect("bounty:project_dossier", pk=project.pk)
    context = _form_values(_context(request, project), None)
    return render(request, "bounty/projects/dossier_form.html", context)


@login_required
def user_report(request, pk):
    """The issuing enterprise's 用户使用报告."""
    project = _project(request, pk)
    if not perms.is_issuer_staff(request.user, project.challenge):
        raise PermissionDenied
    if request.method == "POST":
        try:
            acceptance.user_report_save(
                project=project,
                by=request.user,
                text=request.POST.get("user_report", ""),
                upload=request.FILES.get("file"),
            )
        except ActionRefused as exc:
            context = _context(request, project, typed=request.POST, error=exc.message)
            context = _form_values(context, request.POST)
            return render(request, "bounty/projects/user_report_form.html", context, status=400)
        messages.success(request, _("User report saved."))
        return redirect("bounty:project_dossier", pk=project.pk)
    context = _form_values(_context(request, project), None)
    return render(request, "bounty/projects/user_report_form.html", context)


@login_required
def dossier_file(request, pk, which):
    """A file of the dossier: ``audit``, ``user-report`` or ``report-<indicator id>``."""
    project = _project(request, pk)
    dossier = read.dossier_of(project)
    if dossier is None:
        raise Http404
    if which == "audit":
        field, name = dossier.audit_file, dossier.audit_name
    elif which == "user-report":
        field, name = dossier.user_report_file, dossier.user_report_name
    elif which.startswith("report-") and which[7:].isdigit():
        row = get_object_or_404(IndicatorResult, dossier=dossier, indicator_id=int(which[7:]))
        field, name = row.report_file, row.report_name
    else:
        raise Http404
    if not field:
        raise Http404
    return FileResponse(field.open("rb"), as_attachment=True, filename=name)


# --- Public notice ---------------------------------------------------------------------------


def acceptances(request):
    """Public: acceptance results in notice (objections open until the window closes) and
    the final results, each final one with its notice (PDF)."""
    acceptance.notices_finalize_due()
    qs = (
        AcceptanceNotice.objects.filter(status__in=[NoticeStatus.IN_NOTICE, NoticeStatus.FINAL])
        .select_related("project__bid__lead", "project__challenge__issuer")
        .order_by("-opened_at", "-pk")
    )
    return render(
        request, "bounty/acceptances.html", {"page": paginate(request, qs), "now": db_now()}
    )


def _public_notice(pk):
    notice = (
        AcceptanceNotice.objects.select_related("project__bid__lead", "project__challenge__issuer")
        .filter(pk=pk, status__in=[NoticeStatus.IN_NOTICE, NoticeStatus.FINAL])
        .first()
    )
    if notice is None:
        raise Http404
    acceptance.notice_current(notice.project)
    notice.refresh_from_db()
    return notice


def _notice_context(request, notice, **extra):
    is_bureau = perms.is_bureau_officer(request.user)
    objections = notice.objections.select_related("author") if is_bureau else None
    return {
        "notice": notice,
        "project": notice.project,
        "running": notice.status == NoticeStatus.IN_NOTICE and db_now() < notice.ends_at,
        "is_bureau": is_bureau,
        "objections": objections,
        "objection_counts": notice.objections.aggregate(
            total=Count("pk"), open=Count("pk", filter=Q(status=AcceptanceObjection.Status.OPEN))
        ),
        "typed": {},
        **extra,
    }


def acceptance_notice(request, pk):
    """One result in notice (public); signed-in users file a real-name objection here."""
    notice = _public_notice(pk)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            acceptance.objection_file(
                notice=notice,
                by=request.user,
                text=request.POST.get("text", ""),
                evidence=request.FILES.get("evidence"),
            )
        except ActionRefused as exc:
            context = _notice_context(request, notice, typed=request.POST, error=exc.message)
            return render(request, "bounty/projects/acceptance_notice.html", context, status=400)
        messages.success(
            request, _("Objection filed; the bureau decides it and tells you the outcome.")
        )
        return redirect("bounty:acceptance_notice", pk=notice.pk)
    return render(
        request, "bounty/projects/acceptance_notice.html", _notice_context(request, notice)
    )


@login_required
@require_POST
def objection_decide(request, pk):
    if not perms.is_bureau_officer(request.user):
        raise Http404
    objection = get_object_or_404(AcceptanceObjection.objects.select_related("notice"), pk=pk)
    try:
        objection = acceptance.objection_decide(
            objection=objection,
            by=request.user,
            upheld=request.POST.get("upheld") == "1",
            reason=request.POST.get("reason", ""),
        )
    except ActionRefused as exc:
        notice = objection.notice
        context = _notice_context(request, notice, typed=request.POST, error=exc.message)
        return render(request, "bounty/projects/acceptance_notice.html", context, status=400)
    messages.success(request, _("Decision on the objection recorded."))
    if objection.status == AcceptanceObjection.Status.UPHELD:
        return redirect("bounty:project", pk=objection.notice.project_id)
    return redirect("bounty:acceptance_notice", pk=objection.notice_id)


@login_required
def objection_evidence(request, pk):
    """An objection's evidence: the bureau only (it may name the objector)."""
    if not perms.is_bureau_officer(request.user):
        raise Http404
    objection = get_object_or_404(AcceptanceObjection, pk=pk)
    return FileResponse(
        objection.evidence.open("rb"), as_attachment=True, filename=objection.evidence_name
    )


# --- The acceptance part of the project page -------------------------------------------------


def acceptance_context(request, project):
    """What ``templates/bounty/projects/_acceptance.html`` shows on the project page."""
    user = request.user
    dossier = read.dossier_of(project)
    is_team = perms.is_project_team(user, project)
    context = {
        "acceptance": {
            "dossier": dossier,
            "missing": read.dossier_missing(project, dossier)
            if is_team and project.status in acceptance.DOSSIER_OPEN
            else [],
            "opens_on": read.apply_opens_on(project),
            "has_user_report": bool(dossier and dossier.has_user_report),
            "notice": acceptance.current_notice(project)
            if project.status == ProjectStatus.ACCEPTANCE_NOTICE
            else None,
            "set_aside": project.acceptance_notices.filter(status=NoticeStatus.SET_ASIDE).first()
            if project.status == ProjectStatus.UNDER_ACCEPTANCE
            else None,
        }
    }
    if perms.is_bureau_officer(user) and project.status == ProjectStatus.UNDER_ACCEPTANCE:
        context["meetings"] = recent_meetings()
    return context
