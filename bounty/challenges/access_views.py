"""Pages of restricted and confidential challenges: the NDA, access requests and the
issuer's decisions, and what the challenge page shows of them (``access_context``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Organization
from bounty import permissions as perms
from bounty.challenges import access_rules as rules
from bounty.challenges import access_services as services
from bounty.challenges.access import AccessRequest, AccessStatus, NdaAcceptance
from bounty.challenges.access_forms import AccessDecisionForm, AccessRequestForm, NdaAcceptForm
from bounty.exceptions import ActionRefused
from bounty.models import Challenge, ChallengeStatus
from common.views import get_visible_or_404


def _challenge(request, ocid):
    return get_visible_or_404(
        Challenge.objects.select_related("issuer", "industry"),
        perms.can_view_challenge,
        request.user,
        ocid=ocid,
    )


def _organizations(ids):
    return list(Organization.objects.filter(pk__in=ids).order_by("name")) if ids else []


def _acceptable_orgs(user, challenge):
    """Organisations the user may still accept the current NDA for."""
    ids = rules.eligible_org_ids(user, challenge)
    done = set(
        rules.current_acceptances(user, challenge, ids).values_list("organization_id", flat=True)
    )
    return _organizations([i for i in ids if i not in done])


def _requestable_orgs(user, challenge):
    """Verified organisations of the user with no open request (confidential, open)."""
    if (
        not rules.is_confidential(challenge)
        or challenge.status != ChallengeStatus.PUBLISHED
        or challenge.deadline_passed
    ):
        return []
    ids = [i for i in rules.verified_org_ids(user) if i != challenge.issuer_id]
    taken = set(
        AccessRequest.objects.filter(
            challenge=challenge,
            organization_id__in=ids,
            status__in=[AccessStatus.PENDING, AccessStatus.ADMITTED],
        ).values_list("organization_id", flat=True)
    )
    return _organizations([i for i in ids if i not in taken])


def access_context(user, challenge) -> dict:
    """What the challenge page needs: ``details_visible`` and the ``access`` panel."""
    visible = rules.sees_details(user, challenge)
    if not rules.is_withheld(challenge):
        return {"details_visible": True, "access": None}
    access = {
        "confidential": rules.is_confidential(challenge),
        "version": challenge.nda_version,
        "everything": rules.sees_everything(user, challenge),
        "signed_in": user.is_authenticated,
        "verified": bool(rules.verified_org_ids(user)),
        "mine": [],
        "my_requests": [],
        "acceptable": [],
        "requestable": [],
        "records": None,
    }
    if user.is_authenticated and not access["everything"]:
        access["mine"] = list(
            rules.current_acceptances(user, challenge).select_related("organization")
        )
        access["acceptable"] = _acceptable_orgs(user, challenge)
        access["requestable"] = _requestable_orgs(user, challenge)
        if access["confidential"]:
            access["my_requests"] = list(
                AccessRequest.objects.filter(
                    challenge=challenge, organization_id__in=rules.verified_org_ids(user)
                ).select_related("organization")
            )
        if access["requestable"]:
            access["request_form"] = AccessRequestForm(organizations=access["requestable"])
    if rules.can_see_access_records(user, challenge):
        access["records"] = {
            "acceptances": NdaAcceptance.objects.filter(challenge=challenge).select_related(
                "organization", "user"
            ),
            "requests": AccessRequest.objects.filter(challenge=challenge).select_related(
                "organization", "requested_by", "decided_by"
            ),
            "can_decide": rules.can_decide_access(user, challenge),
            "decision_form": AccessDecisionForm(),
        }
    return {"details_visible": visible, "access": access}


@login_required
def challenge_nda(request, ocid):
    """The NDA text; a member of an eligible organisation accepts it here."""
    challenge = _challenge(request, ocid)
    if not rules.is_withheld(challenge):
        raise Http404
    organizations = _acceptable_orgs(request.user, challenge)
    data = request.POST if request.method == "POST" else None
    form = NdaAcceptForm(data, organizations=organizations)
    if request.method == "POST":
        if not organizations:
            messages.error(request, _("You cannot accept this NDA: see the challenge page."))
            return redirect(challenge)
        if form.is_valid():
            try:
                services.nda_accept(
                    challenge=challenge, by=request.user, organization=form.chosen()
                )
            except ActionRefused as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("NDA accepted. The details are open to you."))
            return redirect(challenge)
    return render(
        request,
        "bounty/challenge_nda.html",
        {
            "challenge": challenge,
            "nda_text": rules.nda_text(challenge),
            "form": form,
            "organizations": organizations,
            "already": rules.sees_details(request.user, challenge),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def access_request(request, ocid):
    challenge = _challenge(request, ocid)
    if not rules.is_confidential(challenge):
        raise Http404
    organizations = _requestable_orgs(request.user, challenge)
    form = AccessRequestForm(request.POST, organizations=organizations)
    if not organizations:
        messages.error(request, _("Your organisation cannot request access to this challenge."))
    elif form.is_valid():
        try:
            services.access_request_create(
                challenge=challenge,
                by=request.user,
                organization=form.chosen(),
                reason=form.cleaned_data["reason"],
            )
        except ActionRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Request sent. The issuer will admit or refuse it."))
    else:
        messages.error(request, _("Say briefly why your organisation needs the details."))
    return redirect(challenge.get_absolute_url() + "#access")


@login_required
@require_POST
def access_decide(request, ocid, pk):
    challenge = _challenge(request, ocid)
    item = AccessRequest.objects.filter(challenge=challenge, pk=pk).first()
    if item is None or not rules.can_decide_access(request.user, challenge):
        raise Http404
    decision = request.POST.get("decision")
    form = AccessDecisionForm(request.POST)
    form.is_valid()
    try:
        services.access_request_decide(
            request=item,
            by=request.user,
            decision=decision,
            reason=form.cleaned_data.get("reason", ""),
        )
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Decision recorded; the requester is notified."))
    return redirect(challenge.get_absolute_url() + "#access")
