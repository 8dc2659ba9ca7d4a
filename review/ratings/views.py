"""The bureau's pages for expert ratings (one page per panel) and for proposing an expert's
removal from the pool (which opens a due-process case). Everyone else gets 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.exceptions import ActionRefused
from bounty.dueprocess.models import CaseKind
from bounty.dueprocess.services import open_case
from review.models import Draw, Expert, ExpertRating, ExpertRemoval
from review.permissions import can_manage_pool
from review.ratings.models import NOTE_MAX, SCORE_RANGE
from review.ratings.removal import expert_removal_open
from review.ratings.services import (
    can_rate_panel,
    panel_draw_ids,
    panel_finished,
    rating_record,
    served_seats,
)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def panel_ratings(request, pk):
    """The experts who served on a panel, their ratings, and a form for each one unrated
    (once the panel has finished)."""
    draw = get_object_or_404(
        Draw.objects.select_related("challenge__issuer", "project__bid", "milestone").defer(
            "pool", "ranked"
        ),
        pk=pk,
    )
    if not can_rate_panel(request.user, draw):
        raise Http404
    draw_ids = panel_draw_ids(draw)
    seats = list(served_seats(draw_ids))
    typed, error, error_seat, status = {}, "", None, 200
    if request.method == "POST":
        seat = next((s for s in seats if str(s.pk) == request.POST.get("seat", "")), None)
        try:
            if seat is None:
                raise ActionRefused(_("Choose an expert who served on this panel."))
            rating_record(
                seat=seat,
                by=request.user,
                timeliness=request.POST.get("timeliness", ""),
                quality=request.POST.get("quality", ""),
                note=request.POST.get("note", ""),
            )
        except ActionRefused as exc:
            typed, error, error_seat, status = request.POST, exc.message, seat, 400
        else:
            messages.success(
                request, _("The rating of %(name)s was saved.") % {"name": seat.expert.name}
            )
            return redirect("review:panel_ratings", pk=draw.pk)
    ratings = {r.seat_id: r for r in ExpertRating.objects.filter(seat__in=seats)}
    rows = [{"seat": s, "rating": ratings.get(s.pk)} for s in seats]
    return render(
        request,
        "review/panel_ratings.html",
        {
            "draw": draw,
            "rows": rows,
            "finished": panel_finished(draw, draw_ids),
            "scores": list(SCORE_RANGE),
            "note_max": NOTE_MAX,
            "typed": typed,
            "error": error,
            "error_seat": error_seat,
        },
        status=status,
    )


def _removal_reasons(expert, rating_pk):
    """The reasons prefilled from a rating of this expert (the link on a low rating)."""
    rating = (
        ExpertRating.objects.filter(pk=rating_pk, expert=expert)
        .select_related("draw__challenge")
        .first()
        if str(rating_pk).isdigit()
        else None
    )
    if rating is None:
        return ""
    return _(
        "Rating after the panel of “%(title)s” (%(purpose)s): timeliness %(timeliness)d, "
        "quality %(quality)d. %(note)s"
    ) % {
        "title": rating.draw.challenge.title,
        "purpose": rating.draw.get_purpose_display(),
        "timeliness": rating.timeliness,
        "quality": rating.quality,
        "note": rating.note,
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def expert_removal(request, code):
    """Propose removing an expert from the pool: the intended decision with its reasons and
    evidence, which opens a due-process case."""
    if not can_manage_pool(request.user):
        raise Http404
    expert = get_object_or_404(Expert.objects.select_related("user"), code=code)
    typed = {"reasons": _removal_reasons(expert, request.GET.get("rating", ""))}
    error, status = "", 200
    if request.method == "POST":
        try:
            case = expert_removal_open(
                expert=expert,
                by=request.user,
                reasons=request.POST.get("reasons", ""),
                files=request.FILES.getlist("files"),
            )
        except ActionRefused as exc:
            typed, error, status = request.POST, exc.message, 400
        else:
            messages.success(
                request,
                _(
                    "The intended decision was sent to the expert, who may answer it before "
                    "the window closes. The expert stays in the pool unless the decision "
                    "becomes final."
                ),
            )
            return redirect(case)
    return render(
        request,
        "review/expert_removal.html",
        {
            "expert": expert,
            "removed": ExpertRemoval.objects.filter(expert=expert).exists(),
            "open_case": open_case(CaseKind.EXPERT_REMOVAL, expert),
            "typed": typed,
            "error": error,
        },
        status=status,
    )
