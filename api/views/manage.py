"""The issuer's and the bureau's side: challenge drafts, submission, vetting decisions, the
formal check of bids and the award proposal and its confirmation — the web's pages
(bounty/challenges/views.py, bounty/bids/cure_views.py, review/award/*views.py) through
the same forms, predicates and services.

Who may reach an object: the web's predicate for the role the endpoint serves (the
issuer's staff, a bureau officer outside the issuing organisation, the formal-check
officer of a bid), else 404; what the rules refuse in the object's current state is the
service's refusal (409 ``refused`` / ``stale_state``, 400 ``incomplete``)."""

from datetime import datetime

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from api import serializers_manage as m
from api.errors import FieldErrors, form_errors
from api.permissions import Authenticated, TokenScope
from api.views.private import Private, _formset_data
from bounty import permissions as bounty_perms
from bounty.bids import services as bid_services
from bounty.bids.cure_services import formal_check_hold
from bounty.bids.cure_views import BID_RELATED
from bounty.bids.forms import FormalCheckForm
from bounty.bids.rules import bid_completeness_errors
from bounty.challenges import services as challenge_services
from bounty.challenges.forms import (
    CHALLENGE_FIELDS,
    NEED_FIELDS,
    ChallengeForm,
    CriterionFormSet,
    IndicatorFormSet,
)
from bounty.challenges.views import _issuer_orgs
from bounty.dueprocess.services import open_case
from bounty.exceptions import ActionRefused
from bounty.models import (
    Bid,
    BidStatus,
    Call,
    CaseKind,
    Challenge,
    ChallengeStatus,
    FormalCheck,
    Industry,
)
from common.views import get_visible_or_404
from review.award import exits as award_exits
from review.award import services as award_services

CHALLENGE_RELATED = ("issuer", "industry", "call")
# The editor's fields: the challenge's own and, for a need in a call (批次), the call and
# the issuer's qualification facts.
EDITOR_FIELDS = (*CHALLENGE_FIELDS, *NEED_FIELDS)


def _managed(challenge):
    challenge = (
        Challenge.objects.select_related(*CHALLENGE_RELATED)
        .prefetch_related("indicators", "criteria")
        .get(pk=challenge.pk)
    )
    return m.ManagedChallengeSerializer(challenge).data


def _issuer_challenge(request, ocid):
    """A challenge of one of my issuer organisations (any status); others 404."""
    return get_visible_or_404(
        Challenge.objects.select_related(*CHALLENGE_RELATED),
        bounty_perms.is_issuer_staff,
        request.user,
        ocid=ocid,
    )


def _bureau_challenge(request, ocid):
    """A challenge a bureau officer outside its issuing organisation decides on; others 404."""
    return get_visible_or_404(
        Challenge.objects.select_related(*CHALLENGE_RELATED),
        bounty_perms.can_vet_challenge,
        request.user,
        ocid=ocid,
    )


def _payload(request, allowed):
    payload = request.data
    if not isinstance(payload, dict):
        raise FieldErrors({"non_field_errors": [_("Send a JSON object.")]})
    unknown = set(payload) - set(allowed)
    if unknown:
        raise FieldErrors({k: [_("Unknown field.")] for k in sorted(unknown)})
    return payload


# --- Challenge drafts ----------------------------------------------------------------------


def _form_input(payload, challenge=None):
    """JSON → the POST data the web's editor reads: what is not sent keeps its current
    value (create: the model's default, as the empty editor shows it)."""
    current = {}
    for name in EDITOR_FIELDS:
        if name in ("industry", "call"):
            value = getattr(challenge, f"{name}_id") if challenge else None
        elif challenge is not None:
            value = getattr(challenge, name)
        else:
            value = Challenge._meta.get_field(name).get_default()
        if isinstance(value, datetime):
            value = value.replace(microsecond=0)  # as the editor shows it: unchanged
        current[name] = "" if value is None else value
    for name in EDITOR_FIELDS:
        if name in payload:
            current[name] = "" if payload[name] is None else payload[name]
    code = payload.get("industry")
    if code not in (None, ""):
        found = Industry.objects.filter(code=str(code)).values_list("pk", flat=True).first()
        current["industry"] = found if found is not None else "-"  # "-": not a valid choice
    code = payload.get("call")
    if code not in (None, ""):
        current["call"] = _call_pk(code)
    return current


