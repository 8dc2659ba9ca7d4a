"""Public endpoints: anyone, signed in or not (the web's public pages, as JSON)."""

import re

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from api import serializers as s
from api.errors import FieldErrors, form_errors
from api.permissions import Authenticated, TokenScope
from bounty import permissions as bounty_perms
from bounty.board.forms import BOARD_STATUS_CHOICES, SORT_CHOICES
from bounty.board.selectors import challenge_board, challenge_list_for_bureau
from bounty.challenges.access_rules import sees_details
from bounty.models import Bid, BidStatus, Challenge, ChallengeStatus, Industry
from common.views import get_visible_or_404
from documents.services import verify_hash

_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")


def _board_parameters():
    return [
        OpenApiParameter("q", str, description="Search title, problem, indicators and issuer."),
        OpenApiParameter("industry", str, description="Industry code (GET /industries/)."),
        OpenApiParameter("status", str, enum=[v for v, _label in BOARD_STATUS_CHOICES if v]),
        OpenApiParameter("amount_min", OpenApiTypes.DECIMAL, description="Bounty from (10k yuan)."),
        OpenApiParameter(
            "amount_max", OpenApiTypes.DECIMAL, description="Bounty up to (10k yuan)."
        ),
        OpenApiParameter("deadline_from", OpenApiTypes.DATE),
        OpenApiParameter("deadline_to", OpenApiTypes.DATE),
        OpenApiParameter("sort", str, enum=[v for v, _label in SORT_CHOICES]),
    ]


class IndustryList(generics.ListAPIView):
    """The industry taxonomy (board filter, expert pools)."""

    serializer_class = s.IndustrySerializer
    pagination_class = None
    queryset = Industry.objects.order_by("sort_order", "code")


def _validated(rows_and_form):
    rows, form = rows_and_form
    if form.errors:
        raise FieldErrors(form_errors(form.errors))
    return rows


def _when(value):
    return timezone.localtime(value).isoformat() if value is not None else None


def board_rows(challenges):
    """Board rows as ``BoardItemSerializer`` gives them, built directly: the endpoint has a
    20 ms budget and the serializer's field machinery took a quarter of it."""
    return [
        {
            "ocid": c.ocid,
            "title": c.title,
            "issuer": c.issuer.name,
            "industry": {"code": c.industry.code, "name": c.industry.name}
            if c.industry_id
            else None,
            "status": c.shown_status,
            "bounty_total": None if c.bounty_total is None else f"{c.bounty_total:.2f}",
            "bid_deadline": _when(c.bid_deadline),
            "published_at": _when(c.published_at),
        }
        for c in challenges
    ]


@extend_schema(parameters=_board_parameters())
class Board(generics.ListAPIView):
    """The public challenge board: the web board's search, filters, order and pages
    (``bounty.selectors.challenge_board``). An invalid parameter is a 400 naming it."""

    serializer_class = s.BoardItemSerializer

    def get_queryset(self):
        return _validated(challenge_board(params=self.request.query_params))

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(board_rows(page))


def _challenge_qs():
    return Challenge.objects.select_related("issuer", "industry").prefetch_related(
        "indicators", "criteria", "amendments"
    )


class ChallengeDetail(APIView):
    """One challenge with its indicators, rubric, clarifications (never the asker) and
    amendment history. Drafts and the like: their issuer and the bureau only (else 404).
    A restricted or confidential challenge (``confidentiality``) shows only its public part
    (``details_withheld`` true, ``public_summary``) to a caller without access: the web's
    NDA and, when confidential, the issuer's admission."""

    @extend_schema(responses=s.ChallengeSerializer)
    def get(self, request, ocid):
        user = request.user
        challenge = get_visible_or_404(
            _challenge_qs(), bounty_perms.can_view_challenge, user, ocid=ocid
        )
        clarifications = challenge.clarifications.order_by("asked_at", "pk")
        if not bounty_perms.can_answer_question(user, challenge):
            mine = Q(asked_by=user) if user.is_authenticated else Q(pk__in=[])
            clarifications = clarifications.filter(Q(answered_at__isnull=False) | mine)
        # Restricted / confidential: only the public part unless the caller has access.
        challenge.details_withheld = not sees_details(user, challenge)
        challenge.clarifications_shown = [] if challenge.details_withheld else list(clarifications)
        return Response(s.ChallengeSerializer(challenge).data)


