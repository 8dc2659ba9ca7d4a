"""Pages of sealed bids: the key and its shares (taken once), the opening ceremony, and the
team's restore of a sealed draft."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from bounty import permissions as bounty_perms
from bounty.exceptions import ActionRefused
from bounty.models import Bid, ChallengeKey, KeyShare
from bounty.sealing import permissions as perms
from bounty.sealing import services
from bounty.sealing.forms import OpeningForm, RestoreForm
from bounty.sealing.models import BidOpening
from bounty.sealing.opening import opening_perform, opening_required
from common.views import get_visible_or_404


def _key(request, ocid):
    key = ChallengeKey.objects.select_related("challenge__issuer").filter(challenge__ocid=ocid)
    key = key.first()
    if key is None or not perms.can_see_key_shares(request.user, key.challenge):
        raise Http404
    return key


@login_required
@never_cache
def challenge_sealing(request, ocid):
    """The key's fingerprint, who holds which share, the share-taking buttons, the
    opening form after the deadline and the opening's result."""
    key = _key(request, ocid)
    challenge = key.challenge
    opening = BidOpening.objects.filter(challenge=challenge).first()
    form = OpeningForm(request.POST or None, count=key.threshold)
    if request.method == "POST" and request.POST.get("action") == "take":
        share = get_object_or_404(KeyShare, key=key, pk=request.POST.get("share"))
        try:
            text = services.share_take(share=share, by=request.user)
        except ActionRefused as exc:
            messages.error(request, exc.message)
            return redirect("bounty:challenge_sealing", ocid=ocid)
        # Shown in this response only: it is not stored anywhere any more.
        return render(
            request,
            "bounty/sealing/share_once.html",
            {"challenge": challenge, "key": key, "share": share, "text": text},
        )
    if request.method == "POST" and request.POST.get("action") == "open" and form.is_valid():
        try:
            opening = opening_perform(challenge=challenge, by=request.user, shares=form.shares())
        except ActionRefused as exc:
            messages.error(request, exc.message)
        else:
            if opening.problems:
                messages.warning(
                    request,
                    _("The bids are open; %(n)d failed the check against the receipt.")
                    % {"n": len(opening.problems)},
                )
            else:
                messages.success(request, _("The bids are open and match their receipts."))
            return redirect("bounty:challenge_sealing", ocid=ocid)
    shares = list(key.shares.select_related("holder"))
    context = {
        "challenge": challenge,
        "key": key,
        "shares": shares,
        "takeable": {s.pk for s in shares if s.pending and perms.can_take_share(request.user, s)},
        "opening": opening,
        "can_open": opening is None
        and perms.can_open_bids(request.user, challenge)
        and opening_required(challenge),
        "form": form,
    }
    return render(request, "bounty/sealing/challenge_sealing.html", context)


@login_required
@require_POST
def bid_unseal(request, reference):
    """A sealed draft: restore it with the passphrase, or start a fresh draft."""
    bid = get_visible_or_404(
        Bid.objects.select_related("challenge", "lead"),
        bounty_perms.is_bid_team,
        request.user,
        reference=reference,
    )
    form = RestoreForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.non_field_errors()))
        return redirect(bid)
    try:
        services.sealed_draft_resolve(
            bid=bid,
            by=request.user,
            passphrase=form.cleaned_data["passphrase"],
            fresh=form.cleaned_data["fresh"],
        )
    except ActionRefused as exc:
        messages.error(request, exc.message)
        return redirect(bid)
    if form.cleaned_data["fresh"]:
        messages.info(request, _("A fresh draft was started; the sealed content stays sealed."))
    else:
        messages.success(request, _("Your draft was restored."))
    return redirect("bounty:bid_edit", reference=bid.reference)