def _call_pk(code):
    """A call's code ("2026-1") → its id for the editor's choice of calls, which offers
    only the calls accepting needs and the need's current call; "-" when there is none."""
    year, sep, batch = str(code).partition("-")
    if not (sep and year.isdigit() and batch.isdigit()):
        return "-"
    found = Call.objects.filter(year=int(year), batch=int(batch)).values_list("pk", flat=True)
    return found.first() or "-"


def _validated_challenge(payload, challenge=None):
    """The web editor's form and formsets on the JSON; (data, indicators, criteria) or
    400 with every field at fault."""
    form = ChallengeForm(_form_input(payload, challenge), instance=challenge)
    fields = {} if form.is_valid() else form_errors(form.errors)
    rows = {}
    for key, cls, prefix in (
        ("indicators", IndicatorFormSet, "ind"),
        ("criteria", CriterionFormSet, "crit"),
    ):
        if key not in payload:
            rows[key] = None
            continue
        formset = cls(_formset_data(prefix, payload[key]), prefix=prefix)
        if formset.is_valid():
            rows[key] = formset.rows()
            continue
        for index, errors in enumerate(formset.errors):
            fields.update(form_errors(errors, f"{key}.{index}"))
        if formset.non_form_errors():
            fields[key] = [str(msg) for msg in formset.non_form_errors()]
    if fields:
        raise FieldErrors(fields)
    data = {f: form.cleaned_data[f] for f in EDITOR_FIELDS}
    return data, rows["indicators"], rows["criteria"]


class IssuerChallenges(generics.ListAPIView):
    """GET: my issuer organisations' challenges in every status, last changed first
    (the web's “My challenges”); without a verified issuer organisation 404.
    POST: create a draft (``issuer``: the organisation's id, default the first)."""

    permission_classes = [Authenticated, TokenScope]
    serializer_class = m.ManagedChallengeListSerializer

    def get_queryset(self):
        orgs = _issuer_orgs(self.request.user)
        if not orgs:
            raise NotFound
        qs = (
            Challenge.objects.filter(issuer__in=orgs)
            .select_related("issuer", "call")
            .order_by("-updated_at", "-pk")
        )
        wanted = self.request.query_params.get("status", "")
        if wanted in ChallengeStatus.values:
            qs = qs.filter(status=wanted)
        return qs

    @extend_schema(parameters=[OpenApiParameter("status", str, enum=list(ChallengeStatus.values))])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=m.ChallengeWriteSerializer, responses={201: m.ManagedChallengeSerializer}
    )
    def post(self, request):
        payload = _payload(request, m.WRITE_KEYS | {"issuer"})
        orgs = [
            o
            for o in _issuer_orgs(request.user)
            if bounty_perms.can_create_challenge(request.user, o)
        ]
        wanted = payload.get("issuer")
        issuer = next((o for o in orgs if str(o.pk) == str(wanted)), None) if wanted else None
        if not wanted:
            issuer = (orgs or [None])[0]
        if issuer is None:
            raise PermissionDenied(
                _("Only issuer staff of a verified enterprise can draft challenges.")
            )
        data, indicators, criteria = _validated_challenge(payload)
        challenge = challenge_services.challenge_create(
            by=request.user,
            issuer=issuer,
            data=data,
            indicators=indicators or (),
            criteria=criteria,
        )
        return Response(_managed(challenge), status=status.HTTP_201_CREATED)


class IssuerChallengeDetail(Private):
    """GET: one of my organisations' challenges as the editor shows it (with what is still
    missing before submission). PATCH: edit a draft or a returned challenge."""

    @extend_schema(responses=m.ManagedChallengeSerializer)
    def get(self, request, ocid):
        return Response(_managed(_issuer_challenge(request, ocid)))

    @extend_schema(request=m.ChallengeWriteSerializer, responses=m.ManagedChallengeSerializer)
    def patch(self, request, ocid):
        challenge = _issuer_challenge(request, ocid)
        payload = _payload(request, m.WRITE_KEYS)
        if not bounty_perms.can_edit_challenge(request.user, challenge):
            raise ActionRefused(_("This challenge is with the bureau and cannot be edited now."))
        data, indicators, criteria = _validated_challenge(payload, challenge)
        challenge_services.challenge_update(
            challenge=challenge,
            by=request.user,
            data=data,
            indicators=indicators,
            criteria=criteria,
        )
        return Response(_managed(challenge))