WINNING = (BidStatus.PROPOSED_WINNER, BidStatus.WINNER)


def _with_winners(qs):
    return qs.select_related("issuer", "industry").prefetch_related(
        Prefetch(
            "bids",
            queryset=Bid.objects.filter(status__in=WINNING).select_related("lead").order_by("pk"),
            to_attr="public_winners",
        )
    )


class NoticeList(generics.ListAPIView):
    """Challenges in public notice and awarded (the web's /review/notices/)."""

    serializer_class = s.NoticeSerializer

    def get_queryset(self):
        return _with_winners(
            Challenge.objects.filter(
                status__in=[ChallengeStatus.IN_NOTICE, ChallengeStatus.AWARDED]
            ).order_by("-notice_ends_at", "-pk")
        )


class NoticeDetail(APIView):
    """One public notice with its (proposed) winners."""

    @extend_schema(responses=s.NoticeSerializer)
    def get(self, request, ocid):
        challenge = (
            _with_winners(Challenge.objects.filter(ocid=ocid))
            .filter(status__in=[ChallengeStatus.IN_NOTICE, ChallengeStatus.AWARDED])
            .first()
        )
        if challenge is None:
            raise_not_found()
        return Response(s.NoticeSerializer(challenge).data)


AWARD_STATUSES = (ChallengeStatus.AWARDED, ChallengeStatus.CONTRACTED, ChallengeStatus.COMPLETED)


class AwardList(generics.ListAPIView):
    """Awarded challenges and their winners, newest award first."""

    serializer_class = s.NoticeSerializer

    def get_queryset(self):
        return _with_winners(
            Challenge.objects.filter(status__in=AWARD_STATUSES).order_by("-awarded_at", "-pk")
        )


def raise_not_found():
    from rest_framework.exceptions import NotFound

    raise NotFound


class Verify(APIView):
    """What the platform knows of a file with this SHA-256 (contracts, receipts, notices,
    signed scans), without its content — the web's /documents/verify/."""

    @extend_schema(
        parameters=[
            OpenApiParameter("sha256", str, OpenApiParameter.PATH, pattern="^[0-9a-fA-F]{64}$")
        ],
        responses=s.VerificationSerializer,
    )
    def get(self, request, sha256):
        if not _SHA256.match(sha256):
            raise FieldErrors({"sha256": [_("Give the SHA-256 as 64 hexadecimal characters.")]})
        result = verify_hash(sha256)
        data = {"sha256": sha256.lower(), "found": result["found"]}
        if result.get("what") == "document":
            document = result["document"]
            newer = result.get("newer")
            data.update(
                what="document",
                current=result["current"],
                number=document.number,
                kind=document.kind,
                version=document.version,
                ready_at=document.ready_at,
                newer_number=newer.number if newer else None,
            )
        elif result.get("what") == "scan":
            signature = result["signature"]
            data.update(
                what="scan",
                current=True,
                contract=signature.contract.number,
                party=signature.party,
                signed_at=signature.signed_at,
            )
        return Response(data)


@extend_schema(parameters=_board_parameters())
class BureauChallengeList(generics.ListAPIView):
    """Every challenge in every status, with the board's filters (``status`` may be any
    challenge status): the bureau's export list. Others: 404."""

    serializer_class = s.BoardItemSerializer
    permission_classes = [Authenticated, TokenScope]

    def get_queryset(self):
        if not bounty_perms.can_export_challenges(self.request.user):
            raise_not_found()
        return _validated(challenge_list_for_bureau(params=self.request.query_params))
