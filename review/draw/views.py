"""Pages of the panel draw (bureau and supervisor: create, commit, reveal, the bundle;
exclusions and declaration rulings; milestone and acceptance panel draws) and the
experts' invitations (accept or decline, declare on each bid)."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.exceptions import ActionRefused
from bounty.models import Bid, Challenge
from bounty.permissions import can_view_challenge
from common.views import get_visible_or_404
from review import permissions as perms
from review import verify_draw as algo
from review.draw import seats, selectors, services
from review.draw.rules import commit_prefix
from review.forms import (
    AcceptForm,
    CommitForm,
    DeclarationForm,
    DeclineForm,
    DrawForm,
    OpinionForm,
    PublicValueForm,
    RevealForm,
)
from review.models import (
    Conflict,
    Declaration,
    Draw,
    DrawPurpose,
    DrawStatus,
    PanelOpinion,
    ScoreSheet,
    Seat,
    SeatStatus,
)
from review.needs import views as need_views
from review.needs.forms import NeedVettingDrawForm
from review.panels import services as panels


def _challenge(request, ocid):
    return get_visible_or_404(
        Challenge.objects.select_related("issuer", "industry"),
        perms.can_run_draw,
        request.user,
        ocid=ocid,
    )


def _draw(request, pk):
    return get_visible_or_404(
        Draw.objects.select_related(
            "challenge__issuer",
            "challenge__industry",
            "bureau_officer",
            "supervisor",
            "project__bid",
            "milestone",
        ),
        perms.can_view_draw,
        request.user,
        pk=pk,
    )


@login_required
def draw_list(request, ocid):
    challenge = _challenge(request, ocid)
    draws = challenge.draws.order_by("-created_at")
    eligible = services.eligible_experts(challenge).count() if challenge.industry_id else 0
    return render(
        request,
        "review/draw_list.html",
        {"challenge": challenge, "draws": draws, "eligible": eligible, "form": DrawForm()},
    )


@login_required
@require_POST
def draw_create(request, ocid):
    challenge = _challenge(request, ocid)
    form = DrawForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("review:draw_list", ocid=ocid)
    data = form.cleaned_data
    params = {
        **services.default_params(),
        "size": data["size"],
        "alternates": data["alternates"],
        "min_financial": 1 if data["min_financial"] else 0,
    }
    supplementary_of = Draw.objects.filter(
        pk=request.POST.get("supplementary_of"), challenge=challenge
    ).first()
    try:
        draw = services.draw_create(
            challenge=challenge,
            by=request.user,
            params=params,
            public_value_source=data["public_value_source"],
            supplementary_of=supplementary_of,
            redraw_reason=data["redraw_reason"],
        )
    except ActionRefused as exc:
        messages.error(request, exc.message)
        return redirect("review:draw_list", ocid=ocid)
    return redirect(draw)


def draw_detail(request, pk):
    draw = _draw(request, pk)
    user = request.user
    seats = draw.seats.select_related("expert", "replaces__expert").order_by("rank")
    context = {
        "draw": draw,
        "challenge": draw.challenge,
        "seats": seats,
        "conflict_count": Conflict.objects.filter(challenge=draw.challenge)
        .values("expert_id")
        .distinct()
        .count(),
        "is_officer": user.pk == draw.bureau_officer_id,
        "is_supervisor": perms.is_supervisor(user),
        "commit_form": CommitForm(),
        "commit_prefix": {p: commit_prefix(draw, p) for p in ("bureau", "supervisor")},
        "reveal_form": RevealForm(),
        "public_form": PublicValueForm(),
        "public_digits": _public_digits(draw),
        "needs_supplement": draw.status == DrawStatus.COMPLETED
        and not seats.filter(status=SeatStatus.WAITING).exists()
        and seats.filter(
            on_panel=True, status__in=[SeatStatus.INVITED, SeatStatus.ACCEPTED]
        ).count()
        < draw.params["size"],
        "draw_form": (
            NeedVettingDrawForm if draw.purpose == DrawPurpose.NEED_VETTING else DrawForm
        )(initial={"size": draw.params["size"]}),
        "potential": Declaration.objects.filter(
            seat__draw=draw, outcome=Declaration.Outcome.POTENTIAL, bureau_ruling=""
        ).select_related("seat__expert", "bid"),
    }
    return render(request, "review/draw_detail.html", context)


def _public_digits(draw):
    """How many digits the named public value has (v3), for the form's help text."""
    try:
        return algo.PUBLIC_SOURCES[algo.parse_source(draw.public_value_source)[0]]
    except ValueError:
        return None


