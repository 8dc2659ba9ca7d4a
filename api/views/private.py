"""Signed-in endpoints. Every object goes through the web's predicates and selectors
(404 for what the caller may not know exists); every write calls the web's service."""

from django.http import QueryDict
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import permissions as account_perms
from accounts.models import Membership, Organization, User
from api import serializers as s
from api.errors import FieldErrors, form_errors
from api.pagination import PagePagination
from api.permissions import Authenticated, TokenScope
from bounty import permissions as bounty_perms
from bounty.bids import services as bid_services
from bounty.bids.forms import (
    AttachmentForm,
    BidForm,
    BudgetFormSet,
    ConsortiumFormSet,
    ExclusionFormSet,
    MilestoneFormSet,
    ResponseFormSet,
    TeamFormSet,
)
from bounty.bids.views import BID_RELATED, _bidder_orgs
from bounty.board.selectors import visible_projects
from bounty.challenges import access_rules
from bounty.challenges.models import plain_decimal
from bounty.exceptions import ActionRefused
from bounty.models import Bid, BidStatus, BidVersion, Challenge
from bounty.projects import services as projects
from bounty.projects.models import Project, ProjectMilestone, ProjectStatus
from common.views import get_visible_or_404

PK_MAX = 2**63 - 1
SMALL_MAX = 32767  # PositiveSmallIntegerField


def pk_or_404(value, limit=PK_MAX):
    """A path id: digits within the column's range, else 404 (never a 500)."""
    text = str(value)
    if not text.isascii() or not text.isdigit() or not 0 < int(text) <= limit:
        raise NotFound
    return int(text)


def _pk_param(name):
    return OpenApiParameter(name, int, OpenApiParameter.PATH)


class Private(APIView):
    permission_classes = [Authenticated, TokenScope]


class PrivateList(generics.ListAPIView):
    permission_classes = [Authenticated, TokenScope]


# --- Me and my organisations -------------------------------------------------------------


class Me(Private):
    """Who the token (or session) belongs to, with their memberships."""

    @extend_schema(responses=s.MeSerializer)
    def get(self, request):
        user = request.user
        memberships = Membership.objects.filter(user=user).select_related("organization")
        token = request.auth
        return Response(
            s.MeSerializer(
                {
                    "username": user.username,
                    "full_name": user.full_name,
                    "email": user.email,
                    "language": user.language,
                    "memberships": memberships.order_by("organization__name", "role"),
                    "token_scope": getattr(token, "scope", None),
                }
            ).data
        )


class OrganizationDetailSerializer(s.OrganizationRefSerializer):
    status = serializers.CharField()
    members = serializers.SerializerMethodField()

    class Meta(s.OrganizationRefSerializer.Meta):
        fields = (*s.OrganizationRefSerializer.Meta.fields, "status", "members")

    def get_members(self, org) -> list[dict]:
        return [
            {
                "username": m.user.username,
                "full_name": m.user.full_name,
                "role": m.role,
                "is_admin": m.is_admin,
            }
            for m in org.memberships.select_related("user").order_by("user__full_name", "role")
        ]


class OrganizationList(PrivateList):
    """The organisations I belong to (any status)."""

    serializer_class = s.OrganizationRefSerializer

    def get_queryset(self):
        return (
            Organization.objects.filter(memberships__user=self.request.user)
            .distinct()
            .order_by("name", "pk")
        )


class OrganizationDetail(Private):
    """One organisation and its members: its members and the bureau (else 404)."""

    @extend_schema(parameters=[_pk_param("id")], responses=OrganizationDetailSerializer)
    def get(self, request, pk):
        org = get_visible_or_404(
            Organization.objects.all(),
            account_perms.can_view_organization,
            request.user,
            pk=pk_or_404(pk),
        )
        return Response(OrganizationDetailSerializer(org).data)


# --- Bids --------------------------------------------------------------------------------


def _bid(request, reference, predicate=bounty_perms.can_view_bid):
    return get_visible_or_404(
        Bid.objects.select_related(*BID_RELATED), predicate, request.user, reference=reference
    )


