import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.exceptions import ActionRefused
from bounty.models import Bid, BidStatus, Challenge
from common.views import get_visible_or_404, paginate
from review import permissions as perms
from review.draw import services
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
    DefenceSession,
    Draw,
    DrawStatus,
    PanelOpinion,
    PanelReport,
    ScoreSheet,
    Seat,
    SeatStatus,
)
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
        "reveal_form": RevealForm(),
        "public_form": PublicValueForm(),
        "needs_supplement": draw.status == DrawStatus.COMPLETED
        and not seats.filter(status=SeatStatus.WAITING).exists()
        and seats.filter(
            on_panel=True, status__in=[SeatStatus.INVITED, SeatStatus.ACCEPTED]
        ).count()
        < draw.params["size"],
        "draw_form": DrawForm(initial={"size": draw.params["size"]}),
        "potential": Declaration.objects.filter(
            seat__draw=draw, outcome=Declaration.Outcome.POTENTIAL, bureau_ruling=""
        ).select_related("seat__expert", "bid"),
    }
    return render(request, "review/draw_detail.html", context)


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
        services.declaration_rule(
            declaration=declaration,
            by=request.user,
            cleared=request.POST.get("ruling") == "cleared",
        )
    except ActionRefused as exc:
        messages.error(request, exc.message)
    return redirect(declaration.seat.draw)


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
            "can_start_review": perms.can_start_review(request.user, challenge),
            "can_propose": perms.can_propose_award(request.user, challenge),
            "can_confirm": perms.can_confirm_award(request.user, challenge),
            "can_no_award": perms.can_declare_no_award(request.user, challenge, ranked),
        },
    )


def scoring_threshold():
    return settings.JIEBANG["SCORE_THRESHOLD"]


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
            "objections": challenge.objections.select_related("author", "bid") if is_bureau else [],
            "open_objections": challenge.objections.filter(status="open").count(),
        },
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
            award.award_confirm(challenge=challenge, by=request.user)
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
                services.seat_accept(seat=seat, by=request.user, undertaking=form.is_valid())
                messages.success(
                    request, _("Thank you. Declare any conflict for each bid before reading it.")
                )
            elif action == "decline":
                form = DeclineForm(request.POST)
                form.is_valid()
                services.seat_decline(
                    seat=seat, by=request.user, reason=form.cleaned_data.get("reason", "")
                )
                messages.info(request, _("You declined. The next alternate is invited."))
            elif action == "declare":
                bid = next((b for b in bids if str(b.pk) == request.POST.get("bid")), None)
                form = DeclarationForm(request.POST)
                if bid is None or not form.is_valid():
                    raise ActionRefused(_("Choose an answer for the bid."))
                services.declaration_record(
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
    """Open the draw of a milestone (``kind`` "milestone") or acceptance ("acceptance")
    panel from the project page; the draw then runs like a review draw."""
    from bounty.models import Project, ProjectMilestone

    if kind == "milestone":
        subject = (
            ProjectMilestone.objects.select_related("project__challenge").filter(pk=pk).first()
        )
        project = subject.project if subject else None
    elif kind == "acceptance":
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
        )
    except ActionRefused as exc:
        messages.error(request, exc.message)
        return redirect(project)
    return redirect(draw)
