from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Membership, Role
from accounts.permissions import is_bureau_officer
from audit.services import audit_events_for
from bounty import permissions as perms
from bounty.calls import district, district_views
from bounty.challenges import services
from bounty.challenges.access_rules import has_access_for
from bounty.challenges.access_views import access_context
from bounty.challenges.forms import (
    CHALLENGE_FIELDS,
    NEED_FIELDS,
    AmendmentForm,
    AnswerForm,
    ChallengeForm,
    CriterionFormSet,
    DecisionForm,
    IndicatorFormSet,
    QuestionForm,
    criterion_initial,
    indicator_initial,
)
from bounty.challenges.need_vetting import need_vetting_context
from bounty.exceptions import ActionRefused, ChallengeIncomplete
from bounty.models import (
    PUBLIC_STATUSES,
    Challenge,
    ChallengeKey,
    ChallengeStatus,
    Clarification,
)
from common.views import get_visible_or_404, paginate


def _challenge(request, ocid, predicate=perms.can_view_challenge):
    return get_visible_or_404(
        Challenge.objects.select_related("issuer", "industry", "created_by"),
        predicate,
        request.user,
        ocid=ocid,
    )


def _issuer_orgs(user):
    return [
        m.organization
        for m in Membership.objects.filter(user=user, role=Role.ISSUER)
        .select_related("organization")
        .order_by("organization__name")
        if m.organization.is_verified
    ]


@login_required
def my_challenges(request):
    orgs = _issuer_orgs(request.user)
    if not orgs:
        raise Http404
    qs = (
        Challenge.objects.filter(issuer__in=orgs)
        .select_related("industry", "issuer")
        .with_display_status()
        .order_by("-updated_at")
    )
    status = request.GET.get("status", "")
    if status in ChallengeStatus.values:
        qs = qs.filter(status=status)
    return render(
        request,
        "bounty/my_challenges.html",
        {
            "page": paginate(request, qs),
            "status": status,
            "statuses": ChallengeStatus.choices,
            "orgs": orgs,
        },
    )


def _editor(request, *, challenge=None, issuer=None):
    """Shared by create and edit. Nothing typed is lost: invalid input re-renders as typed."""
    is_post = request.method == "POST"
    form = ChallengeForm(request.POST or None, instance=challenge)
    if challenge is not None:
        indicators0 = indicator_initial(challenge)
        criteria0 = criterion_initial(
            challenge.criteria.values("code", "name", "weight", "minimum", "anchors")
        )
    else:
        indicators0, criteria0 = [], criterion_initial(services.default_criteria())
    # Bound formsets get no ``initial``: a row equal to its initial value would
    # count as "unchanged" and be dropped.
    if is_post:
        indicator_set = IndicatorFormSet(request.POST, prefix="ind")
        criterion_set = CriterionFormSet(request.POST, prefix="crit")
    else:
        indicator_set = IndicatorFormSet(initial=indicators0, prefix="ind")
        criterion_set = CriterionFormSet(initial=criteria0, prefix="crit")
    completeness = {}
    if is_post and form.is_valid() and indicator_set.is_valid() and criterion_set.is_valid():
        data = {f: form.cleaned_data[f] for f in (*CHALLENGE_FIELDS, *NEED_FIELDS)}
        try:
            if challenge is None:
                challenge = services.challenge_create(
                    by=request.user,
                    issuer=issuer,
                    data=data,
                    indicators=indicator_set.rows(),
                    criteria=criterion_set.rows(),
                )
            else:
                challenge = services.challenge_update(
                    challenge=challenge,
                    by=request.user,
                    data=data,
                    indicators=indicator_set.rows(),
                    criteria=criterion_set.rows(),
                )
            if request.POST.get("action") == "submit":
                services.challenge_submit(challenge=challenge, by=request.user)
                messages.success(request, _("Submitted to the bureau for vetting."))
                return redirect(challenge)
        except ChallengeIncomplete as exc:
            completeness = exc.errors
            messages.warning(
                request,
                _("Draft saved, but not submitted: complete the fields marked below."),
            )
            for field, message in exc.errors.items():
                if field in form.fields:
                    form.add_error(field, message)
        except ActionRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("bounty:challenge_edit", ocid=challenge.ocid)
    elif is_post:
        messages.error(request, _("Nothing was saved: correct the fields marked below."))
    return render(
        request,
        "bounty/challenge_form.html",
        {
            "form": form,
            "indicator_set": indicator_set,
            "criterion_set": criterion_set,
            "challenge": challenge,
            "issuer": issuer or (challenge.issuer if challenge else None),
            "completeness": completeness,
        },
        status=400 if is_post else 200,
    )


