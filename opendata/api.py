"""Public OCDS endpoints (mounted under /api/v1/ocds/). Anyone may read them: they show only
what the public pages show (opendata/ocds/ says what is withheld). Authentication and
throttling are the API's global defaults."""

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from bounty.models import PUBLIC_CALL_STATUSES, Call, Challenge

from .ocds.packages import call_package, package, release_package
from .ocds.releases import releases_changed_since

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
MAX_BIGINT = 2**63 - 1  # audit sequence numbers are 64-bit: a larger cursor is refused

_PACKAGE_DESCRIPTION = (
    "An OCDS 1.1 release package (https://standard.open-contracting.org/1.1/en/schema/"
    "release_package/); it validates against the release-package schema shipped in "
    "opendata/schema/."
)
_EXAMPLE_RELEASE = {
    "ocid": "ocds-jbgs01-2026-000001",
    "id": "ocds-jbgs01-2026-000001-tender-1",
    "date": "2026-03-01T09:00:00+08:00",
    "tag": ["tender"],
    "initiationType": "tender",
    "language": "zh",
    "buyer": {"id": "CN-USCI-91320400MA1XXXXXXX", "name": "常州新能源电池有限公司"},
    "tender": {"id": "ocds-jbgs01-2026-000001", "title": "高镍正极材料循环寿命提升"},
}


def _parse_since(value):
    if value in (None, ""):
        return None
    try:  # a "+" unencoded in a URL arrives as " "
        when = parse_datetime(value.replace(" ", "+"))
    except ValueError:  # well formed but impossible, e.g. month 13
        when = None
    if when is None:
        raise ValidationError(
            {"since": [_("Give an ISO 8601 date and time, e.g. 2026-01-31T08:00:00+08:00.")]}
        )
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    return when


def _parse_int(name, value, *, default, minimum, maximum=None):
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    maximum = MAX_BIGINT if maximum is None else maximum
    if number is None or number < minimum or number > maximum:
        message = _("Give a whole number from %(min)s to %(max)s.") % {
            "min": minimum,
            "max": maximum,
        }
        raise ValidationError({name: [message]})
    return number


class ReleaseFeedView(APIView):
    """Releases of every public challenge, oldest first, in pages."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="ocds_releases",
        summary="OCDS releases changed since a time (paged feed)",
        description=(
            "Every release of every public challenge whose event happened at or after `since`, "
            "oldest first. The page is a release package plus `links.next` (the URL of the next "
            "page, absent on the last one) — follow it until there is none. Releases never "
            "change once published, so the pages are complete and without duplicates. An empty "
            "page has an empty `releases` list."
        ),
        parameters=[
            OpenApiParameter(
                "since",
                OpenApiTypes.DATETIME,
                description="ISO 8601 date and time; releases at or after it (default: all).",
            ),
            OpenApiParameter(
                "cursor",
                OpenApiTypes.INT,
                description="Opaque position returned in `links.next`; do not build it yourself.",
            ),
            OpenApiParameter(
                "limit",
                OpenApiTypes.INT,
                description=f"Releases per page, 1–{MAX_LIMIT} (default {DEFAULT_LIMIT}).",
            ),
        ],
        responses={
            200: OpenApiResponse(
                response=OpenApiTypes.OBJECT,
                description=_PACKAGE_DESCRIPTION,
                examples=[
                    OpenApiExample(
                        "A page",
                        value={
                            "uri": "https://example.cn/api/v1/ocds/releases/?limit=1",
                            "version": "1.1",
                            "publishedDate": "2026-03-01T09:00:00+08:00",
                            "publisher": {"name": "示范市科学技术局"},
                            "releases": [_EXAMPLE_RELEASE],
                            "links": {
                                "next": "https://example.cn/api/v1/ocds/releases/?limit=1&cursor=17"
                            },
                        },
                    )
                ],
            ),
            400: OpenApiResponse(description="A parameter is not valid."),
        },
        tags=["ocds"],
    )
    def get(self, request):
        since = _parse_since(request.query_params.get("since"))
        cursor = _parse_int("cursor", request.query_params.get("cursor"), default=None, minimum=0)
        limit = _parse_int(
            "limit",
            request.query_params.get("limit"),
            default=DEFAULT_LIMIT,
            minimum=1,
            maximum=MAX_LIMIT,
        )
        releases, next_cursor = releases_changed_since(since, limit=limit, cursor=cursor)
        data = package(releases, uri=request.build_absolute_uri())
        if next_cursor is not None:
            params = request.query_params.copy()
            params["cursor"] = str(next_cursor)
            data["links"] = {
                "next": request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
            }
        return Response(data)


class ChallengePackageView(APIView):
    """The release package of one public challenge."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="ocds_challenge_package",
        summary="OCDS release package of one challenge",
        description=(
            "Every release of the contracting process `ocid` (one challenge): tender, "
            "amendments, awards, contract and implementation. 404 when no public challenge "
            "has this ocid."
        ),
        responses={
            200: OpenApiResponse(response=OpenApiTypes.OBJECT, description=_PACKAGE_DESCRIPTION),
            404: OpenApiResponse(description="No public challenge has this ocid."),
        },
        tags=["ocds"],
    )
    def get(self, request, ocid):
        challenge = (
            Challenge.objects.public().filter(ocid=ocid).first() if "\x00" not in ocid else None
        )
        if challenge is None:
            raise NotFound(_("No public challenge has this identifier."))
        return Response(release_package(challenge, request=request))


class CallPackageView(APIView):
    """The release package of one public call's planning process."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="ocds_call_package",
        summary="OCDS release package of one call (批次)",
        description=(
            "The planning release of the call `year`-`batch` (ocid "
            "`<prefix>-call-<year>-<batch>`): needs collection, the list published at once, "
            "the bidding window and quotas, the 发榜公告. Each challenge of the call names it "
            "in `relatedProcesses` (relationship `planning`). 404 when the call's list is not "
            "published."
        ),
        responses={
            200: OpenApiResponse(response=OpenApiTypes.OBJECT, description=_PACKAGE_DESCRIPTION),
            404: OpenApiResponse(description="No published call has this year and batch."),
        },
        tags=["ocds"],
    )
    def get(self, request, year, batch):
        call = Call.objects.filter(year=year, batch=batch, status__in=PUBLIC_CALL_STATUSES).first()
        if call is None:
            raise NotFound(_("No published call has this year and batch."))
        return Response(call_package(call, request=request))
