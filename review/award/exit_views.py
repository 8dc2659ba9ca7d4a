"""Pages of the award's exits: the issuer's request to declare no award and the bureau's
decision on it, the bureau's decision after the proposal deadline (forms on the ranking
page, posted here), and the bureau's page of the winners' signing deadlines with 递补 or
re-publication when a winner lets it pass."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.exceptions import ActionRefused
from bounty.meetings.selectors import recent_meetings
from bounty.models import Bid, Challenge, Project
from bounty.permissions import can_view_challenge
from common.views import get_visible_or_404
from review import permissions as perms
from review.award import exits, signing
from review.award.models import AwardDecline


@login_required
@require_POST
def award_exit(request, ocid):
    """Decline request (issuer), its confirmation or return, the bureau's decision after the
    proposal deadline (bureau)."""
    challenge = get_visible_or_404(
        Challenge.objects.select_related("issuer"), can_view_challenge, request.user, ocid=ocid
    )
    action = request.POST.get("action")
    reason = request.POST.get("reason", "")
    try:
        if action == "decline_request":
            exits.award_decline_request(challenge=challenge, by=request.user, reasons=reason)
            done = _("Your request is with the bureau.")
        elif action in ("decline_confirm", "decline_return"):
            decline = AwardDecline.objects.filter(
                challenge=challenge, pk=request.POST.get("decline")
            ).first()
            if decline is None:
                raise Http404
            exits.award_decline_decide(
                decline=decline,
                by=request.user,
                confirm=action == "decline_confirm",
                comment=reason,
            )
            done = (
                _("No award (流榜) declared.")
                if action == "decline_confirm"
                else _("Returned to the issuer.")
            )
        elif action == "bureau_propose":
            bids = list(
                Bid.objects.filter(challenge=challenge, pk__in=request.POST.getlist("bids"))
            )
            exits.award_bureau_propose(
                challenge=challenge, by=request.user, bids=bids, reason=reason
            )
            done = _("Proposed; the public notice is open.")
        elif action == "bureau_no_award":
            exits.award_bureau_no_award(challenge=challenge, by=request.user, reason=reason)
            done = _("No award (流榜) declared.")
        else:
            raise Http404
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("review:ranking", ocid=ocid)


@login_required
def signing_page(request, ocid):
    """The bureau: each winner's signing deadline; once one passed unsigned, 递补 (the next
    passing bid) or re-publication."""
    challenge = Challenge.objects.select_related("issuer").filter(ocid=ocid).first()
    if challenge is None or not perms.can_run_draw(request.user, challenge):
        raise Http404
    if request.method == "POST":
        project = Project.objects.filter(
            challenge=challenge, pk=request.POST.get("project")
        ).first()
        action = request.POST.get("action")
        if project is None or action not in ("substitute", "republish"):
            raise Http404
        reason = request.POST.get("reason", "")
        try:
            if action == "substitute":
                bid = signing.signing_default_substitute(
                    project=project,
                    by=request.user,
                    reason=reason,
                    meeting=request.POST.get("meeting"),
                )
                messages.success(
                    request,
                    _("%(reference)s is proposed as winner; the public notice is open.")
                    % {"reference": bid.reference},
                )
                return redirect("review:notice", ocid=ocid)
            signing.signing_default_republish(project=project, by=request.user, reason=reason)
            messages.success(
                request, _("No award: the issuer can now publish the challenge again.")
            )
            return redirect(challenge.get_absolute_url())
        except ActionRefused as exc:
            messages.error(request, exc.message)
        return redirect("review:signing", ocid=ocid)
    rows = signing.signing_rows(request.user, challenge)
    can_decide = challenge.status == "awarded"
    for row in rows:
        row["can_decide"] = can_decide and row["expired"]
    return render(
        request,
        "review/signing.html",
        {
            "challenge": challenge,
            "rows": rows,
            "next_bid": signing.next_passing_bid(challenge) if can_decide else None,
            "meetings": recent_meetings() if can_decide else [],
        },
    )