class IssuerChallengeSubmit(Private):
    """Submit the draft for vetting: 400 ``incomplete`` lists what is missing."""

    @extend_schema(request=None, responses=m.ManagedChallengeSerializer)
    def post(self, request, ocid):
        challenge = _issuer_challenge(request, ocid)
        challenge_services.challenge_submit(challenge=challenge, by=request.user)
        return Response(_managed(challenge))


# --- Vetting --------------------------------------------------------------------------------


class BureauDecision(Private):
    """A vetting decision: ``start_vetting`` (submitted), ``approve`` (vetting; with
    ``lump_sum_allowed``), ``return`` (submitted or vetting), ``reject`` (vetting),
    ``publish`` (approved; the deadline still ahead), ``withdraw`` (published, before the
    deadline). Another state: 409."""

    @extend_schema(request=m.DecisionSerializer, responses=m.ManagedChallengeSerializer)
    def post(self, request, ocid):
        challenge = _bureau_challenge(request, ocid)
        payload = m.DecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        decision = payload.validated_data["decision"]
        challenge_services.challenge_decide(
            challenge=challenge,
            by=request.user,
            decision=decision,
            comment=payload.validated_data.get("comment", ""),
            lump_sum_allowed=payload.validated_data.get("lump_sum_allowed")
            if decision == "approve"
            else None,
        )
        return Response(_managed(challenge))


# --- The formal check -----------------------------------------------------------------------


class BureauFormalCheckStart(Private):
    """Open the formal check once the deadline has passed (the challenge is closed first;
    without a submitted bid it ends with no award). Sealed bids must be opened first."""

    @extend_schema(request=None, responses=m.ManagedChallengeSerializer)
    def post(self, request, ocid):
        challenge = _bureau_challenge(request, ocid)
        bid_services.formal_check_start(challenge=challenge, by=request.user)
        return Response(_managed(challenge))


def _checked_bid(request, reference):
    return get_visible_or_404(
        Bid.objects.select_related(*BID_RELATED),
        lambda user, bid: (
            bounty_perms.can_view_bid(user, bid) and bounty_perms.can_formal_check_bid(user, bid)
        ),
        request.user,
        reference=reference,
    )


def _check_state(bid):
    bid = Bid.objects.select_related(*BID_RELATED).get(pk=bid.pk)
    auto = bid_services.auto_checklist(bid)
    open_to_check = (
        bid.status == BidStatus.SUBMITTED and bid.challenge.status == ChallengeStatus.FORMAL_CHECK
    )
    case = open_case(CaseKind.INELIGIBLE, bid)
    return {
        "bid": bid.reference,
        "challenge": bid.challenge.ocid,
        "status": bid.status,
        "open_to_check": open_to_check,
        "hold": str(hold) if open_to_check and (hold := formal_check_hold(bid)) else None,
        "items": [
            {
                "key": key,
                "label": str(label),
                "auto": bool(auto.get(key)),
                "computed": key in FormalCheckForm.COMPUTED,
            }
            for key, label in FormalCheck.ITEMS
        ],
        "completeness": {k: str(v) for k, v in bid_completeness_errors(bid).items()},
        "recorded": FormalCheck.objects.filter(bid=bid).first(),
        "open_case": case.pk if case is not None else None,
    }


