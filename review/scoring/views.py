"""Pages of scoring: the expert's score sheet for a bid, submitting all sheets, and the
ranking (bureau, issuer once the review runs, a panel expert after submitting)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.exceptions import ActionRefused
from bounty.meetings.selectors import recent_meetings
from bounty.models import Bid, Challenge
from review import permissions as perms
from review.models import (
    Declaration,
    DefenceSession,
    PanelReport,
    ScoreSheet,
    Seat,
    SeatStatus,
)


def _my_seat(request, pk):
    seat = Seat.objects.select_related("draw__challenge", "expert").filter(pk=pk).first()
    if (
        seat is None
        or not perms.is_seat_expert(request.user, seat)
        or seat.status != SeatStatus.ACCEPTED
    ):
        raise Http404
    return seat


@login_required
def score_bid(request, pk, bid_pk):
    """One screen per bid: the bid's documents beside the form; drafts save, nothing lost."""
    from bounty.models import RubricCriterion
    from review.scoring import services as scoring

    seat = _my_seat(request, pk)
    declaration = (
        Declaration.objects.filter(seat=seat, bid_id=bid_pk).select_related("bid__lead").first()
    )
    if (
        declaration is None
        or not declaration.clears_access
        or not perms.bid_open_to_panel(declaration.bid, seat.draw.challenge)
    ):
        raise Http404
    bid = declaration.bid
    criteria = list(
        RubricCriterion.objects.filter(challenge=seat.draw.challenge).order_by("position")
    )
    sheet = ScoreSheet.objects.filter(seat=seat, bid=bid).prefetch_related("scores").first()
    saved = {s.criterion_id: s for s in sheet.scores.all()} if sheet else {}
    errors, typed = {}, {}
    if request.method == "POST":
        values = {}
        for criterion in criteria:
            raw = request.POST.get(f"value_{criterion.pk}", "").strip()
            text = request.POST.get(f"why_{criterion.pk}", "")
            typed[criterion.pk] = (raw, text)
            if raw == "":
                values[criterion.pk] = (None, text)
            elif raw.isdigit():
                values[criterion.pk] = (int(raw), text)
            else:
                errors[criterion.pk] = _("Give a score from 0 to 100.")
        if not errors:
            try:
                scoring.sheet_save(seat=seat, by=request.user, bid=bid, values=values)
            except scoring.ScoresInvalid as exc:
                errors = exc.errors
            except ActionRefused as exc:
                messages.error(request, exc.message)
                return redirect("review:score_bid", pk=seat.pk, bid_pk=bid.pk)
            else:
                messages.success(request, _("Scores saved as a draft."))
                return redirect("review:score_bid", pk=seat.pk, bid_pk=bid.pk)
        messages.error(request, _("Some scores need attention; nothing was lost."))
    rows = []
    for criterion in criteria:
        score = saved.get(criterion.pk)
        value, text = typed.get(
            criterion.pk, (score.value if score else "", score.justification if score else "")
        )
        rows.append(
            {
                "criterion": criterion,
                "value": value,
                "text": text,
                "error": errors.get(criterion.pk),
            }
        )
    return render(
        request,
        "review/score_bid.html",
        {
            "seat": seat,
            "bid": bid,
            "rows": rows,
            "locked": bool(sheet and sheet.status == ScoreSheet.Status.SUBMITTED),
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def scores_submit(request, pk):
    from review.scoring import services as scoring

    seat = _my_seat(request, pk)
    try:
        scoring.scores_submit(seat=seat, by=request.user)
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your scores are submitted and locked."))
    return redirect("review:invitation", pk=seat.pk)


def ranking(request, ocid):
    """The panel report: the bureau, and panel experts once they submitted all their scores."""
    from review.scoring import services as scoring
    from review.scoring.selectors import panel_completeness

    challenge = Challenge.objects.select_related("issuer").filter(ocid=ocid).first()
    if challenge is None:
        raise Http404

    if not perms.can_view_ranking(request.user, challenge):
        raise Http404
    if request.method == "POST" and request.POST.get("action") == "tie":
        refs = [
            r.strip()
            for r in request.POST.get("order", "").replace("，", ",").split(",")
            if r.strip()
        ]
        found = dict(
            Bid.objects.filter(challenge=challenge, reference__in=refs).values_list(
                "reference", "pk"
            )
        )
        try:
            if len(found) != len(refs):
                raise ActionRefused(_("List the tied bids in the decided order."))
            scoring.tie_decide(
                challenge=challenge,
                by=request.user,
                order=[found[r] for r in refs],
                reason=request.POST.get("reason", ""),
            )
        except ActionRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The panel's decision on the tie is recorded."))
        return redirect("review:ranking", ocid=ocid)
    if request.method == "POST" and request.POST.get("action") == "defence":
        from django.utils.dateparse import parse_datetime

        bid = Bid.objects.filter(challenge=challenge, pk=request.POST.get("bid")).first()
        held_at = parse_datetime(request.POST.get("held_at", ""))
        try:
            if bid is None or held_at is None:
                raise ActionRefused(_("Choose the bid and the date and time of the defence."))
            if timezone.is_naive(held_at):
                held_at = timezone.make_aware(held_at)
            scoring.defence_record(
                bid=bid,
                by=request.user,
                held_at=held_at,
                attendees=request.POST.get("attendees", ""),
                notes=request.POST.get("notes", ""),
            )
        except ActionRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Defence session recorded."))
        return redirect("review:ranking", ocid=ocid)
    if request.method == "POST":
        try:
            scoring.panel_report_save(
                challenge=challenge, by=request.user, consensus=request.POST.get("consensus", "")
            )
        except ActionRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Consensus comment saved."))
        return redirect("review:ranking", ocid=ocid)
    ranked = scoring.ranking(challenge)
    bids = Bid.objects.in_bulk([r.bid_id for r in ranked])
    distribution = scoring.score_distribution(challenge)
    report = PanelReport.objects.filter(challenge=challenge).first()
    criteria = list(challenge.criteria.order_by("-weight", "position"))
    rows = [
        {
            "entry": r,
            "bid": bids[r.bid_id],
            "criteria": [r.criteria.get(c.pk) for c in criteria],
            "totals": distribution.get(r.bid_id, []),
        }
        for r in ranked
    ]
    if request.GET.get("format") == "pdf":
        # Generated, stored and verifiable through the documents pipeline.
        return redirect("documents:of", kind="panel_report", pk=challenge.pk)
    return render(
        request,
        "review/ranking.html",
        {
            "challenge": challenge,
            "rows": rows,
            "criteria": criteria,
            "threshold": scoring_threshold(),
            "report": report,
            "defences": DefenceSession.objects.filter(bid__challenge=challenge).select_related(
                "bid"
            ),
            "is_bureau": perms.can_run_draw(request.user, challenge),
            "panel": panel_completeness(challenge),
            "can_start_review": perms.can_start_review(request.user, challenge),
            "can_propose": perms.can_propose_award(request.user, challenge),
            "can_confirm": perms.can_confirm_award(request.user, challenge),
            "can_no_award": perms.can_declare_no_award(request.user, challenge, ranked),
            "exits": exit_context(request.user, challenge),
            "meetings": recent_meetings()
            if perms.can_confirm_award(request.user, challenge)
            else [],
        },
    )


def exit_context(user, challenge):
    from review.award.exits import exit_context as context

    return context(user, challenge)


def scoring_threshold():
    return settings.JIEBANG["SCORE_THRESHOLD"]
