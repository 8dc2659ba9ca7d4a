"""Release packages: the publisher, a package around a list of releases (the feed's pages),
the package of every release of one public challenge and that of a public call's planning
process."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from accounts.selectors import bureau_organization
from bounty.models import PUBLIC_STATUSES
from documents.calls import call_notice
from documents.models import DocumentStatus

from .calls import call_release
from .parties import ORG_SCHEME
from .releases import challenge_releases
from .values import _dt

OCDS_VERSION = "1.1"


def publisher() -> dict:
    """The city's bureau publishes (JIEBANG["OCDS_PUBLISHER"] overrides its name)."""
    bureau = bureau_organization()
    name = settings.JIEBANG.get("OCDS_PUBLISHER") or (bureau.name if bureau else "")
    if not name:
        with translation.override(settings.LANGUAGE_CODE):
            name = settings.JIEBANG.get("SITE_NAME") or str(_("Challenge & Bid Platform"))
    data = {"name": name}
    if bureau is not None and bureau.credit_code:
        data |= {"scheme": ORG_SCHEME, "uid": bureau.credit_code}
    return data


def absolute(path, request=None) -> str:
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.SITE_URL.rstrip("/") + path


def package(releases, *, uri) -> dict:
    """A release package around ``releases`` (publishedDate = the newest release's date:
    the package is generated on demand)."""
    dates = [parse_datetime(r["date"]) for r in releases]
    data = {
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": _dt(max(dates)) if dates else _dt(timezone.now()),
        "publisher": publisher(),
        "releases": releases,
    }
    if settings.JIEBANG.get("OCDS_LICENSE"):
        data["license"] = settings.JIEBANG["OCDS_LICENSE"]
    return data


def release_package(challenge, *, request=None) -> dict:
    """Every release of one public challenge (the caller checks that it is public)."""
    uri = absolute(reverse("opendata:package", args=[challenge.ocid]), request)
    return package(challenge_releases(challenge), uri=uri)


def call_releases(call) -> list[dict]:
    """The planning release of one public call (the caller checks that it is public)."""
    challenges = list(
        call.challenges.filter(status__in=PUBLIC_STATUSES)
        .select_related("issuer", "industry")
        .order_by("ocid")
    )
    notice = call_notice(call)
    if notice is not None and notice.status != DocumentStatus.READY:
        notice = None
    with translation.override(settings.LANGUAGE_CODE):
        return [
            call_release(call, challenges=challenges, bureau=bureau_organization(), notice=notice)
        ]


def call_package(call, *, request=None) -> dict:
    """The release package of one public call's planning process."""
    uri = absolute(reverse("opendata:call_package", args=[call.year, call.batch]), request)
    return package(call_releases(call), uri=uri)