def draws_public(request, ocid):
    """The public record of a challenge's bid-review draws (no log-in): commitments, pool
    hash and named public value before the reveals; redraws and cancellations with reasons."""
    challenge = get_visible_or_404(
        Challenge.objects.select_related("issuer"), can_view_challenge, request.user, ocid=ocid
    )
    draws = selectors.public_draws(challenge)
    return render(
        request,
        "review/draw_public.html",
        {
            "challenge": challenge,
            "draws": draws,
            "bundles": {d.pk for d in draws if perms.can_download_bundle(request.user, d)},
        },
    )


@login_required
@require_POST
def draw_step(request, pk):
    draw = _draw(request, pk)
    step = request.POST.get("step")
    party = request.POST.get("party")
    try:
        if step == "commit":
            form = CommitForm(request.POST)
            if not form.is_valid():
                raise ActionRefused(" ".join(form.errors["commitment"]))
            services.draw_commit(
                draw=draw, by=request.user, party=party, commitment=form.cleaned_data["commitment"]
            )
            messages.success(request, _("Commitment recorded."))
        elif step == "freeze":
            draw = services.draw_freeze(draw=draw, by=request.user)
            messages.success(
                request,
                _("Pool frozen: %(n)d eligible experts. Now both parties reveal.")
                % {"n": draw.pool_size},
            )
        elif step == "reveal":
            services.draw_reveal(
                draw=draw, by=request.user, party=party, secret=request.POST.get("secret", "")
            )
            messages.success(request, _("Secret revealed and checked against the commitment."))
        elif step == "cancel":
            services.draw_cancel(draw=draw, by=request.user, reason=request.POST.get("reason", ""))
            messages.info(request, _("Draw cancelled. Open a new one with suitable parameters."))
        elif step == "public_value":
            services.draw_set_public_value(
                draw=draw, by=request.user, value=request.POST.get("value", "")
            )
            messages.success(request, _("Public value recorded."))
        else:
            raise Http404
    except ActionRefused as exc:
        messages.error(request, exc.message)
    return redirect(draw)


@login_required
def exclusions(request, ocid):
    """The bids' exclusion requests, decided by the bureau before the draw."""
    from bounty.models import ExclusionRequest

    challenge = _challenge(request, ocid)
    items = ExclusionRequest.objects.filter(
        bid__challenge=challenge, bid__submitted_at__isnull=False
    ).select_related("bid__lead")
    if request.method == "POST":
        item = items.filter(pk=request.POST.get("request")).first()
        if item is None:
            raise Http404
        try:
            services.exclusion_decide(
                request=item,
                by=request.user,
                accept=request.POST.get("decision") == "accept",
                reason=request.POST.get("reason", ""),
                expert_code=request.POST.get("expert_code", "").strip(),
            )
        except ActionRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Decision recorded."))
        return redirect("review:exclusions", ocid=ocid)
    return render(
        request,
        "review/exclusions.html",
        {"challenge": challenge, "items": items.order_by("bid__reference", "pk")},
    )


@login_required
@require_POST
def declaration_rule(request, pk):
    declaration = Declaration.objects.select_related("seat__draw__challenge").filter(pk=pk).first()
    if declaration is None or not perms.can_run_draw(request.user, declaration.seat.draw.challenge):
        raise Http404
    try:
        seats.declaration_rule(
            declaration=declaration,
            by=request.user,
            cleared=request.POST.get("ruling") == "cleared",
        )
    except ActionRefused as exc:
        messages.error(request, exc.message)
    return redirect(declaration.seat.draw)


def draw_bundle(request, pk):
    """Downloadable by the bureau and supervisors; published to everyone after the award."""
    draw = get_visible_or_404(
        Draw.objects.select_related("challenge"), perms.can_download_bundle, request.user, pk=pk
    )
    if draw.status != DrawStatus.COMPLETED:
        raise Http404
    data = json.dumps(services.bundle(draw), ensure_ascii=False, indent=1, sort_keys=True)
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="draw-{draw.pk}-bundle.json"'
    return response


@login_required
def my_invitations(request):
    seats = (
        Seat.objects.filter(expert__user=request.user)
        .exclude(status=SeatStatus.WAITING)
        .select_related("draw__challenge")
        .order_by("-invited_at")
    )
    return render(request, "review/my_invitations.html", {"seats": seats})