def _team_without_access(request, bid, *, read=False):
    """Restricted/confidential: a team member without the current NDA for the lead unit
    (``read``: who does not read the details at all) gets 409 ``refused`` naming the NDA page,
    like the services the write endpoints call."""
    if not bounty_perms.is_bid_team(request.user, bid):
        return
    if read and access_rules.sees_details(request.user, bid.challenge):
        return
    if error := bounty_perms.bid_team_access_error(request.user, bid):
        raise ActionRefused(error)


def _challenge(request, ocid, predicate=bounty_perms.can_view_challenge):
    return get_visible_or_404(
        Challenge.objects.select_related("issuer"), predicate, request.user, ocid=ocid
    )


def _bid_detail(bid):
    bid = (
        Bid.objects.select_related(*BID_RELATED)
        .prefetch_related(
            "consortium",
            "team",
            "responses",
            "milestones",
            "budget_lines",
            "exclusions",
            "attachments",
            "versions",
        )
        .get(pk=bid.pk)
    )
    return s.BidDetailSerializer(bid).data


class MyBids(PrivateList):
    """The bids of my bidder organisations (sealed: only our own)."""

    serializer_class = s.BidListSerializer

    def get_queryset(self):
        return (
            Bid.objects.filter(lead__in=_bidder_orgs(self.request.user))
            .select_related("challenge", "lead")
            .order_by("challenge__bid_deadline", "-updated_at", "pk")
        )


class ChallengeBids(generics.GenericAPIView):
    """GET: the submitted bids of a challenge — the bureau after the deadline, the issuer
    after the formal check (the web's bid list); others 404.
    POST: start a draft bid for my (given) bidder organisation."""

    permission_classes = [Authenticated, TokenScope]
    serializer_class = s.BidListSerializer
    pagination_class = PagePagination

    @extend_schema(responses=s.BidListSerializer(many=True))
    def get(self, request, ocid):
        challenge = _challenge(request, ocid, bounty_perms.can_list_bids)
        qs = (
            challenge.bids.exclude(status__in=[BidStatus.DRAFT, BidStatus.WITHDRAWN])
            .exclude(submitted_at__isnull=True)
            .select_related("challenge", "lead")
            .order_by("submitted_at", "pk")
        )
        if not bounty_perms.sees_every_bid(request.user, challenge):
            qs = qs.exclude(status__in=[BidStatus.SUBMITTED, BidStatus.INELIGIBLE])
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.BidListSerializer(page, many=True).data)

    @extend_schema(request=s.BidCreateSerializer, responses={201: s.BidDetailSerializer})
    def post(self, request, ocid):
        challenge = _challenge(request, ocid)
        payload = s.BidCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        orgs = [
            o
            for o in _bidder_orgs(request.user)
            if bounty_perms.can_start_bid(request.user, challenge, o)
        ]
        wanted = payload.validated_data.get("lead")
        lead = next((o for o in orgs if o.pk == wanted), None) if wanted else (orgs or [None])[0]
        if lead is None:
            raise PermissionDenied(_("Only bidder staff of a verified organisation can bid."))
        bid = bid_services.bid_create(challenge=challenge, by=request.user, lead=lead)
        return Response(_bid_detail(bid), status=status.HTTP_201_CREATED)


SECTIONS = {
    # API key: (formset class, prefix)
    "consortium": (ConsortiumFormSet, "cons"),
    "team": (TeamFormSet, "team"),
    "responses": (ResponseFormSet, "resp"),
    "milestones": (MilestoneFormSet, "ms"),
    "budget": (BudgetFormSet, "budget"),
    "exclusions": (ExclusionFormSet, "excl"),
}


def _formset_data(prefix, rows):
    """JSON rows → the POST data the web's formset reads (the same validation)."""
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise FieldErrors({prefix: [_("Give a list of objects.")]})
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = "" if value is None else value
    return data


def _form_input(bid, payload):
    current = {f: getattr(bid, f) for f in BidForm.Meta.fields}
    current["pi_email"] = bid.pi.email if bid.pi_id else ""
    for key in current:
        if key in payload:
            current[key] = "" if payload[key] is None else payload[key]
    for key in ("lump_sum", "pi_commitment"):
        current[key] = bool(current[key]) and current[key] not in ("false", "0")
    return current


