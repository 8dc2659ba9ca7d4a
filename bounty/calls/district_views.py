"""The district officer's pages: the needs of the enterprises in the jurisdiction, one need
read-only with its qualification facts, and the recommendation (推荐) or return.
Anything outside the officer's jurisdiction is 404."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.permissions import is_bureau_officer, is_district_officer
from bounty import permissions as perms
from bounty.calls import district
from bounty.exceptions import ActionRefused
from bounty.models import Challenge, ChallengeStatus
from common.views import get_visible_or_404, paginate

DECISIONS = {"recommend": district.need_recommend, "return": district.need_return}


class RecommendationForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Required. Recommending: why the city should take the need up. Returning: what "
            "the enterprise must change. The city and the enterprise read it."
        ),
    )


def need_context(user, challenge) -> dict:
    """For the challenge page (city, district, issuer): the need's qualification facts with
    their threshold checks and the district's recommendation. Empty for everyone else, and
    for a challenge that is not a need (no call, no facts, no recommendation)."""
    if not (
        is_bureau_officer(user)
        or perms.is_issuer_staff(user, challenge)
        or perms.is_district_of(user, challenge)
    ):
        return {}
    is_need = (
        challenge.call_id
        or challenge.recommended_at
        or challenge.revenue is not None
        or challenge.rd_ratio is not None
        or challenge.chain
    )
    if not is_need:
        return {}
    return {
        "need": {
            "qualification": district.qualification_checks(challenge),
            "awaits_district": district.awaits_district(challenge),
            "can_recommend": perms.can_recommend_challenge(user, challenge),
        }
    }


def _district_need(request, ocid):
    return get_visible_or_404(
        Challenge.objects.select_related(
            "issuer", "issuer__district", "industry", "call", "recommended_by"
        ),
        lambda user, c: c.status != ChallengeStatus.DRAFT and perms.is_district_of(user, c),
        request.user,
        ocid=ocid,
    )


@login_required
def district_needs(request):
    if not is_district_officer(request.user):
        raise Http404
    status = request.GET.get("status", "todo")
    q = request.GET.get("q", "").strip()
    return render(
        request,
        "bounty/calls/district_needs.html",
        {
            "page": paginate(request, district.district_needs(request.user, status=status, q=q)),
            "status": status,
            "q": q,
            "statuses": [c for c in ChallengeStatus.choices if c[0] != ChallengeStatus.DRAFT],
        },
    )


def _need_page(request, challenge, form, status=200):
    context = {
        "challenge": challenge,
        "indicators": challenge.indicators.all(),
        "form": form,
        **need_context(request.user, challenge),
    }
    return render(request, "bounty/calls/district_need.html", context, status=status)


@login_required
def district_need(request, ocid):
    challenge = _district_need(request, ocid)
    return _need_page(request, challenge, RecommendationForm())


@login_required
@require_POST
def district_decide(request, ocid):
    challenge = _district_need(request, ocid)
    service = DECISIONS.get(request.POST.get("decision"))
    if service is None:
        raise Http404
    form = RecommendationForm(request.POST)
    if not form.is_valid():
        return _need_page(request, challenge, form, status=400)
    try:
        service(challenge=challenge, by=request.user, comment=form.cleaned_data["comment"])
    except ActionRefused as exc:
        form.add_error(None, exc.message)
        return _need_page(request, challenge, form, status=400)
    if request.POST["decision"] == "recommend":
        messages.success(request, _("The need is recommended to the city."))
    else:
        messages.success(request, _("The need is returned to the enterprise for revision."))
    return redirect("bounty:district_needs")