@login_required
def challenge_create(request):
    orgs = [o for o in _issuer_orgs(request.user) if perms.can_create_challenge(request.user, o)]
    if not orgs:
        raise Http404
    issuer = orgs[0]
    if len(orgs) > 1:
        chosen = request.POST.get("issuer") or request.GET.get("issuer")
        issuer = next((o for o in orgs if str(o.pk) == chosen), orgs[0])
    return _editor(request, issuer=issuer)


@login_required
def challenge_edit(request, ocid):
    challenge = _challenge(request, ocid)
    if not perms.can_edit_challenge(request.user, challenge):
        if perms.is_issuer_staff(request.user, challenge):
            messages.info(request, _("This challenge is with the bureau and cannot be edited now."))
            return redirect(challenge)
        raise Http404
    return _editor(request, challenge=challenge)


@login_required
@require_POST
def challenge_submit(request, ocid):
    challenge = _challenge(request, ocid)
    try:
        services.challenge_submit(challenge=challenge, by=request.user)
    except ChallengeIncomplete:
        messages.error(
            request, _("The challenge is not complete yet; see the messages beside the fields.")
        )
        return redirect("bounty:challenge_edit", ocid=ocid)
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Submitted to the bureau for vetting."))
    return redirect(challenge)


def sealing_context(user, challenge) -> dict:
    from bounty.sealing.permissions import can_see_key_shares

    key = ChallengeKey.objects.filter(challenge=challenge).first()
    return {
        "sealing_key": key,
        "can_see_shares": key is not None and can_see_key_shares(user, challenge),
    }


def challenge_detail(request, ocid):
    challenge = _challenge(request, ocid)
    user = request.user
    is_issuer = perms.is_issuer_staff(user, challenge)
    is_bureau = is_bureau_officer(user)
    can_answer = perms.can_answer_question(user, challenge)
    clarifications = challenge.clarifications.all()
    if not can_answer:
        mine = Q(asked_by=user) if user.is_authenticated else Q(pk__in=[])
        clarifications = clarifications.filter(Q(answered_at__isnull=False) | mine)
    context = {
        "challenge": challenge,
        "indicators": challenge.indicators.all(),
        "criteria": challenge.criteria.all(),
        "clarifications": clarifications,
        "amendments": challenge.amendments.all(),
        "is_issuer": is_issuer,
        "is_bureau": is_bureau,
        "can_edit": perms.can_edit_challenge(user, challenge),
        "can_republish": is_issuer and challenge.status == ChallengeStatus.NO_AWARD,
        "can_vet": perms.can_vet_challenge(user, challenge),
        "can_amend": perms.can_amend_challenge(user, challenge),
        "can_ask": perms.can_ask_question(user, challenge),
        "can_answer": can_answer,
        "decisions": _available_decisions(challenge)
        if perms.can_vet_challenge(user, challenge)
        else [],
        "decision_form": DecisionForm(challenge=challenge),
        "question_form": QuestionForm(),
        "answer_form": AnswerForm(),
        "completeness": challenge.completeness_errors()
        if perms.can_edit_challenge(user, challenge)
        else {},
        "bid_panel": _bid_panel(user, challenge),
        "events": _history(challenge, is_bureau=is_bureau) if (is_issuer or is_bureau) else [],
        **access_context(user, challenge),  # restricted / confidential details
        **sealing_context(user, challenge),  # the published key of sealed bids
        **need_vetting_context(user, challenge),  # the need's expert vetting (需求论证)
        **district_views.need_context(user, challenge),  # qualification, recommendation
    }
    return render(request, "bounty/challenge_detail.html", context)