class BidDetail(Private):
    """GET: the bid — its team always; after the deadline the bureau, the issuer after
    the formal check and cleared panel experts (``can_view_bid``); else 404.
    PATCH: edit the draft (team only; the web's forms validate; lists replace a section)."""

    @extend_schema(responses=s.BidDetailSerializer)
    def get(self, request, reference):
        return Response(_bid_detail(_bid(request, reference)))

    @extend_schema(request=s.BidWriteSerializer, responses=s.BidDetailSerializer)
    def patch(self, request, reference):
        bid = _bid(request, reference, bounty_perms.is_bid_team)
        _team_without_access(request, bid)
        payload = request.data
        if not isinstance(payload, dict):
            raise FieldErrors({"non_field_errors": [_("Send a JSON object.")]})
        unknown = set(payload) - set(s.BidWriteSerializer().fields)
        if unknown:
            raise FieldErrors({k: [_("Unknown field.")] for k in sorted(unknown)})
        form = BidForm(_form_input(bid, payload), instance=bid)
        fields = {} if form.is_valid() else form_errors(form.errors)
        sets = {}
        for key, (cls, prefix) in SECTIONS.items():
            if key not in payload:
                continue
            kwargs = {"challenge": bid.challenge} if key == "consortium" else {}
            formset = cls(_formset_data(prefix, payload[key]), prefix=prefix, **kwargs)
            if formset.is_valid():
                sets[key] = formset
                continue
            for index, errors in enumerate(formset.errors):
                fields.update(form_errors(errors, f"{key}.{index}"))
            if formset.non_form_errors():
                fields[key] = [str(m) for m in formset.non_form_errors()]
        if fields:
            raise FieldErrors(fields)
        rows = {key: formset.rows() for key, formset in sets.items()}
        if "team" in rows:
            emails = {row["email"] for row in rows["team"] if row.get("email")}
            users = {u.email.lower(): u for u in User.objects.filter(email__in=emails)}
            rows["team"] = [
                {k: v for k, v in row.items() if k != "email"}
                | {"user": users.get((row.get("email") or "").lower())}
                for row in rows["team"]
            ]
        data = {f: form.cleaned_data[f] for f in BidForm.Meta.fields}
        data["pi"] = form.cleaned_data.get("pi_email")
        bid_services.bid_update(bid=bid, by=request.user, data=data, **rows)
        return Response(_bid_detail(bid))


