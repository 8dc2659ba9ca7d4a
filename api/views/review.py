"""Experts: my invitations (accept, decline, declare per bid) and scoring of the bids I
may read — the web's review pages (review/*/views.py) through the same services and predicates."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from api import serializers as s
from api.errors import FieldErrors
from api.views.private import Private, _pk_param, pk_or_404
from bounty.models import Bid, RubricCriterion
from review import permissions as review_perms
from review.draw.seats import declaration_record, seat_accept, seat_decline
from review.models import Declaration, ScoreSheet, Seat, SeatStatus
from review.scoring import services as scoring


def _seat(request, pk, *, accepted=False):
    seat = Seat.objects.select_related("draw__challenge", "expert").filter(pk=pk_or_404(pk)).first()
    if seat is None or not review_perms.is_seat_expert(request.user, seat):
        raise NotFound
    if seat.status == SeatStatus.WAITING or (accepted and seat.status != SeatStatus.ACCEPTED):
        raise NotFound
    return seat


def _bids(seat):
    """The bids the panel sees: none before the formal check is complete, then those it
    found eligible."""
    return list(
        Bid.objects.filter(
            review_perms.bids_open_to_panel(), challenge=seat.draw.challenge
        ).order_by("reference")
    )


def _detail(seat):
    declarations = {d.bid_id: d for d in Declaration.objects.filter(seat=seat)}
    sheets = {sh.bid_id: sh for sh in ScoreSheet.objects.filter(seat=seat)}
    return {
        "pk": seat.pk,
        "draw": seat.draw,
        "status": seat.status,
        "on_panel": seat.on_panel,
        "invited_at": seat.invited_at,
        "bids": [
            {
                "id": bid.pk,
                "reference": bid.reference,
                "declaration": declarations[bid.pk].outcome if bid.pk in declarations else None,
                "may_read": bid.pk in declarations and declarations[bid.pk].clears_access,
                "sheet_status": sheets[bid.pk].status if bid.pk in sheets else None,
            }
            for bid in _bids(seat)
        ],
    }


class InvitationList(Private):
    """My panel invitations (as an expert)."""

    @extend_schema(responses=s.InvitationSerializer(many=True))
    def get(self, request):
        seats = (
            Seat.objects.filter(expert__user=request.user)
            .exclude(status=SeatStatus.WAITING)
            .select_related("draw__challenge")
            .order_by("-invited_at", "-pk")
        )
        return Response(s.InvitationSerializer(seats, many=True).data)


class InvitationDetail(Private):
    """One invitation with the challenge's bids, my declaration and my sheet for each."""

    @extend_schema(parameters=[_pk_param("id")], responses=s.InvitationDetailSerializer)
    def get(self, request, pk):
        return Response(s.InvitationDetailSerializer(_detail(_seat(request, pk))).data)


class InvitationAccept(Private):
    @extend_schema(
        parameters=[_pk_param("id")],
        request=s.AcceptSerializer,
        responses=s.InvitationDetailSerializer,
    )
    def post(self, request, pk):
        seat = _seat(request, pk)
        payload = s.AcceptSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        seat_accept(seat=seat, by=request.user, undertaking=payload.validated_data["undertaking"])
        return Response(s.InvitationDetailSerializer(_detail(_seat(request, pk))).data)


class InvitationDecline(Private):
    @extend_schema(
        parameters=[_pk_param("id")],
        request=s.DeclineSerializer,
        responses=s.InvitationDetailSerializer,
    )
    def post(self, request, pk):
        seat = _seat(request, pk)
        payload = s.DeclineSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        seat_decline(seat=seat, by=request.user, reason=payload.validated_data.get("reason", ""))
        return Response(s.InvitationDetailSerializer(_detail(_seat(request, pk))).data)