@login_required
def invitation(request, pk):
    seat = (
        Seat.objects.select_related(
            "draw__challenge", "draw__project__bid__lead", "draw__milestone", "expert"
        )
        .filter(pk=pk)
        .first()
    )
    if (
        seat is None
        or not perms.is_seat_expert(request.user, seat)
        or seat.status == SeatStatus.WAITING
    ):
        raise Http404
    draw = seat.draw
    if draw.purpose == DrawPurpose.NEED_VETTING:  # the need and its structured opinion
        return need_views.need_invitation(request, seat)
    challenge = draw.challenge
    # A review panel sees the bids only once the formal check is complete, and only
    # those it found eligible: before that the list is empty.
    bids = panels.panel_bids(draw) or list(
        Bid.objects.filter(perms.bids_open_to_panel(), challenge=challenge)
        .select_related("lead")
        .order_by("reference")
    )
    declarations = {d.bid_id: d for d in Declaration.objects.filter(seat=seat)}
    typed_opinion = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "accept":
                form = AcceptForm(request.POST)
                seats.seat_accept(seat=seat, by=request.user, undertaking=form.is_valid())
                messages.success(
                    request, _("Thank you. Declare any conflict for each bid before reading it.")
                )
            elif action == "decline":
                form = DeclineForm(request.POST)
                form.is_valid()
                seats.seat_decline(
                    seat=seat, by=request.user, reason=form.cleaned_data.get("reason", "")
                )
                messages.info(request, _("You declined. The next alternate is invited."))
            elif action == "declare":
                bid = next((b for b in bids if str(b.pk) == request.POST.get("bid")), None)
                form = DeclarationForm(request.POST)
                if bid is None or not form.is_valid():
                    raise ActionRefused(_("Choose an answer for the bid."))
                seats.declaration_record(
                    seat=seat,
                    by=request.user,
                    bid=bid,
                    outcome=form.cleaned_data["outcome"],
                    note=form.cleaned_data["note"],
                )
                messages.success(request, _("Declaration recorded."))
            elif action == "opinion" and draw.for_project:
                form = OpinionForm(draw.purpose, request.POST)
                if not form.is_valid():
                    raise ActionRefused(_("Choose your verdict and write your opinion."))
                panels.panel_opinion_submit(
                    seat=seat,
                    by=request.user,
                    verdict=form.cleaned_data["verdict"],
                    comment=form.cleaned_data["comment"],
                )
                messages.success(request, _("Your opinion was recorded. Thank you."))
            else:
                raise Http404
        except ActionRefused as exc:
            messages.error(request, exc.message)
            if action == "opinion":  # show the form again with what was typed
                typed_opinion = OpinionForm(draw.purpose, request.POST)
        if typed_opinion is None:
            return redirect("review:invitation", pk=seat.pk)
    sheets = {sh.bid_id: sh for sh in ScoreSheet.objects.filter(seat=seat)}
    rows = [
        {
            "bid": b,
            "declaration": declarations.get(b.pk),
            "sheet": sheets.get(b.pk),
            # One form per bid with its own ids: a label must check its own row's answer.
            "form": DeclarationForm(auto_id=f"id_bid{b.pk}_%s"),
        }
        for b in bids
    ]
    return render(
        request,
        "review/invitation.html",
        {
            "seat": seat,
            "challenge": challenge,
            "rows": rows,
            "accept_form": AcceptForm(),
            "decline_form": DeclineForm(),
            "awaiting_formal_check": not draw.for_project
            and challenge.formal_check_done_at is None,
            "opinion": PanelOpinion.objects.filter(seat=seat).first(),
            "opinion_form": typed_opinion
            or (OpinionForm(draw.purpose) if draw.for_project else None),
            "can_opine": draw.for_project
            and panels.can_give_opinion(request.user, seat)
            and panels.subject_is_open(draw),
        },
    )


@login_required
@require_POST
def panel_draw_create(request, kind, pk):
    """Open the draw of a milestone (``kind`` "milestone"), acceptance ("acceptance") or
    diligent-failure ("termination") panel from the project page; the draw then runs like
    a review draw."""
    from bounty.models import Project, ProjectMilestone

    if kind == "milestone":
        subject = (
            ProjectMilestone.objects.select_related("project__challenge").filter(pk=pk).first()
        )
        project = subject.project if subject else None
    elif kind in ("acceptance", "termination"):
        subject = project = Project.objects.select_related("challenge").filter(pk=pk).first()
    else:
        raise Http404
    if project is None or not perms.can_run_project_panel(request.user, project):
        raise Http404
    form = DrawForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(project)
    data = form.cleaned_data
    try:
        draw = panels.panel_draw_create(
            subject=subject,
            by=request.user,
            params={
                "size": data["size"],
                "alternates": data["alternates"],
                "min_financial": 1 if data["min_financial"] else 0,
            },
            public_value_source=data["public_value_source"],
            purpose=DrawPurpose.TERMINATION if kind == "termination" else None,
        )
    except ActionRefused as exc:
        messages.error(request, exc.message)
        return redirect(project)
    return redirect(draw)
