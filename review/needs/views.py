"""Pages of the expert vetting of needs (需求论证): the bureau's need-vetting page (open the
draw, follow the panel, read the opinions) and the invited expert's page (accept or decline,
then read the need and give the structured opinion)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.exceptions import ActionRefused
from bounty.calls.rules import QUALIFICATION_FIELDS
from bounty.models import Challenge
from common.views import get_visible_or_404
from review import permissions as perms
from review.draw import seats as seat_services
from review.forms import AcceptForm, DeclineForm
from review.models import DrawPurpose, PanelOpinion
from review.needs import services
from review.needs.forms import NeedOpinionForm, NeedVettingDrawForm


def _challenge(request, ocid):
    return get_visible_or_404(
        Challenge.objects.select_related("issuer", "industry", "call"),
        perms.can_run_need_vetting,
        request.user,
        ocid=ocid,
    )


@login_required
def need_vetting(request, ocid):
    """The bureau's page of a need's vetting panel: its draws, the form to open one, and
    the experts' opinions (by name)."""
    challenge = _challenge(request, ocid)
    draws = challenge.draws.filter(purpose=DrawPurpose.NEED_VETTING).order_by("-created_at")
    return render(
        request,
        "review/need_vetting.html",
        {
            "challenge": challenge,
            "draws": draws,
            "state": services.need_vetting_state(challenge),
            "can_draw": challenge.status == "vetting",
            "form": NeedVettingDrawForm(),
        },
    )


@login_required
@require_POST
def need_vetting_draw(request, ocid):
    """Open the need-vetting draw (or the supplementary one); it then runs like any draw."""
    challenge = _challenge(request, ocid)
    form = NeedVettingDrawForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("review:need_vetting", ocid=ocid)
    data = form.cleaned_data
    try:
        draw = services.need_vetting_draw_create(
            challenge=challenge,
            by=request.user,
            params={
                "size": data["size"],
                "alternates": data["alternates"],
                "min_financial": 1 if data["min_financial"] else 0,
            },
            public_value_source=data["public_value_source"],
        )
    except ActionRefused as exc:
        messages.error(request, exc.message)
        return redirect("review:need_vetting", ocid=ocid)
    return redirect(draw)


def _qualification(challenge):
    """The issuer's qualification facts (需求征集表) as (label, value) rows."""
    rows = []
    for name in QUALIFICATION_FIELDS:
        field = Challenge._meta.get_field(name)
        value = getattr(challenge, name)
        if field.choices and value:
            value = getattr(challenge, f"get_{name}_display")()
        if value not in (None, "") or name != "rd_platform_name":
            rows.append((field.verbose_name, "—" if value in (None, "") else value))
    return rows


def need_invitation(request, seat):
    """The invitation page of a need-vetting seat (``review.draw.views.invitation`` hands
    it over). The need's content is shown only once the expert accepted and signed."""
    draw = seat.draw
    challenge = draw.challenge
    typed = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "accept":
                form = AcceptForm(request.POST)
                seat_services.seat_accept(seat=seat, by=request.user, undertaking=form.is_valid())
                messages.success(request, _("Thank you. Read the need and give your opinion."))
            elif action == "decline":
                form = DeclineForm(request.POST)
                form.is_valid()
                seat_services.seat_decline(
                    seat=seat, by=request.user, reason=form.cleaned_data.get("reason", "")
                )
                messages.info(request, _("You declined. The next alternate is invited."))
            elif action == "opinion":
                form = NeedOpinionForm(request.POST)
                if not form.is_valid():
                    raise ActionRefused(
                        _(
                            "Answer the three questions, choose your recommendation and write your opinion."
                        )
                    )
                data = form.cleaned_data
                services.need_opinion_submit(
                    seat=seat,
                    by=request.user,
                    real_bottleneck=data["real_bottleneck"],
                    indicators_measurable=data["indicators_measurable"],
                    bounty_reasonable=data["bounty_reasonable"],
                    recommendation=data["recommendation"],
                    comment=data["comment"],
                )
                messages.success(request, _("Your opinion was recorded. Thank you."))
            else:
                raise Http404
        except ActionRefused as exc:
            messages.error(request, exc.message)
            if action == "opinion":  # show the form again with what was typed
                typed = NeedOpinionForm(request.POST)
        if typed is None:
            return redirect("review:invitation", pk=seat.pk)
        seat.refresh_from_db()
    can_opine = services.can_give_need_opinion(request.user, seat) and services.need_is_open(draw)
    reads_need = can_opine or (
        services.can_give_need_opinion(request.user, seat)
        and PanelOpinion.objects.filter(seat=seat).exists()
    )
    return render(
        request,
        "review/need_invitation.html",
        {
            "seat": seat,
            "challenge": challenge,
            "reads_need": reads_need,
            "indicators": challenge.indicators.all() if reads_need else [],
            "qualification": _qualification(challenge) if reads_need else [],
            "accept_form": AcceptForm(),
            "decline_form": DeclineForm(),
            "opinion": PanelOpinion.objects.filter(seat=seat).first(),
            "opinion_form": typed or NeedOpinionForm(),
            "can_opine": can_opine,
        },
    )