def _history(challenge, *, is_bureau):
    events = audit_events_for(challenge).order_by("-seq")
    if not is_bureau:
        # Who asked a question stays hidden from the issuer.
        events = events.exclude(action="clarification.ask")
    return events[:30]


def _bid_panel(user, challenge):
    """Only the number of bids is public; never who bid or what."""
    if challenge.status not in PUBLIC_STATUSES:
        return None
    from bounty.bids.views import _bidder_orgs
    from bounty.models import Bid, BidStatus

    counted = Bid.objects.filter(challenge=challenge, submitted_at__isnull=False).exclude(
        status__in=[BidStatus.DRAFT, BidStatus.WITHDRAWN]
    )
    orgs = [o for o in _bidder_orgs(user)] if user.is_authenticated else []
    mine = (
        Bid.objects.filter(challenge=challenge, lead__in=orgs)
        .exclude(status=BidStatus.WITHDRAWN)
        .first()
        if orgs
        else None
    )
    startable = [
        o
        for o in orgs
        if perms.can_start_bid(user, challenge, o) and has_access_for(user, challenge, o)
    ]
    return {
        "count": counted.count(),
        "sealed": not challenge.deadline_passed,
        "my_bid": mine,
        "can_bid": bool(startable),
        "orgs": startable,
        "can_list": perms.can_list_bids(user, challenge),
        "can_draw": perms.can_formal_check(user, challenge),
        "can_rank": challenge.formal_check_done_at is not None
        and perms.can_open_ranking(user, challenge),
        "can_start_check": perms.can_formal_check(user, challenge)
        and challenge.display_status == ChallengeStatus.CLOSED,
    }


DECISION_LABELS = {
    "start_vetting": (_("Start vetting"), "secondary"),
    "approve": (_("Approve"), ""),
    "return": (_("Return for revision"), "secondary"),
    "reject": (_("Reject"), "danger"),
    "publish": (_("Publish on the board"), ""),
    "withdraw": (_("Withdraw (at the issuer's request)"), "danger"),
}


def _available_decisions(challenge):
    available = []
    for decision, (_method, sources, needs_comment, _kind) in services.DECISIONS.items():
        if challenge.status in sources:
            if decision == "withdraw" and challenge.deadline_passed:
                continue
            if decision == "start_vetting" and district.awaits_district(challenge):
                continue  # the district recommends it first (bounty/calls/district.py)
            if decision == "publish" and challenge.call_id:
                continue  # published with its call's list (bounty/calls/services.py)
            label, style = DECISION_LABELS[decision]
            available.append(
                {"value": decision, "label": label, "style": style, "needs_comment": needs_comment}
            )
    return available


@login_required
@require_POST
def challenge_republish(request, ocid):
    challenge = _challenge(request, ocid)
    try:
        copy = services.challenge_republish(challenge=challenge, by=request.user)
    except ActionRefused as exc:
        messages.error(request, exc.message)
        return redirect(challenge)
    messages.success(
        request, _("A new draft was created from this challenge. Set a new deadline and submit it.")
    )
    return redirect("bounty:challenge_edit", ocid=copy.ocid)


