"""Pages of the award: the bureau's award steps, the public notices (公示) and each
team's feedback after the award."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.exceptions import ActionRefused
from bounty.models import Bid, BidStatus, Challenge
from common.views import get_visible_or_404, paginate
from review import permissions as perms
from review.models import (
    Objection,
    ScoreSheet,
)


def notices(request):
    """Public: challenges in public notice and recently awarded."""
    from bounty.models import ChallengeStatus

    items = (
        Challenge.objects.filter(status__in=[ChallengeStatus.IN_NOTICE, ChallengeStatus.AWARDED])
        .select_related("issuer", "industry")
        .order_by("-notice_ends_at")
    )
    return render(request, "review/notices.html", {"page": paginate(request, items)})


def notice(request, ocid):
    """Public notice of the proposed winners; real-name objections; the bureau decides them."""
    from bounty.models import ChallengeStatus
    from review.award import services as award

    challenge = (
        Challenge.objects.select_related("issuer")
        .filter(ocid=ocid, status__in=[ChallengeStatus.IN_NOTICE, ChallengeStatus.AWARDED])
        .first()
    )
    if challenge is None:
        raise Http404
    is_bureau = perms.can_run_draw(request.user, challenge)
    winners = Bid.objects.filter(
        challenge=challenge, status__in=[BidStatus.PROPOSED_WINNER, BidStatus.WINNER]
    ).select_related("lead")
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        try:
            if request.POST.get("action") == "decide" and is_bureau:
                objection = challenge.objections.filter(pk=request.POST.get("objection")).first()
                if objection is None:
                    raise Http404
                award.objection_decide(
                    objection=objection,
                    by=request.user,
                    upheld=request.POST.get("upheld") == "1",
                    reason=request.POST.get("reason", ""),
                    disqualify=request.POST.get("disqualify") == "1",
                )
                messages.success(request, _("Decision recorded; the objector is told."))
            elif request.POST.get("action") == "enter" and is_bureau:
                _enter_objection(request, challenge, winners)
                messages.success(
                    request,
                    _("Objection entered. It freezes the award until the bureau decides it."),
                )
            else:
                target = winners.filter(pk=request.POST.get("bid")).first()
                award.objection_file(
                    challenge=challenge,
                    by=request.user,
                    text=request.POST.get("text", ""),
                    evidence=request.FILES.get("evidence"),
                    bid=target,
                )
                messages.success(
                    request,
                    _(
                        "Objection received. The bureau decides it; your identity is seen by the bureau only."
                    ),
                )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except ActionRefused as exc:
            messages.error(request, exc.message)
        return redirect("review:notice", ocid=ocid)
    return render(
        request,
        "review/notice.html",
        {
            "challenge": challenge,
            "winners": winners,
            "is_bureau": is_bureau,
            "objections": challenge.objections.select_related("author", "bid", "entered_by")
            if is_bureau
            else [],
            "open_objections": challenge.objections.filter(status="open").count(),
            "notice_office": _notice_office(),
            "channels": Objection.Channel.choices[1:] if is_bureau else [],
        },
    )


def _notice_office():
    """Where objections go: the bureau's handling office, printed on every notice."""
    from django.conf import settings

    return {
        "office": settings.JIEBANG["NOTICE_OFFICE"],
        "phone": settings.JIEBANG["NOTICE_PHONE"],
        "address": settings.JIEBANG["NOTICE_ADDRESS"],
    }


def _enter_objection(request, challenge, winners):
    """The bureau enters an objection received on paper or by e-mail."""
    from django.utils.dateparse import parse_date

    from review.award.paper_objections import objection_enter

    try:
        received_on = parse_date(request.POST.get("received_on", ""))
    except ValueError:
        received_on = None
    objection_enter(
        challenge=challenge,
        by=request.user,
        channel=request.POST.get("channel", ""),
        objector_name=request.POST.get("objector_name", ""),
        objector_identity=request.POST.get("objector_identity", ""),
        objector_contact=request.POST.get("objector_contact", ""),
        received_on=received_on,
        text=request.POST.get("text", ""),
        letter=request.FILES.get("letter"),
        bid=winners.filter(pk=request.POST.get("bid") or None).first(),
    )


@login_required
@require_POST
def award_step(request, ocid):
    """Review start (bureau), proposal (issuer), confirmation or return (bureau)."""
    from bounty.permissions import can_view_challenge
    from review.award import services as award

    challenge = get_visible_or_404(
        Challenge.objects.select_related("issuer"), can_view_challenge, request.user, ocid=ocid
    )
    step = request.POST.get("step")
    try:
        if step == "start_review":
            award.review_start(challenge=challenge, by=request.user)
        elif step == "propose":
            bids = list(
                Bid.objects.filter(challenge=challenge, pk__in=request.POST.getlist("bids"))
            )
            award.award_propose(
                challenge=challenge,
                by=request.user,
                bids=bids,
                reason=request.POST.get("reason", ""),
            )
        elif step == "confirm":
            award.award_confirm(
                challenge=challenge, by=request.user, meeting=request.POST.get("meeting")
            )
        elif step == "return":
            award.award_return(
                challenge=challenge, by=request.user, comment=request.POST.get("reason", "")
            )
        elif step == "no_award":
            award.no_award(
                challenge=challenge, by=request.user, comment=request.POST.get("reason", "")
            )
        else:
            raise Http404
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done."))
    return (
        redirect("review:ranking", ocid=ocid)
        if step in ("propose", "return", "start_review", "no_award")
        else redirect("review:notice", ocid=ocid)
    )


@login_required
def feedback(request, reference):
    """After the award, a team sees its rank, aggregate and the panel's written comments —
    never expert names or individual scores."""
    from review.models import Score
    from review.scoring import services as scoring

    bid = Bid.objects.select_related("challenge").filter(reference=reference).first()
    if bid is None or not perms.can_view_feedback(request.user, bid):
        raise Http404
    entry = next((r for r in scoring.ranking(bid.challenge) if r.bid_id == bid.pk), None)
    comments = (
        Score.objects.filter(sheet__bid=bid, sheet__status=ScoreSheet.Status.SUBMITTED)
        .select_related("criterion")
        .order_by("criterion__position", "justification")
        .values_list("criterion__name", "justification")
    )
    return render(
        request, "review/feedback.html", {"bid": bid, "entry": entry, "comments": comments}
    )