class BidAttachments(Private):
    """Upload one file (multipart: ``kind``, ``file``), checked by content like the web."""

    @extend_schema(
        request={"multipart/form-data": s.AttachmentUploadSerializer},
        responses={201: s.AttachmentSerializer},
    )
    def post(self, request, reference):
        bid = _bid(request, reference, bounty_perms.is_bid_team)
        data = request.data if isinstance(request.data, QueryDict) else {}
        form = AttachmentForm(data, request.FILES)
        if not form.is_valid():
            raise FieldErrors(form_errors(form.errors))
        attachment = bid_services.attachment_add(
            bid=bid,
            by=request.user,
            upload=form.cleaned_data["file"],
            kind=form.cleaned_data["kind"],
        )
        return Response(s.AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class BidAttachment(Private):
    """Remove a file from the draft."""

    @extend_schema(parameters=[_pk_param("id")], responses={204: None})
    def delete(self, request, reference, pk):
        bid = _bid(request, reference, bounty_perms.is_bid_team)
        attachment = bid.attachments.filter(pk=pk_or_404(pk)).first()
        if attachment is None:
            raise NotFound
        bid_services.attachment_remove(attachment=attachment, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class BidSubmit(Private):
    """Submit the draft: completeness (400 listing what is missing), limits, the deadline by
    the database clock (409 once passed); returns the receipt (an immutable version)."""

    @extend_schema(request=s.SubmitSerializer, responses={201: s.ReceiptSerializer})
    def post(self, request, reference):
        bid = _bid(request, reference, bounty_perms.is_bid_team)
        payload = s.SubmitSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        version = bid_services.bid_submit(
            bid=bid, by=request.user, passphrase=payload.validated_data.get("passphrase", "")
        )
        return Response(s.ReceiptSerializer(version).data, status=status.HTTP_201_CREATED)


class BidWithdraw(Private):
    @extend_schema(request=None, responses=s.BidDetailSerializer)
    def post(self, request, reference):
        bid = _bid(request, reference, bounty_perms.is_bid_team)
        bid_services.bid_withdraw(bid=bid, by=request.user)
        return Response(_bid_detail(bid))


class BidReopen(Private):
    """A submitted bid back to draft (before the deadline); submit it again to count. A sealed
    submission comes back with the team passphrase given at submission, or ``fresh`` starts
    an empty draft and leaves it sealed."""

    @extend_schema(request=s.ReopenSerializer, responses=s.BidDetailSerializer)
    def post(self, request, reference):
        bid = _bid(request, reference, bounty_perms.is_bid_team)
        payload = s.ReopenSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        bid_services.bid_reopen(bid=bid, by=request.user, **payload.validated_data)
        return Response(_bid_detail(bid))


class BidReceipts(Private):
    @extend_schema(responses=s.VersionSerializer(many=True))
    def get(self, request, reference):
        bid = _bid(request, reference)
        return Response(s.VersionSerializer(bid.versions.order_by("number"), many=True).data)


class BidReceipt(Private):
    """One receipt: the canonical content, its SHA-256 and the attachments' hashes."""

    @extend_schema(parameters=[_pk_param("number")], responses=s.ReceiptSerializer)
    def get(self, request, reference, number):
        bid = _bid(request, reference)
        _team_without_access(request, bid, read=True)
        version = BidVersion.objects.filter(bid=bid, number=pk_or_404(number, SMALL_MAX)).first()
        if version is None:
            raise NotFound
        return Response(s.ReceiptSerializer(version).data)


# --- Projects ----------------------------------------------------------------------------

PROJECT_QS = Project.objects.select_related(
    "bid__lead", "bid__pi", "challenge__issuer", "challenge__industry"
)


class ProjectList(PrivateList):
    """My organisations' projects (team or issuer); every one for the bureau."""

    serializer_class = s.ProjectSerializer

    def get_queryset(self):
        return (
            visible_projects(self.request.user, PROJECT_QS)
            .exclude(status=ProjectStatus.AWAITING_CONTRACT)
            .order_by("-started_on", "-pk")
        )


def _project(request, pk):
    return get_visible_or_404(
        PROJECT_QS.prefetch_related("milestones", "tranches"),
        bounty_perms.can_view_project,
        request.user,
        pk=pk_or_404(pk),
    )


class ProjectDetail(Private):
    @extend_schema(parameters=[_pk_param("id")], responses=s.ProjectDetailSerializer)
    def get(self, request, pk):
        return Response(s.ProjectDetailSerializer(_project(request, pk)).data)


class MilestoneReport(Private):
    """The team reports on a milestone (multipart: ``text``, ``files`` repeated, and
    ``measured_<indicator id>`` per committed indicator), as on the project page."""

    @extend_schema(
        parameters=[_pk_param("id"), _pk_param("number")],
        request={"multipart/form-data": s.ReportWriteSerializer},
        responses={201: s.ReportSerializer},
    )
    def post(self, request, pk, number):
        project = _project(request, pk)
        milestone = ProjectMilestone.objects.filter(
            project=project, number=pk_or_404(number, SMALL_MAX)
        ).first()
        if milestone is None:
            raise NotFound
        data = request.data
        text = data.get("text", "") if hasattr(data, "get") else ""
        if not isinstance(text, str) or not text.strip():
            raise FieldErrors({"text": [_("Write the progress report.")]})
        measurements = [
            {
                "indicator": r.indicator.name,
                "committed": plain_decimal(r.committed_value),
                "measured": str(data.get(f"measured_{r.indicator_id}", "")).strip(),
            }
            for r in project.bid.responses.select_related("indicator")
        ]
        report = projects.report_submit(
            milestone=milestone,
            by=request.user,
            text=text,
            measurements=measurements,
            files=request.FILES.getlist("files"),
        )
        return Response(
            {
                "id": report.pk,
                "milestone": milestone.number,
                "submitted_at": report.submitted_at,
                "files": [a.sha256 for a in report.attachments.all()],
            },
            status=status.HTTP_201_CREATED,
        )