class InvitationDeclare(Private):
    """Declare a conflict of interest (none / potential / conflict) for one bid, before
    reading it."""

    @extend_schema(
        parameters=[_pk_param("id")],
        request=s.DeclareSerializer,
        responses=s.InvitationDetailSerializer,
    )
    def post(self, request, pk):
        seat = _seat(request, pk)
        payload = s.DeclareSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        bid = next((b for b in _bids(seat) if b.pk == payload.validated_data["bid"]), None)
        if bid is None:
            raise FieldErrors({"bid": [_("Choose an answer for the bid.")]})
        declaration_record(
            seat=seat,
            by=request.user,
            bid=bid,
            outcome=payload.validated_data["outcome"],
            note=payload.validated_data.get("note", ""),
        )
        return Response(s.InvitationDetailSerializer(_detail(_seat(request, pk))).data)


def _scoring(request, pk, bid_pk):
    seat = _seat(request, pk, accepted=True)
    declaration = (
        Declaration.objects.filter(seat=seat, bid_id=pk_or_404(bid_pk))
        .select_related("bid")
        .first()
    )
    if (
        declaration is None
        or not declaration.clears_access
        or not review_perms.bid_open_to_panel(declaration.bid, seat.draw.challenge)
    ):
        raise NotFound
    return seat, declaration.bid


def _sheet(seat, bid):
    sheet = ScoreSheet.objects.filter(seat=seat, bid=bid).prefetch_related("scores").first()
    saved = {sc.criterion_id: sc for sc in sheet.scores.all()} if sheet else {}
    criteria = RubricCriterion.objects.filter(challenge=seat.draw.challenge).order_by("position")
    return {
        "bid": bid.reference,
        "status": sheet.status if sheet else ScoreSheet.Status.DRAFT,
        "scores": [
            {
                "criterion": c.pk,
                "value": saved[c.pk].value if c.pk in saved else None,
                "justification": saved[c.pk].justification if c.pk in saved else "",
            }
            for c in criteria
        ],
    }


class ScoreSheetView(Private):
    """My score sheet for one bid I may read. PUT saves a draft (a null value clears it);
    submitting all sheets is POST …/scores/submit/."""

    @extend_schema(parameters=[_pk_param("id"), _pk_param("bid_pk")], responses=s.SheetSerializer)
    def get(self, request, pk, bid_pk):
        seat, bid = _scoring(request, pk, bid_pk)
        return Response(s.SheetSerializer(_sheet(seat, bid)).data)

    @extend_schema(
        parameters=[_pk_param("id"), _pk_param("bid_pk")],
        request=s.SheetWriteSerializer,
        responses=s.SheetSerializer,
    )
    def put(self, request, pk, bid_pk):
        seat, bid = _scoring(request, pk, bid_pk)
        payload = s.SheetWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        criteria = set(
            RubricCriterion.objects.filter(challenge=seat.draw.challenge).values_list(
                "pk", flat=True
            )
        )
        values, fields = {}, {}
        for index, row in enumerate(payload.validated_data["scores"]):
            if row["criterion"] not in criteria:
                fields[f"scores.{index}.criterion"] = [_("Not a criterion of this challenge.")]
                continue
            values[row["criterion"]] = (row["value"], row.get("justification", ""))
        if fields:
            raise FieldErrors(fields)
        try:
            scoring.sheet_save(seat=seat, by=request.user, bid=bid, values=values)
        except scoring.ScoresInvalid as exc:
            raise FieldErrors(
                {f"criterion.{k}": [str(v)] for k, v in exc.errors.items()}, message=exc.message
            ) from exc
        return Response(s.SheetSerializer(_sheet(seat, bid)).data)


class ScoresSubmit(Private):
    """Submit and lock all my sheets of this panel at once (every bid fully scored)."""

    @extend_schema(
        parameters=[_pk_param("id")], request=None, responses=s.InvitationDetailSerializer
    )
    def post(self, request, pk):
        seat = _seat(request, pk, accepted=True)
        scoring.scores_submit(seat=seat, by=request.user)
        return Response(s.InvitationDetailSerializer(_detail(seat)).data, status=status.HTTP_200_OK)