@login_required
@require_POST
def challenge_decide(request, ocid):
    challenge = _challenge(request, ocid)
    decision = request.POST.get("decision")
    if decision not in services.DECISIONS:
        raise Http404
    form = DecisionForm(request.POST, challenge=challenge)
    form.is_valid()
    try:
        services.challenge_decide(
            challenge=challenge,
            by=request.user,
            decision=decision,
            comment=form.cleaned_data.get("comment", ""),
            lump_sum_allowed=form.cleaned_data.get("lump_sum_allowed")
            if decision == "approve"
            else None,
        )
    except ChallengeIncomplete as exc:
        messages.error(
            request,
            _("The challenge is incomplete: %(fields)s")
            % {"fields": "; ".join(exc.errors.values())},
        )
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Decision recorded."))
    return redirect(challenge)


@login_required
def vetting_queue(request):
    if not is_bureau_officer(request.user):
        raise Http404
    status = request.GET.get("status", "todo")
    qs = (
        Challenge.objects.select_related("industry", "issuer")
        .with_display_status()
        .annotate(
            open_questions=Count(
                "clarifications", filter=Q(clarifications__answered_at__isnull=True)
            )
        )
    )
    if status == "todo":
        qs = qs.filter(
            status__in=[
                ChallengeStatus.SUBMITTED,
                ChallengeStatus.RECOMMENDED,
                ChallengeStatus.VETTING,
                ChallengeStatus.APPROVED,
            ]
        ).order_by("submitted_at")
    elif status in ChallengeStatus.values:
        qs = qs.filter(status=status).order_by("-updated_at")
    else:
        qs = qs.exclude(status=ChallengeStatus.DRAFT).order_by("-updated_at")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(ocid__icontains=q) | Q(issuer__name__icontains=q))
    return render(
        request,
        "bounty/vetting_queue.html",
        {
            "page": paginate(request, qs),
            "status": status,
            "q": q,
            "statuses": ChallengeStatus.choices,
            "district_step": settings.JIEBANG["DISTRICT_RECOMMENDATION"],
        },
    )


@login_required
def challenge_amend(request, ocid):
    challenge = _challenge(request, ocid)
    if not perms.can_amend_challenge(request.user, challenge):
        raise Http404
    is_post = request.method == "POST"
    form = AmendmentForm(request.POST or None, instance=Challenge.objects.get(pk=challenge.pk))
    if is_post:
        indicator_set = IndicatorFormSet(request.POST, prefix="ind")
    else:
        indicator_set = IndicatorFormSet(initial=indicator_initial(challenge), prefix="ind")
    if is_post and form.is_valid() and indicator_set.is_valid():
        data = {f: form.cleaned_data[f] for f in AmendmentForm.Meta.fields}
        try:
            amendment = services.challenge_amend(
                challenge=challenge,
                by=request.user,
                reason=form.cleaned_data["reason"],
                data=data,
                indicators=indicator_set.rows(),
            )
        except ActionRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Amendment %(n)d published.") % {"n": amendment.number})
            return redirect(challenge)
    return render(
        request,
        "bounty/challenge_amend.html",
        {"form": form, "indicator_set": indicator_set, "challenge": challenge},
        status=400 if is_post else 200,
    )


@login_required
@require_POST
def clarification_ask(request, ocid):
    challenge = _challenge(request, ocid)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.clarification_ask(
                challenge=challenge, by=request.user, question=form.cleaned_data["question"]
            )
        except ActionRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("Question sent. The answer will be published on this page.")
            )
    else:
        messages.error(request, _("Write your question."))
    return redirect(challenge.get_absolute_url() + "#clarifications")


@login_required
@require_POST
def clarification_answer(request, ocid, pk):
    challenge = _challenge(request, ocid)
    item = Clarification.objects.filter(challenge=challenge, pk=pk).first()
    if item is None or not perms.can_answer_question(request.user, challenge):
        raise Http404
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.clarification_answer(
                clarification=item, by=request.user, answer=form.cleaned_data["answer"]
            )
        except ActionRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Answer published."))
    else:
        messages.error(request, _("Write the answer."))
    return redirect(challenge.get_absolute_url() + "#clarifications")
