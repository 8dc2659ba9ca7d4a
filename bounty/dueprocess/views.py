"""Due-process pages: the cases a user may see, one case with its steps and the form for the
next one (the party's response and review request, the bureau's decision and review), and
the case's files."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.exceptions import ActionRefused
from accounts.models import Role
from accounts.permissions import is_bureau_officer, organization_ids_with_role
from bounty.dueprocess import services as cases
from bounty.dueprocess.effects import EFFECTS
from bounty.dueprocess.models import CaseFile, CaseKind, CaseStatus, DueProcessCase
from bounty.meetings.selectors import recent_meetings
from common.dbtime import db_now
from common.views import get_visible_or_404, paginate

CASE_QS = DueProcessCase.objects.select_related(
    "party_org", "party_user", "opened_by", "decided_by", "reviewed_by", "subject_type"
)


@login_required
def case_list(request):
    user = request.user
    qs = CASE_QS.order_by("-opened_at", "-pk")
    if not is_bureau_officer(user):
        orgs = organization_ids_with_role(user, Role.BIDDER)
        qs = qs.filter(Q(party_user=user) | Q(party_org__in=orgs))
    status = request.GET.get("status", "")
    if status in CaseStatus.values:
        qs = qs.filter(status=status)
    kind = request.GET.get("kind", "")
    if kind in CaseKind.values:
        qs = qs.filter(kind=kind)
    query = request.GET.get("q", "").strip()
    if query:
        qs = qs.filter(subject_label__icontains=query)
    return render(
        request,
        "bounty/cases/list.html",
        {
            "page": paginate(request, qs),
            "q": query,
            "status": status,
            "kind": kind,
            "statuses": CaseStatus.choices,
            "kinds": CaseKind.choices,
        },
    )


def _case(request, pk):
    return get_visible_or_404(CASE_QS, cases.can_view_case, request.user, pk=pk)


def _context(request, case):
    user = request.user
    now = db_now()
    is_bureau = is_bureau_officer(user)
    is_party = cases.is_party(user, case)
    intended = case.status == CaseStatus.INTENDED
    effect = EFFECTS.get(case.kind)
    return {
        "case": case,
        "files": {
            stage: [f for f in case.files.all() if f.stage == stage] for stage in CaseFile.Stage
        },
        "subject_url": effect.url(case) if effect else "",
        "can_respond": is_party
        and intended
        and case.responded_at is None
        and now < case.response_due_at,
        "can_decide": is_bureau and intended,
        "decide_open": case.responded_at is not None or now >= case.response_due_at,
        "can_request_review": is_party
        and case.status == CaseStatus.DECIDED
        and now < case.review_due_at,
        "can_review": is_bureau
        and case.status == CaseStatus.REVIEW_REQUESTED
        and user.pk not in (case.decided_by_id, case.opened_by_id),
        "review_by_other": is_bureau and case.status == CaseStatus.REVIEW_REQUESTED,
        "needs_meeting": bool(effect and effect.decide_meeting),
        "meetings": recent_meetings() if is_bureau and intended else [],
        "is_bureau": is_bureau,
    }


@login_required
def case_detail(request, pk):
    case = cases.case_current(_case(request, pk))
    return render(request, "bounty/cases/detail.html", _context(request, case))


@login_required
@require_POST
def case_action(request, pk):
    case = _case(request, pk)
    post, user, action = request.POST, request.user, request.POST.get("action", "")
    files = request.FILES.getlist("files")
    try:
        if action == "respond":
            cases.case_respond(case=case, by=user, text=post.get("text", ""), files=files)
            done = _("Your response is recorded; the bureau must answer it in its decision.")
        elif action == "decide":
            cases.case_decide(
                case=case,
                by=user,
                upheld=post.get("upheld") == "1",
                decision=post.get("decision", ""),
                answer=post.get("answer", ""),
                meeting=post.get("meeting"),
            )
            done = _("Decision recorded.")
        elif action == "request_review":
            cases.case_request_review(case=case, by=user, text=post.get("text", ""), files=files)
            done = _("Review requested; another officer decides it.")
        elif action == "review":
            cases.case_review(
                case=case,
                by=user,
                confirmed=post.get("confirmed") == "1",
                text=post.get("text", ""),
            )
            done = _("Review decided.")
        else:
            raise Http404
    except ActionRefused as exc:
        case.refresh_from_db()
        context = _context(request, case)
        context.update(typed=post, error=exc.message)
        return render(request, "bounty/cases/detail.html", context, status=400)
    messages.success(request, done)
    return redirect(case)


@login_required
def case_file(request, pk):
    row = get_object_or_404(CaseFile.objects.select_related("case"), pk=pk)
    if not cases.can_view_case(request.user, row.case):
        raise Http404
    return FileResponse(row.file.open("rb"), as_attachment=True, filename=row.original_name)
