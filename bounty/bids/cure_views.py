"""Pages of the formal check with its due process: the officer's formal-check page (the
checklist, the 补正 request, the intended ineligibility and its case), the team's upload
of a document asked for, and the download of such a document. The bid page's part of it
comes from ``formal_context``."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bounty import permissions as perms
from bounty.bids import services as bid_services
from bounty.bids.cure_forms import CureFileForm, CureOpenForm
from bounty.bids.cure_services import cure_file_add, cure_of, cure_open, formal_check_hold
from bounty.bids.forms import FormalCheckForm
from bounty.bids.rules import bid_completeness_errors
from bounty.dueprocess.services import can_view_case, case_current, cases_of
from bounty.exceptions import ActionRefused
from bounty.models import (
    Bid,
    BidStatus,
    CaseKind,
    ChallengeStatus,
    CureFile,
    FormalCheck,
    SigningDefault,
)
from common.dbtime import db_now
from common.views import get_visible_or_404

BID_RELATED = ("challenge", "challenge__issuer", "lead", "pi")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "ooxml": "application/octet-stream",
    "ole2": "application/octet-stream",
}


def _bid(request, reference, predicate=perms.can_view_bid):
    return get_visible_or_404(
        Bid.objects.select_related(*BID_RELATED), predicate, request.user, reference=reference
    )


def _cases(user, bid):
    """The bid's ineligibility cases the user may open, newest first, each as it stands now
    (a decision whose review window closed is made final on reading)."""
    found = cases_of(bid).filter(kind=CaseKind.INELIGIBLE).order_by("-opened_at", "-pk")
    return [case_current(c) for c in found if can_view_case(user, c)]


def formal_context(user, bid):
    """What the bid page shows of the formal check: the check, the 补正 request with its
    receipts (and the team's upload form while the window is open), the cases."""
    now = db_now()
    cure = cure_of(bid)
    is_team = perms.is_bid_team(user, bid)
    checking = (
        perms.can_formal_check_bid(user, bid)
        and bid.status == BidStatus.SUBMITTED
        and bid.challenge.status == ChallengeStatus.FORMAL_CHECK
    )
    return {
        "formal": FormalCheck.objects.filter(bid=bid).first(),
        "can_check": checking,
        "cure": cure,
        "cure_files": list(cure.files.select_related("uploaded_by")) if cure else [],
        "cure_window_open": cure is not None and cure.window_open(now),
        "can_cure_upload": cure is not None
        and cure.window_open(now)
        and is_team
        and perms.bid_team_access_error(user, bid) is None,
        "cure_form": CureFileForm(),
        "ineligibility_cases": _cases(user, bid) if (is_team or checking) else [],
    }


def _check_context(request, bid, form, cure_form, error=""):
    now = db_now()
    cure = cure_of(bid)
    open_to_check = (
        bid.status == BidStatus.SUBMITTED and bid.challenge.status == ChallengeStatus.FORMAL_CHECK
    )
    cases = _cases(request.user, bid)
    hold = formal_check_hold(bid, now) if open_to_check else None
    return {
        "bid": bid,
        "form": form,
        "cure_form": cure_form,
        "error": error,
        "auto": bid_services.auto_checklist(bid),
        "completeness": bid_completeness_errors(bid),
        "open_to_check": open_to_check,
        "hold": hold,
        "cure": cure,
        "cure_files": list(cure.files.select_related("uploaded_by")) if cure else [],
        "cure_window_open": cure is not None and cure.window_open(now),
        "can_open_cure": open_to_check and cure is None and not any(c.is_open for c in cases),
        "cases": cases,
        "cure_days": settings.JIEBANG["FORMAL_CHECK_CURE_WORKING_DAYS"],
        "formal": FormalCheck.objects.filter(bid=bid).first(),
        # Earlier awards this organisation let lapse (a record, not a sanction).
        "signing_defaults": SigningDefault.objects.filter(
            credit_code=bid.lead.credit_code
        ).select_related("bid__challenge"),
    }


def _check_form(bid, data=None):
    auto = bid_services.auto_checklist(bid)
    initial = {f"item_{k}": v for k, v in auto.items()}
    initial["eligible"] = "1" if all(auto.values()) else "0"
    return FormalCheckForm(data, initial=initial, items=FormalCheck.ITEMS), auto


@login_required
def formal_check(request, reference):
    """The checklist and the outcome: eligible, or an intended ineligibility (a due-process
    case the team answers)."""
    bid = _bid(request, reference)
    if not perms.can_formal_check_bid(request.user, bid):
        raise Http404
    form, auto = _check_form(bid, request.POST or None)
    error = ""
    if request.method == "POST":
        if form.is_valid():
            checklist = {
                k: {"auto": auto[k], "ok": form.cleaned_data[f"item_{k}"]}
                for k, _label in FormalCheck.ITEMS
            }
            eligible = form.cleaned_data["eligible"]
            try:
                bid_services.bid_formal_check(
                    bid=bid,
                    by=request.user,
                    checklist=checklist,
                    eligible=eligible,
                    reasons=form.cleaned_data["reasons"],
                )
            except ActionRefused as exc:
                error = exc.message
            else:
                if eligible:
                    messages.success(request, _("Formal check recorded."))
                    return redirect("bounty:bid_list", ocid=bid.challenge.ocid)
                messages.success(
                    request,
                    _(
                        "The intended ineligibility was sent to the team; they may answer "
                        "it. The bid stays submitted until the decision is final."
                    ),
                )
                return redirect("bounty:formal_check", reference=bid.reference)
        else:
            error = _("Nothing was recorded: correct the fields marked below.")
        bid.refresh_from_db()
    return render(
        request,
        "bounty/formal_check.html",
        _check_context(request, bid, form, CureOpenForm(), error),
        status=400 if error else 200,
    )


@login_required
@require_POST
def bid_cure_open(request, reference):
    """The officer asks the team for the missing or defective document(s) (补正)."""
    bid = _bid(request, reference)
    if not perms.can_formal_check_bid(request.user, bid):
        raise Http404
    cure_form = CureOpenForm(request.POST)
    error = ""
    if cure_form.is_valid():
        try:
            cure = cure_open(bid=bid, by=request.user, missing=cure_form.cleaned_data["missing"])
        except ActionRefused as exc:
            error = exc.message
        else:
            messages.success(
                request,
                _("The team may add the documents until %(due)s.")
                % {"due": timezone.localtime(cure.due_at).strftime("%Y-%m-%d %H:%M")},
            )
            return redirect("bounty:formal_check", reference=bid.reference)
    else:
        error = _("Nothing was recorded: correct the fields marked below.")
    form, _auto = _check_form(bid)
    return render(
        request,
        "bounty/formal_check.html",
        _check_context(request, bid, form, cure_form, error),
        status=400,
    )


@login_required
@require_POST
def bid_cure_upload(request, reference):
    """The team adds one document asked for in the 补正 window."""
    bid = _bid(request, reference, predicate=perms.is_bid_team)
    form = CureFileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            row = cure_file_add(
                bid=bid,
                by=request.user,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
            )
        except ActionRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Document added. Receipt: SHA-256 %(sha256)s.") % {"sha256": row.sha256},
            )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, _("File not added: %(error)s") % {"error": error})
    return redirect(f"{bid.get_absolute_url()}#cure")


def bid_cure_file(request, reference, pk):
    """A document added in the 补正 window, for whoever may read the bid."""
    bid = _bid(request, reference)
    row = get_object_or_404(CureFile, cure__bid=bid, pk=pk)
    response = FileResponse(
        row.file.open("rb"),
        as_attachment=True,
        filename=row.original_name,
        content_type=CONTENT_TYPES.get(row.content_kind, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