class BureauFormalCheck(Private):
    """The formal check of one bid (bureau, after the deadline, never an officer of the
    bidding organisations; else 404). GET: the checklist with the system's results.
    POST: eligible, or an intended ineligibility with reasons (a due-process case the team
    answers; the bid stays submitted until its decision is final)."""

    @extend_schema(responses=m.FormalCheckSerializer)
    def get(self, request, reference):
        return Response(
            m.FormalCheckSerializer(_check_state(_checked_bid(request, reference))).data
        )

    @extend_schema(request=m.FormalCheckWriteSerializer, responses=m.FormalCheckSerializer)
    def post(self, request, reference):
        bid = _checked_bid(request, reference)
        payload = m.FormalCheckWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        values = payload.validated_data
        auto = bid_services.auto_checklist(bid)
        items = values.get("items", {})
        unknown = sorted(set(items) - set(auto))
        if unknown:
            raise FieldErrors({f"items.{k}": [_("Unknown field.")] for k in unknown})
        # The web form's POST: ticked items, the outcome and the reasons.
        data = {
            "eligible": "1" if values["eligible"] else "0",
            "reasons": values.get("reasons", ""),
        }
        for key, _label in FormalCheck.ITEMS:
            if items.get(key, auto.get(key)):
                data[f"item_{key}"] = "on"
        initial = {f"item_{k}": v for k, v in auto.items()}
        form = FormalCheckForm(data, initial=initial, items=FormalCheck.ITEMS)
        if not form.is_valid():
            raise FieldErrors(form_errors(form.errors))
        checklist = {
            k: {"auto": auto[k], "ok": form.cleaned_data[f"item_{k}"]}
            for k, _label in FormalCheck.ITEMS
        }
        bid_services.bid_formal_check(
            bid=bid,
            by=request.user,
            checklist=checklist,
            eligible=form.cleaned_data["eligible"],
            reasons=form.cleaned_data["reasons"],
        )
        return Response(m.FormalCheckSerializer(_check_state(bid)).data)


# --- The award ------------------------------------------------------------------------------


def _proposed_bids(challenge, references):
    """The bids named, of this challenge; an unknown reference is a field error."""
    found = {
        b.reference: b for b in Bid.objects.filter(challenge=challenge, reference__in=references)
    }
    missing = [r for r in references if r not in found]
    if missing:
        raise FieldErrors(
            {"bids": [_("No such bid of this challenge: %(ref)s") % {"ref": r} for r in missing]}
        )
    return [found[r] for r in references]


class _AwardPropose(Private):
    """Propose the winner(s) from the ranking through ``propose`` on the challenge that
    ``lookup`` finds for the user (404 for one they may not know)."""

    lookup = staticmethod(_issuer_challenge)
    propose = staticmethod(award_services.award_propose)

    @extend_schema(request=m.ProposeSerializer, responses=m.ManagedChallengeSerializer)
    def post(self, request, ocid):
        challenge = self.lookup(request, ocid)
        payload = m.ProposeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        self.propose(
            challenge=challenge,
            by=request.user,
            bids=_proposed_bids(challenge, payload.validated_data["bids"]),
            reason=payload.validated_data.get("reason", ""),
        )
        return Response(_managed(challenge))


class IssuerAwardPropose(_AwardPropose):
    """The issuer proposes the winner(s) while the challenge is under review, with reference
    to the ranking; departing from it needs a written ``reason``."""


class BureauAwardPropose(_AwardPropose):
    """After the issuer's proposal deadline: the bureau proposes from the ranking (a
    ``reason`` is required) and the public notice opens at once."""

    lookup = staticmethod(_bureau_challenge)
    propose = staticmethod(award_exits.award_bureau_propose)


class BureauAwardConfirm(Private):
    """Confirm the issuer's proposal on the record of the collective decision (``meeting``)
    and open the public notice."""

    @extend_schema(request=m.ConfirmSerializer, responses=m.ManagedChallengeSerializer)
    def post(self, request, ocid):
        challenge = _bureau_challenge(request, ocid)
        payload = m.ConfirmSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        award_services.award_confirm(
            challenge=challenge, by=request.user, meeting=str(payload.validated_data["meeting"])
        )
        return Response(_managed(challenge))


class BureauAwardReturn(Private):
    """Send the issuer's proposal back with a ``comment``; the challenge is under review again."""

    @extend_schema(request=m.ReturnSerializer, responses=m.ManagedChallengeSerializer)
    def post(self, request, ocid):
        challenge = _bureau_challenge(request, ocid)
        payload = m.ReturnSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        award_services.award_return(
            challenge=challenge, by=request.user, comment=payload.validated_data["comment"]
        )
        return Response(_managed(challenge))
