"""Pages of bids (one cohesive thing: the team's bid from start to submission and
receipt, the bureau's and issuer's bid lists, and the formal check screens)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Membership, Role, User
from audit.services import audit_events_for
from bounty import permissions as perms
from bounty.bids import services as bid_services
from bounty.bids.cure_views import formal_context
from bounty.bids.forms import (
    AttachmentForm,
    BidForm,
    BudgetFormSet,
    ConsortiumFormSet,
    ExclusionFormSet,
    MilestoneFormSet,
    ResponseFormSet,
    TeamFormSet,
    VerifyForm,
)
from bounty.bids.rules import bid_completeness_errors
from bounty.challenges.funding import team_funding
from bounty.exceptions import ActionRefused
from bounty.models import (
    Bid,
    BidStatus,
    BidVersion,
    Challenge,
    ConsortiumMember,
)
from bounty.sealing.forms import RestoreForm, SubmitPassphraseForm
from bounty.sealing.models import ChallengeKey, SealedFile
from bounty.sealing.services import bid_is_sealed
from common.hashing import file_digest
from common.views import get_visible_or_404, paginate

BID_RELATED = ("challenge", "challenge__issuer", "lead", "pi")
# Served with the type detected from the content, never from the uploader's file name.
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "ooxml": "application/octet-stream",
    "ole2": "application/octet-stream",
}


def _bid(request, reference, predicate=perms.can_view_bid):
    return get_visible_or_404(
        Bid.objects.select_related(*BID_RELATED), predicate, request.user, reference=reference
    )


def _no_access_redirect(request, bid, *, read=False):
    """Restricted/confidential: a team member without the current NDA for the lead unit
    (``read``: who does not read the details at all) is told why and sent to the NDA page
    (or, when the lead is not admitted to a confidential challenge, to its access panel)."""
    from bounty.challenges import access_rules

    challenge = bid.challenge
    if not perms.is_bid_team(request.user, bid):
        return None
    if read and access_rules.sees_details(request.user, challenge):
        return None
    error = perms.bid_team_access_error(request.user, bid)
    if error is None:
        return None
    messages.error(request, error)
    if bid.lead_id in access_rules.eligible_org_ids(request.user, challenge):
        return redirect(access_rules.nda_url(challenge))
    return redirect(challenge.get_absolute_url() + "#access")


def _bidder_orgs(user):
    return [
        m.organization
        for m in Membership.objects.filter(user=user, role=Role.BIDDER).select_related(
            "organization"
        )
        if m.organization.is_verified
    ]


@login_required
def my_bids(request):
    orgs = _bidder_orgs(request.user)
    if not orgs:
        raise Http404
    qs = (
        Bid.objects.filter(lead__in=orgs)
        .select_related("challenge", "lead")
        .order_by("challenge__bid_deadline", "-updated_at")
    )
    return render(request, "bounty/my_bids.html", {"page": paginate(request, qs)})


@login_required
@require_POST
def bid_start(request, ocid):
    challenge = get_visible_or_404(
        Challenge.objects.select_related("issuer"),
        perms.can_view_challenge,
        request.user,
        ocid=ocid,
    )
    orgs = [
        o for o in _bidder_orgs(request.user) if perms.can_start_bid(request.user, challenge, o)
    ]
    lead = next(
        (o for o in orgs if str(o.pk) == request.POST.get("lead")), orgs[0] if orgs else None
    )
    if lead is None:
        messages.error(request, _("Only bidder staff of a verified organisation can bid."))
        return redirect(challenge)
    existing = Bid.objects.filter(
        challenge=challenge, lead=lead, status__in=[BidStatus.DRAFT, BidStatus.SUBMITTED]
    ).first()
    if existing:
        return redirect("bounty:bid_edit", reference=existing.reference)
    try:
        bid = bid_services.bid_create(challenge=challenge, by=request.user, lead=lead)
    except ActionRefused as exc:
        messages.error(request, exc.message)
        return redirect(challenge)
    messages.success(request, _("Bid draft created. It stays sealed: only your team can see it."))
    return redirect("bounty:bid_edit", reference=bid.reference)


def _initial(bid):
    indicators = list(bid.challenge.indicators.all())
    responses = {r.indicator_id: r for r in bid.responses.all()}
    return {
        "cons": [
            {
                "name": m.name,
                "credit_code": m.credit_code,
                "work_share": m.work_share,
                "responsibilities": m.responsibilities,
            }
            for m in bid.consortium.all()
        ],
        "team": [
            {
                "name": t.name,
                "title": t.title,
                "employer": t.employer,
                "employer_code": t.employer_code,
                "role": t.role,
                "email": t.user.email if t.user_id else "",
            }
            for t in bid.team.select_related("user")
        ],
        "resp": [
            {
                "indicator_id": i.pk,
                "committed_value": responses[i.pk].committed_value if i.pk in responses else None,
                "note": responses[i.pk].note if i.pk in responses else "",
            }
            for i in indicators
        ],
        "ms": list(bid.milestones.values("title", "due_month", "deliverables", "tranche_share")),
        "budget": list(
            bid.budget_lines.values("category", "government_amount", "self_raised_amount", "note")
        ),
        "excl": list(bid.exclusions.values("kind", "name", "credit_code", "reason")),
    }


def _formsets(request, bid):
    post = request.POST if request.method == "POST" else None
    initial = _initial(bid)
    sets = {
        "consortium": ConsortiumFormSet(post, prefix="cons", challenge=bid.challenge),
        "team": TeamFormSet(post, prefix="team"),
        "responses": ResponseFormSet(post, prefix="resp"),
        "milestones": MilestoneFormSet(post, prefix="ms"),
        "budget": BudgetFormSet(post, prefix="budget"),
        "exclusions": ExclusionFormSet(post, prefix="excl"),
    }
    if post is None:  # unbound: show what is saved
        prefixes = {
            "consortium": "cons",
            "team": "team",
            "responses": "resp",
            "milestones": "ms",
            "budget": "budget",
            "exclusions": "excl",
        }
        for key, formset in list(sets.items()):
            cls = type(formset)
            kwargs = {"challenge": bid.challenge} if key == "consortium" else {}
            sets[key] = cls(initial=initial[prefixes[key]], prefix=prefixes[key], **kwargs)
    indicators = {i.pk: i for i in bid.challenge.indicators.all()}
    for form in sets["responses"]:
        value = form["indicator_id"].value()
        form.indicator = indicators.get(int(value)) if str(value or "").isdigit() else None
    return sets


@login_required
def bid_edit(request, reference):
    bid = _bid(request, reference, predicate=perms.is_bid_team)
    if not perms.can_edit_bid(request.user, bid) or bid_is_sealed(bid):
        return redirect(bid)  # a sealed draft is restored (or started afresh) there first
    if refused := _no_access_redirect(request, bid):
        return refused
    form = BidForm(request.POST or None, instance=bid)
    sets = _formsets(request, bid)
    if request.method == "POST":
        if form.is_valid() and all(s.is_valid() for s in sets.values()):
            emails = {row["email"] for row in sets["team"].rows() if row.get("email")}
            users = {u.email.lower(): u for u in User.objects.filter(email__in=emails)}
            team = [
                {k: v for k, v in row.items() if k != "email"}
                | {"user": users.get((row.get("email") or "").lower())}
                for row in sets["team"].rows()
            ]
            data = {f: form.cleaned_data[f] for f in BidForm.Meta.fields}
            data["pi"] = form.cleaned_data.get("pi_email")
            try:
                bid_services.bid_update(
                    bid=bid,
                    by=request.user,
                    data=data,
                    consortium=sets["consortium"].rows(),
                    team=team,
                    responses=sets["responses"].rows(),
                    milestones=sets["milestones"].rows(),
                    budget=sets["budget"].rows(),
                    exclusions=sets["exclusions"].rows(),
                )
            except ActionRefused as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Draft saved."))
                if request.POST.get("action") == "submit":
                    return redirect("bounty:bid_submit", reference=bid.reference)
                return redirect("bounty:bid_edit", reference=bid.reference)
        else:
            messages.error(request, _("Nothing was saved: correct the fields marked below."))
    bid.refresh_from_db()
    return render(
        request,
        "bounty/bid_form.html",
        {
            "bid": bid,
            "challenge": bid.challenge,
            "form": form,
            "sets": sets,
            "attachment_form": AttachmentForm(),
            "attachments": bid.attachments.all(),
            "completeness": bid_completeness_errors(bid),
            "indirect_cap": settings.JIEBANG["INDIRECT_COST_CAP_PERCENT"],
            "funding_parts": team_funding(bid.challenge),  # (enterprise, government)
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def bid_attach(request, reference):
    bid = _bid(request, reference, predicate=perms.is_bid_team)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            bid_services.attachment_add(
                bid=bid,
                by=request.user,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
            )
        except (ActionRefused, ValidationError) as exc:
            messages.error(request, getattr(exc, "message", None) or " ".join(exc.messages))
        else:
            messages.success(request, _("File attached."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, _("File not attached: %(error)s") % {"error": error})
    return redirect(f"{bid.get_absolute_url()}edit/#attachments")


@login_required
@require_POST
def bid_detach(request, reference, pk):
    bid = _bid(request, reference, predicate=perms.is_bid_team)
    attachment = get_object_or_404(bid.attachments, pk=pk)
    try:
        bid_services.attachment_remove(attachment=attachment, by=request.user)
    except ActionRefused as exc:
        messages.error(request, exc.message)
    return redirect(f"{bid.get_absolute_url()}edit/#attachments")


def bid_attachment(request, reference, pk):
    bid = _bid(request, reference)
    attachment = get_object_or_404(bid.attachments, pk=pk)
    if SealedFile.objects.filter(attachment=attachment).exists():
        messages.info(request, _("This file is sealed (encrypted) until the opening."))
        return redirect(bid)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=CONTENT_TYPES.get(attachment.content_kind, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def bid_submit(request, reference):
    bid = _bid(request, reference, predicate=perms.is_bid_team)
    if bid.status == BidStatus.DRAFT and (refused := _no_access_redirect(request, bid)):
        return refused
    sealed = ChallengeKey.objects.filter(challenge_id=bid.challenge_id).exists()
    passphrase_form = SubmitPassphraseForm(request.POST or None) if sealed else None
    if request.method == "POST" and passphrase_form is not None and not passphrase_form.is_valid():
        messages.error(request, _("Choose the team passphrase (twice) to submit a sealed bid."))
    elif request.method == "POST":
        passphrase = passphrase_form.cleaned_data["passphrase"] if passphrase_form else ""
        try:
            version = bid_services.bid_submit(bid=bid, by=request.user, passphrase=passphrase)
        except bid_services.BidIncomplete as exc:
            messages.error(request, exc.message)
        except ActionRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Bid submitted. Keep your receipt."))
            return redirect("bounty:bid_receipt", reference=bid.reference, number=version.number)
    return render(
        request,
        "bounty/bid_submit.html",
        {
            "bid": bid,
            "completeness": bid_completeness_errors(bid) if bid.status == BidStatus.DRAFT else {},
            "passphrase_form": passphrase_form,
        },
    )


@login_required
@require_POST
def bid_reopen(request, reference):
    bid = _bid(request, reference, predicate=perms.is_bid_team)
    form = RestoreForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {"passphrase": "", "fresh": False}
    try:
        bid_services.bid_reopen(
            bid=bid, by=request.user, passphrase=data["passphrase"], fresh=data["fresh"]
        )
    except ActionRefused as exc:
        messages.error(request, exc.message)
        return redirect(bid)
    messages.info(
        request,
        _("The bid is a draft again. Submit it again before the deadline, or it will not count."),
    )
    return redirect("bounty:bid_edit", reference=bid.reference)


@login_required
@require_POST
def bid_withdraw(request, reference):
    bid = _bid(request, reference, predicate=perms.is_bid_team)
    try:
        bid_services.bid_withdraw(bid=bid, by=request.user)
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Bid withdrawn."))
    return redirect(bid)


def bid_detail(request, reference):
    bid = _bid(request, reference)
    if refused := _no_access_redirect(request, bid, read=True):
        return refused
    is_team = perms.is_bid_team(request.user, bid)
    works = perms.bid_team_access_error(request.user, bid) is None
    context = {
        "bid": bid,
        "challenge": bid.challenge,
        "is_team": is_team,
        "can_edit": works and perms.can_edit_bid(request.user, bid),
        "can_reopen": works
        and perms.can_edit_bid(request.user, bid, allow_submitted=True)
        and bid.status == BidStatus.SUBMITTED,
        "responses": bid.responses.select_related("indicator").order_by("indicator__position"),
        "versions": bid.versions.all(),
        "bid_sealed": is_team and bid_is_sealed(bid),
        "restore_form": RestoreForm(),
        **formal_context(request.user, bid),  # the check, 补正, ineligibility cases
        "events": audit_events_for(bid).order_by("-seq")[:30] if is_team else [],
    }
    return render(request, "bounty/bid_detail.html", context)


def bid_receipt(request, reference, number):
    bid = _bid(request, reference)
    if refused := _no_access_redirect(request, bid, read=True):
        return refused
    version = get_object_or_404(BidVersion, bid=bid, number=number)
    match = None
    form = VerifyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        digest = file_digest(form.cleaned_data["file"], version.hash_algorithm)
        names = [a["name"] for a in version.attachments if a["sha256"] == digest]
        match = {
            "digest": digest,
            "content": digest == version.content_sha256,
            "attachments": names,
        }
    if request.GET.get("format") == "pdf":
        # Receipts are generated, stored and verifiable like every other document.
        return redirect(reverse("documents:of", args=["receipt", version.pk]))
    if request.GET.get("format") == "json" and version.content.get("sealed"):
        messages.info(request, _("The content is sealed until the opening; the hash is above."))
        return redirect(request.path)
    if request.GET.get("format") == "json":
        from bounty.bids.rules import canonical_bytes

        response = HttpResponse(
            canonical_bytes(version.content), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="bid-{bid.reference}-v{version.number}.json"'
        )
        return response
    return render(
        request,
        "bounty/bid_receipt.html",
        {"bid": bid, "version": version, "form": form, "match": match},
    )


BID_ROW_FIELDS = (
    "reference",
    "status",
    "submitted_at",
    "lead__name",
    "pi__full_name",
    "pi__username",
)


def _bid_rows(request, qs):
    """One page of the bid list as plain dicts. The page's 60 ids are picked first from the
    covering index (a "deferred join": joins and the member count run for 60 rows, not for
    every row before the offset); rows are formatted once here, because 60 model instances
    and per-row reverse()/date filters cost more than the query itself."""
    page = paginate(request, qs.values_list("pk", flat=True), per_page=60, count_queryset=qs)
    members = (
        ConsortiumMember.objects.filter(bid=OuterRef("pk"))
        .order_by()
        .values("bid")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        Bid.objects.filter(pk__in=page.object_list)
        .order_by(*qs.query.order_by)
        .annotate(members=Coalesce(Subquery(members), Value(0)))
        .values(*BID_ROW_FIELDS, "members")
    )
    detail = reverse("bounty:bid_detail", args=["REF"])
    check = reverse("bounty:formal_check", args=["REF"])
    statuses = dict(BidStatus.choices)
    page.object_list = [
        {
            "reference": row["reference"],
            "status": row["status"],
            "status_label": statuses.get(row["status"], row["status"]),
            "lead": row["lead__name"],
            "pi": row["pi__full_name"] or row["pi__username"] or "—",
            "members": row["members"],
            "submitted": timezone.localtime(row["submitted_at"]).strftime("%Y-%m-%d %H:%M:%S"),
            "detail_url": detail.replace("REF", row["reference"]),
            "check_url": check.replace("REF", row["reference"]),
        }
        for row in rows
    ]
    return page


def bid_list(request, ocid):
    challenge = get_visible_or_404(
        Challenge.objects.select_related("issuer"), perms.can_list_bids, request.user, ocid=ocid
    )
    qs = (
        challenge.bids.exclude(status__in=[BidStatus.DRAFT, BidStatus.WITHDRAWN])
        .exclude(submitted_at__isnull=True)
        .order_by("submitted_at", "pk")
    )
    if not perms.sees_every_bid(request.user, challenge):
        qs = qs.exclude(status__in=[BidStatus.SUBMITTED, BidStatus.INELIGIBLE])
    status = request.GET.get("status", "")
    if status in BidStatus.values:
        qs = qs.filter(status=status)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(reference__icontains=q) | Q(lead__name__icontains=q))
    can_check = perms.can_formal_check(request.user, challenge)
    if request.method == "POST" and can_check:
        selected = challenge.bids.filter(
            reference__in=request.POST.getlist("bids"), status=BidStatus.SUBMITTED
        )
        try:
            done, skipped = bid_services.bids_formal_check_bulk(
                challenge=challenge, by=request.user, bids=list(selected)
            )
        except ActionRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(n)d bid(s) marked eligible.") % {"n": len(done)})
            if skipped:
                messages.warning(
                    request,
                    _("%(n)d bid(s) need a manual check: an automatic check failed.")
                    % {"n": len(skipped)},
                )
        return redirect("bounty:bid_list", ocid=ocid)
    return render(
        request,
        "bounty/bid_list.html",
        {
            "challenge": challenge,
            "page": _bid_rows(request, qs),
            "status": status,
            "q": q,
            "statuses": BidStatus.choices,
            "can_check": can_check,
        },
    )


@login_required
@require_POST
def formal_check_start(request, ocid):
    challenge = get_visible_or_404(
        Challenge.objects.select_related("issuer"),
        perms.can_view_challenge,
        request.user,
        ocid=ocid,
    )
    try:
        bid_services.formal_check_start(challenge=challenge, by=request.user)
    except ActionRefused as exc:
        messages.error(request, exc.message)
        return redirect(challenge)
    return redirect("bounty:bid_list", ocid=ocid)
